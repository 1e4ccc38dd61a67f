"""Walks run two at a time, each in its own thread with its own Playwright and Chromium.

A walk spends much of its time waiting (for the server, for a screen to go quiet), so two walks side by side
finish ~1.3× sooner on a 2-core machine. Two walks never use the same demo account at once: its language
and care mode live on the account (a visitor's live on the device, so visitors may overlap).

The tests stay one per role × mode: each waits for its own walk's result and judges it.
"""

from __future__ import annotations

import contextlib
import os
import threading

from ..conftest import CHROMIUM, CHROMIUM_ARGS
from .crawler import (
    PHONE_WIDTH,
    Walk,
    Walker,
    init_script,
    set_account_preferences,
    sign_in,
)
from .people import Mode, Role

WORKERS = int(os.environ.get("LINLI_JOURNEY_WORKERS", "2"))
PHONE = {
    "viewport": {"width": PHONE_WIDTH, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "timezone_id": "Asia/Shanghai",
}
# Opening each screen as the first page of a visit is checked in one mode: what it catches (a screen that
# waits for a service worker, a string drawn before its translations) does not depend on the language.
FIRST_PAGE_MODE = "zh"


def new_context(browser, base_url: str, mode: Mode, storage_state=None):
    context = browser.new_context(
        base_url=base_url,
        locale="en-US" if mode.locale == "en" else "zh-CN",
        storage_state=storage_state,
        **PHONE,
        # a first page opened again and again must not find a service worker
        service_workers="block" if storage_state is not None else "allow",
    )
    context.set_default_timeout(15_000)
    context.add_init_script(init_script())
    return context


def walk_one(browser, base_url: str, role: Role, mode: Mode, shots_dir) -> Walk:
    """Sign in (or stay a visitor), set language and care mode, walk, and put the account back."""
    context = new_context(browser, base_url, mode)
    try:
        if role.login:
            sign_in(context, role.login)
            set_account_preferences(context, locale=mode.locale, care=mode.care)
        else:  # a visitor's language and care mode live on the device
            context.add_init_script(
                f"localStorage.setItem('linli.locale', '{mode.locale}');"
                f"localStorage.setItem('linli.care', '{1 if mode.care else 0}');"
            )
        walker = Walker(context.new_page(), role, mode, shots_dir)
        walker.run()
        if mode.name == FIRST_PAGE_MODE:
            walker.open_each_screen_first(lambda state: new_context(browser, base_url, mode, state))
        return walker.finish()
    finally:
        if role.login:  # other e2e tests share the demo accounts and expect Chinese without care mode
            with contextlib.suppress(Exception):
                set_account_preferences(context, locale="zh-CN", care=False)
        context.close()


class WalkPool:
    def __init__(self, base_url: str, jobs: list[tuple[Role, Mode]], shots_dir_for, workers: int = WORKERS):
        self.base_url = base_url
        self.shots_dir_for = shots_dir_for
        self.pending = list(jobs)
        self.busy_accounts: set[str] = set()
        self.results: dict[tuple[str, str], object] = {}
        self.done = {(r.name, m.name): threading.Event() for r, m in jobs}
        self.cond = threading.Condition()
        self.stopping = False
        self.threads = [
            threading.Thread(target=self._work, name=f"journey-{i}", daemon=True)
            for i in range(max(1, min(workers, len(jobs))))
        ]
        for thread in self.threads:
            thread.start()

    def _next(self):
        with self.cond:
            while not self.stopping and self.pending:
                for i, (role, mode) in enumerate(self.pending):
                    if role.login is None or role.login not in self.busy_accounts:
                        self.pending.pop(i)
                        if role.login:
                            self.busy_accounts.add(role.login)
                        return role, mode
                self.cond.wait()
            return None

    def _release(self, role: Role) -> None:
        with self.cond:
            self.busy_accounts.discard(role.login)
            self.cond.notify_all()

    def _work(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    while (job := self._next()) is not None:
                        role, mode = job
                        try:
                            result = walk_one(browser, self.base_url, role, mode, self.shots_dir_for(role, mode))
                        except BaseException as exc:  # noqa: BLE001 (handed to the test that waits for this walk)
                            result = exc
                        finally:
                            self._release(role)
                        self.results[(role.name, mode.name)] = result
                        self.done[(role.name, mode.name)].set()
                finally:
                    browser.close()
        except BaseException as exc:  # Playwright or Chromium would not start: every waiting test says so
            with self.cond:
                for role, mode in self.pending:
                    self.results[(role.name, mode.name)] = exc
                    self.done[(role.name, mode.name)].set()
                self.pending.clear()
            raise

    def result(self, role: Role, mode: Mode, timeout: float) -> Walk:
        key = (role.name, mode.name)
        if not self.done[key].wait(timeout):
            raise TimeoutError(f"the walk of {role.name} / {mode.name} did not finish within {timeout:.0f} s")
        result = self.results[key]
        if isinstance(result, BaseException):
            raise result
        return result

    def close(self) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        for thread in self.threads:
            thread.join(timeout=120)
