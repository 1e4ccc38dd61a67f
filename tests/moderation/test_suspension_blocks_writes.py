"""Does suspension block every write endpoint, including the ones added after this test was written?

The test walks `app.url_map`: every POST/PUT/PATCH/DELETE route under /api/v1 must either be in
EXEMPT (with the reason a suspended person may still use it) or in CASES (how to call it with ids
from a community that has one resource of every kind). A new route in neither fails the test with
its name, so whoever adds a write endpoint decides here whether suspension applies to it.

The suspended person is, in that community, a committee member, an organisation admin and the
author of every resource, so the only thing standing between them and a 2xx is the suspension.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from backend.core.db import utcnow
from backend.extensions import db

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Routes a suspended member may still use: suspension stops them from adding to the community
# (posting, voting, signing up, acting as committee), not from running their own account, reading,
# taking back what they did, or defending themselves.
EXEMPT = {
    # their account: signing in and out, registering, the password, the profile, deleting the account
    ("POST", "/api/v1/auth/login"): "signing in",
    ("POST", "/api/v1/auth/logout"): "signing out",
    ("POST", "/api/v1/auth/register"): "registering another account is not community-scoped",
    ("POST", "/api/v1/auth/password"): "changing the password",
    ("POST", "/api/v1/auth/codes"): "a one-time code to get back into their own account",
    ("POST", "/api/v1/auth/password-reset"): "resetting their own password with a one-time code",
    ("POST", "/api/v1/residents/takeover"): "taking over their own account with the letter's code",
    ("PATCH", "/api/v1/me"): "profile edits (name, language, care mode, quiet hours)",
    (
        "PATCH",
        "/api/v1/communities/<int:cid>",
    ): "platform admins only: renaming or moving a community is no member's write",
    ("DELETE", "/api/v1/me"): "account deletion is always possible",
    ("POST", "/api/v1/me/privacy-consent"): "accepting the privacy notice concerns the person, not the community",
    ("POST", "/api/v1/me/phone"): "a code to add their own phone number (their account, and urgent notices by SMS)",
    ("POST", "/api/v1/me/phone/verify"): "confirming their own phone number with the code",
    ("PUT", "/api/v1/me/volunteer-profile"): "a profile edit (skills) that nobody else reads",
    # what reaches them: notifications, push, preferences, follows
    ("POST", "/api/v1/notifications/read"): "reading notifications",
    ("POST", "/api/v1/push/subscriptions"): "push subscriptions (they must still learn of decisions)",
    ("DELETE", "/api/v1/push/subscriptions"): "push subscriptions",
    ("PUT", "/api/v1/me/notification-preferences"): "notification preferences",
    ("DELETE", "/api/v1/follows"): "unfollowing",
    # self-protection and defence (following and blocking are writes: issue 15, in CASES)
    ("DELETE", "/api/v1/blocks/<int:uid>"): "unblocking",
    ("POST", "/api/v1/appeals"): "appealing the action that suspended them",
    ("POST", "/api/v1/support-requests/<int:request_id>/close"): "closing their own request for support",
    # taking back what they did adds nothing to the community
    ("DELETE", "/api/v1/comments/<int:comment_id>"): "deleting their own comment",
    ("DELETE", "/api/v1/shifts/<int:sid>/signups/me"): "cancelling a sign-up frees the place for others",
    ("DELETE", "/api/v1/meetings/<int:meeting_id>/rsvp"): "not coming to a meeting frees the place for others",
    ("DELETE", "/api/v1/projects/<int:pid>/supports"): "taking a support back",
    ("POST", "/api/v1/projects/<int:pid>/withdraw"): "withdrawing their own project",
}


def _soon(hours: int) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


def _shifts() -> list[dict]:
    return [{"starts_at": _soon(48), "ends_at": _soon(50), "capacity": 3}]


ACTIVITY = {"title": "楼道大扫除", "location": "3号楼", "shifts": None}

# (method, rule) -> function(world) -> (path values, JSON body or None, expected refusal).
# "suspended": 403 with reason "suspended" (the route acts in the community);
# "refused": any 4xx (not community-scoped: platform-admin routes, joining a community one is in).
CASES = {
    # follows and blocks are writes too (issue 15)
    ("POST", "/api/v1/follows"): lambda w: ({}, {"target_type": "project", "target_id": w.project_id}, "suspended"),
    ("POST", "/api/v1/blocks/<int:uid>"): lambda w: ({"uid": w.neighbour_id}, None, "suspended"),
    ("POST", "/api/v1/uploads"): lambda w: ({}, None, "suspended"),  # a photo costs disk: a write (issue 15)
    # communities
    ("POST", "/api/v1/communities"): lambda w: ({}, {"name": "新社区"}, "refused"),
    ("POST", "/api/v1/regions"): lambda w: ({}, {"kind": "district", "name": "新区"}, "refused"),
    ("POST", "/api/v1/regions/<int:rid>/officials"): lambda w: ({"rid": 1}, {"login": "x@example.com"}, "refused"),
    ("DELETE", "/api/v1/regions/<int:rid>/officials/<int:uid>"): lambda w: (
        {"rid": 1, "uid": w.neighbour_id},
        None,
        "refused",
    ),
    # agencies (issue 19): registered and staffed by officials and platform admins, not by community members
    ("POST", "/api/v1/regions/<int:rid>/agencies"): lambda w: (
        {"rid": 1},
        {"name": "物业", "kind": "property", "community_ids": []},
        "refused",
    ),
    ("PATCH", "/api/v1/agencies/<int:agency_id>"): lambda w: ({"agency_id": 1}, {"name": "物业"}, "refused"),
    ("POST", "/api/v1/agencies/<int:agency_id>/members"): lambda w: (
        {"agency_id": 1},
        {"login": "x@example.com"},
        "refused",
    ),
    ("DELETE", "/api/v1/agencies/<int:agency_id>/members/<int:uid>"): lambda w: (
        {"agency_id": 1, "uid": w.neighbour_id},
        None,
        "refused",
    ),
    ("POST", "/api/v1/communities/<int:cid>/grids"): lambda w: ({"cid": w.cid}, {"number": 9, "name": "九"}, "refused"),
    ("POST", "/api/v1/communities/<int:cid>/join"): lambda w: (
        {"cid": w.cid},
        {"building": "1", "unit": "1", "room": "101"},
        "refused",
    ),
    ("PATCH", "/api/v1/grids/<int:gid>"): lambda w: (
        {"gid": w.grid_id},
        {"responsible_user_id": w.neighbour_id},
        "suspended",
    ),
    ("POST", "/api/v1/communities/<int:cid>/invites"): lambda w: ({"cid": w.cid}, None, "suspended"),
    ("POST", "/api/v1/communities/<int:cid>/members/<int:uid>/verify"): lambda w: (
        {"cid": w.cid, "uid": w.pending_id},
        None,
        "suspended",
    ),
    ("POST", "/api/v1/communities/<int:cid>/household-claims/<int:uid>"): lambda w: (
        {"cid": w.cid, "uid": w.pending_id},
        {"decision": "agree"},
        "suspended",
    ),
    ("POST", "/api/v1/communities/<int:cid>/members/<int:uid>/reject"): lambda w: (
        {"cid": w.cid, "uid": w.pending_id},
        {"reason": "门牌号不对"},
        "suspended",
    ),
    ("PUT", "/api/v1/communities/<int:cid>/members/<int:uid>/role"): lambda w: (
        {"cid": w.cid, "uid": w.neighbour_id},
        {"role": "grid_worker"},
        "suspended",
    ),
    # projects
    ("POST", "/api/v1/communities/<int:cid>/projects"): lambda w: (
        {"cid": w.cid},
        {"title": "修长椅", "category": "facilities"},
        "suspended",
    ),
    ("PATCH", "/api/v1/projects/<int:pid>"): lambda w: ({"pid": w.draft_id}, {"title": "改个标题"}, "suspended"),
    ("POST", "/api/v1/projects/<int:pid>/submit"): lambda w: ({"pid": w.draft_id}, None, "suspended"),
    ("POST", "/api/v1/projects/<int:pid>/supports"): lambda w: ({"pid": w.project_id}, None, "suspended"),
    ("POST", "/api/v1/projects/<int:pid>/review"): lambda w: (
        {"pid": w.project_id},
        {"decision": "accept"},
        "suspended",
    ),
    ("POST", "/api/v1/projects/<int:pid>/start"): lambda w: ({"pid": w.project_id}, {}, "suspended"),
    ("POST", "/api/v1/projects/<int:pid>/updates"): lambda w: (
        {"pid": w.project_id},
        {"body": "进展", "percent_done": 10},
        "suspended",
    ),
    ("POST", "/api/v1/projects/<int:pid>/complete"): lambda w: ({"pid": w.project_id}, {}, "suspended"),
    ("POST", "/api/v1/projects/<int:pid>/rating"): lambda w: ({"pid": w.project_id}, {"stars": 5}, "suspended"),
    ("POST", "/api/v1/projects/<int:pid>/activities"): lambda w: (
        {"pid": w.project_id},
        {**ACTIVITY, "shifts": _shifts()},
        "suspended",
    ),
    # comments (one rule for every target type)
    ("POST", "/api/v1/<target_path:target>/<int:target_id>/comments"): lambda w: (
        {"target": "projects", "target_id": w.project_id},
        {"body": "同意"},
        "suspended",
    ),
    ("PATCH", "/api/v1/comments/<int:comment_id>"): lambda w: (
        {"comment_id": w.comment_id},
        {"body": "改"},
        "suspended",
    ),
    # voting
    ("POST", "/api/v1/communities/<int:cid>/polls"): lambda w: (
        {"cid": w.cid},
        {"title": "要不要装充电桩", "method": "yes_no", "opens_at": _soon(0), "closes_at": _soon(72)},
        "suspended",
    ),
    ("POST", "/api/v1/polls/<int:poll_id>/ballots"): lambda w: ({"poll_id": w.poll_id}, {"choice": "yes"}, "suspended"),
    # residents registered in person (代办)
    ("POST", "/api/v1/communities/<int:cid>/residents"): lambda w: (
        {"cid": w.cid},
        {"display_name": "王阿姨", "building": "3", "unit": "1", "room": "101", "consent_on_paper": True},
        "suspended",
    ),
    ("POST", "/api/v1/communities/<int:cid>/residents/letters"): lambda w: (
        {"cid": w.cid},
        {"building": "3"},
        "suspended",
    ),
    ("POST", "/api/v1/polls/<int:poll_id>/paper-ballots"): lambda w: (
        {"poll_id": w.poll_id},
        {"voter_id": w.neighbour_id, "choice": "yes"},
        "suspended",
    ),
    ("POST", "/api/v1/polls/<int:poll_id>/ballot-box"): lambda w: (
        {"poll_id": w.poll_id},
        {"voter_id": w.neighbour_id},
        "suspended",
    ),
    ("POST", "/api/v1/polls/<int:poll_id>/ballot-box/count"): lambda w: (
        {"poll_id": w.poll_id},
        {"choice": "yes"},
        "suspended",
    ),
    # surveys
    ("POST", "/api/v1/communities/<int:cid>/surveys"): lambda w: (
        {"cid": w.cid},
        {"title": "需求调查", "questions": [{"kind": "scale", "prompt": "满意度"}]},
        "suspended",
    ),
    ("PATCH", "/api/v1/surveys/<int:survey_id>"): lambda w: ({"survey_id": w.survey_id}, {"title": "改"}, "suspended"),
    ("POST", "/api/v1/surveys/<int:survey_id>/open"): lambda w: ({"survey_id": w.survey_id}, None, "suspended"),
    ("POST", "/api/v1/surveys/<int:survey_id>/close"): lambda w: ({"survey_id": w.survey_id}, None, "suspended"),
    ("POST", "/api/v1/surveys/<int:survey_id>/responses"): lambda w: (
        {"survey_id": w.survey_id},
        {"answers": [{"question_id": w.survey_question_id, "scale": 4}]},
        "suspended",
    ),
    ("POST", "/api/v1/surveys/<int:survey_id>/convert"): lambda w: (
        {"survey_id": w.survey_id},
        {"into": "project"},
        "suspended",
    ),
    # meetings and hearings (issue 20)
    ("POST", "/api/v1/communities/<int:cid>/meetings"): lambda w: (
        {"cid": w.cid},
        {
            "title": "议事会",
            "location": "会议室",
            "starts_at": "2030-06-01T10:00:00+08:00",
            "ends_at": "2030-06-01T12:00:00+08:00",
        },
        "suspended",
    ),
    ("PATCH", "/api/v1/meetings/<int:meeting_id>"): lambda w: (
        {"meeting_id": w.meeting_id},
        {"title": "改"},
        "suspended",
    ),
    ("POST", "/api/v1/meetings/<int:meeting_id>/publish"): lambda w: ({"meeting_id": w.meeting_id}, None, "suspended"),
    ("POST", "/api/v1/meetings/<int:meeting_id>/cancel"): lambda w: (
        {"meeting_id": w.meeting_id},
        {"reason": "改期"},
        "suspended",
    ),
    ("POST", "/api/v1/meetings/<int:meeting_id>/rsvp"): lambda w: ({"meeting_id": w.meeting_id}, None, "suspended"),
    ("POST", "/api/v1/meetings/<int:meeting_id>/checkin"): lambda w: (
        {"meeting_id": w.meeting_id},
        {"code": "ABCDEF"},
        "suspended",
    ),
    ("PUT", "/api/v1/meetings/<int:meeting_id>/minutes"): lambda w: (
        {"meeting_id": w.meeting_id},
        {"summary": "纪要"},
        "suspended",
    ),
    ("POST", "/api/v1/meetings/<int:meeting_id>/minutes/publish"): lambda w: (
        {"meeting_id": w.meeting_id},
        None,
        "suspended",
    ),
    ("POST", "/api/v1/meetings/<int:meeting_id>/decisions/poll"): lambda w: (
        {"meeting_id": w.meeting_id},
        {
            "item_id": w.agenda_item_id,
            "opens_at": "2030-06-01T10:00:00+08:00",
            "closes_at": "2030-06-08T10:00:00+08:00",
        },
        "suspended",
    ),
    ("POST", "/api/v1/meetings/<int:meeting_id>/decisions/task"): lambda w: (
        {"meeting_id": w.meeting_id},
        {"item_id": w.agenda_item_id, "owner_id": w.neighbour_id, "due_on": "2030-06-08"},
        "suspended",
    ),
    ("POST", "/api/v1/meetings/<int:meeting_id>/hearing-comments"): lambda w: (
        {"meeting_id": w.meeting_id},
        {"body": "我有意见"},
        "suspended",
    ),
    ("POST", "/api/v1/polls/<int:poll_id>/close"): lambda w: (
        {"poll_id": w.poll_id},
        {"reason": "提前结束"},
        "suspended",
    ),
    # reports
    ("POST", "/api/v1/communities/<int:cid>/reports"): lambda w: (
        {"cid": w.cid},
        {"category": "rubbish", "description": "垃圾堆了三天", "location_text": "南门"},
        "suspended",
    ),
    ("POST", "/api/v1/reports/<int:rid>/transition"): lambda w: (
        {"rid": w.report_id},
        {"action": "accept"},
        "suspended",
    ),
    ("POST", "/api/v1/reports/<int:rid>/confirm"): lambda w: ({"rid": w.report_id}, {"stars": 5}, "suspended"),
    ("POST", "/api/v1/reports/<int:rid>/me-too"): lambda w: ({"rid": w.report_id}, None, "suspended"),
    ("POST", "/api/v1/reports/<int:rid>/still-broken"): lambda w: (
        {"rid": w.report_id},
        {"comment": "还是坏的"},
        "suspended",
    ),
    ("POST", "/api/v1/reports/<int:rid>/to-project"): lambda w: ({"rid": w.report_id}, {}, "suspended"),
    # notices
    ("POST", "/api/v1/communities/<int:cid>/notices"): lambda w: (
        {"cid": w.cid},
        {"title": "停水通知", "body": "周六上午停水"},
        "suspended",
    ),
    # the resident register (committee work)
    ("POST", "/api/v1/communities/<int:cid>/register-imports"): lambda w: ({"cid": w.cid}, None, "suspended"),
    ("POST", "/api/v1/register-imports/<int:import_id>/confirm"): lambda w: (
        {"import_id": w.register_import_id},
        {},
        "suspended",
    ),
    ("PUT", "/api/v1/register/residents/<int:resident_id>/account"): lambda w: (
        {"resident_id": w.register_resident_id},
        {"user_id": w.neighbour_id},
        "suspended",
    ),
    ("DELETE", "/api/v1/register/residents/<int:resident_id>/account"): lambda w: (
        {"resident_id": w.register_resident_id},
        None,
        "suspended",
    ),
    # the 12345 hotline import (committee work); API keys are the platform admin's, not a member's
    ("POST", "/api/v1/communities/<int:cid>/hotline-imports"): lambda w: ({"cid": w.cid}, None, "suspended"),
    ("POST", "/api/v1/hotline-imports/<int:import_id>/confirm"): lambda w: (
        {"import_id": w.hotline_import_id},
        {},
        "suspended",
    ),
    ("POST", "/api/v1/api-keys"): lambda w: ({}, {"name": "城市平台"}, "refused"),
    ("POST", "/api/v1/api-keys/<int:key_id>/revoke"): lambda w: ({"key_id": 1}, None, "refused"),
    # the task ledger: a suspended committee member neither assigns nor moves tasks
    ("POST", "/api/v1/communities/<int:cid>/tasks"): lambda w: (
        {"cid": w.cid},
        {"title": "清理楼道", "owner_id": w.neighbour_id, "due_on": "2030-06-01"},
        "suspended",
    ),
    ("PATCH", "/api/v1/tasks/<int:task_id>"): lambda w: ({"task_id": w.task_id}, {"title": "新标题"}, "suspended"),
    ("POST", "/api/v1/tasks/<int:task_id>/steps"): lambda w: (
        {"task_id": w.task_id},
        {"action": "cancel"},
        "suspended",
    ),
    # grid patrols: a suspended member neither starts nor records a patrol
    ("POST", "/api/v1/communities/<int:cid>/patrols"): lambda w: ({"cid": w.cid}, {"grid_id": w.grid_id}, "suspended"),
    ("POST", "/api/v1/patrols/<int:patrol_id>/points"): lambda w: (
        {"patrol_id": w.patrol_id},
        {"points": [{"lat": 31.23, "lng": 121.47}]},
        "suspended",
    ),
    ("POST", "/api/v1/patrols/<int:patrol_id>/findings"): lambda w: (
        {"patrol_id": w.patrol_id},
        {"category": "rubbish", "description": "垃圾满了", "location_text": "北门"},
        "suspended",
    ),
    ("POST", "/api/v1/patrols/<int:patrol_id>/end"): lambda w: ({"patrol_id": w.patrol_id}, {}, "suspended"),
    # the care register and emotional support
    ("POST", "/api/v1/communities/<int:cid>/care-records"): lambda w: (
        {"cid": w.cid},
        {"resident_id": w.register_resident_id, "category": "other"},
        "suspended",
    ),
    ("PATCH", "/api/v1/care-records/<int:record_id>"): lambda w: ({"record_id": w.care_record_id}, {}, "suspended"),
    ("POST", "/api/v1/care-records/<int:record_id>/visits"): lambda w: (
        {"record_id": w.care_record_id},
        {"outcome": "well"},
        "suspended",
    ),
    ("POST", "/api/v1/care-visits/<int:visit_id>/follow-up"): lambda w: (
        {"visit_id": w.care_visit_id},
        {"kind": "aid", "category": "errands", "title": "买菜", "description": "帮忙买菜"},
        "suspended",
    ),
    ("PUT", "/api/v1/communities/<int:cid>/counsellors/<int:uid>"): lambda w: (
        {"cid": w.cid, "uid": w.neighbour_id},
        None,
        "suspended",
    ),
    ("DELETE", "/api/v1/communities/<int:cid>/counsellors/<int:uid>"): lambda w: (
        {"cid": w.cid, "uid": w.user.id},
        None,
        "suspended",
    ),
    ("POST", "/api/v1/communities/<int:cid>/support-requests"): lambda w: ({"cid": w.cid}, {}, "suspended"),
    ("POST", "/api/v1/support-requests/<int:request_id>/take"): lambda w: (
        {"request_id": w.support_request_id},
        None,
        "suspended",
    ),
    # aid
    ("POST", "/api/v1/communities/<int:cid>/aid"): lambda w: (
        {"cid": w.cid},
        {"kind": "offer", "category": "errands", "title": "帮忙买菜"},
        "suspended",
    ),
    ("POST", "/api/v1/aid/<int:aid_id>/responses"): lambda w: ({"aid_id": w.aid_id}, {"message": "我来"}, "suspended"),
    ("POST", "/api/v1/aid/<int:aid_id>/responses/<int:rid>/accept"): lambda w: (
        {"aid_id": w.aid_id, "rid": w.response_id},
        None,
        "suspended",
    ),
    ("POST", "/api/v1/aid/<int:aid_id>/complete"): lambda w: ({"aid_id": w.aid_id}, {}, "suspended"),
    ("POST", "/api/v1/aid/<int:aid_id>/thanks"): lambda w: ({"aid_id": w.aid_id}, {"text": "谢谢"}, "suspended"),
    ("POST", "/api/v1/aid/<int:aid_id>/close"): lambda w: ({"aid_id": w.aid_id}, None, "suspended"),
    ("POST", "/api/v1/aid/<int:aid_id>/reopen"): lambda w: ({"aid_id": w.aid_id}, {}, "suspended"),
    # volunteering
    ("POST", "/api/v1/communities/<int:cid>/organisations"): lambda w: (
        {"cid": w.cid},
        {"name": "新志愿队"},
        "suspended",
    ),
    ("POST", "/api/v1/organisations/<int:oid>/verify"): lambda w: (
        {"oid": w.pending_organisation_id},
        None,
        "suspended",
    ),
    ("POST", "/api/v1/organisations/<int:oid>/admins"): lambda w: (
        {"oid": w.organisation_id},
        {"user_id": w.neighbour_id},
        "suspended",
    ),
    ("POST", "/api/v1/organisations/<int:oid>/activities"): lambda w: (
        {"oid": w.organisation_id},
        {**ACTIVITY, "shifts": _shifts()},
        "suspended",
    ),
    ("POST", "/api/v1/organisations/<int:oid>/recruitment"): lambda w: (
        {"oid": w.organisation_id},
        {"activity_id": w.activity_id, "skills": ["急救"]},
        "suspended",
    ),
    ("POST", "/api/v1/shifts/<int:sid>/signups"): lambda w: ({"sid": w.shift_id}, None, "suspended"),
    ("POST", "/api/v1/shifts/<int:sid>/checkin"): lambda w: ({"sid": w.shift_id}, {"code": "ABCDEF"}, "suspended"),
    ("PATCH", "/api/v1/signups/<int:signup_id>/hours"): lambda w: (
        {"signup_id": w.signup_id},
        {"hours": 2, "reason": "补记"},
        "suspended",
    ),
    # moderation
    ("POST", "/api/v1/flags"): lambda w: (
        {},
        {"target_type": "comment", "target_id": w.neighbour_comment_id, "reason": "spam"},
        "suspended",
    ),
    ("POST", "/api/v1/moderation/actions"): lambda w: (
        {},
        {"target_type": "comment", "target_id": w.neighbour_comment_id, "action": "hide", "reason": "广告"},
        "suspended",
    ),
    ("POST", "/api/v1/appeals/<int:appeal_id>/decision"): lambda w: (
        {"appeal_id": w.appeal_id},
        {"decision": "reverse", "reason": "证据不足"},
        "suspended",
    ),
    ("PUT", "/api/v1/communities/<int:cid>/responsibilities"): lambda w: ({"cid": w.cid}, {"items": []}, "suspended"),
    ("PUT", "/api/v1/communities/<int:cid>/moderation/settings"): lambda w: (
        {"cid": w.cid},
        {"flag_threshold": 5},
        "suspended",
    ),
}

_PARAM = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def write_routes(app) -> list[tuple[str, str]]:
    return sorted(
        {
            (method, rule.rule)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/")
            for method in rule.methods
            if method in WRITE_METHODS
        }
    )


def _url(rule: str, values: dict) -> str:
    return _PARAM.sub(lambda m: str(values[m.group(1)]), rule)


@pytest.fixture
def world(app, make_community, make_member, make_user):
    """One community with one resource of every kind; `suspended` is committee, org admin and author of all."""
    from backend.accounts.models import User
    from backend.aid import services as aid
    from backend.comments import services as comments
    from backend.communities.models import Membership
    from backend.moderation import services as moderation
    from backend.notices import services as notices
    from backend.projects import services as projects
    from backend.reports import services as reports
    from backend.surveys import services as surveys
    from backend.volunteering import services as volunteering
    from backend.voting import services as voting

    community = make_community()
    suspended = make_member(community, "committee", display_name="被暂停的委员")
    other_committee = make_member(community, "committee", display_name="另一位委员")
    third_committee = make_member(community, "committee", display_name="第三位委员")
    neighbour = make_member(community, display_name="邻居")
    pending = make_member(community, status="pending")
    cid = community.id
    with app.app_context():
        me, colleague, third, them = (
            db.session.get(User, u.id) for u in (suspended, other_committee, third_committee, neighbour)
        )
        project = projects.create_project(
            me, cid, title="修好长椅", category="facilities", summary="长椅坏了", submit=True
        )
        draft = projects.create_project(me, cid, title="屋顶花园", category="environment")
        comment = comments.post_comment(me, "project", project.id, body="我来出工")
        neighbour_comment = comments.post_comment(them, "project", project.id, body="加一")
        report = reports.create_report(me, cid, category="rubbish", description="垃圾满了", location_text="北门")
        post = aid.create_post(me, cid, kind="request", category="errands", title="帮忙取快递")
        response = aid.respond(them, post.id, message="我下午有空")
        notices.create_notice(me, cid, title="通知", body="周末大扫除")
        poll = voting.create_poll(
            me, cid, title="装不装充电桩", method="yes_no", opens_at=utcnow(), closes_at=utcnow() + timedelta(days=3)
        )
        survey = surveys.create_survey(me, cid, title="需求调查", questions=[{"kind": "scale", "prompt": "满意度"}])
        surveys.open_survey(me, survey.id)
        organisation = volunteering.create_organisation(me, cid, name="阳光志愿队", description="服务老人")
        volunteering.verify_organisation(colleague, organisation.id)
        pending_organisation = volunteering.create_organisation(them, cid, name="象棋社")
        activity = volunteering.create_activity(
            me,
            organisation.id,
            title="陪老人聊天",
            description="",
            location="活动室",
            skills=["急救"],
            grid_ids=[],
            shifts=[
                {
                    "starts_at": utcnow() + timedelta(days=2),
                    "ends_at": utcnow() + timedelta(days=2, hours=2),
                    "capacity": 5,
                }
            ],
        )
        signup = volunteering.sign_up(them, activity.shifts[0].id)
        warned = moderation.act(
            me, target_type="comment", target_id=neighbour_comment.id, action="warn", reason="请文明发言"
        )
        appeal = moderation.appeal(them, warned.id, "我没有不文明")
        from backend.register import services as register

        register_import = register.preview_import(me, cid, "姓名,楼栋,房号\n吴桂英,3,101\n".encode())
        register.confirm_import(me, register_import.id)
        from backend.open311 import services as open311

        hotline_import = open311.preview_hotline(me, cid, "工单编号,诉求内容,事发地址\nGD1,路灯不亮,3号楼\n".encode())
        from backend.care import services as care

        care_record = care.create_record(me, cid, resident_id=register.resident_ids_in(cid)[0], category="other")
        care_visit = care.log_visit(me, care_record.id, outcome="needs_found")
        care.designate_counsellor(me, cid, me.id)
        support_request = care.ask_for_support(them, cid, message="想聊聊")
        from backend.tasks import services as tasks

        task = tasks.create_task(
            me, cid, title="清理楼道", owner_id=them.id, due_on=utcnow().date() + timedelta(days=3)
        )
        from backend.patrols import services as patrols

        patrol = patrols.start_patrol(me, cid, grid_id=community.grid_ids[0])
        from backend.meetings import services as meetings

        hearing = meetings.create_meeting(
            me,
            cid,
            kind="hearing",
            title="加装电梯听证会",
            location="5 号楼前",
            starts_at=utcnow() + timedelta(days=2),
            ends_at=utcnow() + timedelta(days=2, hours=2),
            capacity=10,
            comments_open_at=utcnow() - timedelta(hours=1),
            comments_close_at=utcnow() + timedelta(days=1),
            agenda=[{"title": "方案介绍"}],
        )
        meetings.publish_meeting(me, hearing.id)
        membership_id = db.session.scalar(db.select(Membership.id).filter_by(user_id=me.id, community_id=cid))
        for member in (colleague, third):  # suspending a committee member takes two of the others
            moderation.act(
                member, target_type="member", target_id=membership_id, action="suspend", reason="多次刷屏", days=7
            )
        db.session.commit()
        return SimpleNamespace(
            user=suspended,
            cid=cid,
            grid_id=community.grid_ids[0],
            neighbour_id=neighbour.id,
            pending_id=pending.id,
            project_id=project.id,
            draft_id=draft.id,
            comment_id=comment.id,
            neighbour_comment_id=neighbour_comment.id,
            report_id=report.id,
            aid_id=post.id,
            response_id=response.id,
            poll_id=poll.id,
            survey_id=survey.id,
            survey_question_id=survey.questions[0].id,
            meeting_id=hearing.id,
            agenda_item_id=hearing.agenda[0].id,
            organisation_id=organisation.id,
            pending_organisation_id=pending_organisation.id,
            activity_id=activity.id,
            shift_id=activity.shifts[0].id,
            signup_id=signup.id,
            appeal_id=appeal.id,
            register_import_id=register_import.id,
            hotline_import_id=hotline_import.id,
            register_resident_id=register.resident_ids_in(cid)[0],
            care_record_id=care_record.id,
            care_visit_id=care_visit.id,
            support_request_id=support_request.id,
            task_id=task.id,
            patrol_id=patrol.id,
        )


def test_every_write_route_is_either_exempt_or_covered(app):
    """Does a new write endpoint make this file decide about it?"""
    routes = set(write_routes(app))
    unknown = sorted(routes - set(EXEMPT) - set(CASES))
    assert not unknown, (
        "write routes neither exempt from suspension nor mapped to test ids in "
        "tests/moderation/test_suspension_blocks_writes.py (add each to CASES, or to EXEMPT with the reason "
        "a suspended member may still use it):\n" + "\n".join(f"  {m} {r}" for m, r in unknown)
    )
    stale = sorted((set(EXEMPT) | set(CASES)) - routes)
    assert not stale, "entries for routes that no longer exist:\n" + "\n".join(f"  {m} {r}" for m, r in stale)


def test_suspension_blocks_every_write_endpoint(app, client_for, world):
    """Can a suspended member post, vote, sign up or act as committee anywhere? (They must not.)"""
    client = client_for(world.user)
    failures = []
    for method, rule in write_routes(app):
        if (method, rule) in EXEMPT or (method, rule) not in CASES:
            continue  # the test above reports unmapped routes
        values, body, expected = CASES[(method, rule)](world)
        response = client.open(_url(rule, values), method=method, json=body)
        reason = (response.get_json(silent=True) or {}).get("reason")
        if expected == "suspended" and not (response.status_code == 403 and reason == "suspended"):
            failures.append(f"{method} {rule}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        elif expected == "refused" and not 400 <= response.status_code < 500:
            failures.append(f"{method} {rule}: {response.status_code} (expected a refusal)")
    assert not failures, "a suspended member was not refused:\n" + "\n".join(failures)


def test_the_suspended_member_still_reads(app, client_for, world):
    """Suspension stops writing, not reading: lists and their own page answer."""
    client = client_for(world.user)
    assert client.get(f"/api/v1/communities/{world.cid}/projects").status_code == 200
    assert client.get(f"/api/v1/reports/{world.report_id}").status_code == 200
    mine = client.get(f"/api/v1/communities/{world.cid}/moderation/mine").json
    assert mine[0]["action"] == "suspend" and mine[0]["suspended_until"]
    me = client.get("/api/v1/me").json
    membership = next(m for m in me["memberships"] if m["community"]["id"] == world.cid)
    assert membership["status"] == "suspended" and membership["suspended_until"]
