"""A progress update's photos are seen by whoever may see the project: hidden with it by moderation."""

from __future__ import annotations

from tests.uploads.test_uploads import jpeg_bytes, post_file


def test_a_progress_photo_follows_its_projects_visibility(client_for, world, make_project):
    project_id = make_project("in_progress")
    author, committee = world.people["author"], world.people["committee"]
    photo = post_file(client_for(author), jpeg_bytes()).json
    update = client_for(author).post(
        f"/api/v1/projects/{project_id}/updates",
        json={"body": "长椅横条已换好", "percent_done": 60, "photo_ids": [photo["id"]]},
    )
    assert update.status_code == 201, update.json
    assert client_for().get(photo["url"]).status_code == 200

    hidden = client_for(committee).post(
        "/api/v1/moderation/actions",
        json={"target_type": "project", "target_id": project_id, "action": "hide", "reason": "照片含住户门牌"},
    )
    assert hidden.status_code == 201, hidden.json
    assert client_for().get(photo["url"]).status_code == 404
    assert client_for(world.people["resident"]).get(photo["url"]).status_code == 404
    assert client_for(author).get(photo["url"]).status_code == 200
    assert client_for(committee).get(photo["url"]).status_code == 200
