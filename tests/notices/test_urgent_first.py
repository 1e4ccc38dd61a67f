"""Urgent notices come first everywhere (the water cut was last in the list), then pinned, then newest."""

from datetime import timedelta

from sqlalchemy import update

from backend.core.db import utcnow
from backend.extensions import db


def test_urgent_then_pinned_then_newest_and_the_cursor_keeps_that_order(app, client_for, make_community, make_member):
    from backend.notices.models import Notice

    community = make_community()
    committee, resident = make_member(community, "committee"), make_member(community)
    chair = client_for(committee)
    made = {}
    for title, flags in (
        ("停水通知", {"urgent": True}),
        ("居民公约", {"pinned": True}),
        ("电影", {}),
        ("讲座", {}),
        ("上月停电", {"urgent": True}),
    ):
        response = chair.post(
            f"/api/v1/communities/{community.id}/notices", json={"title": title, "body": "…", **flags}
        )
        assert response.status_code == 201
        made[title] = response.json["id"]
    with app.app_context():  # an urgent notice of last month is no longer news
        db.session.execute(
            update(Notice).where(Notice.id == made["上月停电"]).values(publish_at=utcnow() - timedelta(days=30))
        )
        db.session.execute(
            update(Notice).where(Notice.id == made["停水通知"]).values(publish_at=utcnow() - timedelta(days=2))
        )
        db.session.commit()
    client = client_for(resident)
    seen, cursor = [], None
    while True:
        page = client.get(
            f"/api/v1/communities/{community.id}/notices?limit=2" + (f"&cursor={cursor}" if cursor else "")
        ).json
        seen += [n["title"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["停水通知", "居民公约", "讲座", "电影", "上月停电"]
