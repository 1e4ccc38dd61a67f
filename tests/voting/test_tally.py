"""The pure counting functions, against hand-worked examples (no database, no Flask)."""

import random
from collections import Counter
from fractions import Fraction

import pytest

from backend.voting import tally

# --- yes / no and quorum ---------------------------------------------------------------------


def test_yes_no_counts_and_abstentions_do_not_count_towards_the_threshold():
    result = tally.tally_yes_no(["yes"] * 5 + ["no"] * 4 + ["abstain"] * 20)
    assert result["counts"] == {"yes": 5, "no": 4, "abstain": 20}
    assert result["majority_reached"] is True


@pytest.mark.parametrize(
    "yes, no, threshold, passed",
    [
        (5, 5, 0.5, False),  # a tie is not "more than half"
        (6, 5, 0.5, True),
        (2, 1, 2 / 3, False),  # exactly two thirds is not more than two thirds
        (3, 1, 2 / 3, True),
        (3, 2, 0.6, False),  # exactly 60 % does not beat 0.6 (exact arithmetic, no float slop)
        (0, 0, 0.5, False),  # nobody decided: not passed
        (1, 0, 0.99, True),
    ],
)
def test_yes_no_passes_only_strictly_above_the_threshold(yes, no, threshold, passed):
    result = tally.tally_yes_no(["yes"] * yes + ["no"] * no, pass_threshold=threshold)
    assert result["majority_reached"] is passed


@pytest.mark.parametrize(
    "voters, eligible, quorum, met",
    [
        (30, 100, 0.3, True),  # exactly the quorum share meets it
        (29, 100, 0.3, False),
        (0, 0, 0.0, True),  # no quorum: always met
        (0, 0, 0.1, False),  # nobody eligible cannot meet a quorum
        (1, 3, Fraction(1, 3), True),
        (1, 3, 0.34, False),
    ],
)
def test_quorum_is_a_minimum_turnout_share(voters, eligible, quorum, met):
    assert tally.quorum_met(voters, eligible, quorum) is met


def test_unknown_yes_no_choice_is_refused():
    with pytest.raises(ValueError):
        tally.tally_yes_no(["maybe"])


# --- single and approval -----------------------------------------------------------------------


def test_single_choice_most_votes_wins():
    result = tally.tally_single([2, 3, 3, 1, 3], [1, 2, 3])
    assert result["counts"] == {1: 1, 2: 1, 3: 3}
    assert result["winners"] == [3] and result["tie_broken"] is False


def test_single_choice_tie_goes_to_the_option_listed_first():
    result = tally.tally_single([3, 2, 2, 3], [1, 3, 2])
    assert result["winners"] == [3]  # 3 is listed before 2
    assert result["tie_broken"] is True


def test_no_ballots_no_winner():
    assert tally.tally_single([], [1, 2])["winners"] == []


def test_approval_counts_each_approved_option_once():
    result = tally.tally_approval([[1, 2], [2, 3], [2], [3, 3]], [1, 2, 3])
    assert result["counts"] == {1: 1, 2: 3, 3: 2}
    assert result["winners"] == [2]


# --- ranked choice (instant runoff) ------------------------------------------------------------


def test_irv_tennessee_capital_textbook_example():
    """Wikipedia, "Instant-runoff voting", the Tennessee capital election (per 100 voters).

    42 Memphis > Nashville > Chattanooga > Knoxville
    26 Nashville > Chattanooga > Knoxville > Memphis
    15 Chattanooga > Knoxville > Nashville > Memphis
    17 Knoxville > Chattanooga > Nashville > Memphis

    Round 1: M 42, N 26, C 15, K 17 — no majority; Chattanooga (15) out, its 15 go to Knoxville.
    Round 2: M 42, N 26, K 32 — Nashville (26) out; next preference Chattanooga is gone, so Knoxville.
    Round 3: M 42, K 58 — Knoxville wins with a majority although Memphis led the first round.
    """
    m, n, c, k = 1, 2, 3, 4
    ballots = [[m, n, c, k]] * 42 + [[n, c, k, m]] * 26 + [[c, k, n, m]] * 15 + [[k, c, n, m]] * 17
    result = tally.tally_ranked(ballots, [m, n, c, k])
    assert result["winners"] == [k]
    rounds = result["rounds"]
    assert [r["eliminated"] for r in rounds] == [c, n, None]
    assert rounds[0]["transfers"] == [{"to": k, "votes": 15}]
    assert rounds[1]["transfers"] == [{"to": k, "votes": 26}]
    assert {t["option_id"]: t["votes"] for t in rounds[2]["tallies"]} == {m: 42, k: 58}
    assert rounds[2]["elected"] == k
    assert result["counts"] == {m: 42, n: 26, c: 15, k: 17}


def test_irv_first_round_majority_needs_one_round():
    result = tally.tally_ranked([[1, 2]] * 3 + [[2, 1]] * 2, [1, 2])
    assert result["winners"] == [1] and len(result["rounds"]) == 1


def test_irv_partial_rankings_exhaust():
    """A: 4, B: 3, C: 2 (C voters rank nobody else) — C out, 2 ballots exhausted; A 4 of 7 active wins."""
    a, b, c = 1, 2, 3
    result = tally.tally_ranked([[a]] * 4 + [[b, a]] * 3 + [[c]] * 2, [a, b, c])
    assert result["rounds"][0]["eliminated"] == c
    assert result["rounds"][0]["transfers"] == [{"to": None, "votes": 2}]
    assert result["rounds"][1]["exhausted"] == 2
    assert result["winners"] == [a]


def test_irv_elimination_tie_looks_back_at_earlier_rounds():
    """Round 1: A 5, B 4, C 3, D 3 → C and D tie for last; no earlier round, so D (listed last) goes.

    D's 3 ballots go to C. Round 2: A 5, B 4, C 6 — no majority (15 ballots), B (4) out → A.
    Round 3: A 9, C 6 → A. The same tie in round 2 would be resolved by round-1 counts instead.
    """
    a, b, c, d = 1, 2, 3, 4
    ballots = [[a]] * 5 + [[b, a]] * 4 + [[c]] * 3 + [[d, c]] * 3
    result = tally.tally_ranked(ballots, [a, b, c, d])
    assert result["rounds"][0]["eliminated"] == d and result["rounds"][0]["tie_broken"] is True
    assert result["rounds"][1]["eliminated"] == b
    assert result["winners"] == [a]


def test_irv_backward_tie_break_uses_the_previous_round():
    """Round 1: A 4, B 3, C 2, D 1 → D out, to C? No: D's ballot goes to B.

    Round 2: A 4, B 4, C 2 → C out (C's 2 go to nobody). Round 3: A 4, B 4 — tied for last of two with
    no majority: in round 2 also 4-4; in round 1 B had fewer (3 < 4), so B is eliminated and A wins.
    """
    a, b, c, d = 1, 2, 3, 4
    ballots = [[a]] * 4 + [[b]] * 3 + [[c]] * 2 + [[d, b]]
    result = tally.tally_ranked(ballots, [a, b, c, d])
    assert [r["eliminated"] for r in result["rounds"]] == [d, c, b, None]
    assert result["winners"] == [a]


def test_irv_refuses_duplicate_or_unknown_preferences():
    with pytest.raises(ValueError):
        tally.tally_ranked([[1, 1]], [1, 2])
    with pytest.raises(ValueError):
        tally.tally_ranked([[9]], [1, 2])


# --- participatory budgeting -------------------------------------------------------------------

PB_COSTS = {"garden": 50, "benches": 50, "ramp": 40}
PB_BALLOTS = [{"garden", "benches"}] * 6 + [{"ramp"}] * 4


def test_greedy_and_equal_shares_fund_different_projects():
    """Budget 100 (e.g. ×1,000 元); 10 voters; a majority of 6 and a minority of 4.

    6 voters approve the corner garden (50) and new benches (50); 4 voters approve the wheelchair ramp (40).

    Greedy by votes: garden 6 (fits, 50 left), benches 6 (fits, 0 left), ramp 4 (no longer fits)
    → garden + benches, the minority gets nothing.

    Equal shares: each voter holds 100 / 10 = 10. With cost utilities a supporter pays at most ρ × cost.
    - garden: 6 supporters pay 50 / 6 ≈ 8.33 each (≤ 10), ρ = (50/6) / 50 = 1/6;
    - benches: the same, ρ = 1/6;
    - ramp: 4 supporters pay 40 / 4 = 10 each (≤ 10), ρ = 10 / 40 = 1/4.
    Lowest ρ first, tie on ρ and votes → listed first: garden. The majority has 10 − 8.33 = 1.67 each left
    (10 in all), too little for the benches (50). The ramp is still affordable (4 × 10 = 40): funded.
    Nothing else is affordable; 100 − 90 = 10 left, the benches (50) do not fit in the completion.
    → garden + ramp: the minority's 40 % of the money buys its project.
    """
    greedy = tally.tally_budget_greedy(PB_BALLOTS, PB_COSTS, 100, ["garden", "benches", "ramp"])
    shares = tally.tally_budget_equal_shares(PB_BALLOTS, PB_COSTS, 100, ["garden", "benches", "ramp"])
    assert greedy["funded"] == ["garden", "benches"] and greedy["money_used"] == 100
    assert shares["funded"] == ["garden", "ramp"] and shares["money_used"] == 90
    assert shares["funded_by"] == {"garden": "equal_shares", "ramp": "equal_shares"}
    assert shares["share"] == "10"


def test_equal_shares_is_completed_greedily_with_the_money_left():
    """Budget 100, 4 voters (25 each). A (60) by voters 1-2: 50 < 60, not affordable. B (30) by voters 3-4:
    15 each, funded. Then A is still unaffordable (voters 1-2 hold 50). Completion: 70 left → A (2 votes,
    60) fits → funded by completion; money used 90."""
    ballots = [{"A"}, {"A"}, {"B"}, {"B"}]
    result = tally.tally_budget_equal_shares(ballots, {"A": 60, "B": 30}, 100, ["A", "B"])
    assert result["funded_by"] == {"B": "equal_shares", "A": "completion"}
    assert result["money_used"] == 90


def test_equal_shares_uses_exact_fractions():
    """Budget 10 shared by 3 voters (10/3 each); a project of cost 10 approved by all three costs each exactly
    10/3 — with floats 3 × 3.333… would fall short and the project would be wrongly unaffordable."""
    result = tally.tally_budget_equal_shares([{"p"}] * 3, {"p": 10}, 10)
    assert result["funded_by"] == {"p": "equal_shares"}


def test_greedy_skips_what_no_longer_fits_and_ties_go_to_the_cheaper():
    ballots = [{"big", "small", "mid"}] * 3 + [{"small2"}] * 3
    costs = {"big": 80, "mid": 30, "small": 20, "small2": 20}
    result = tally.tally_budget_greedy(ballots, costs, 100, ["big", "mid", "small", "small2"])
    # all have 3 votes: cheaper first → small (20), small2 (20), mid (30), big (80: does not fit in 30)
    assert result["funded_in_order"] == ["small", "small2", "mid"]
    assert result["money_used"] == 70


def test_projects_without_votes_are_never_funded():
    result = tally.tally_budget_greedy([{"a"}], {"a": 10, "b": 5}, 100, ["a", "b"])
    assert result["funded"] == ["a"]
    result = tally.tally_budget_equal_shares([{"a"}], {"a": 10, "b": 5}, 100, ["a", "b"])
    assert result["funded"] == ["a"]


def test_budget_with_no_ballots_funds_nothing():
    assert tally.tally_budget_equal_shares([], {"a": 1}, 10)["funded"] == []
    assert tally.tally_budget_greedy([], {"a": 1}, 10)["funded"] == []


def test_equal_shares_exact_tie_is_not_a_float_artefact():
    """3 voters approve A (cost 10) and B (cost 11), budget 21 (7 each). Both are paid by all three with
    the same ρ = 1/3 exactly, so the tie goes to A, listed first; then each voter has 7 − 10/3 = 11/3
    left, exactly B's price: B is funded too. In floats (10/3)/10 > (11/3)/11, so B would jump ahead."""
    result = tally.tally_budget_equal_shares([["A", "B"]] * 3, {"A": 10, "B": 11}, 21, ["A", "B"])
    assert result["funded_in_order"] == ["A", "B"]
    assert result["funded_by"] == {"A": "equal_shares", "B": "equal_shares"}
    assert result["money_used"] == 21


def test_equal_shares_equal_rho_goes_to_more_votes_before_the_listed_order():
    """14 voters, budget 140 (10 each). W (80) is approved by 8 voters (v7 and seven others): ρ = 1/8, the
    lowest, so it is funded first and those 8 have nothing left. Then A (60, voters v1–v6) and B (60,
    voters v1–v7) both cost v1–v6 10 each — v7 has nothing left to pay — so both have ρ = 1/6: B has
    more votes (7 > 6) and is funded although A is listed first. Nothing is left for A."""
    ballots = [["A", "B"]] * 6 + [["B", "W"]] + [["W"]] * 7
    result = tally.tally_budget_equal_shares(ballots, {"A": 60, "B": 60, "W": 80}, 140, ["A", "B", "W"])
    assert result["funded_in_order"] == ["W", "B"]
    assert result["money_used"] == 140


# --- equal shares and greedy against a textbook implementation --------------------------------------


def _textbook_payment(cost: int, shares: list[Fraction]) -> Fraction | None:
    """The smallest p with Σ min(share, p) = cost; None when the shares cannot cover the cost."""
    if sum(shares) < cost:
        return None
    if cost == 0:
        return Fraction(0)
    paid = Fraction(0)
    for index, share in enumerate(sorted(shares)):
        payment = (cost - paid) / (len(shares) - index)
        if payment <= share:
            return payment
        paid += share
    raise AssertionError("unreachable: the shares cover the cost")


def _textbook_equal_shares(ballots, costs, budget, order) -> tuple[list, list]:
    """Equal Shares as defined in the module docstring, one voter at a time, in Fractions: slow and plain."""
    sets = [frozenset(ballot) for ballot in ballots]
    votes = {p: sum(p in s for s in sets) for p in order}
    if not sets:
        return [], []
    share = [Fraction(budget, len(sets))] * len(sets)
    funded: list = []
    while True:
        best = None
        for position, project in enumerate(order):
            if project in funded or not votes[project]:
                continue
            supporters = [voter for voter, s in enumerate(sets) if project in s]
            payment = _textbook_payment(costs[project], [share[voter] for voter in supporters])
            if payment is None:
                continue
            rho = payment / costs[project] if costs[project] else Fraction(0)
            if best is None or (rho, -votes[project], position) < best[0]:
                best = ((rho, -votes[project], position), project, payment, supporters)
        if best is None:
            break
        _, project, payment, supporters = best
        funded.append(project)
        for voter in supporters:
            share[voter] -= min(share[voter], payment)
    left = budget - sum(costs[p] for p in funded)
    completed = []
    for project in sorted(order, key=lambda p: (-votes[p], costs[p], order.index(p))):
        if project not in funded and votes[project] and costs[project] <= left:
            completed.append(project)
            left -= costs[project]
    return funded, completed


def _random_budget_instance(rng: random.Random) -> tuple[list, dict, int, list]:
    """Small instances full of ties: few ballot patterns (many identical ballots), round costs, zero costs,
    projects nobody votes for, budgets of 0, of a prime number of cents and of everything."""
    projects = rng.sample(range(100), rng.randint(1, 7))
    costs = {p: rng.choice([0, 10, 20, 30, rng.randint(1, 90)]) for p in projects}
    patterns = [[p for p in projects if rng.random() < 0.5] for _ in range(rng.randint(1, 5))]
    ballots = [
        rng.choice(patterns) if rng.random() < 0.7 else [p for p in projects if rng.random() < 0.4]
        for _ in range(rng.randint(0, 30))
    ]
    budget = rng.choice([0, 1, 97, rng.randint(1, 200), sum(costs.values()), 10**12 + 39])
    order = projects[:]
    rng.shuffle(order)
    return ballots, costs, budget, order


def test_equal_shares_and_greedy_match_a_textbook_implementation_on_random_instances():
    """1,500 random instances: the fast, integer-scaled rounds fund the same projects in the same order as
    the plain per-voter Fraction version, with the same completion and money used."""
    rng = random.Random(20260)
    for _ in range(1500):
        ballots, costs, budget, order = _random_budget_instance(rng)
        result = tally.tally_budget_equal_shares(ballots, costs, budget, order)
        by_rounds, by_completion = _textbook_equal_shares(ballots, costs, budget, order)
        case = (ballots, costs, budget, order)
        assert result["funded_in_order"] == by_rounds + by_completion, case
        assert result["funded_by"] == {
            **dict.fromkeys(by_rounds, "equal_shares"),
            **dict.fromkeys(by_completion, "completion"),
        }, case
        assert result["money_used"] == sum(costs[p] for p in by_rounds + by_completion), case
        greedy = tally.tally_budget_greedy(ballots, costs, budget, order)
        votes = Counter(p for ballot in ballots for p in set(ballot))
        expected, left = [], budget
        for project in sorted(order, key=lambda p: (-votes[p], costs[p], order.index(p))):
            if votes[project] and costs[project] <= left:
                expected.append(project)
                left -= costs[project]
        assert greedy["funded_in_order"] == expected, case


def test_equal_shares_on_many_distinct_ballots_stays_exact_and_quick():
    """2,000 voters with mostly distinct ballots over 40 projects: classes split often and the money scale
    grows (payments of 1/3, 1/7 … of a unit); the funded projects still sum to at most the budget, and no
    voter's share went negative (every payment fits, checked by the textbook version on a sample)."""
    rng = random.Random(7)
    costs = {p: rng.randint(1, 300) * 100 for p in range(40)}
    ballots = [rng.sample(range(40), rng.randint(1, 12)) for _ in range(2000)]
    budget = sum(costs.values()) // 2 + 1
    result = tally.tally_budget_equal_shares(ballots, costs, budget)
    assert result["money_used"] <= budget
    by_rounds, by_completion = _textbook_equal_shares(ballots[:200], costs, budget // 10, list(costs))
    small = tally.tally_budget_equal_shares(ballots[:200], costs, budget // 10)
    assert small["funded_in_order"] == by_rounds + by_completion


# --- malformed input (issue 15): refused with TallyInputError, a ValueError ------------------------


def test_tally_input_error_is_a_value_error():
    assert issubclass(tally.TallyInputError, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda: tally.tally_single([1], [1, 2, 1]),
        lambda: tally.tally_approval([[1]], [1, 1]),
        lambda: tally.tally_ranked([[1, 2]], [1, 2, 2]),
        lambda: tally.tally_budget_greedy([[1]], {1: 10, 2: 20}, 100, [1, 2, 1]),
        lambda: tally.tally_budget_equal_shares([[1]], {1: 10, 2: 20}, 100, [1, 1, 2]),
    ],
    ids=["single", "approval", "ranked", "greedy", "equal_shares"],
)
def test_duplicate_option_ids_are_refused(call):
    """Before: a duplicated id made greedy fund a project twice (and spend its cost twice) and let instant
    runoff eliminate an option twice."""
    with pytest.raises(tally.TallyInputError, match="more than once"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: tally.tally_single([3], [1, 2]),
        lambda: tally.tally_approval([[1], [2, 3]], [1, 2]),
        lambda: tally.tally_ranked([[1, 3]], [1, 2]),
        lambda: tally.tally_budget_greedy([[1], [3]], {1: 10, 2: 20}, 100),
        lambda: tally.tally_budget_equal_shares([[1], [3]], {1: 10, 2: 20}, 100),
        lambda: tally.tally_yes_no(["yes", "maybe"]),
    ],
    ids=["single", "approval", "ranked", "greedy", "equal_shares", "yes_no"],
)
def test_a_ballot_naming_an_unknown_option_is_refused(call):
    with pytest.raises(tally.TallyInputError):
        call()


@pytest.mark.parametrize("ranking", [[1, 1], [1, 2, 1], [2, 2, 2]])
def test_a_ranking_naming_an_option_twice_is_refused(ranking):
    with pytest.raises(tally.TallyInputError, match="more than once"):
        tally.tally_ranked([[1, 2], ranking], [1, 2])


@pytest.mark.parametrize("rule", [tally.tally_budget_greedy, tally.tally_budget_equal_shares])
@pytest.mark.parametrize(
    "costs, budget",
    [
        ({1: -10, 2: 20}, 100),  # a negative cost would give money back
        ({1: 10, 2: 2.5}, 100),  # fractions of a cent
        ({1: 10, 2: None}, 100),
        ({1: 10, 2: True}, 100),
        ({1: 10, 2: 20}, -1),  # a negative budget
        ({1: 10, 2: 20}, 100.0),
    ],
)
def test_negative_or_fractional_costs_and_budgets_are_refused(rule, costs, budget):
    with pytest.raises(tally.TallyInputError, match="whole, non-negative"):
        rule([[1, 2]], costs, budget)


@pytest.mark.parametrize("rule", [tally.tally_budget_greedy, tally.tally_budget_equal_shares])
def test_an_order_that_is_not_the_projects_is_refused(rule):
    with pytest.raises(tally.TallyInputError):
        rule([[1]], {1: 10, 2: 20}, 100, [1])  # 2 missing: it would never be considered
    with pytest.raises(tally.TallyInputError):
        rule([[1]], {1: 10, 2: 20}, 100, [1, 2, 3])  # 3 has no cost


@pytest.mark.parametrize(
    "call",
    [
        lambda: tally.tally_approval([None], [1]),
        lambda: tally.tally_approval([[[1]]], [1]),
        lambda: tally.tally_budget_equal_shares([5], {5: 1}, 10),
        lambda: tally.tally_budget_greedy([[{}]], {5: 1}, 10),
        lambda: tally.tally_ranked([7], [7]),
        lambda: tally.tally_single([[1]], [1]),
        lambda: tally.tally_yes_no([["yes"]]),
    ],
    ids=["approval-None", "approval-nested", "shares-int", "greedy-dict", "ranked-int", "single-list", "yes_no-list"],
)
def test_ballots_of_the_wrong_shape_are_refused(call):
    with pytest.raises(tally.TallyInputError, match="malformed"):
        call()


@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan"), "half"])
def test_shares_outside_zero_to_one_are_refused(share):
    with pytest.raises(tally.TallyInputError):
        tally.tally_yes_no(["yes"], pass_threshold=share)
    with pytest.raises(tally.TallyInputError):
        tally.quorum_met(1, 2, share)


def test_a_dict_of_choices_is_counted_by_key_not_read_as_counts():
    assert tally.tally_single({1: 500, 2: 0}, [1, 2])["counts"] == {1: 1, 2: 1}
