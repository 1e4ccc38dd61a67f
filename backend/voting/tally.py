"""Pure vote counting: ballots in, results out. No database, no Flask; every rule is deterministic.

Options are identified by ids given in *display order* (the order the committee listed them); that
order is the last tie-break everywhere, so two runs over the same ballots always give the same result.

Tie-break rules (documented in the README, "Voting", and tested):

- single / approval: most votes wins; equal votes → the option listed first.
- ranked (instant runoff): each round the continuing option with the fewest votes is eliminated; if
  several share the fewest, the one with fewer votes in the previous round is eliminated (looking back
  round by round to round 1); if still tied, the one listed last is eliminated.
- budget greedy: most votes first; equal votes → cheaper first; then the option listed first.
- budget equal shares: lowest ρ (payment per unit of utility) first; equal ρ → more votes, then the
  option listed first. Completion by greedy (same order as above) with the money left.

Yes/no: ``passed`` when ``yes > pass_threshold × (yes + no)`` — strictly more than the threshold
share of the yes and no votes (abstentions count for turnout only). With the default 0.5 this is
"strictly more than half": a tie fails.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction

YES_NO_CHOICES = ("yes", "no", "abstain")


def as_fraction(share: float | Fraction | None) -> Fraction:
    """Shares (quorum, threshold) arrive as floats like 0.6; compare them exactly as 3/5."""
    if share is None:
        return Fraction(0)
    if isinstance(share, Fraction):
        return share
    return Fraction(share).limit_denominator(1_000_000)


def quorum_met(voters: int, eligible: int, quorum: float | Fraction | None) -> bool:
    """Turnout ``voters / eligible`` reaches the quorum share (≥). No quorum is always met."""
    required = as_fraction(quorum)
    if required == 0:
        return True
    return eligible > 0 and Fraction(voters, eligible) >= required


def _ranked_by_votes(counts: dict, order: Sequence) -> list:
    """Options by votes (desc), then display position."""
    position = {option: index for index, option in enumerate(order)}
    return sorted(order, key=lambda option: (-counts.get(option, 0), position[option]))


# --- yes / no / abstain --------------------------------------------------------------------------

def tally_yes_no(choices: Iterable[str], *, pass_threshold: float | Fraction = 0.5) -> dict:
    """Counts of yes, no and abstain, and whether yes beat the threshold share of yes + no."""
    counts = Counter({choice: 0 for choice in YES_NO_CHOICES})
    for choice in choices:
        if choice not in YES_NO_CHOICES:
            raise ValueError(f"unknown yes/no choice {choice!r}")
        counts[choice] += 1
    yes, no = counts["yes"], counts["no"]
    threshold = as_fraction(pass_threshold)
    decided = yes + no
    passed = decided > 0 and yes > threshold * decided
    return {"counts": dict(counts), "yes_share": float(Fraction(yes, decided)) if decided else None,
            "majority_reached": passed}


# --- single choice, approval ---------------------------------------------------------------------

def tally_single(choices: Iterable, options: Sequence) -> dict:
    """One option per ballot; the most votes wins (ties: the option listed first)."""
    counts = Counter({option: 0 for option in options})
    for choice in choices:
        if choice not in counts:
            raise ValueError(f"unknown option {choice!r}")
        counts[choice] += 1
    return _plurality_result(counts, options)


def tally_approval(ballots: Iterable[Iterable], options: Sequence) -> dict:
    """Each ballot approves a set of options; the most approvals wins (ties: listed first)."""
    counts = Counter({option: 0 for option in options})
    for ballot in ballots:
        for choice in set(ballot):
            if choice not in counts:
                raise ValueError(f"unknown option {choice!r}")
            counts[choice] += 1
    return _plurality_result(counts, options)


def _plurality_result(counts: Counter, options: Sequence) -> dict:
    ranking = _ranked_by_votes(counts, options)
    if not ranking or counts[ranking[0]] == 0:
        return {"counts": dict(counts), "winners": [], "tie_broken": False}
    top = counts[ranking[0]]
    tied = [option for option in ranking if counts[option] == top]
    return {"counts": dict(counts), "winners": [ranking[0]], "tie_broken": len(tied) > 1}


# --- ranked choice: instant runoff ----------------------------------------------------------------

def tally_ranked(rankings: Iterable[Sequence], options: Sequence) -> dict:
    """Instant-runoff voting with every round recorded.

    Each round counts every ballot for its highest-ranked continuing option. An option with more than
    half of the ballots still counting wins; otherwise the weakest option is eliminated (tie-break in
    the module docstring) and its ballots move to their next continuing preference, or are exhausted.
    Ballots may rank only some options. Identical rankings are grouped, so 100,000 ballots over a
    dozen options count in well under a second.
    """
    known = set(options)
    groups: Counter = Counter()
    for ranking in rankings:
        ranking = tuple(ranking)
        if len(set(ranking)) != len(ranking) or not known.issuperset(ranking):
            raise ValueError(f"invalid ranking {ranking!r}")
        groups[ranking] += 1

    continuing = list(options)
    # pile[option] = ballot groups currently counting for it; cursor[group] = index of that preference
    piles: dict = defaultdict(list)
    cursor: dict = {}
    exhausted = 0
    for ranking, weight in groups.items():
        if ranking:
            piles[ranking[0]].append(ranking)
            cursor[ranking] = 0
        else:
            exhausted += weight

    rounds: list[dict] = []
    history: list[dict] = []  # votes per option in each round, for the backward tie-break
    winner = None
    while continuing:
        votes = {option: sum(groups[r] for r in piles[option]) for option in continuing}
        history.append(votes)
        active = sum(votes.values())
        round_record = {"round": len(rounds) + 1,
                        "tallies": [{"option_id": o, "votes": votes[o]} for o in continuing],
                        "exhausted": exhausted, "eliminated": None, "transfers": [], "elected": None,
                        "tie_broken": False}
        rounds.append(round_record)
        leader = _ranked_by_votes(votes, continuing)[0]
        if active and 2 * votes[leader] > active or len(continuing) == 1:
            if active:
                winner = leader
                round_record["elected"] = leader
            break
        loser, tie_broken = _weakest(continuing, history)
        round_record["eliminated"] = loser
        round_record["tie_broken"] = tie_broken
        continuing.remove(loser)
        still = set(continuing)
        transfers: Counter = Counter()
        for ranking in piles.pop(loser, []):
            index = cursor[ranking] + 1
            while index < len(ranking) and ranking[index] not in still:
                index += 1
            if index < len(ranking):
                cursor[ranking] = index
                piles[ranking[index]].append(ranking)
                transfers[ranking[index]] += groups[ranking]
            else:
                transfers[None] += groups[ranking]
                exhausted += groups[ranking]
        round_record["transfers"] = (
            [{"to": o, "votes": transfers[o]} for o in continuing if transfers[o]]
            + ([{"to": None, "votes": transfers[None]}] if transfers[None] else []))
    first_round = history[0] if history else {o: 0 for o in options}
    return {"counts": {o: first_round.get(o, 0) for o in options}, "winners": [winner] if winner is not None else [],
            "rounds": rounds, "tie_broken": any(r["tie_broken"] for r in rounds)}


def _weakest(continuing: list, history: list[dict]) -> tuple[object, bool]:
    """The option to eliminate: fewest votes now, then fewer in earlier rounds, then listed last."""
    fewest = min(history[-1][o] for o in continuing)
    candidates = [o for o in continuing if history[-1][o] == fewest]
    tie_broken = len(candidates) > 1
    for earlier in reversed(history[:-1]):
        if len(candidates) == 1:
            break
        lowest = min(earlier[o] for o in candidates)
        candidates = [o for o in candidates if earlier[o] == lowest]
    position = {option: index for index, option in enumerate(continuing)}
    return max(candidates, key=position.__getitem__), tie_broken


# --- participatory budgeting ---------------------------------------------------------------------

def _approval_counts(ballots: Iterable[Iterable], costs: dict) -> tuple[list[frozenset], Counter]:
    sets = []
    counts = Counter({project: 0 for project in costs})
    for ballot in ballots:
        chosen = frozenset(ballot)
        if not chosen <= costs.keys():
            raise ValueError(f"unknown project in {sorted(chosen)!r}")
        sets.append(chosen)
        counts.update(chosen)
    return sets, counts


def _greedy_order(counts: Counter, costs: dict, order: Sequence) -> list:
    position = {project: index for index, project in enumerate(order)}
    return sorted(order, key=lambda p: (-counts[p], costs[p], position[p]))


def _greedy_fill(candidates: list, costs: dict, counts: Counter, money_left: int) -> tuple[list, int]:
    """Fund in the given order whatever still fits; projects nobody voted for are never funded."""
    funded = []
    for project in candidates:
        if counts[project] > 0 and costs[project] <= money_left:
            funded.append(project)
            money_left -= costs[project]
    return funded, money_left


def tally_budget_greedy(ballots: Iterable[Iterable], costs: dict, budget: int, order: Sequence | None = None) -> dict:
    """Most-voted projects first, skipping those that no longer fit in what is left of the budget."""
    order = list(order or costs)
    _, counts = _approval_counts(ballots, costs)
    funded, left = _greedy_fill(_greedy_order(counts, costs, order), costs, counts, budget)
    return {"counts": dict(counts), "funded": [p for p in order if p in funded], "funded_in_order": funded,
            "money_used": budget - left, "budget": budget, "rule": "greedy",
            "funded_by": {p: "greedy" for p in funded}}


def tally_budget_equal_shares(ballots: Iterable[Iterable], costs: dict, budget: int,
                              order: Sequence | None = None) -> dict:
    """Method of Equal Shares with cost utilities, completed greedily with the money left.

    Every voter gets an equal share ``budget / voters`` of the budget. A project is affordable when its
    supporters can pay its cost from their remaining shares, each paying at most ``ρ × cost`` (their
    utility from it is its cost). Repeatedly fund the affordable project with the lowest ρ, charging each
    supporter ``min(share left, ρ × cost)``. When nothing is affordable any more, the money not spent
    funds the remaining projects greedily (most votes first) while they fit. Exact arithmetic throughout.

    Voters with the same remaining share form a *class*; a funding step only splits the classes of the
    project's supporters, so each step costs O(supporters × ballot length), not O(voters × projects).
    """
    order = list(order or costs)
    sets, counts = _approval_counts(ballots, costs)
    voters = len(sets)
    if voters == 0:
        return {"counts": dict(counts), "funded": [], "funded_in_order": [], "money_used": 0, "budget": budget,
                "rule": "equal_shares", "funded_by": {}, "share": None}
    share = Fraction(budget, voters)

    # Group identical ballots; each group has one budget class (all its voters always pay alike).
    group_weight = Counter(sets)
    groups = list(group_weight)
    class_of = [0] * len(groups)
    class_value: dict[int, Fraction] = {0: share}
    supporters: dict = {p: defaultdict(int) for p in costs}  # project -> class -> number of voters
    groups_of: dict = defaultdict(list)  # project -> group indices
    for index, group in enumerate(groups):
        for project in group:
            supporters[project][0] += group_weight[group]
            groups_of[project].append(index)

    position = {project: index for index, project in enumerate(order)}
    funded: list = []
    funded_by: dict = {}
    spent = Fraction(0)
    while True:
        best = None
        for project in order:
            if project in funded_by or counts[project] == 0:
                continue
            payment = _max_payment(costs[project], supporters[project], class_value)
            if payment is None:
                continue
            rho = payment / costs[project] if costs[project] else Fraction(0)
            key = (rho, -counts[project], position[project])
            if best is None or key < best[0]:
                best = (key, project, payment)
        if best is None:
            break
        _, project, payment = best
        funded.append(project)
        funded_by[project] = "equal_shares"
        spent += costs[project]
        _charge(project, payment, supporters, groups_of, groups, group_weight, class_of, class_value)

    left = budget - spent  # integer cents: every funded cost is an integer
    rest = [p for p in _greedy_order(counts, costs, order) if p not in funded_by]
    completed, left = _greedy_fill(rest, costs, counts, int(left))
    for project in completed:
        funded.append(project)
        funded_by[project] = "completion"
    return {"counts": dict(counts), "funded": [p for p in order if p in funded_by], "funded_in_order": funded,
            "money_used": budget - left, "budget": budget, "rule": "equal_shares", "funded_by": funded_by,
            "share": str(share)}


def _max_payment(cost: int, by_class: dict, class_value: dict) -> Fraction | None:
    """The smallest equal payment p with Σ min(share_i, p) = cost over supporters, or None if they cannot."""
    classes = sorted(((class_value[c], n) for c, n in by_class.items() if n and class_value[c] > 0))
    remaining_cost = Fraction(cost)
    payers = sum(n for _, n in classes)
    if payers == 0:
        return None if cost > 0 else Fraction(0)
    for value, number in classes:
        payment = remaining_cost / payers
        if payment <= value:
            return payment
        remaining_cost -= value * number  # these voters give everything they have left
        payers -= number
    return None


def _charge(project, payment: Fraction, supporters: dict, groups_of: dict, groups: list, group_weight: Counter,
            class_of: list, class_value: dict) -> None:
    """Supporters pay min(share left, payment): move their groups to a new class with the lower share."""
    new_class: dict[int, int] = {}
    for index in groups_of[project]:
        old = class_of[index]
        if old not in new_class:
            new_class[old] = len(class_value)
            class_value[new_class[old]] = max(Fraction(0), class_value[old] - payment)
        new = new_class[old]
        class_of[index] = new
        weight = group_weight[groups[index]]
        for other in groups[index]:
            supporters[other][old] -= weight
            if not supporters[other][old]:
                del supporters[other][old]
            supporters[other][new] += weight
