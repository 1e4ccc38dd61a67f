"""Scorecards per grid worker (issue 19): answered on time, resolved on time, reopen rate and satisfaction of the
reports assigned to each, checked against figures worked out by hand; read by the committee and the officials
above the community, nobody else."""

from __future__ import annotations

import pytest

from backend.extensions import db
from tests.insights.conftest import WEEK_ARGS, add_report, h


@pytest.fixture
def cards(app, make_member, network):
    """The week 2026-11-16..22 (W = its start). Response deadline 24 h, resolve deadline 72 h after creation.

    李网格员 (grid 1):
      r1 created W+0, accepted W+2 (on time), resolved W+20 (on time), confirmed with 5 stars
      r2 created W+1, accepted W+30 (late: due W+25), resolved W+75 (late: due W+73), reopened once, not rated
      r3 created W+10, accepted W+12 (on time), still assigned, next deadline W+40 (overdue now)
    周网格员 (grid 2):
      r4 created W+5, accepted W+6, resolved W+7, confirmed with 3 stars
    nobody: r5 created W+3, never accepted, next deadline W+27 (overdue now)
    """
    people, community = network.people, network.sunshine
    second = make_member(community, "grid_worker", grid=1, display_name="周网格员")
    g1, g2 = community.grid_ids
    with app.app_context():
        reporter = people.resident.id
        made = [
            (
                people.worker,
                add_report(
                    community.id,
                    g1,
                    reporter,
                    "rubbish",
                    h(0),
                    status="confirmed",
                    accepted=h(2),
                    resolved=h(20),
                    closed=h(30),
                    stars=5,
                ),
            ),
            (
                people.worker,
                add_report(
                    community.id,
                    g1,
                    reporter,
                    "rubbish",
                    h(1),
                    status="resolved",
                    accepted=h(30),
                    resolved=h(75),
                    reopen_count=1,
                ),
            ),
            (
                people.worker,
                add_report(
                    community.id, g1, reporter, "noise", h(10), status="assigned", accepted=h(12), next_due=h(40)
                ),
            ),
            (
                second,
                add_report(
                    community.id,
                    g2,
                    reporter,
                    "noise",
                    h(5),
                    status="confirmed",
                    accepted=h(6),
                    resolved=h(7),
                    closed=h(9),
                    stars=3,
                ),
            ),
            (None, add_report(community.id, None, reporter, "noise", h(3), next_due=h(27))),
        ]
        for handler, report in made:
            report.assignee_id = handler.id if handler else None
        db.session.commit()
    return second


def _cards(client, community_id):
    query = "&".join(f"{k}={v}" for k, v in WEEK_ARGS.items())
    return client.get(f"/api/v1/communities/{community_id}/insights/scorecards?{query}")


def test_each_grid_workers_scorecard_matches_the_hand_count(client_for, network, cards):
    response = _cards(client_for(network.people.west_official), network.sunshine.id)
    assert response.status_code == 200, response.json
    by_name = {row["handler"]["display_name"]: row for row in response.json["items"]}
    assert set(by_name) == {"李网格员", "周网格员"}  # the committee member handled nothing and has no grid
    assert by_name["李网格员"]["figures"] == {
        "open": 1,
        "overdue": 1,
        "accepted": 3,
        "accepted_within_deadline": 2,
        "response_on_time_share": 0.6667,
        "resolved": 2,
        "resolved_within_deadline": 1,
        "resolve_on_time_share": 0.5,
        "reopened": 1,
        "reopen_rate": 0.5,
        "mean_stars": 5.0,
        "ratings": 1,
        "patrols_done": 0,  # no patrols in this week (tests/patrols count them)
    }
    assert by_name["周网格员"]["figures"] == {
        "open": 0,
        "overdue": 0,
        "accepted": 1,
        "accepted_within_deadline": 1,
        "response_on_time_share": 1.0,
        "resolved": 1,
        "resolved_within_deadline": 1,
        "resolve_on_time_share": 1.0,
        "reopened": 0,
        "reopen_rate": 0.0,
        "mean_stars": 3.0,
        "ratings": 1,
        "patrols_done": 0,  # no patrols in this week (tests/patrols count them)
    }
    assert [g["number"] for g in by_name["周网格员"]["grids"]] == [2]
    unassigned = response.json["unassigned"]
    assert (unassigned["open"], unassigned["overdue"], unassigned["response_on_time_share"]) == (1, 1, None)


@pytest.mark.parametrize(
    "who, status",
    [
        ("committee", 200),
        ("west_official", 200),
        ("district_official", 200),
        ("east_official", 403),  # another street
        ("far_district_official", 403),  # another district
        ("worker", 403),  # a grid worker does not read colleagues' scorecards
        ("resident", 403),
        ("star_committee", 403),
    ],
)
def test_scorecards_are_read_by_the_committee_and_the_officials_above_only(client_for, network, cards, who, status):
    assert _cards(client_for(getattr(network.people, who)), network.sunshine.id).status_code == status
