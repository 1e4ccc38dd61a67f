"""Every foundation endpoint × every role: who gets 2xx, 401, 403 (and 409 where state decides)."""

import pytest

ROLES = ["visitor", "outsider", "pending", "resident", "grid_worker", "committee", "other_committee", "platform_admin"]


@pytest.fixture
def world(make_user, make_community, make_member):
    community, other = make_community(), make_community()
    people = {
        "visitor": None,
        "outsider": make_user(),
        "pending": make_member(community, status="pending"),
        "resident": make_member(community),
        "grid_worker": make_member(community, "grid_worker", grid=0),
        "committee": make_member(community, "committee"),
        "other_committee": make_member(other, "committee"),
        "platform_admin": make_user(platform_admin=True),
    }
    make_member(community, "committee")  # a second one, so role changes never hit "last committee member"
    target = make_member(community, status="pending")
    return {"community": community, "people": people, "target": target}


def _call(client, method, path, body):
    return client.open(path, method=method, json=body) if body is not None else client.open(path, method=method)


# (name, method, path template, body, {role: expected status})
CASES = [
    ("list communities", "GET", "/api/v1/communities", None, dict.fromkeys(ROLES, 200)),
    ("get community", "GET", "/api/v1/communities/{cid}", None, dict.fromkeys(ROLES, 200)),
    (
        "join",
        "POST",
        "/api/v1/communities/{cid}/join",
        {"building": "9", "unit": "9", "room": "909"},
        {
            "visitor": 401,
            "outsider": 201,
            "pending": 409,
            "resident": 409,
            "grid_worker": 409,
            "committee": 409,
            "other_committee": 201,
            "platform_admin": 201,
        },
    ),
    (
        "list members",
        "GET",
        "/api/v1/communities/{cid}/members?status=pending",
        None,
        {
            "visitor": 401,
            "outsider": 403,
            "pending": 403,
            "resident": 403,
            "grid_worker": 403,
            "committee": 200,
            "other_committee": 403,
            "platform_admin": 200,
        },
    ),
    (
        "verify member",
        "POST",
        "/api/v1/communities/{cid}/members/{target}/verify",
        None,
        {
            "visitor": 401,
            "outsider": 403,
            "pending": 403,
            "resident": 403,
            "grid_worker": 403,
            "committee": 200,
            "other_committee": 403,
            "platform_admin": 200,
        },
    ),
    (
        "set role",
        "PUT",
        "/api/v1/communities/{cid}/members/{resident}/role",
        {"role": "committee"},
        {
            "visitor": 401,
            "outsider": 403,
            "pending": 403,
            "resident": 403,
            "grid_worker": 403,
            "committee": 200,
            "other_committee": 403,
            "platform_admin": 200,
        },
    ),
    (
        "create invite",
        "POST",
        "/api/v1/communities/{cid}/invites",
        None,
        {
            "visitor": 401,
            "outsider": 403,
            "pending": 403,
            "resident": 201,
            "grid_worker": 201,
            "committee": 201,
            "other_committee": 403,
            "platform_admin": 403,
        },
    ),
    (
        "create community",
        "POST",
        "/api/v1/communities",
        {"name": "新社区"},
        {**dict.fromkeys(ROLES, 403), "visitor": 401, "platform_admin": 201},
    ),
    (
        "create grid",
        "POST",
        "/api/v1/communities/{cid}/grids",
        {"number": 9, "name": "第九网格"},
        {**dict.fromkeys(ROLES, 403), "visitor": 401, "platform_admin": 201},
    ),
    (
        "create region",
        "POST",
        "/api/v1/regions",
        {"kind": "district", "name": "徐汇区"},
        {**dict.fromkeys(ROLES, 403), "visitor": 401, "platform_admin": 201},
    ),
    (
        "name grid responsible",
        "PATCH",
        "/api/v1/grids/{grid}",
        {"responsible_user_id": "{resident}"},
        {
            "visitor": 401,
            "outsider": 403,
            "pending": 403,
            "resident": 403,
            "grid_worker": 403,
            "committee": 200,
            "other_committee": 403,
            "platform_admin": 200,
        },
    ),
    (
        "rename grid",
        "PATCH",
        "/api/v1/grids/{grid}",
        {"name": "新名字"},
        {**dict.fromkeys(ROLES, 403), "visitor": 401, "platform_admin": 200},
    ),
    ("my profile", "GET", "/api/v1/me", None, {**dict.fromkeys(ROLES, 200), "visitor": 401}),
    ("edit profile", "PATCH", "/api/v1/me", {"care_mode": True}, {**dict.fromkeys(ROLES, 200), "visitor": 401}),
    ("delete account", "DELETE", "/api/v1/me", None, {**dict.fromkeys(ROLES, 204), "visitor": 401}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, template, body, expected", CASES, ids=[c[0] for c in CASES])
def test_endpoint_permissions(world, client_for, role, name, method, template, body, expected):
    ids = {
        "cid": world["community"].id,
        "target": world["target"].id,
        "grid": world["community"].grid_ids[1],
        "resident": world["people"]["resident"].id,
    }
    path = template.format(**ids)
    if body is not None:
        body = {k: int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
    response = _call(client_for(world["people"][role]), method, path, body)
    assert response.status_code == expected[role], response.get_json()
    if response.status_code >= 400:
        assert response.content_type == "application/problem+json"
