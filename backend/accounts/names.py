"""Display names as people read them: what is invisible is removed, and look-alikes are comparable.

A name is shown to neighbours next to everything its owner writes, so it must not hide anything: zero-width
characters (a name that looks the same as another but is not), bidirectional overrides (that turn "李主任" into
something read the other way round around a link or a title), control characters, and names made only of
spaces are refused or removed. `skeleton(name)` is what two names look like, so that the committee can be warned
when a resident's name imitates a committee member's ("李主任" and "李 主任", "Wang" and "Wаng" with a
Cyrillic а).
"""

from __future__ import annotations

import re
import unicodedata

from backend.core.errors import ValidationFailed

# Format (Cf: zero-width, bidi controls, soft hyphen, BOM...), controls (Cc), private use, unassigned,
# surrogates, line and paragraph separators: nothing a person's name needs, all of it able to hide or reorder.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp"}
_SPACES = re.compile(r"\s+")
# The commonest look-alikes of Latin letters (Cyrillic, Greek, full-width are folded by NFKC) and digits.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s",
        "к": "k", "м": "m", "т": "t", "в": "b", "н": "h",
        "α": "a", "ο": "o", "ρ": "p", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "τ": "t",
        "0": "o", "1": "l", "|": "l",
    }
)  # fmt: skip


def clean(raw: str, field: str = "display_name") -> str:
    """The name with invisible characters removed and runs of spaces made one; refused when nothing visible
    is left.

    :raises ValidationFailed: a name of only spaces or invisible characters
    """
    composed = unicodedata.normalize("NFC", raw or "")
    visible = "".join(ch for ch in composed if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    name = _SPACES.sub(" ", visible).strip()
    if not name:
        raise ValidationFailed({field: ["a name needs at least one visible character"]})
    return name


def skeleton(name: str | None) -> str:
    """What a name looks like: case, width, spacing, punctuation and the common look-alike letters folded."""
    if not name:
        return ""
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_CONFUSABLES)
    return "".join(ch for ch in folded if ch.isalnum())
