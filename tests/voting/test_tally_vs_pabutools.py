"""Our budget rules against pabutools, the reference implementation behind Pabulib, on random instances.

How our rules map onto pabutools (1.2.3):

- **Instance**: the projects with at least one vote, each named by its display position, zero-padded
  (so pabutools' lexicographic order is our display order); ``budget_limit`` = the budget. Projects
  nobody voted for are left out: ours never funds them, pabutools' greedy funds whatever still fits
  (with score 0, last).
- **Profile**: an ``ApprovalMultiProfile`` (identical ballots grouped); a ballot is the set it names.
- **greedy** = ``greedy_utilitarian_welfare(sat_class=Cost_Sat)``: with cost satisfaction a project's
  score per unit of cost is its number of votes; tie-breaking (−votes, cost, position).
- **equal_shares** = ``completion_by_rule_combination(instance, profile, [method_of_equal_shares,
  greedy_utilitarian_welfare], ...)``: MES with ``Cost_Sat`` (cost utilities) and tie-breaking
  (−votes, position), then greedy as above with the money left. Not pabutools' "add1" completion
  (``voter_budget_increment``: raising every voter's budget until the outcome is exhaustive), which is
  a different rule.
- **Free projects** (cost 0): pabutools' MES leaves them out (their cost satisfaction is 0) and its
  greedy adds them; ours funds them in the first rounds of equal shares (ρ = 0). Same funded set; our
  ``funded_by`` says "equal_shares" where pabutools would say completion, so the MES-phase order is
  compared without them.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

pytest.importorskip("pabutools", reason="pabutools is a test requirement (requirements-test.txt): pip install it")

from pabutools.election import (
    ApprovalMultiProfile,
    Cost_Sat,
    FrozenApprovalBallot,
    Instance,
    Project,
)
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule

from backend.voting import tally


def pabutools_election(ballots, costs: dict, budget: int, order: list):
    """(instance, profile, our project id by pabutools name, MES tie-breaking, greedy tie-breaking)."""
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


def pabutools_greedy(ballots, costs, budget, order) -> set:
    instance, profile, ours, _, greedy_ties = pabutools_election(ballots, costs, budget, order)
    funded = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=greedy_ties)
    return {ours[project.name] for project in funded}


def pabutools_equal_shares(ballots, costs, budget, order) -> tuple[list, set]:
    """(projects MES alone funds, in its order; projects funded after greedy completion)."""
    instance, profile, ours, mes_ties, greedy_ties = pabutools_election(ballots, costs, budget, order)
    mes_alone = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=mes_ties)
    completed = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": Cost_Sat, "tie_breaking": mes_ties}, {"sat_class": Cost_Sat, "tie_breaking": greedy_ties}],
    )
    return [ours[project.name] for project in mes_alone], {ours[project.name] for project in completed}


def assert_same_as_pabutools(ballots, costs, budget, order):
    case = (ballots, costs, budget, order)
    greedy = tally.tally_budget_greedy(ballots, costs, budget, order)
    assert set(greedy["funded"]) == pabutools_greedy(ballots, costs, budget, order), case
    shares = tally.tally_budget_equal_shares(ballots, costs, budget, order)
    their_rounds, their_funded = pabutools_equal_shares(ballots, costs, budget, order)
    our_rounds = [p for p in shares["funded_in_order"] if shares["funded_by"][p] == "equal_shares" and costs[p]]
    assert our_rounds == their_rounds, case
    assert set(shares["funded"]) == their_funded, case


def random_instance(rng: random.Random, projects: int, voters: int, patterns: int | None):
    """Ballots drawn from a few patterns (many identical ballots, ties everywhere) or all at random;
    round and free costs, projects nobody votes for, budgets of nothing, a little, a prime and everything."""
    ids = rng.sample(range(1000), projects)
    costs = {p: rng.choice([0, 10, 20, 30, 50, rng.randint(1, 100)]) for p in ids}
    popularity = {p: rng.random() for p in ids}

    def ballot():
        return [p for p in ids if rng.random() < popularity[p] * 0.7]

    templates = [ballot() for _ in range(patterns or 0)]
    ballots = [rng.choice(templates) if templates and rng.random() < 0.8 else ballot() for _ in range(voters)]
    budget = rng.choice(
        [0, 1, 97, sum(costs.values()) // 3, sum(costs.values()) // 2, sum(costs.values()), rng.randint(1, 300)]
    )
    order = ids[:]
    rng.shuffle(order)
    return ballots, costs, budget, order


@pytest.mark.parametrize("seed", range(4))
def test_small_random_instances_fund_what_pabutools_funds(seed):
    """4 × 400 instances of 1–8 projects and 0–40 voters, half of them from a few ballot patterns."""
    rng = random.Random(seed)
    for _ in range(400):
        ballots, costs, budget, order = random_instance(
            rng, rng.randint(1, 8), rng.randint(0, 40), rng.choice([None, 1, 2, 4])
        )
        assert_same_as_pabutools(ballots, costs, budget, order)


def test_larger_varied_instances_fund_what_pabutools_funds():
    """30 instances of 20–40 projects and 150–400 voters with mostly distinct ballots: many rounds, classes
    split again and again, the money scale grows."""
    rng = random.Random(2026)
    for _ in range(30):
        ballots, costs, budget, order = random_instance(
            rng, rng.randint(20, 40), rng.randint(150, 400), rng.choice([None, 30])
        )
        costs = {p: cost * rng.randint(1, 500) + rng.randint(0, 99) for p, cost in costs.items()}
        budget = sum(costs.values()) * rng.choice([1, 2, 3]) // 5
        assert_same_as_pabutools(ballots, costs, budget, order)


@pytest.mark.parametrize(
    "ballots, costs, budget",
    [
        ([["A", "B"]] * 3, {"A": 10, "B": 11}, 21),  # an exact tie in ρ
        ([["A", "B"]] * 6 + [["B", "W"]] + [["W"]] * 7, {"A": 60, "B": 60, "W": 80}, 140),  # equal ρ → more votes
        ([["garden", "benches"]] * 6 + [["ramp"]] * 4, {"garden": 50, "benches": 50, "ramp": 40}, 100),
        ([["A"], ["A"], ["B"], ["B"]], {"A": 60, "B": 30}, 100),  # completion funds A
        ([["A", "F"], ["F"]], {"A": 5, "F": 0}, 0),  # no money: only the free one
    ],
)
def test_the_hand_worked_examples_fund_what_pabutools_funds(ballots, costs, budget):
    assert_same_as_pabutools(ballots, costs, budget, list(costs))
