"""The pure counting functions, against hand-worked examples (no database, no Flask)."""

from fractions import Fraction

import pytest

from backend.voting import tally

# --- yes / no and quorum ---------------------------------------------------------------------

def test_yes_no_counts_and_abstentions_do_not_count_towards_the_threshold():
    result = tally.tally_yes_no(["yes"] * 5 + ["no"] * 4 + ["abstain"] * 20)
    assert result["counts"] == {"yes": 5, "no": 4, "abstain": 20}
    assert result["majority_reached"] is True


@pytest.mark.parametrize("yes, no, threshold, passed", [
    (5, 5, 0.5, False),     # a tie is not "more than half"
    (6, 5, 0.5, True),
    (2, 1, 2 / 3, False),   # exactly two thirds is not more than two thirds
    (3, 1, 2 / 3, True),
    (3, 2, 0.6, False),     # exactly 60 % does not beat 0.6 (exact arithmetic, no float slop)
    (0, 0, 0.5, False),     # nobody decided: not passed
    (1, 0, 0.99, True),
])
def test_yes_no_passes_only_strictly_above_the_threshold(yes, no, threshold, passed):
    result = tally.tally_yes_no(["yes"] * yes + ["no"] * no, pass_threshold=threshold)
    assert result["majority_reached"] is passed


@pytest.mark.parametrize("voters, eligible, quorum, met", [
    (30, 100, 0.3, True),   # exactly the quorum share meets it
    (29, 100, 0.3, False),
    (0, 0, 0.0, True),      # no quorum: always met
    (0, 0, 0.1, False),     # nobody eligible cannot meet a quorum
    (1, 3, Fraction(1, 3), True),
    (1, 3, 0.34, False),
])
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
