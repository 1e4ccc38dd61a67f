"""Budget tally benchmark: our Equal Shares and greedy against pabutools (prints figures; not a test).

    .venv/bin/python bench/tally_bench.py [--pabulib DIR] [--repeat 3] [--only NAME] [--skip-synthetic]

Prints one Markdown table: instance, voters, projects, distinct ballots, rule, our CPU time, pabutools'
CPU time, the ratio (pabutools' time over ours), pabutools' time plus the time its election takes to
build from the same ballot lists (grouping them: end to end, as ours is measured), and whether both
fund the same projects. CPU time is `time.process_time`, the minimum of `--repeat` runs (the machine is
shared: the minimum is the least disturbed run).

- **Ours**: the whole public call, `tally_budget_equal_shares(ballots, costs, budget, order)` (or
  `tally_budget_greedy`), from the raw ballot lists: grouping, validation and counting included.
- **pabutools** (test requirement, `pabutools==1.2.3`): only the rule, on an election built beforehand
  with identical ballots grouped (`ApprovalMultiProfile`); Equal Shares is `method_of_equal_shares`
  with cost utilities completed by `greedy_utilitarian_welfare` (`completion_by_rule_combination`),
  with our tie-breaking. The mapping is explained in tests/voting/test_tally_vs_pabutools.py.

Instances:

- `varied 100×50,000`: 100 projects (5,000 to 400,000 yuan), 50,000 voters each approving 1–15 projects
  drawn by popularity, so few ballots are identical; budget a quarter of the total cost.
- `varied, long ballots 100×50,000`: each voter approves 3–30 projects, budget 60% of the total cost:
  many more Equal Shares rounds, and voters' remaining shares split into many more classes.
- `grouped 100×50,000`: the same kind of election, every voter casting one of 300 distinct ballots.
- **Real elections**: every `*.pb` file (Pabulib format) in `--pabulib DIR` or `$PABULIB_DIR`; each
  vote is read as the set of projects it names (approval). Pabulib files are public data and are not
  kept in this repository: download the ones you want from pabulib.org into a directory of your own.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.voting import tally  # noqa: E402 (after the path to the project is set)


def varied(voters: int = 50_000, projects: int = 100, seed: int = 1) -> tuple:
    rng = random.Random(seed)
    ids = list(range(1, projects + 1))
    costs = {p: rng.randint(5, 400) * 1000_00 for p in ids}
    popularity = [0.05 + rng.random() ** 2 for _ in ids]
    budget = sum(costs.values()) // 4
    ballots = [sorted(set(rng.choices(ids, popularity, k=rng.randint(1, 15)))) for _ in range(voters)]
    return ballots, costs, budget, ids


def varied_long_ballots(voters: int = 50_000, projects: int = 100, seed: int = 3) -> tuple:
    rng = random.Random(seed)
    ids = list(range(1, projects + 1))
    costs = {p: rng.randint(1, 60) * 1000_00 for p in ids}
    popularity = [0.05 + rng.random() for _ in ids]
    budget = sum(costs.values()) * 3 // 5
    ballots = [sorted(set(rng.choices(ids, popularity, k=rng.randint(3, 30)))) for _ in range(voters)]
    return ballots, costs, budget, ids


def grouped(voters: int = 50_000, projects: int = 100, distinct: int = 300, seed: int = 2) -> tuple:
    rng = random.Random(seed)
    templates, costs, budget, ids = varied(distinct, projects, seed)
    return [rng.choice(templates) for _ in range(voters)], costs, budget, ids


SYNTHETIC = {
    "varied 100×50,000": varied,
    "varied, long ballots 100×50,000": varied_long_ballots,
    "grouped 100×50,000": grouped,
}


def read_pabulib(path: Path) -> tuple:
    """(ballots, costs, budget, order, vote type) from a Pabulib .pb file; each vote as the set it names."""
    meta, costs, ballots = {}, {}, []
    section, header = None, None
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.reader(file, delimiter=";"):
            if len(row) == 1 and row[0].strip() in ("META", "PROJECTS", "VOTES"):
                section, header = row[0].strip(), None
            elif header is None:
                header = [field.strip() for field in row]
            else:
                record = dict(zip(header, row, strict=False))
                if section == "META":
                    meta[record["key"]] = record["value"]
                elif section == "PROJECTS":
                    costs[record["project_id"]] = whole(record["cost"])
                elif section == "VOTES":
                    ballots.append([p for p in record["vote"].split(",") if p])
    return ballots, costs, whole(meta["budget"]), list(costs), meta.get("vote_type", "?")


def whole(text: str) -> int:
    amount = Decimal(text.strip())
    if amount != amount.to_integral_value():
        raise ValueError(f"{text!r} is not a whole amount")
    return int(amount)


def pabutools_election(ballots, costs: dict, budget: int, order: list):
    """The election as pabutools sees it (same mapping as tests/voting/test_tally_vs_pabutools.py)."""
    from pabutools.election import (
        ApprovalMultiProfile,
        FrozenApprovalBallot,
        Instance,
        Project,
    )
    from pabutools.tiebreaking import TieBreakingRule

    votes = Counter(p for ballot in ballots for p in set(ballot))
    width = len(str(len(order)))
    projects = {p: Project(f"{index:0{width}d}", costs[p]) for index, p in enumerate(order) if votes[p]}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalMultiProfile(instance=instance)
    for ballot, voters in Counter(map(frozenset, ballots)).items():
        profile[FrozenApprovalBallot([projects[p] for p in ballot])] = voters
    ours = {project.name: p for p, project in projects.items()}
    votes_of = {project.name: votes[p] for p, project in projects.items()}
    mes_ties = TieBreakingRule(lambda inst, prof, project: (-votes_of[project.name], project.name))
    greedy_ties = TieBreakingRule(lambda inst, prof, project: (-votes_of[project.name], project.cost, project.name))
    return instance, profile, ours, mes_ties, greedy_ties


def pabutools_rules(election) -> dict:
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    instance, profile, _, mes_ties, greedy_ties = election
    return {
        "equal_shares": lambda: completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "tie_breaking": mes_ties}, {"sat_class": Cost_Sat, "tie_breaking": greedy_ties}],
        ),
        "greedy": lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=greedy_ties),
    }


OUR_RULES = {"equal_shares": tally.tally_budget_equal_shares, "greedy": tally.tally_budget_greedy}


def fastest(run, repeat: int) -> tuple[float, object]:
    """(minimum CPU seconds over `repeat` runs, the last result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.process_time()
        result = run()
        best = min(best, time.process_time() - started)
    return best, result


def measure(name: str, instance: tuple, repeat: int, pabutools_here: bool, rules: list[str]) -> list[dict]:
    ballots, costs, budget, order = instance[:4]
    if len(instance) > 4 and instance[4] != "approval":
        name += f" ({instance[4]} votes read as approvals)"
    build_s, election = (
        fastest(lambda: pabutools_election(ballots, costs, budget, order), repeat) if pabutools_here else (None, None)
    )
    theirs = pabutools_rules(election) if election else {}
    rows = []
    for rule in rules:
        ours_s, result = fastest(lambda: OUR_RULES[rule](ballots, costs, budget, order), repeat)  # noqa: B023
        row = {
            "instance": name,
            "voters": len(ballots),
            "projects": len(costs),
            "distinct": len(Counter(map(frozenset, ballots))),
            "rule": rule,
            "ours": ours_s,
            "funded": len(result["funded"]),
            "pabutools": None,
            "build": build_s,
            "same": None,
        }
        if election:
            their_s, allocation = fastest(theirs[rule], repeat)
            row.update(pabutools=their_s, same={election[2][p.name] for p in allocation} == set(result["funded"]))
        rows.append(row)
        print(
            f"  {name} / {rule}: ours {ours_s:.3f} s"
            + (f", pabutools {row['pabutools']:.3f} s, same funded: {row['same']}" if election else ""),
            file=sys.stderr,
        )
    return rows


def table(rows: list[dict]) -> str:
    header = (
        "| instance | voters | projects | distinct ballots | rule | funded | ours (s) | pabutools (s) | ratio "
        "| pabutools + building its election (s) | same funded |"
    )
    lines = [header, "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        ours, theirs = row["ours"], row["pabutools"]
        if theirs is None:
            theirs_cells = ["–", "–", "–", "–"]
        else:
            ratio = f"{theirs / ours:.1f}×" if ours > 0 else "∞"
            theirs_cells = [f"{theirs:.3f}", ratio, f"{theirs + row['build']:.3f}", "yes" if row["same"] else "NO"]
        cells = [
            row["instance"],
            f"{row['voters']:,}",
            str(row["projects"]),
            f"{row['distinct']:,}",
            row["rule"],
            str(row["funded"]),
            f"{ours:.3f}",
            *theirs_cells,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--pabulib",
        default=os.environ.get("PABULIB_DIR"),
        help="directory of Pabulib .pb files (default: $PABULIB_DIR)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the minimum is reported")
    parser.add_argument("--rules", default="equal_shares,greedy")
    parser.add_argument("--only", help="only instances whose name contains this")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args()
    rules = args.rules.split(",")

    try:
        import pabutools  # noqa: F401

        pabutools_here = True
    except ImportError:
        pabutools_here = False
        print("pabutools is not installed (pip install -r requirements-test.txt): timing ours only.")
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average at the start "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; CPU seconds, minimum of {args.repeat} runs."
    )

    instances = [] if args.skip_synthetic else [(name, make) for name, make in SYNTHETIC.items()]
    if args.pabulib:
        files = sorted(Path(args.pabulib).glob("*.pb"))
        print(f"Real elections: {len(files)} .pb files in {args.pabulib}.")
        instances += [(path.stem, lambda path=path: read_pabulib(path)) for path in files]
    else:
        print("No Pabulib directory (--pabulib DIR or PABULIB_DIR): synthetic instances only.")
    rows = []
    for name, make in instances:
        if args.only and args.only not in name:
            continue
        rows += measure(name, make(), args.repeat, pabutools_here, rules)
    print()
    print(table(rows))
    return 0 if all(row["same"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
