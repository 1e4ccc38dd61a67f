"""What a domain plugs into the app: its manifest, declared in its package's `__init__.py`.

Everything is named as a "module" or "module:attribute" string and imported only when needed: importing a
manifest (and backend.domains, which lists them) imports nothing else, so the scheduler starts without
loading the domains, and a job's code is loaded when it is due.

    DOMAIN = Domain(
        "aid", layer="content", models="backend.aid.models", blueprints=("backend.aid.routes:blp",),
        targets="backend.aid.targets", personal_data="backend.aid.personal_data",
        jobs=(Job("expire-aid", "backend.aid.services:expire_posts", every_seconds=HOUR),),
        seed="backend.aid.demo:seed_aid",
    )
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

MINUTE, HOUR = 60, 3600

# From the bottom up; a domain imports only domains of its own layer or below (tests/test_architecture.py),
# and within a layer without a cycle. What a lower layer needs from a higher one goes through a registry in
# core (targets, account erasers, profile parts).
LAYERS = ("core", "identity", "messaging", "community", "shared", "content", "overview")


@dataclass(frozen=True)
class Job:
    """A periodic job: `flask jobs run NAME` runs it now; the scheduler every `every_seconds` (None: on demand)."""

    name: str
    target: str  # "module:function", imported when due
    every_seconds: int | None
    args: tuple = ()
    description: str = ""


@dataclass(frozen=True)
class Domain:
    name: str
    layer: str
    models: str | None = None  # the module whose import declares the domain's tables
    blueprints: tuple[str, ...] = ()  # "module:attribute", registered in this order
    targets: str | None = None  # the module that registers its kinds with backend.core.targets
    personal_data: str | None = None  # a module with export(user) -> dict and TABLES (the /me/export section)
    search: str | None = None  # the module that registers its searchable kinds with backend.core.search
    calendar: str | None = None  # the module that registers its calendar sources with backend.core.calendar
    jobs: tuple[Job, ...] = ()
    seed: str | None = None  # "module:function(ctx)" adding the domain's part of the demo community

    def __post_init__(self):
        if self.layer not in LAYERS:
            raise ValueError(f"domain {self.name!r}: layer must be one of {LAYERS}")


_installed: tuple[Domain, ...] = ()


def install(domains: tuple[Domain, ...]) -> None:
    """The app factory hands down the list of backend/domains.py, for lower layers that go over every
    domain (the data download) without importing the list, which imports every domain package."""
    global _installed
    _installed = tuple(domains)


def installed() -> tuple[Domain, ...]:
    return _installed


def resolve(name: str):
    """The object a "module:attribute" (or "module") string names, imported now."""
    module, _, attribute = name.partition(":")
    found = importlib.import_module(module)
    for part in attribute.split(".") if attribute else ():
        found = getattr(found, part)
    return found
