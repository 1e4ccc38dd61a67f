"""Who walks through the app (the demo accounts, one per role) and how (language and care mode)."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class Role:
    name: str
    login: str | None  # None: a visitor, not signed in
    label: str


@dataclass(frozen=True)
class Mode:
    name: str
    locale: str  # the account's (or, for a visitor, this device's) language
    care: bool
    lang: str  # the script interface text must be in: "zh" (Han) or "en" (Latin)
    label: str

    @property
    def min_target(self) -> int:
        """WCAG 2.2 target size (2.5.8, 24 px); care mode asks for what 2.5.5 asks (44 px)."""
        return 44 if self.care else 24


ROLES = [
    Role("visitor", None, "visitor (not signed in)"),
    Role("pending", "newcomer@demo.linli", "pending resident (小陈)"),
    Role("resident", "resident@demo.linli", "verified resident (张阿姨)"),
    Role("grid", "grid@demo.linli", "grid worker (李网格员)"),
    Role("committee", "committee@demo.linli", "committee member (王主任)"),
    Role("org", "org@demo.linli", "organisation admin (刘志愿)"),
    Role("agency", "property@demo.linli", "agency staff (物业孙经理, 阳光物业服务中心)"),
    Role("admin", "admin@demo.linli", "platform admin"),
]
MODES = [
    Mode("zh", "zh-CN", False, "zh", "zh-CN"),
    Mode("en", "en", False, "en", "English"),
    Mode("care", "zh-CN", True, "zh", "zh-CN, care mode"),
]
ROLE_NAMES = [r.name for r in ROLES]
MODE_NAMES = [m.name for m in MODES]
