"""The periodic jobs: each target resolves and runs, and a job is not started again before its interval."""

import subprocess
import sys

from backend import scheduler
from backend.core.manifest import resolve
from backend.domains import DOMAINS, jobs


def test_every_job_of_every_manifest_resolves_to_a_function_and_has_one_name():
    names = [job.name for domain in DOMAINS for job in domain.jobs]
    assert len(names) == len(set(names)) == len(jobs())
    for job in jobs().values():
        assert callable(resolve(job.target)), job.target


def test_due_jobs_run_once_per_interval(app):
    """Inline jobs (TestConfig) run each target on an empty database without error."""
    last_run: dict[str, float] = {}
    periodic = scheduler.periodic_jobs()
    with app.app_context():
        first = scheduler.run_due(last_run, now=1_000_000.0)
        assert first == [job.name for job in periodic]
        assert scheduler.run_due(last_run, now=1_000_030.0) == []
        minute_jobs = [job.name for job in periodic if job.every_seconds <= 60]
        assert scheduler.run_due(last_run, now=1_000_061.0) == minute_jobs


def test_the_scheduler_and_the_manifests_import_no_domain_code():
    """Is a job's code loaded only when it is due (a fresh interpreter importing the scheduler)?"""
    code = (
        "import sys, backend.scheduler; "
        "print(sorted(m for m in sys.modules if m.endswith(('.services', '.routes', '.models'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_flask_jobs_lists_every_job_and_refuses_an_unknown_one(app):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"]).output
    assert [line.split()[0] for line in listed.splitlines()] == list(jobs())
    unknown = runner.invoke(args=["jobs", "run", "no-such-job"])
    assert unknown.exit_code != 0 and "flask jobs list" in unknown.output


def test_flask_jobs_run_passes_arguments_to_the_job(app):
    """`flask jobs run send-digests weekly` sends the weekly digest (nobody chose one: none sent)."""
    result = app.test_cli_runner().invoke(args=["jobs", "run", "send-digests", "weekly"])
    assert result.exit_code == 0 and result.output == "send-digests: 0\n"


def test_only_one_process_holds_the_scheduler_lock(app, tmp_path, monkeypatch):
    import fcntl

    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    held = open(tmp_path / "scheduler.lock", "w")  # noqa: SIM115 (held, as another scheduler would)
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another process is the scheduler
    monkeypatch.setattr(scheduler, "_started", False)
    assert scheduler.start_in_process(app) is False
    held.close()
