"""Polling table benchmark (issue 18): how many paper ballots a committee member records per minute on the real
screen, at phone size in headless Chromium (prints figures; not a test).

    .venv/bin/python bench/polling_table_bench.py --base-url http://127.0.0.1:18144 --voters 30
    .venv/bin/python bench/polling_table_bench.py --base-url ... --voters 30 --pace person

The server must run the demo data (`flask seed-demo`): the committee member (committee@demo.linli) registers
`--voters` residents in person, in households of building 20 and up (the names and flats a table would be read
from the paper), and opens a secret yes/no poll. Then, for each voter, the script does what the member does:
types the flat (20-1-301) into the search, taps the voter, taps the choice marked on the paper, taps "record",
confirms, waits for the receipt, taps "next". Every fifth voter is looked up by name instead, and every tenth
puts a sealed ballot in the box (one tap after the lookup). `--pace fast`: as fast as the screen answers (the
machine's ceiling); `--pace person`: typing at 4 characters a second and 0.8 s before each tap (reading the paper,
finding the button), which is closer to a person at a table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "桂英建国秀兰玉珍小明志强丽华淑芬德福海燕"
API = """async ([method, url, body]) => {
  const s = await (await fetch('/api/v1/auth/session')).json();
  const r = await fetch(url, {method, credentials: 'same-origin', cache: 'no-store',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},
    body: body === null ? undefined : JSON.stringify(body)});
  return [r.status, await r.json().catch(() => null)];
}"""


def api(page, method, url, body=None):
    status, answer = page.evaluate(API, [method, url, body])
    if status >= 400:
        raise RuntimeError(f"{method} {url}: {status} {answer}")
    return answer


def ready(page):
    page.wait_for_selector("html[data-ready]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--voters", type=int, default=30)
    parser.add_argument("--pace", choices=("fast", "person"), default="fast")
    args = parser.parse_args()
    person = args.pace == "person"
    type_delay = 250 if person else 0  # ms per character
    think = 0.8 if person else 0.0  # s before each tap

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=args.base_url, bypass_csp=True, **PHONE)
        page = context.new_page()
        page.goto("/signin")
        ready(page)
        page.fill("input[name=login]", "committee@demo.linli")
        page.fill("input[name=password]", "demo-pass-2026")
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/signin" not in url)
        ready(page)
        api(page, "PATCH", "/api/v1/me", {"locale": "zh-CN", "care_mode": False})
        cid = api(page, "GET", "/api/v1/communities")["items"][0]["id"]
        building = 20 + random.randrange(500)  # a fresh building per run: nobody has voted there
        voters = []
        for n in range(args.voters):
            name = SURNAMES[n % 20] + GIVEN[(n * 7) % 16] + GIVEN[(n * 3 + building) % 16]
            flat = (str(building), str(1 + n // 20), str(101 + n % 20))
            made = api(
                page,
                "POST",
                f"/api/v1/communities/{cid}/residents",
                {"display_name": name, "building": flat[0], "unit": flat[1], "room": flat[2], "consent_on_paper": True},
            )
            voters.append((made["user"]["id"], name, "-".join(flat)))
        now = datetime.now(UTC)
        poll = api(
            page,
            "POST",
            f"/api/v1/communities/{cid}/polls",
            {
                "title": f"{building}号楼加装电梯意见",
                "method": "yes_no",
                "secret": True,
                "opens_at": (now - timedelta(minutes=1)).isoformat(),
                "closes_at": (now + timedelta(days=1)).isoformat(),
            },
        )
        page.evaluate(
            "async (p) => { const r = await import('/js/router.js'); await r.navigate(p); }",
            f"/polls/{poll['id']}/table",
        )
        ready(page)
        page.wait_for_selector("input[name=q]")

        def tap(selector):
            if think:
                time.sleep(think)
            page.locator(selector).first.click()

        times = []
        started = time.perf_counter()
        for n, (voter_id, name, flat) in enumerate(voters):
            t0 = time.perf_counter()
            search = page.locator("input[name=q]")
            search.click()
            search.fill("")
            search.type(name if n % 5 == 4 else flat, delay=type_delay)
            row = f".ptable__voters button[data-voter='{voter_id}']"
            page.wait_for_selector(row)
            tap(row)
            if n % 10 == 9:
                tap(".ptable__box")
            else:
                tap(f".poll__big--{random.choice(('yes', 'yes', 'no', 'abstain'))}")
                tap(".ptable__record")
                tap(".ptable__confirm")
                page.wait_for_selector(".ptable__receipt")
            tap(".ptable__next")
            page.wait_for_selector("input[name=q]:visible")
            times.append(time.perf_counter() - t0)
        total = time.perf_counter() - started
        results = api(page, "GET", f"/api/v1/polls/{poll['id']}/results")
        browser.close()

    print(
        f"pace {args.pace}: {len(voters)} voters in {total:.1f} s -> {60 * len(voters) / total:.1f} ballots per minute"
    )
    print(f"per voter: median {statistics.median(times):.2f} s, slowest {max(times):.2f} s")
    print(f"the roll says: {results['voters']} voters, channels {results['channels']}")


if __name__ == "__main__":
    main()
