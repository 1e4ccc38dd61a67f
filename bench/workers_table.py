"""The "Workers and threads" table of docs/benchmarks.md from runs of bench/wrk_bench.py, one per gunicorn setting.

    # each setting once per pass, passes in alternating order; every run writes its own JSON
    for s in gthread:5:4 sync:5:1 gthread:5:2 gthread:5:8 gthread:3:4 gthread:8:4; do
      IFS=: read cls w t <<< "$s"
      .venv/bin/python bench/wrk_bench.py --only projects,home,projects_in,inbox,comment --duration 8 --warmup 1 \\
        --no-pwa --profiles 0 --docs-section none --worker-class $cls --workers $w --threads $t \\
        --json bench/output/workers/p1-$cls-$w-$t.json
    done
    .venv/bin/python bench/workers_table.py bench/output/workers/*.json

Each run measures Linli and the baseline under the same setting, alternated, so the figures compared across
settings are the ones the machine's other work affects least: Linli's CPU per request as a multiple of the
baseline's in the same run, req/s as a share of the baseline's, p95 as a multiple of the baseline's. Runs of
the same setting are combined by their median. Memory: the resident set of each Linli worker after its runs,
and the proportional set (shared pages divided among the processes sharing them) of all of them.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

ORDER = ("projects", "home", "projects_in", "inbox", "comment")
HEADINGS = {
    "projects": "visitors' project list",
    "home": "home",
    "projects_in": "project list (signed in)",
    "inbox": "inbox",
    "comment": "comment (write)",
}


def setting_of(report: dict) -> str:
    """'5 × gthread 4' from the gunicorn settings the report names ('5 workers × 4 threads (gthread), ...')."""
    words = report["meta"]["gunicorn"].split()
    workers, threads, worker_class = words[0], words[3], words[5].strip("(),")
    return f"{workers} × sync" if worker_class == "sync" else f"{workers} × gthread {threads}"


def combine(reports: list[dict]) -> dict:
    """Per setting: the median over its runs of each endpoint's figures, and of the workers' memory."""
    by_setting: dict[str, list[dict]] = {}
    for report in reports:
        by_setting.setdefault(setting_of(report), []).append(report)
    table = {}
    for setting, runs in by_setting.items():
        rows: dict[str, dict[str, list[float]]] = {}
        for report in runs:
            for row in report["rows"]:
                figures = rows.setdefault(row["key"], {"cpu_multiple": [], "ratio": [], "p95_ratio": [], "cpu": []})
                figures["cpu_multiple"].append(row["linli_cpu_ms"] / row["baseline_cpu_ms"])
                figures["ratio"].append(row["ratio"])
                figures["p95_ratio"].append(row["p95_ratio"])
                figures["cpu"].append(row["linli_cpu_ms"])
        memory = [r["meta"].get("memory", {}).get("linli") or {} for r in runs]
        table[setting] = {
            "runs": len(runs),
            "loads": [r["meta"]["load_average_start"][0] for r in runs],
            "rss": statistics.median([m["rss_mib_per_worker"] for m in memory if m] or [float("nan")]),
            "pss_total": statistics.median([m["pss_mib_workers_total"] for m in memory if m] or [float("nan")]),
            "endpoints": {key: {k: statistics.median(v) for k, v in f.items()} for key, f in rows.items()},
        }
    return table


def render(table: dict) -> str:
    keys = [k for k in ORDER if any(k in s["endpoints"] for s in table.values())]
    head = (
        "| setting | runs | RSS per worker, MiB | all workers' PSS, MiB | "
        + " | ".join(HEADINGS[k] for k in keys)
        + " |"
    )
    lines = [head, "|---|---:|---:|---:|" + "---:|" * len(keys)]
    for setting, s in table.items():
        cells = []
        for key in keys:
            e = s["endpoints"].get(key)
            cells.append(
                "n/a"
                if e is None
                else f"{e['cpu_multiple']:.1f}× · {e['ratio']:.0%} · p95 {e['p95_ratio']:.1f}× · {e['cpu']:.1f} ms"
            )
        lines.append(f"| {setting} | {s['runs']} | {s['rss']:.0f} | {s['pss_total']:.0f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reports", nargs="+", type=Path, help="JSON files of bench/wrk_bench.py --json")
    args = parser.parse_args(argv)
    reports = [json.loads(path.read_text()) for path in args.reports]
    print(render(combine(reports)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
