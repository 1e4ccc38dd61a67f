"""The periodic jobs: each target resolves and runs, and a job is not started again before its interval."""

from backend import scheduler


def test_every_periodic_job_resolves_to_a_function():
    for job in scheduler.PERIODIC_JOBS:
        assert callable(scheduler._function(job.target)), job.target


def test_due_jobs_run_once_per_interval(app):
    """Inline jobs (TestConfig) run each target on an empty database without error."""
    last_run: dict[str, float] = {}
    with app.app_context():
        first = scheduler.run_due(last_run, now=1_000_000.0)
        assert first == [job.target for job in scheduler.PERIODIC_JOBS]
        assert scheduler.run_due(last_run, now=1_000_030.0) == []
        minute_jobs = [job.target for job in scheduler.PERIODIC_JOBS if job.every_seconds <= 60]
        assert scheduler.run_due(last_run, now=1_000_061.0) == minute_jobs


def test_only_one_process_holds_the_scheduler_lock(app, tmp_path, monkeypatch):
    import fcntl

    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    held = open(tmp_path / "scheduler.lock", "w")
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another process is the scheduler
    monkeypatch.setattr(scheduler, "_started", False)
    assert scheduler.start_in_process(app) is False
    held.close()
