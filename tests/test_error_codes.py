"""Error codes: one per rule, namespaced by domain, registered once, and every message filled in.

The raisers are read from the source (every `Conflict("report.x", action=...)`-like call in backend/),
so a message whose `{field}` no raiser passes fails here, in both languages, before anyone sees braces.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from backend.core import errors
from backend.core.errors import CONTRACT_CODES, CORE_CODES, MESSAGES, register_messages

BACKEND = Path(__file__).resolve().parents[1] / "backend"
# Codes the API contract lists for every endpoint (docs/api.md, "Conventions" and the tables).
CONTRACT_CORE = {
    "csrf_failed",
    "auth_required",
    "forbidden",
    "not_found",
    "validation_failed",
    "conflict",
    "rate_limited",
}


def _error_classes() -> dict[str, str | None]:
    """Every DomainError subclass in backend/ with the code it raises by default."""
    classes = {
        "DomainError": "conflict",
        "ValidationFailed": "validation_failed",
        "AuthRequired": "auth_required",
        "Forbidden": "forbidden",
        "NotFound": "not_found",
        "Conflict": "conflict",
        "ImageRefused": None,
    }
    for path in BACKEND.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", getattr(b, "attr", None)) in classes for b in node.bases
            ):
                default = next(
                    (
                        s.value.value
                        for s in node.body
                        if isinstance(s, ast.Assign)
                        and getattr(s.targets[0], "id", None) == "code"
                        and isinstance(s.value, ast.Constant)
                    ),
                    None,
                )
                classes[node.name] = default
    return classes


def raise_sites() -> list[tuple[str, str, set[str]]]:
    """(where, code, the keyword fields passed) for every construction of a domain error with a known code."""
    classes = _error_classes()
    sites = []
    for path in BACKEND.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in classes:
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            given = keywords.get("code")
            if (
                given is None
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                given = node.args[0]
            if given is not None and not isinstance(given, ast.Constant):
                continue  # a code chosen at run time (an image's refusal): checked where it is made
            code = given.value if given is not None else classes[name]
            if code is None:
                continue
            fields = set(keywords) - {"errors", "status", "code"}
            sites.append((f"{path.relative_to(BACKEND.parent)}:{node.lineno}", code, fields))
    return sites


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_raised_code_is_registered(app):
    unknown = [(where, code) for where, code, _ in raise_sites() if code not in MESSAGES]
    assert unknown == []


def test_every_message_is_filled_by_the_fields_its_raisers_pass(app):
    """Was "The project is {from_status}" sent with the braces in it? Not any more, in either language."""
    unfilled = []
    for where, code, fields in raise_sites():
        for locale, (title, detail) in MESSAGES.get(code, {}).items():
            missing = placeholders(title + detail) - fields
            if missing:
                unfilled.append((where, code, locale, sorted(missing)))
    assert unfilled == []


def test_codes_carry_their_domain_except_core_and_the_contracts(app):
    bare = sorted(code for code in MESSAGES if "." not in code and code not in CORE_CODES + list(CONTRACT_CODES))
    assert bare == []
    assert re.fullmatch(r"[a-z_]+", "".join(CORE_CODES))
    # a domain's name may hold digits (open311.api_key_required)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z_]+", code) for code in MESSAGES if "." in code)


def test_the_codes_the_api_contract_names_keep_their_spelling(app):
    assert set(MESSAGES) >= CONTRACT_CODES | CONTRACT_CORE


def test_registering_a_code_twice_is_refused(app):
    with pytest.raises(ValueError, match="registered twice"):
        register_messages("report", {"report_closed": {"zh-CN": ("x", "x"), "en": ("x", "x")}})
    with pytest.raises(ValueError, match="registered twice"):  # a contract code is one code, whoever raises it
        register_messages("survey", {"already_responded": {"zh-CN": ("x", "x"), "en": ("x", "x")}})
    assert "report.report_closed" in MESSAGES and "survey.already_responded" not in MESSAGES


def test_a_message_needs_both_languages(app):
    with pytest.raises(ValueError, match="needs a title and detail"):
        register_messages("widget", {"broken": {"en": ("x", "x")}})
    assert "widget.broken" not in MESSAGES


def test_a_detail_the_raiser_did_not_fill_falls_back_to_the_generic_sentence(app, caplog):
    title, detail = errors.localized("report.invalid_transition", "en", {})
    assert "{" not in detail and detail == MESSAGES["conflict"]["en"][1]
    assert "did not pass the fields" in caplog.text
