"""From problem to project: the committee turns a report into a micro-project draft, linked both ways."""

import pytest


def test_committee_turns_a_report_into_a_linked_project_draft(client_for, place, new_report):
    report = new_report(description="小区东门一带路灯全部老化，需要整体更换照明")
    committee = client_for(place.committee)
    assert committee.get(f"/api/v1/reports/{report['id']}").json["can"]["to_project"] is True
    response = committee.post(f"/api/v1/reports/{report['id']}/to-project", json={"title": "东门照明改造"})
    assert response.status_code == 200
    project_id = response.json["project_id"]
    assert project_id and response.json["can"]["to_project"] is False
    project = committee.get(f"/api/v1/projects/{project_id}").json
    assert project["title"] == "东门照明改造"
    assert project["status"] == "draft" and project["category"] == "safety"
    assert project["source_report_id"] == report["id"] and project["grid"]["id"] == place.grid1
    again = committee.post(f"/api/v1/reports/{report['id']}/to-project", json={})
    assert again.status_code == 409 and again.json["code"] == "report.already_a_project"


@pytest.mark.parametrize("who, status", [("reporter", 403), ("worker", 403), ("other", 403)])
def test_only_the_committee_turns_reports_into_projects(client_for, place, new_report, who, status):
    report = new_report()
    assert (
        client_for(getattr(place, who)).post(f"/api/v1/reports/{report['id']}/to-project", json={}).status_code
        == status
    )
    assert client_for().post(f"/api/v1/reports/{report['id']}/to-project", json={}).status_code == 401
