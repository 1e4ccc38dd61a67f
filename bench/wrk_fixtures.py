"""What bench/wrk_bench.py's write runs need, created in the measured community before the servers start.

    DATABASE_URL=... JOBS_INLINE=1 .venv/bin/python bench/wrk_fixtures.py --voters 170 --polls 40 --shifts 40 OUT.json

Every ballot and every shift sign-up of a run must be a first one (a repeat is a 409 and measures
nothing), so the harness needs many (voter, poll) and (volunteer, shift) pairs that were never used:
  - VOTERS new verified residents (bench-voter{i}@bench.linli, registered, joined and verified through
    the services like any resident, so their rows are what the app makes);
  - POLLS open yes/no polls for verified residents: one created by the committee through the services,
    the others copied from it in SQL (creating each through the services would notify the whole
    community every time, and the district's community has 5,000 members);
  - SHIFTS future shifts (capacity 50: the first fifty are confirmed, later ones waitlisted) of one
    activity of a new verified organisation.
The measured community is the demo community 阳光社区 when it exists, else community 1 (a district of
bench/generate.py). Writes OUT.json: the community, the voters' logins and password, the poll and shift
ids, a closed poll with frozen results (for the results page), and the logins of a few existing
verified residents with content of their own (inbox, reports) for the signed-in reads.

Runs in the environment of the Linli under test (LINLI_APP_DIR: the source tree to import, default
this repository), with JOBS_INLINE=1 so that every job of the setup has run before it exits. With
--voters 0 --polls 0 --shifts 0 it creates nothing and only reports the community, readers and poll.
The harness runs it with cheap password-hash settings: the server rehashes a voter's password with the
production settings at sign-in (passwords.needs_rehash), so each sign-in costs one full hash, not two.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

APP_DIR = Path(os.environ.get("LINLI_APP_DIR") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(APP_DIR))

DEMO_COMMUNITY = "阳光社区"
DEMO_PASSWORD = "demo-pass-2026"  # backend/communities/demo.py
DISTRICT_PASSWORD = "bench-pass-2026"  # bench/generate.py
VOTER_PASSWORD = "bench-voter-pass-2026"
VOTER_EMAIL = "bench-voter{}@bench.linli"
SHIFT_CAPACITY = 50
READERS = 12


def password_of(login: str) -> str:
    """The password of an existing account the harness signs in with (demo seed or district generator)."""
    if login.endswith("@demo.linli"):
        return DEMO_PASSWORD
    if login.startswith("bench-voter"):
        return VOTER_PASSWORD
    return DISTRICT_PASSWORD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--voters", type=int, default=170)
    parser.add_argument("--polls", type=int, default=40)
    parser.add_argument("--shifts", type=int, default=40)
    args = parser.parse_args()

    from backend import create_app
    from backend.core.db import commit

    app = create_app()
    with app.app_context():
        result = build(args.voters, args.polls, args.shifts)
        commit()
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1))


def build(voter_count: int, poll_count: int, shift_count: int) -> dict:
    from sqlalchemy import text

    from backend.core.db import utcnow
    from backend.extensions import db

    cid = db.session.execute(text("SELECT id FROM communities WHERE name = :n"), {"n": DEMO_COMMUNITY}).scalar() or 1
    committee = _user(
        db.session.execute(
            text(
                "SELECT user_id FROM memberships WHERE community_id = :c AND role = 'committee' "
                "AND status = 'verified' ORDER BY user_id LIMIT 1"
            ),
            {"c": cid},
        ).scalar_one()
    )
    readers = list(
        db.session.execute(
            text(
                "SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.community_id = :c "
                "AND m.role = 'resident' AND m.status = 'verified' AND u.email IS NOT NULL "
                "AND u.email NOT LIKE 'bench-voter%' ORDER BY u.id LIMIT :n"
            ),
            {"c": cid, "n": READERS},
        ).scalars()
    )
    results_poll = db.session.execute(
        text("SELECT id FROM polls WHERE community_id = :c AND results IS NOT NULL ORDER BY id LIMIT 1"), {"c": cid}
    ).scalar_one()
    now = utcnow()
    voters = _voters(cid, committee, voter_count) if voter_count else []
    polls = _polls(cid, committee, poll_count, now) if poll_count else []
    shifts = _shifts(cid, committee, shift_count, now) if shift_count else []
    return {
        "cid": cid,
        "results_poll": results_poll,
        "readers": [{"login": login, "password": password_of(login)} for login in readers],
        "voters": [{"login": login, "password": VOTER_PASSWORD} for login in voters],
        "polls": polls,
        "shifts": shifts,
    }


def _user(user_id: int):
    from backend.accounts.models import User
    from backend.extensions import db

    return db.session.get(User, user_id)


def _voters(cid: int, committee, count: int) -> list[str]:
    """`count` verified residents of their own households, spread over the community's grids."""
    from sqlalchemy import text

    from backend.accounts import services as accounts
    from backend.communities import services as communities
    from backend.extensions import db

    grids = list(
        db.session.execute(text("SELECT id FROM grids WHERE community_id = :c ORDER BY id"), {"c": cid}).scalars()
    )
    logins = []
    for i in range(count):
        login = VOTER_EMAIL.format(i + 1)
        user = accounts.register(
            email=login, password=VOTER_PASSWORD, display_name=f"压测居民{i + 1}", privacy_consent=True
        )
        communities.join(
            user,
            cid,
            building=f"压测{i // 100 + 1}",
            unit="1",
            room=str(i % 100 + 101),
            grid_id=grids[i % len(grids)] if grids else None,
        )
        communities.verify_member(committee, cid, user.id)
        logins.append(login)
    db.session.flush()
    return logins


def _polls(cid: int, committee, count: int, now) -> list[int]:
    """One open yes/no poll through the services, `count - 1` copies of it in SQL; their ids."""
    from sqlalchemy import inspect, text

    from backend.extensions import db
    from backend.voting import services as voting

    first = voting.create_poll(
        committee,
        cid,
        title="压测投票：是否在中心花园增设长椅",
        description="压测用的投票（bench/wrk_fixtures.py）。",
        method="yes_no",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=30),
        quorum=0.0,
        pass_threshold=0.5,
        secret=True,
    )
    db.session.flush()
    connection = db.session.connection()
    columns = [c["name"] for c in inspect(connection).get_columns("polls") if c["name"] != "id"]
    option_columns = [
        c["name"] for c in inspect(connection).get_columns("poll_options") if c["name"] not in ("id", "poll_id")
    ]
    ids = [first.id]
    for _ in range(count - 1):
        new_id = db.session.execute(
            text(
                f"INSERT INTO polls ({', '.join(columns)}) SELECT {', '.join(columns)} FROM polls "
                "WHERE id = :s RETURNING id"
            ),
            {"s": first.id},
        ).scalar_one()
        db.session.execute(
            text(
                f"INSERT INTO poll_options (poll_id, {', '.join(option_columns)}) SELECT :n, "
                f"{', '.join(option_columns)} FROM poll_options WHERE poll_id = :s"
            ),
            {"n": new_id, "s": first.id},
        )
        ids.append(new_id)
    return ids


def _shifts(cid: int, committee, count: int, now) -> list[int]:
    """`count` one-hour shifts, a month ahead, of an activity of a new verified organisation."""
    from backend.extensions import db
    from backend.volunteering import services as volunteering

    organisation = volunteering.create_organisation(
        committee, cid, name="压测志愿队", kind="volunteer_group", description="压测用的志愿组织。"
    )
    volunteering.verify_organisation(committee, organisation.id)
    start = (now + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    activity = volunteering.create_activity(
        committee,
        organisation.id,
        title="压测志愿活动：楼道清洁",
        description="压测用的志愿活动（bench/wrk_fixtures.py）。",
        location="中心花园集合",
        skills=["清洁"],
        grid_ids=[],
        shifts=[
            {
                "starts_at": start + timedelta(hours=i),
                "ends_at": start + timedelta(hours=i + 1),
                "capacity": SHIFT_CAPACITY,
            }
            for i in range(count)
        ],
    )
    db.session.flush()
    return [shift.id for shift in activity.shifts]


if __name__ == "__main__":
    main()
