"""What a deep link waits for before its screen draws (issue 17, Lighthouse on home, a project, a poll and a
report): the screen's first reads start with the session, in parallel with its words, and are asked for
once; the report is drawn, with its position's frame and note, before the map library has arrived."""

from __future__ import annotations

import re

import pytest

from .helpers import open_app, sign_in, use_chinese_without_care_mode

pytestmark = pytest.mark.e2e


def record_network(page) -> list[tuple[str, str]]:
    """(event, path) for every request sent and finished, in the order the browser reported them."""
    events: list[tuple[str, str]] = []
    page.on("request", lambda r: events.append(("sent", r.url.split("/", 3)[-1])))
    page.on("requestfinished", lambda r: events.append(("finished", r.url.split("/", 3)[-1])))
    return events


@pytest.mark.parametrize(
    ("path", "first_reads", "screen_words"),
    [
        ("/reports/11", ["api/v1/reports/11"], "locales/reports.zh-CN.json"),
        ("/projects/12", ["api/v1/projects/12", "api/v1/projects/12/events?limit=100"], "locales/projects.zh-CN.json"),
        ("/polls/1", ["api/v1/polls/1"], "locales/polls.zh-CN.json"),
        ("/", ["api/v1/communities/1/home"], "locales/home.zh-CN.json"),
    ],
)
def test_a_deep_links_first_reads_start_with_its_words_and_are_asked_for_once(page, path, first_reads, screen_words):
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    fresh = page.context.new_page()  # a new page load: the boot path a shared link or the app icon takes
    events = record_network(fresh)
    open_app(fresh, path)
    fresh.wait_for_load_state("networkidle")
    sent = [p for kind, p in events if kind == "sent"]
    for read in first_reads:
        # once: the screen took the answer started at boot rather than asking again
        assert sent.count(read) == 1, (read, sent)
        # before the screen's own words had arrived (before this change: only after them)
        assert events.index(("sent", read)) < events.index(("finished", screen_words)), events
    fresh.close()


def test_the_report_is_drawn_with_its_positions_frame_and_note_before_the_map_arrives(new_context, new_page):
    page = new_page(new_context(service_workers="block"))  # page.route does not see what a service worker answers
    sign_in(page, "resident@demo.linli")
    use_chinese_without_care_mode(page)
    held = []
    page.route("**/vendor/leaflet/leaflet.js", lambda route: held.append(route))  # the map library, held back
    open_app(page, "/reports/11")
    page.wait_for_selector(".rp-description")
    frame = page.locator("#rp-position #rp-position-map")
    assert frame.is_visible() and frame.bounding_box()["height"] >= 190  # the map's room, kept before it arrives
    assert "100" in page.locator("#rp-position .map-note").text_content()  # a neighbour: the ~100 m cell
    note_top = page.locator("#rp-position .map-note").bounding_box()["y"]
    for _ in range(100):  # the map library is asked for once the frame is on screen and the report painted
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the map library was never asked for"
    for route in held:
        route.continue_()
    page.wait_for_selector("#rp-position-map path.map-cell", state="attached", timeout=15_000)
    # the map drew into the frame: nothing below it moved
    assert page.locator("#rp-position .map-note").bounding_box()["y"] == pytest.approx(note_top, abs=1)
    assert page.locator("#rp-position .map-note").count() == 1
    assert re.search(r"约 ?100 ?米", page.locator("#rp-position .map-note").text_content())
