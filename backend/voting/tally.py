"""Pure vote counting: ballots in, results out. No database, no Flask; every rule is deterministic.

Options are identified by ids given in *display order* (the order the committee listed them); that
order is the last tie-break everywhere, so two runs over the same ballots always give the same result.

Tie-break rules (documented in docs/domains/voting.md, and tested):

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

Malformed input (an option id listed twice, a ballot naming an unknown option, a ranking naming an
option twice, a negative or fractional cost or budget, a share outside 0..1) raises
:class:`TallyInputError`, a ``ValueError``: the API validates ballots before they are stored, but this
module is public and must not count a duplicated option twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from fractions import Fraction
from itertools import chain
from math import gcd

YES_NO_CHOICES = ("yes", "no", "abstain")


class TallyInputError(ValueError):
    """Input the tally functions refuse to count (see the module docstring)."""


def _distinct_options(options: Iterable, what: str = "option") -> list:
    """The options as a list; an id listed twice would be counted, funded or eliminated twice."""
    listed = list(options)
    try:
        seen = set(listed)
    except TypeError as error:
        raise TallyInputError(f"{what} ids must be hashable: {error}") from None
    if len(seen) != len(listed):
        twice = [option for option, n in Counter(listed).items() if n > 1]
        raise TallyInputError(f"{what} ids listed more than once: {twice!r}")
    return listed


def _check_share(name: str, share: float | Fraction | None) -> Fraction:
    try:
        value = as_fraction(share)
    except (TypeError, ValueError, OverflowError):
        raise TallyInputError(f"{name} must be a number between 0 and 1, not {share!r}") from None
    if not 0 <= value <= 1:
        raise TallyInputError(f"{name} must be between 0 and 1, not {share!r}")
    return value


def _counted(choices: Iterable, options: Sequence, what: str = "option") -> Counter:
    """Votes per option, every option present in listed order; a choice not listed is refused."""
    counts = Counter(dict.fromkeys(options, 0))
    try:
        counts.update(iter(choices))  # iter(): a dict of choices is counted by key, never read as counts
    except TypeError as error:  # a ballot that is not a collection, or holds something unhashable
        raise TallyInputError(f"malformed ballot: {error}") from None
    if len(counts) != len(options):
        listed = set(options)
        raise TallyInputError(f"unknown {what} {[choice for choice in counts if choice not in listed]!r}")
    return counts


def _whole_cents(name: str, amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise TallyInputError(f"{name} must be a whole, non-negative number of cents, not {amount!r}")
    return amount


def as_fraction(share: float | Fraction | None) -> Fraction:
    """Shares (quorum, threshold) arrive as floats like 0.6; compare them exactly as 3/5."""
    if share is None:
        return Fraction(0)
    if isinstance(share, Fraction):
        return share
    return Fraction(share).limit_denominator(1_000_000)


def quorum_met(voters: int, eligible: int, quorum: float | Fraction | None) -> bool:
    """Turnout ``voters / eligible`` reaches the quorum share (≥). No quorum is always met."""
    required = _check_share("quorum", quorum)
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
    threshold = _check_share("pass_threshold", pass_threshold)
    counts = _counted(choices, YES_NO_CHOICES, "yes/no choice")
    yes, no = counts["yes"], counts["no"]
    decided = yes + no
    passed = decided > 0 and yes > threshold * decided
    return {
        "counts": dict(counts),
        "yes_share": float(Fraction(yes, decided)) if decided else None,
        "majority_reached": passed,
    }


# --- single choice, approval ---------------------------------------------------------------------


def tally_single(choices: Iterable, options: Sequence) -> dict:
    """One option per ballot; the most votes wins (ties: the option listed first)."""
    options = _distinct_options(options)
    return _plurality_result(_counted(choices, options), options)


def tally_approval(ballots: Iterable[Iterable], options: Sequence) -> dict:
    """Each ballot approves a set of options (an option named twice counts once); the most approvals wins
    (ties: listed first)."""
    options = _distinct_options(options)
    approvals = chain.from_iterable(map(set, ballots))  # a set per ballot: an option named twice counts once
    return _plurality_result(_counted(approvals, options), options)


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
    options = _distinct_options(options)
    known = set(options)
    try:
        groups: Counter = Counter(map(tuple, rankings))
    except TypeError as error:
        raise TallyInputError(f"malformed ranking (a sequence of option ids expected): {error}") from None
    for ranking in groups:
        if not known.issuperset(ranking):
            raise TallyInputError(f"ranking {ranking!r} names an unknown option")
        if len(set(ranking)) != len(ranking):
            raise TallyInputError(f"ranking {ranking!r} names an option more than once")

    continuing = list(options)
    # pile[option] = ballot groups currently counting for it; cursor[group] = index of that preference
    piles: dict = defaultdict(list)
    pile_votes: Counter = Counter()  # pile_votes[option] = ballots in its pile, kept up to date on transfers
    cursor: dict = {}
    exhausted = 0
    for ranking, weight in groups.items():
        if ranking:
            piles[ranking[0]].append(ranking)
            pile_votes[ranking[0]] += weight
            cursor[ranking] = 0
        else:
            exhausted += weight

    rounds: list[dict] = []
    history: list[dict] = []  # votes per option in each round, for the backward tie-break
    winner = None
    while continuing:
        votes = {option: pile_votes[option] for option in continuing}
        history.append(votes)
        active = sum(votes.values())
        round_record = {
            "round": len(rounds) + 1,
            "tallies": [{"option_id": o, "votes": votes[o]} for o in continuing],
            "exhausted": exhausted,
            "eliminated": None,
            "transfers": [],
            "elected": None,
            "tie_broken": False,
        }
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
                pile_votes[ranking[index]] += groups[ranking]
                transfers[ranking[index]] += groups[ranking]
            else:
                transfers[None] += groups[ranking]
                exhausted += groups[ranking]
        round_record["transfers"] = [{"to": o, "votes": transfers[o]} for o in continuing if transfers[o]] + (
            [{"to": None, "votes": transfers[None]}] if transfers[None] else []
        )
    first_round = history[0] if history else {o: 0 for o in options}
    return {
        "counts": {o: first_round.get(o, 0) for o in options},
        "winners": [winner] if winner is not None else [],
        "rounds": rounds,
        "tie_broken": any(r["tie_broken"] for r in rounds),
    }


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


def _group_ballots(ballots: Iterable[Iterable]) -> Counter:
    """Identical ballots grouped: {frozenset of option ids: number of voters}. An id named twice counts once."""
    try:
        return Counter(map(frozenset, ballots))
    except TypeError as error:
        raise TallyInputError(f"malformed ballot: {error}") from None


def _grouped_approval_counts(groups: Counter, options: Sequence, what: str) -> Counter:
    """Voters per option (listed order) from grouped ballots; a ballot naming an option not listed is refused."""
    counts = _counted(chain.from_iterable(groups), options, what)  # one per distinct ballot…
    for ballot, voters in groups.items():  # …and the rest for ballots cast by several voters
        if voters > 1:
            for option in ballot:
                counts[option] += voters - 1
    return counts


def _budget_input(costs: dict, budget: int, order: Sequence | None) -> list:
    """Check costs and budget (whole cents ≥ 0); the display order, each project exactly once."""
    _whole_cents("budget", budget)
    for project, cost in costs.items():
        _whole_cents(f"the cost of {project!r}", cost)
    order = _distinct_options(order or costs, "project")
    if set(order) != costs.keys():
        raise TallyInputError("order must list every project of costs exactly once")
    return order


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
    order = _budget_input(costs, budget, order)
    counts = _counted(chain.from_iterable(map(set, ballots)), list(costs), "project")
    funded, left = _greedy_fill(_greedy_order(counts, costs, order), costs, counts, budget)
    chosen = set(funded)
    return {
        "counts": dict(counts),
        "funded": [p for p in order if p in chosen],
        "funded_in_order": funded,
        "money_used": budget - left,
        "budget": budget,
        "rule": "greedy",
        "funded_by": {p: "greedy" for p in funded},
    }


def tally_budget_equal_shares(
    ballots: Iterable[Iterable], costs: dict, budget: int, order: Sequence | None = None
) -> dict:
    """Method of Equal Shares with cost utilities, completed greedily with the money left.

    Every voter gets an equal share ``budget / voters`` of the budget. A project is affordable when its
    supporters can pay its cost from their remaining shares, each paying at most ``ρ × cost`` (their
    utility from it is its cost). Repeatedly fund the affordable project with the lowest ρ, charging each
    supporter ``min(share left, ρ × cost)``. When nothing is affordable any more, the money not spent
    funds the remaining projects greedily (most votes first) while they fit. Exact arithmetic throughout
    (integers; how, and why it is fast, in :func:`_equal_shares_rounds`).
    """
    order = _budget_input(costs, budget, order)
    groups = _group_ballots(ballots)
    counts = _grouped_approval_counts(groups, list(costs), "project")
    voters = sum(groups.values())
    if voters == 0:
        return {
            "counts": dict(counts),
            "funded": [],
            "funded_in_order": [],
            "money_used": 0,
            "budget": budget,
            "rule": "equal_shares",
            "funded_by": {},
            "share": None,
        }
    funded = _equal_shares_rounds(groups, costs, budget, voters, counts, order)
    funded_by = dict.fromkeys(funded, "equal_shares")
    left = budget - sum(costs[p] for p in funded)
    rest = [p for p in _greedy_order(counts, costs, order) if p not in funded_by]
    completed, left = _greedy_fill(rest, costs, counts, left)
    funded += completed
    funded_by.update(dict.fromkeys(completed, "completion"))
    return {
        "counts": dict(counts),
        "funded": [p for p in order if p in funded_by],
        "funded_in_order": funded,
        "money_used": budget - left,
        "budget": budget,
        "rule": "equal_shares",
        "funded_by": funded_by,
        "share": str(Fraction(budget, voters)),
    }


_BROKE = 0  # the budget class of voters with nothing left: they can pay for nothing, so it is never looked at


def _equal_shares_rounds(groups: Counter, costs: dict, budget: int, voters: int, counts: Counter, order: list) -> list:
    """The projects Equal Shares funds, in funding order (before completion).

    Exact and fast, without fractions in the inner loops:

    - **Groups and classes.** Voters with identical ballots form a *group* (they always pay alike); groups
      whose voters have paid alike so far (for the same funded projects, so they have the same share left)
      form a *budget class*. Funding a project moves each class of its supporters to one new class (share
      − payment, or broke), so a round touches classes, not voters, and sorts classes, not voters.
    - **Integer money.** Shares are integers in units of 1/``scale`` of a cent; at the start
      ``scale = voters`` and every voter holds ``budget`` units. When a payment is not a whole number of
      units, ``scale`` and every class's share are multiplied by the smallest factor that makes it one.
      Sums and comparisons are then exact integer arithmetic (Python integers do not overflow).
    - **ρ only grows.** Shares only shrink, so a project's ρ can only grow from round to round: the ρ
      computed in an earlier round is a lower bound. Each round examines projects in order of their
      bound (with the tie-break key) and stops as soon as the next bound is worse than the best exact
      key found: usually a handful of projects per round, not all of them.
    - **A project's payment** ``p`` solves ``Σ min(share_i, p) = cost`` over its supporters: classes in
      increasing share; those below the equal split pay everything they have.
    """
    scale = voters
    class_share = [0, budget]  # class id -> share of each of its voters, in units of 1 / scale
    first = 1 if budget > 0 else _BROKE
    class_of: list[int] = []  # group -> class
    single = {p: [] for p in costs}  # project -> supporting groups of one voter
    several = {p: [] for p in costs}  # project -> (group, voters) for groups of several voters
    adders = {p: single[p].append for p in costs}
    for group, (ballot, weight) in enumerate(groups.items()):
        class_of.append(first)
        if weight == 1:
            for add in map(adders.__getitem__, ballot):
                add(group)
        else:
            for project in ballot:
                several[project].append((group, weight))
    live = {_BROKE: 0, first: len(class_of)}  # class id -> groups in it, for classes in use
    supporters = (single, several, class_of, class_share)

    position = {project: index for index, project in enumerate(order)}
    candidates = [p for p in order if counts[p] > 0]
    # ρ = payment / cost, and n supporters paying at most the payment each must cover the cost: ρ ≥ 1 / n
    bound = {p: Fraction(1, counts[p]) if costs[p] else Fraction(0) for p in candidates}
    funded = []
    while candidates:
        candidates.sort(key=lambda p: (bound[p], -counts[p], position[p]))
        best = None
        for project in list(candidates):
            if best is not None and (bound[project], -counts[project], position[project]) > best[0]:
                break  # its ρ is at least its bound: neither it nor any project after it can beat the best
            payment = _payment(project, costs[project], scale, *supporters)
            if payment is None:  # its supporters cannot afford it now, so never again
                candidates.remove(project)
                continue
            rest, payers = payment  # each payer pays rest / payers units
            rho = Fraction(rest, payers * scale * costs[project]) if costs[project] else Fraction(0)
            bound[project] = rho
            key = (rho, -counts[project], position[project])
            if best is None or key < best[0]:
                best = (key, project, rest, payers)
        if best is None:
            break
        _, project, rest, payers = best
        candidates.remove(project)
        funded.append(project)
        if costs[project] == 0:
            continue  # free: nobody pays anything
        factor = payers // gcd(rest, payers)
        if factor > 1:
            scale *= factor
            for c in live:
                class_share[c] *= factor
        _charge(project, rest * factor // payers, live, *supporters)
    return funded


def _supporter_classes(project, single: dict, several: dict, class_of: list) -> Counter:
    """{class: voters} over the project's supporters who have money left."""
    groups = single[project]
    by_class = Counter(map(class_of.__getitem__, groups))
    broke = by_class.pop(_BROKE, 0)
    if broke > 64 and broke * 4 > len(groups):  # forget supporters who can never pay again
        single[project] = [g for g in groups if class_of[g] != _BROKE]
    for group, voters in several[project]:
        by_class[class_of[group]] += voters
    by_class.pop(_BROKE, None)
    return by_class


def _payment(
    project, cost: int, scale: int, single: dict, several: dict, class_of: list, class_share: list
) -> tuple[int, int] | None:
    """``(rest, payers)``: each paying supporter pays ``rest / payers`` units, the others all they have;
    None if the supporters cannot afford the project."""
    if cost == 0:
        return 0, 1  # free: affordable by anyone, even supporters with nothing left
    by_class = _supporter_classes(project, single, several, class_of)
    rest = cost * scale
    payers = sum(by_class.values())
    for c in sorted(by_class, key=class_share.__getitem__):
        share = class_share[c]
        if rest <= share * payers:  # an equal split of what is left fits in every remaining share
            return rest, payers
        rest -= share * by_class[c]  # these voters give everything they have left
        payers -= by_class[c]
    return None


def _charge(project, payment: int, live: dict, single: dict, several: dict, class_of: list, class_share: list) -> None:
    """Supporters pay min(share left, payment): each class of supporters moves to one new class."""
    groups = single[project] + [group for group, _ in several[project]]
    moved = Counter(map(class_of.__getitem__, groups))
    new_class = {}
    for old, number in moved.items():
        left = class_share[old] - payment
        if left > 0:
            new = len(class_share)
            class_share.append(left)
            live[new] = 0
        else:
            new = _BROKE
        new_class[old] = new
        live[new] += number
        live[old] -= number
        if not live[old] and old != _BROKE:
            del live[old]
    moved_to = list(map(new_class.__getitem__, map(class_of.__getitem__, groups)))
    deque(map(class_of.__setitem__, groups, moved_to), maxlen=0)  # class_of[group] = its new class, in C
