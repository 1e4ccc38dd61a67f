"""Report categories and their deadlines: defaults in code, per-community overrides in settings.

Community settings (communities.settings JSON):
- ``report_categories``: list of category keys offered in that community (default: all of CATEGORIES);
- ``report_sla``: {category: {"accept_hours": n, "resolve_days": n}} overriding DEFAULT_SLA per key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

CATEGORIES = (
    "street_lights",
    "rubbish",
    "roads_paths",
    "greenery",
    "noise",
    "water_drains",
    "safety_hazard",
    "parking",
    "pets",
    "other",
)

LABELS = {
    "street_lights": {"zh-CN": "路灯照明", "en": "Street lights"},
    "rubbish": {"zh-CN": "垃圾环境", "en": "Rubbish"},
    "roads_paths": {"zh-CN": "道路设施", "en": "Roads and paths"},
    "greenery": {"zh-CN": "绿化养护", "en": "Greenery"},
    "noise": {"zh-CN": "噪音扰民", "en": "Noise"},
    "water_drains": {"zh-CN": "供水排水", "en": "Water and drains"},
    "safety_hazard": {"zh-CN": "安全隐患", "en": "Safety hazard"},
    "parking": {"zh-CN": "停车秩序", "en": "Parking"},
    "pets": {"zh-CN": "宠物管理", "en": "Pets"},
    "other": {"zh-CN": "其他", "en": "Other"},
}

# Hours to accept, days to resolve. Danger first: a loose manhole cover cannot wait like a hedge can.
DEFAULT_SLA = {
    "safety_hazard": (2, 1),
    "water_drains": (12, 2),
    "rubbish": (12, 2),
    "street_lights": (24, 3),
    "noise": (12, 3),
    "parking": (24, 3),
    "pets": (24, 3),
    "roads_paths": (24, 7),
    "greenery": (48, 7),
    "other": (48, 7),
}
FALLBACK_SLA = (48, 7)
MAX_ACCEPT_HOURS = 24 * 30
MAX_RESOLVE_DAYS = 365


@dataclass(frozen=True)
class Deadline:
    accept_hours: int
    resolve_days: int

    def due_times(self, start: datetime) -> tuple[datetime, datetime]:
        return start + timedelta(hours=self.accept_hours), start + timedelta(days=self.resolve_days)


def categories_of(community) -> list[str]:
    chosen = community.setting("report_categories", None)
    if not isinstance(chosen, list) or not chosen:
        return list(CATEGORIES)
    return [str(key)[:30] for key in chosen]


def _positive_int(value, default: int, ceiling: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ceiling else default


def deadline_for(community, category: str) -> Deadline:
    """The community's deadline for `category` (its override, else the default); bad settings fall back."""
    accept, resolve = DEFAULT_SLA.get(category, FALLBACK_SLA)
    override = (community.setting("report_sla", {}) or {}).get(category)
    if isinstance(override, dict):
        accept = _positive_int(override.get("accept_hours"), accept, MAX_ACCEPT_HOURS)
        resolve = _positive_int(override.get("resolve_days"), resolve, MAX_RESOLVE_DAYS)
    return Deadline(accept, resolve)


def label(category: str, locale: str) -> str:
    names = LABELS.get(category)
    return names.get(locale, names["en"]) if names else category
