"""The pure parts of `make bench` (bench/wrk_bench.py, bench/pwa_weight.py): what they compute from wrk's,
py-spy's and the browser's output, checked on small made-up inputs. Nothing here starts a server or is timed;
the harness itself is run by `make bench`."""

from __future__ import annotations

import json

import pytest

from bench.pwa_weight import summarise_first_load
from bench.wrk_bench import (
    Endpoint,
    Run,
    diagonal_pairs,
    evaluate,
    frame_package,
    parse_wrk_output,
    replace_docs_section,
    request_line,
    summarise_endpoint,
    summarise_speedscope,
)


@pytest.mark.parametrize(("rows", "columns"), [(5, 3), (33, 100), (100, 100), (7, 1)])
def test_diagonal_pairs_cover_every_pair_once_and_consecutive_pairs_differ(rows, columns):
    # (33, 100): a first version repeated pairs when rows + 1 and columns shared a factor (a repeated
    # ballot is a 409, measuring nothing)
    pairs = diagonal_pairs(rows, columns)
    assert sorted(pairs) == [(r, c) for r in range(rows) for c in range(columns)]
    steps = list(zip(pairs, pairs[1:], strict=False))
    assert all(a[0] != b[0] for a, b in steps)
    if columns > 1:
        assert sum(a[1] == b[1] for a, b in steps) <= columns  # only where a sweep over the rows ends


def test_request_line_refuses_a_tab_inside_a_field():
    assert request_line("GET", "/x") == "GET\t/x\t\t\t"
    assert request_line("POST", "/y", body={"a": "居民"}).endswith('\t{"a":"居民"}')
    with pytest.raises(ValueError):
        request_line("GET", "/y\tz")


def test_parse_wrk_output_reads_the_json_line_and_fails_without_it():
    out = 'Running 1s test\nWRK_JSON {"requests": 3}\nRequests/sec: 3\n'
    assert parse_wrk_output(out) == {"requests": 3}
    with pytest.raises(ValueError):
        parse_wrk_output("Running 1s test\n")


def test_replace_docs_section_replaces_between_markers_or_appends():
    text = "intro\n<!-- bench:latest:start -->\nold\n<!-- bench:latest:end -->\noutro\n"
    replaced = replace_docs_section(text, "latest", "new table\n")
    assert "old" not in replaced and "new table" in replaced
    assert replaced.startswith("intro\n") and replaced.endswith("outro\n")
    appended = replace_docs_section("intro\n", "before", "figures")
    assert appended == "intro\n\n<!-- bench:before:start -->\nfigures\n<!-- bench:before:end -->\n"


def _run(app: str, rps: float, p95: float, cpu: float, **extra) -> Run:
    values = dict(
        endpoint="x",
        app=app,
        phase="measure",
        rps=rps,
        p50_ms=p95 / 2,
        p95_ms=p95,
        p99_ms=p95 * 2,
        requests=int(rps * 10),
        errors=0,
        statuses={},
        cpu_ms_per_request=cpu,
        others_cpu_percent=5.0,
        wrk_cpu_percent=10.0,
        load_average=[1.0, 1.0, 1.0],
        workers_recycled=0,
        exhausted=False,
        issued=int(rps * 10),
    )
    values.update(extra)
    return Run(**values)


def test_a_row_compares_linli_with_the_baseline_runs_on_either_side():
    read = Endpoint("projects", "project list", "visitor", ["GET\t/p\t\t\t"])
    hello = Endpoint("hello", "GET /hello", "baseline", ["GET\t/hello\t\t\t"])
    row = summarise_endpoint(
        read, hello, [(_run("baseline", 900, 10, 0.4), _run("linli", 700, 30, 1.0), _run("baseline", 1100, 30, 0.6))]
    )
    assert row["baseline_rps"] == 1000 and row["ratio"] == pytest.approx(0.7)
    assert row["p95_ratio"] == pytest.approx(1.5) and row["baseline_cpu_ms"] == pytest.approx(0.5)
    assert row["met"] and row["verdict"] == "met"


def test_targets_per_group():
    base = {"errors": 0, "p95_ratio": 1.0}
    assert evaluate({**base, "group": "visitor", "ratio": 0.59})[0] is False
    assert evaluate({**base, "group": "signed_in", "ratio": 0.41})[0] is True
    assert "p95" in evaluate({**base, "group": "signed_in", "ratio": 0.5, "p95_ratio": 4.5})[1]
    # writes: p95 is not a target, every acknowledged write must be found afterwards
    assert evaluate({**base, "group": "write", "ratio": 0.3, "p95_ratio": 9.0, "missing": 0})[0] is True
    met, verdict = evaluate({**base, "group": "write", "ratio": 0.3, "missing": 2})
    assert not met and "2 acknowledged writes missing" in verdict


def test_speedscope_summary_counts_self_and_inclusive_time():
    frames = [
        {"name": "handle", "file": "/v/lib/python3.13/site-packages/gunicorn/workers/gthread.py", "line": 1},
        {"name": "list_projects", "file": "/srv/linli/backend/projects/services.py", "line": 2},
        {"name": "execute", "file": "/v/lib/python3.13/site-packages/sqlalchemy/orm/session.py", "line": 3},
    ]
    profile = {
        "shared": {"frames": frames},
        "profiles": [{"samples": [[0, 1, 2], [0, 1], [0, 2], []], "weights": [1, 1, 2, 5]}],
    }
    summary = summarise_speedscope(json.loads(json.dumps(profile)))
    assert summary["samples"] == 4
    assert dict(summary["packages_self"]) == {"sqlalchemy": 75.0, "backend.projects": 25.0}
    assert summary["app_inclusive_top"] == [("list_projects (backend/projects/services.py:2)", 50.0)]
    assert frame_package("/usr/lib/python3.13/json/encoder.py") == "stdlib"


def test_first_load_is_judged_on_the_page_not_the_precache():
    responses = [
        {"url": "http://x/", "from_service_worker": False, "encoded_bytes": 100, "content_encoding": None},
        {"url": "http://x/app.js", "from_service_worker": False, "encoded_bytes": 300, "content_encoding": None},
        {"url": "http://x/more.js", "from_service_worker": True, "encoded_bytes": 5000, "content_encoding": None},
    ]
    bodies = {"http://x/": b"a" * 100, "http://x/app.js": b"b" * 300, "http://x/more.js": b"c" * 5000}
    summary = summarise_first_load(responses, bodies)
    assert summary["totals"]["page"]["requests"] == 2 and summary["totals"]["precache"]["requests"] == 1
    # served uncompressed: judged on the gzip estimate of the page's two files only
    assert summary["judged_bytes"] == summary["totals"]["page"]["gzip_bytes"] < 400
    assert summary["met"]


def test_lighthouse_reports_the_run_with_the_median_score_and_every_runs_score():
    from bench.pwa_weight import median_run

    runs = [
        {"path": "/", "score": 71, "metrics": {"total-blocking-time": "900 ms"}, "load_average": 14.0},
        {"path": "/", "error": "timed out"},
        {"path": "/", "score": 96, "metrics": {"total-blocking-time": "20 ms"}, "load_average": 3.0},
        {"path": "/", "score": 88, "metrics": {"total-blocking-time": "150 ms"}, "load_average": 8.0},
    ]
    chosen = median_run(runs)
    assert chosen["score"] == 88 and chosen["metrics"] == {"total-blocking-time": "150 ms"}
    assert chosen["scores"] == [71, None, 96, 88] and chosen["load_averages"] == [14.0, None, 3.0, 8.0]
    assert median_run([{"path": "/", "error": "no chromium"}]) == {"path": "/", "error": "no chromium"}


def test_worker_options_become_the_environment_gunicorn_conf_reads():
    from bench.wrk_bench import gunicorn_environment

    class Args:
        worker_class, threads, workers = "sync", None, 3

    assert gunicorn_environment(Args()) == {"GUNICORN_WORKER_CLASS": "sync", "WEB_CONCURRENCY": "3"}
    Args.worker_class = Args.workers = None
    assert gunicorn_environment(Args()) == {}


def test_workers_table_combines_runs_of_a_setting_by_their_median():
    from bench.workers_table import combine, render, setting_of

    def report(gunicorn, linli_cpu, baseline_cpu, rss):
        row = {"key": "home", "linli_cpu_ms": linli_cpu, "baseline_cpu_ms": baseline_cpu, "ratio": 0.1, "p95_ratio": 2}
        memory = {"linli": {"rss_mib_per_worker": rss, "pss_mib_workers_total": 5 * rss}}
        return {"meta": {"gunicorn": gunicorn, "load_average_start": [9, 9, 9], "memory": memory}, "rows": [row]}

    sync = "5 workers × 1 threads (sync), max_requests 50000 ± 5000"
    threaded = "3 workers × 8 threads (gthread), max_requests 50000 ± 5000"
    assert setting_of(report(sync, 1, 1, 1)) == "5 × sync"
    assert setting_of(report(threaded, 1, 1, 1)) == "3 × gthread 8"
    table = combine([report(sync, 10, 1, 100), report(sync, 30, 1, 120), report(threaded, 20, 2, 150)])
    assert table["5 × sync"]["endpoints"]["home"]["cpu_multiple"] == 20  # median of 10× and 30×
    assert table["5 × sync"]["rss"] == 110 and table["3 × gthread 8"]["runs"] == 1
    assert "| 5 × sync | 2 | 110 | 550 | 20.0× · 10% · p95 2.0× · 20.0 ms |" in render(table)
