"""The audit log names people and items, not ids ("居民 #14" was all the committee saw)."""


def test_the_audit_log_names_its_targets_and_the_ids_inside(client_for, make_community, make_member, make_user):
    community = make_community(grids=2)
    cid = community.id
    chair = make_member(community, "committee", display_name="王主任", grid=None)
    worker = make_member(community, "grid_worker", grid=0, display_name="李网格员")
    resident = make_member(community, grid=0, display_name="张阿姨")
    newcomer = make_user("小陈")
    assert (
        client_for(newcomer)
        .post(f"/api/v1/communities/{cid}/join", json={"building": "9", "unit": "1", "room": "501"})
        .status_code
        == 201
    )
    committee = client_for(chair)
    assert committee.post(f"/api/v1/communities/{cid}/members/{newcomer.id}/verify").status_code == 200
    report = (
        client_for(resident)
        .post(
            f"/api/v1/communities/{cid}/reports",
            json={"category": "rubbish", "description": "垃圾堆放未清理", "grid_id": community.grid_ids[0]},
        )
        .json
    )
    assigned = committee.post(
        f"/api/v1/reports/{report['id']}/transition", json={"action": "assign", "assignee_id": worker.id, "note": ""}
    )
    assert assigned.status_code == 200, assigned.json
    page = committee.get(f"/api/v1/communities/{cid}/audit-log").json["items"]
    by_action = {entry["action"]: entry for entry in page}
    verify = by_action["member.verify"]
    assert verify["target_label"] == "小陈"
    assign = by_action["report.assign"]
    assert assign["target_label"] == "垃圾堆放未清理"
    assert assign["after_labels"] == {"assignee_id": "李网格员"}
    # only names the committee already sees: no contact, no household (the timestamps aside: a time's
    # microseconds may spell 501)
    shown = [{key: value for key, value in entry.items() if key != "created_at"} for entry in page]
    assert "501" not in str(shown) and "@" not in str([e["target_label"] for e in page])
