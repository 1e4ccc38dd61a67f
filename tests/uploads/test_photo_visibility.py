"""A photo is seen by whoever may see what it illustrates: a draft's photos stay with its author, a hidden
report's photos are hidden with it, and only photos anyone may see are cached publicly."""

from __future__ import annotations

import pytest

from tests.uploads.test_uploads import jpeg_bytes, post_file


@pytest.fixture
def people(make_community, make_member):
    community = make_community()
    return {
        "community": community,
        "author": make_member(community, display_name="赵大爷"),
        "neighbour": make_member(community, display_name="张阿姨"),
        "committee": make_member(community, "committee", display_name="王主任"),
    }


def photo_of(client) -> dict:
    return post_file(client, jpeg_bytes()).json


def statuses(client_for, people, url) -> dict[str, int]:
    viewers = {
        "visitor": client_for(),
        **{name: client_for(people[name]) for name in ("author", "neighbour", "committee")},
    }
    return {name: client.get(url).status_code for name, client in viewers.items()}


def test_a_draft_projects_photos_are_its_authors_until_it_is_submitted(client_for, people):
    author = client_for(people["author"])
    photo = photo_of(author)
    project = author.post(
        f"/api/v1/communities/{people['community'].id}/projects",
        json={
            "title": "修好3号楼前的长椅",
            "summary": "长椅坏了两年。",
            "category": "facilities",
            "photo_ids": [photo["id"]],
        },
    )
    assert project.status_code == 201, project.json
    assert statuses(client_for, people, photo["url"]) == {
        "visitor": 404,
        "author": 200,
        "neighbour": 404,
        "committee": 404,
    }
    assert author.get(photo["thumb_url"]).headers["Cache-Control"].startswith("private")

    assert author.post(f"/api/v1/projects/{project.json['id']}/submit").status_code == 200
    assert set(statuses(client_for, people, photo["url"]).values()) == {200}
    assert "max-age=300" in client_for().get(photo["url"]).headers["Cache-Control"]


def test_a_hidden_reports_photos_are_hidden_with_it(client_for, people):
    author = client_for(people["author"])
    photo = photo_of(author)
    report = author.post(
        f"/api/v1/communities/{people['community'].id}/reports",
        json={
            "category": "rubbish",
            "description": "垃圾桶满了",
            "location_text": "3号楼门口",
            "photo_ids": [photo["id"]],
        },
    )
    assert report.status_code == 201, report.json
    assert set(statuses(client_for, people, photo["url"]).values()) == {200}

    hidden = client_for(people["committee"]).post(
        "/api/v1/moderation/actions",
        json={"target_type": "report", "target_id": report.json["id"], "action": "hide", "reason": "含他人门牌号"},
    )
    assert hidden.status_code == 201, hidden.json
    assert statuses(client_for, people, photo["url"]) == {
        "visitor": 404,
        "author": 200,
        "neighbour": 404,
        "committee": 200,
    }
    assert client_for(people["committee"]).get(photo["url"]).headers["Cache-Control"].startswith("private")


def test_a_photo_attached_to_a_kind_nobody_registered_is_not_served(app, client_for, people):
    """A kind without photos cannot be attached to (a programming error), and a row that names one anyway
    (written before the kind was unregistered, say) fails closed."""
    import pytest
    from sqlalchemy import update

    from backend.extensions import db
    from backend.uploads import services as uploads
    from backend.uploads.models import Upload
    from tests.projects.conftest import load

    photo = photo_of(client_for(people["author"]))
    with app.app_context():
        for kind in ("no_such_kind", "poll"):  # unknown, and registered without photos
            with pytest.raises(ValueError):
                uploads.attach(load(people["author"]), [photo["id"]], kind, 1)
        db.session.execute(
            update(Upload).where(Upload.id == photo["id"]).values(target_type="no_such_kind", target_id=1)
        )
        db.session.commit()
    assert set(statuses(client_for, people, photo["url"]).values()) == {404}
