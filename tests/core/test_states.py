"""The state-machine helper every stateful model uses, and its one error for a bad step."""

import re
from types import SimpleNamespace

import pytest

from backend.core.errors import MESSAGES, localized
from backend.core.states import MACHINES, InvalidTransition, Machine

# Every model with states (tests/test_architecture.py keeps the models honest; this keeps the list).
STATEFUL = {
    "project",
    "report",
    "aid",
    "aid_response",
    "support_request",
    "signup",
    "organisation",
    "membership",
    "poll",
    "survey",
    "meeting",
    "meeting_rsvp",
    "appeal",
    "moderation_case",
    "task",
    "patrol",
}


def test_every_stateful_model_has_one_machine(app):
    assert set(MACHINES) == STATEFUL


@pytest.mark.parametrize("kind", sorted(STATEFUL))
def test_a_bad_step_says_from_which_state_and_which_step_in_both_languages(app, kind):
    machine = MACHINES[kind]
    action, (sources, _targets) = next(iter(machine.transitions.items()))
    wrong = next(state for state in ("zzz", *sources) if state not in sources)
    error = machine.refuse(wrong, action)
    assert isinstance(error, InvalidTransition) and error.status == 409 and error.code == f"{kind}.invalid_transition"
    for locale in ("zh-CN", "en"):
        _title, detail = localized(error.code, locale, error.params)
        assert wrong in detail and action in detail and not re.search(r"\{\w*\}", detail)


def test_move_checks_sets_and_reports_the_step():
    machine = Machine(
        "widget_test", {"open": ("draft", "open"), "split": ("open", ("left", "right"))}, noun=("小部件", "The widget")
    )
    try:
        widget = SimpleNamespace(status="draft")
        assert machine.move(widget, "open") == ("draft", "open") and widget.status == "open"
        with pytest.raises(InvalidTransition) as refused:
            machine.move(widget, "open")
        assert refused.value.params == {"from_status": "open", "action": "open"} and widget.status == "open"
        with pytest.raises(ValueError):  # a step with several outcomes is told which one
            machine.move(widget, "split")
        assert machine.move(widget, "split", to="right") == ("open", "right")
        assert machine.sources("open") == ("draft",) and machine.target("open") == "open"
    finally:
        MACHINES.pop("widget_test")
        MESSAGES.pop("widget_test.invalid_transition")


def test_a_second_machine_for_a_kind_is_refused(app):
    with pytest.raises(ValueError, match="exists already"):
        Machine("report", {"x": ("a", "b")}, noun=("x", "x"))
