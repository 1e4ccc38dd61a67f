"""One small state-machine helper for every model that has states, and one error for a bad step.

    REPORT_STATES = Machine("report", {"accept": ("submitted", "accepted"), ...}, noun=("这个问题", "The report"))
    previous, new = REPORT_STATES.move(report, "accept")      # or 409 report.invalid_transition

A transition is `action: (from, to)`; `from` is one state or a tuple of them (None stands for "not created
yet"), `to` one state or a tuple of the states the step may lead to (the caller names which: a sign-up
is confirmed or waitlisted by the capacity left). Where a race decides the step, the service writes a
conditional UPDATE from `sources(action)` to `target(action)` and calls `refuse()` when it lost.
Every machine registers its `<kind>.invalid_transition` message, so the 409 names the state and the step.
"""

from __future__ import annotations

from backend.core.errors import Conflict, register_messages

MACHINES: dict[str, Machine] = {}


class InvalidTransition(Conflict):
    """A step asked of a state it does not start from (409 `<kind>.invalid_transition`, `from_status` and
    `action` filled in the message)."""


def _states(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


class Machine:
    def __init__(self, kind: str, transitions: dict[str, tuple], *, noun: tuple[str, str], field: str = "status"):
        """`noun` names the thing in zh-CN and en ("这个问题", "The report") for the 409's sentence."""
        if kind in MACHINES:
            raise ValueError(f"a state machine for {kind!r} exists already")
        self.kind, self.field = kind, field
        self.transitions = {
            action: (_states(sources), _states(targets)) for action, (sources, targets) in transitions.items()
        }
        self.code = f"{kind}.invalid_transition"
        zh, en = noun
        register_messages(
            kind,
            {
                "invalid_transition": {
                    "zh-CN": ("当前状态不允许", f"{zh}目前是“{{from_status}}”，不能“{{action}}”。"),
                    "en": ("Not possible now", f"{en} is “{{from_status}}”; “{{action}}” is not possible from there."),
                }
            },
        )
        MACHINES[kind] = self

    def sources(self, action: str) -> tuple:
        """The states `action` may start from (for a conditional UPDATE ... WHERE status IN (...))."""
        return self.transitions[action][0]

    def target(self, action: str):
        """The one state `action` leads to (an action with several is given `to=` in move())."""
        targets = self.transitions[action][1]
        if len(targets) != 1:
            raise ValueError(f"{self.kind}: {action!r} leads to one of {targets}; say which")
        return targets[0]

    def allows(self, obj, action: str) -> bool:
        return getattr(obj, self.field) in self.sources(action)

    def refuse(self, from_status, action: str) -> InvalidTransition:
        """The error for `action` asked of `from_status` (raise it)."""
        return InvalidTransition(self.code, from_status=from_status or "new", action=action)

    def check(self, obj, action: str) -> None:
        """:raises InvalidTransition: `obj`'s state does not allow `action`"""
        if not self.allows(obj, action):
            raise self.refuse(getattr(obj, self.field), action)

    def move(self, obj, action: str, *, to=None) -> tuple:
        """Take the step on `obj`; returns (from, to).

        :raises InvalidTransition: `obj`'s state does not allow `action`
        """
        self.check(obj, action)
        targets = self.transitions[action][1]
        if to is None:
            to = self.target(action)
        elif to not in targets:
            raise ValueError(f"{self.kind}: {action!r} leads to one of {targets}, not {to!r}")
        previous = getattr(obj, self.field)
        setattr(obj, self.field, to)
        return previous, to
