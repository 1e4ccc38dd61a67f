"""Cells for spreadsheet programs: every CSV the app hands out (the committee's exports, a poll's recount file)
writes user-typed text through `defuse`, so that a cell like `=HYPERLINK(...)` or `@SUM(...)` opens as text
in Excel, WPS or LibreOffice instead of running as a formula (CSV injection)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value) -> str:
    """A cell as text; one that starts like a formula gets a leading apostrophe (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
