"""What each kind of notification says, where it links, and how it is delivered (pure: no database).

Every kind has a short title and body in zh-CN and en, filled from the notification's context with
`{field}` placeholders. A missing field never breaks rendering: the text falls back to a version
without it. Unknown kinds get a safe generic text that shows nothing from the context.

`personal` kinds are about the reader (their report, their shift): pushed by default. Broad community
news (notices, new polls, results, recruitment) goes to the inbox only by default and can be bundled
into a daily or weekly digest.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCALES = ("zh-CN", "en")
TITLE_MAX = 80
BODY_MAX = 160
HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class KindSpec:
    """How one kind is written and delivered."""

    kind: str
    code: str  # short name for push topics (the Topic header allows 32 URL-safe characters)
    personal: bool  # about the reader: pushed by default
    title: dict[str, str]
    body: dict[str, str]
    url: str = "/notifications"
    target: str | None = None  # context key of the item it is about (topic and collapsing)
    urgency: str = "normal"  # Web Push Urgency: very-low | low | normal | high
    ttl: int = DAY  # how long the push service keeps it for an offline device
    fallback_body: dict[str, str] = field(default_factory=dict)  # when the body's fields are missing
    audience: str = "member"  # member | staff (grid workers, committee) | committee | organiser
    listed: bool = True  # False: an old name of another kind, still rendered, never offered as a choice

    @property
    def default_inbox(self) -> bool:
        return True

    @property
    def default_push(self) -> bool:
        return self.personal


# Who each kind is for, by role (every other kind is for any member).
AUDIENCES = {
    "staff": ("report_submitted", "report_assigned", "report_overdue", "report_reopened", "report_rated"),
    "committee": (
        "report_escalated",
        "report_escalated_street",
        "report_escalated_district",
        "insights_warning",
        "moderation_queue",
        "appeal_submitted",
        "organisation_pending",
        "household_claim_answered",
        "name_imitation",
    ),
    "organiser": ("organisation_verified", "organisation_admin_added"),
}
ROLES_OF_AUDIENCE = {
    "member": None,
    "staff": {"grid_worker", "committee"},
    "committee": {"committee"},
    "organiser": {"org_admin", "committee"},
}
UNLISTED = ("waitlist_promoted",)  # the older name of volunteer_promoted


def _audience(kind: str) -> str:
    return next((name for name, kinds in AUDIENCES.items() if kind in kinds), "member")


def _spec(
    kind, code, personal, title, body, *, url="/notifications", target=None, urgency=None, ttl=None, fallback_body=None
) -> KindSpec:
    return KindSpec(
        kind=kind,
        code=code,
        personal=personal,
        title=dict(zip(LOCALES, title, strict=False)),
        body=dict(zip(LOCALES, body, strict=False)),
        url=url,
        target=target,
        urgency=urgency or ("normal" if personal else "low"),
        ttl=ttl or (DAY if personal else 2 * DAY),
        fallback_body=dict(zip(LOCALES, fallback_body, strict=False)) if fallback_body else {},
        audience=_audience(kind),
        listed=kind not in UNLISTED,
    )


KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        _spec(
            "report_status_changed",
            "rep",
            True,
            ("随手拍有新进展", "Your report has moved"),
            ("“{report_title}”：{status_label}", "“{report_title}”: {status_label}"),
            url="/reports/{report_id}",
            target="report_id",
            fallback_body=("状态：{status_label}", "Status: {status_label}"),
        ),
        _spec(
            "report_overdue",
            "due",
            True,
            ("随手拍已超期", "Report overdue"),
            ("“{report_title}”超过处理期限，请尽快跟进。", "“{report_title}” is past its deadline; please follow up."),
            url="/reports/{report_id}",
            target="report_id",
            fallback_body=("有一条随手拍超过处理期限。", "A report is past its deadline."),
        ),
        _spec(
            "project_transition",
            "prj",
            True,
            ("微项目：{project_title}", "Project: {project_title}"),
            ("现在是“{state_label}”。", "Now “{state_label}”."),
            url="/projects/{project_id}",
            target="project_id",
            fallback_body=("项目有了新进展。", "The project has moved on."),
        ),
        _spec(
            "poll_opened",
            "pol",
            False,
            ("新投票：{poll_title}", "New poll: {poll_title}"),
            ("投票已开始，欢迎参与。", "Voting is open — have your say."),
            url="/polls/{poll_id}",
            target="poll_id",
        ),
        _spec(
            "survey_opened",
            "svy",
            False,
            ("新问卷：{survey_title}", "New survey: {survey_title}"),
            ("问卷已开放，欢迎填写，说说你的想法。", "The survey is open: tell the committee what you think."),
            url="/surveys/{survey_id}",
            target="survey_id",
        ),
        _spec(
            "poll_closing_soon",
            "plc",
            True,
            ("投票即将截止", "Poll closes soon"),
            (
                "“{poll_title}”将在 24 小时内截止，别忘了投票。",
                "“{poll_title}” closes within 24 hours — don't forget to vote.",
            ),
            url="/polls/{poll_id}",
            target="poll_id",
            ttl=12 * HOUR,
            fallback_body=("有一项投票将在 24 小时内截止。", "A poll closes within 24 hours."),
        ),
        _spec(
            "poll_results",
            "plr",
            False,
            ("投票结果：{poll_title}", "Poll results: {poll_title}"),
            ("结果已公布，点击查看。", "The results are out."),
            url="/polls/{poll_id}",
            target="poll_id",
        ),
        _spec(
            "aid_response",
            "aid",
            True,
            ("邻居回应了你的互助", "A neighbour answered"),
            ("{responder_name} 回应了“{aid_title}”。", "{responder_name} answered “{aid_title}”."),
            url="/help/aid/{aid_id}",
            target="aid_id",
            fallback_body=("有邻居回应了你的互助信息。", "A neighbour answered your post."),
        ),
        _spec(
            "aid_accepted",
            "aid",
            True,
            ("你的帮忙被接受了", "Your offer was accepted"),
            ("“{aid_title}”：对方接受了你的帮忙。", "“{aid_title}”: your help was accepted."),
            url="/help/aid/{aid_id}",
            target="aid_id",
            fallback_body=("对方接受了你的帮忙。", "Your help was accepted."),
        ),
        _spec(
            "aid_thanked",
            "aid",
            True,
            ("收到一声谢谢", "You were thanked"),
            ("“{aid_title}”：谢谢你的帮忙！", "“{aid_title}”: thank you for helping!"),
            url="/help/aid/{aid_id}",
            target="aid_id",
            fallback_body=("邻居感谢了你的帮忙。", "A neighbour thanked you for helping."),
        ),
        _spec(
            "shift_reminder",
            "shf",
            True,
            ("志愿服务快开始了", "Your volunteer shift starts soon"),
            ("{activity_title} · {starts_at}", "{activity_title} · {starts_at}"),
            url="/help/activities/{activity_id}",
            target="shift_id",
            urgency="high",
            ttl=2 * HOUR,
            fallback_body=("你报名的班次即将开始。", "A shift you signed up for starts soon."),
        ),
        _spec(
            "waitlist_promoted",
            "shf",
            True,
            ("候补成功，你已转为正式报名", "You're off the waitlist"),
            ("{activity_title} · {starts_at}", "{activity_title} · {starts_at}"),
            url="/help/activities/{activity_id}",
            target="shift_id",
            urgency="high",
            fallback_body=("你已从候补转为正式报名。", "You now have a place on the shift."),
        ),
        _spec(
            "shift_cancelled",
            "shf",
            True,
            ("志愿班次已取消", "Volunteer shift cancelled"),
            ("{activity_title} · {starts_at}", "{activity_title} · {starts_at}"),
            url="/help/activities/{activity_id}",
            target="shift_id",
            urgency="high",
            fallback_body=("你报名的一个班次已取消。", "A shift you signed up for was cancelled."),
        ),
        _spec(
            "notice_published",
            "ntc",
            False,
            ("社区公告：{notice_title}", "Notice: {notice_title}"),
            ("{excerpt}", "{excerpt}"),
            url="/notices/{notice_id}",
            target="notice_id",
            fallback_body=("居委会发布了新公告，点击查看。", "The committee published a notice."),
        ),
        _spec(
            "moderation_action",
            "mod",
            True,
            ("你的内容已被处理", "Moderation of your content"),
            ("{action_label}：{reason}", "{action_label}: {reason}"),
            url="/moderation/mine",
            target="action_id",
            fallback_body=(
                "居委会处理了你发布的内容，你可以申诉一次。",
                "The committee acted on your content; you may appeal once.",
            ),
        ),
        _spec(
            "appeal_decided",
            "mod",
            True,
            ("申诉有结果了", "Your appeal was decided"),
            ("结果：{decision_label}", "Decision: {decision_label}"),
            url="/moderation/mine",
            target="appeal_id",
        ),
        _spec(
            "membership_verified",
            "mem",
            True,
            ("你已通过居委会核实", "You are verified"),
            (
                "欢迎加入{community_name}，现在可以投票、发起项目和互助了。",
                "Welcome to {community_name} — you can now vote, post projects and help neighbours.",
            ),
            url="/communities/{community_id}",
            target="community_id",
        ),
        _spec(
            "membership_rejected",
            "mrj",
            True,
            ("居委会未通过你的加入申请", "Your membership was not accepted"),
            ("{community_name}：{reason}", "{community_name}: {reason}"),
            url="/communities/{community_id}",
            target="community_id",
            fallback_body=(
                "居委会未能核实你填写的住户信息，可以核对后重新申请。",
                "The committee could not confirm the household you gave; check it and apply again.",
            ),
        ),
        _spec(
            "household_claim",
            "hcl",
            True,
            ("有人登记住在你家", "Someone says they live in your home"),
            (
                "{claimant_name}登记住在{household}，请确认是否同住。",
                "{claimant_name} gave {household} as home: do they live with you?",
            ),
            url="/communities/{community_id}/household-claims",
            target="user_id",
            fallback_body=(
                "有人登记住在你家，请确认是否同住。",
                "Someone gave your flat as their home: do they live with you?",
            ),
        ),
        _spec(
            "household_claim_agreed",
            "hca",
            True,
            ("同住家人已确认", "Your household confirmed you"),
            (
                "{community_name}：同户已核实的住户确认你住在这里，等居委会核实。",
                "{community_name}: a resident of your flat confirmed you live there; the committee verifies next.",
            ),
            url="/communities/{community_id}",
            target="community_id",
        ),
        _spec(
            "household_claim_refused",
            "hcr",
            True,
            ("同户住户未确认你的登记", "Your household did not confirm you"),
            (
                "{community_name}：同户已核实的住户表示你不住在这里，可联系居委会。",
                "{community_name}: a resident of the flat you gave says you do not live there; talk to the committee.",
            ),
            url="/communities/{community_id}",
            target="community_id",
        ),
        _spec(
            "household_claim_answered",
            "hcw",
            True,
            ("住户答复了一份登记", "A household answered a claim"),
            (
                "{claimant_name}的住户登记：同户住户已答复，请在成员核实中查看。",
                "{claimant_name}'s claim on a flat: its household answered; see it before verifying.",
            ),
            url="/committee/members",
            target="user_id",
        ),
        _spec(
            "name_imitation",
            "nim",
            True,
            ("有人的名字像居委会成员", "A name looks like a committee member's"),
            (
                "{member_name}的名字与{imitated_name}相似，核实或回应前请先确认身份。",
                "{member_name}'s name looks like {imitated_name}'s: check who they are before verifying or answering.",
            ),
            url="/committee/members",
            target="user_id",
            fallback_body=(
                "有位成员的名字与居委会成员相似，请在成员核实中查看。",
                "A member's name looks like a committee member's: see the member list.",
            ),
        ),
        _spec(
            "insights_warning",
            "ins",
            True,
            ("治理预警", "Early warning"),
            (
                "{subject_label}：本周明显高于往常，请查看看板。",
                "{subject_label}: well above usual this week; see the dashboard.",
            ),
            url="/committee/insights",
            fallback_body=("看板上有新的预警。", "There is a new warning on the dashboard."),
        ),
        _spec(
            "volunteer_recruitment",
            "vol",
            False,
            ("志愿招募：{activity_title}", "Volunteers wanted: {activity_title}"),
            ("{organisation_name} 正在招募志愿者。", "{organisation_name} is looking for volunteers."),
            url="/help/activities/{activity_id}",
            target="activity_id",
            fallback_body=("有新的志愿活动正在招募。", "A new activity is looking for volunteers."),
        ),
        # Kinds the other domains send besides those named in the issue.
        _spec(
            "report_submitted",
            "rpn",
            True,
            ("新的随手拍待处理", "New report to handle"),
            ("{report_title}：请尽快受理。", "{report_title}: please pick it up."),
            url="/reports/{report_id}",
            target="report_id",
        ),
        _spec(
            "report_assigned",
            "rep",
            True,
            ("随手拍派给了你", "A report was assigned to you"),
            ("{report_title}：请按时处理。", "{report_title}: please handle it in time."),
            url="/reports/{report_id}",
            target="report_id",
        ),
        _spec(
            "report_reopened",
            "rep",
            True,
            ("随手拍被重新打开", "A report was reopened"),
            ("{report_title}：居民认为问题还没解决。", "{report_title}: the resident says it is not fixed yet."),
            url="/reports/{report_id}",
            target="report_id",
        ),
        _spec(
            "report_rated",
            "rep",
            True,
            ("居民评价了处理结果", "The resident rated your work"),
            ("{report_title}：{stars} 星", "{report_title}: {stars} stars"),
            url="/reports/{report_id}",
            target="report_id",
        ),
        _spec(
            "report_escalated",
            "due",
            True,
            ("随手拍已升级到居委会", "Report escalated to the committee"),
            ("{report_title} 超过处理期限。", "{report_title} is past its deadline."),
            url="/reports/{report_id}",
            target="report_id",
        ),
        _spec(
            "report_escalated_street",
            "rst",
            True,
            ("随手拍已升级到街道", "Report escalated to the street"),
            ("{report_title}：居委会逾期仍未办结。", "{report_title}: still not done past the committee's deadline."),
            url="/reports/{report_id}",
            target="report_id",
        ),
        _spec(
            "report_escalated_district",
            "rdi",
            True,
            ("随手拍已升级到区", "Report escalated to the district"),
            ("{report_title}：街道逾期仍未办结。", "{report_title}: still not done past the street's deadline."),
            url="/reports/{report_id}",
            target="report_id",
        ),
        _spec(
            "poll_closed",
            "plr",
            False,
            ("投票已结束：{poll_title}", "Poll closed: {poll_title}"),
            ("结果已公布，点击查看。", "The results are out."),
            url="/polls/{poll_id}",
            target="poll_id",
        ),
        _spec(
            "aid_not_selected",
            "aid",
            True,
            ("谢谢你愿意帮忙", "Thanks for offering to help"),
            ("“{aid_title}”已由其他邻居帮忙。", "“{aid_title}” was taken by another neighbour."),
            url="/help/aid/{aid_id}",
            target="aid_id",
        ),
        _spec(
            "aid_completed",
            "aid",
            True,
            ("互助已完成", "Aid completed"),
            ("“{aid_title}”已标记完成。", "“{aid_title}” was marked done."),
            url="/help/aid/{aid_id}",
            target="aid_id",
        ),
        _spec(
            "aid_closed",
            "aid",
            True,
            ("互助已关闭", "Aid post closed"),
            ("“{aid_title}”已关闭。", "“{aid_title}” was closed."),
            url="/help/aid/{aid_id}",
            target="aid_id",
        ),
        _spec(
            "comment_posted",
            "cmt",
            True,
            ("新评论", "New comment"),
            ("“{title}”有新的评论。", "New comment on “{title}”."),
            target="target_id",
            fallback_body=("你关注的内容有新的评论。", "Something you follow has a new comment."),
        ),
        _spec(
            "comment_reply",
            "cmt",
            True,
            ("有人回复了你", "Someone replied to you"),
            ("在“{title}”中回复了你的评论。", "A reply to your comment on “{title}”."),
            target="target_id",
            fallback_body=("你的评论有了新回复。", "Your comment has a reply."),
        ),
        _spec(
            "organisation_pending",
            "org",
            True,
            ("社会组织待核实", "Organisation awaiting verification"),
            ("{organisation_name} 申请入驻，请核实。", "{organisation_name} asks to be verified."),
            url="/help/organisations/{organisation_id}",
            target="organisation_id",
        ),
        _spec(
            "organisation_verified",
            "org",
            True,
            ("组织已通过核实", "Organisation verified"),
            ("{organisation_name} 现在可以发布活动了。", "{organisation_name} can now publish activities."),
            url="/help/organisations/{organisation_id}",
            target="organisation_id",
        ),
        _spec(
            "organisation_admin_added",
            "org",
            True,
            ("你成为了组织管理员", "You now help run an organisation"),
            ("{organisation_name}", "{organisation_name}"),
            url="/help/organisations/{organisation_id}",
            target="organisation_id",
        ),
        _spec(
            "volunteer_promoted",
            "shf",
            True,
            ("候补成功，你已转为正式报名", "You're off the waitlist"),
            ("{activity_title} · {starts_at}", "{activity_title} · {starts_at}"),
            url="/help/activities/{activity_id}",
            target="shift_id",
            urgency="high",
            fallback_body=("你已从候补转为正式报名。", "You now have a place on the shift."),
        ),
        _spec(
            "volunteer_hours_corrected",
            "vhr",
            True,
            ("志愿时长已更正", "Volunteer hours corrected"),
            ("{activity_title}：{hours} 小时", "{activity_title}: {hours} h"),
            url="/help/activities/{activity_id}",
            target="activity_id",
        ),
        _spec(
            "moderation_queue",
            "mdq",
            True,
            ("有内容待审核", "Content to review"),
            ("有居民举报的内容等待处理。", "Flagged content is waiting for review."),
            url="/committee/moderation",
        ),
        _spec(
            "appeal_submitted",
            "apl",
            True,
            ("收到一条申诉", "An appeal was filed"),
            ("请在审核队列中处理。", "Please review it in the moderation queue."),
            url="/committee/appeals",
            target="appeal_id",
        ),
        _spec(
            "care_assigned",
            "cas",
            True,
            ("关爱名单有一位居民请您走访", "A resident on the care list for you to visit"),
            ("居委会请您定期走访一位居民，详情请在关爱名单中查看。", "You are asked to visit a resident."),
            url="/care/{record_id}",
            target="record_id",
        ),
        _spec(
            "care_visit_overdue",
            "cvo",
            True,
            ("关爱走访已到期", "A care visit is due"),
            ("有一位关爱对象该走访了，请尽快上门或电话联系。", "A care visit is due: visit or call."),
            url="/care/{record_id}",
            target="record_id",
        ),
        _spec(
            "care_visit_escalated",
            "cve",
            True,
            ("关爱走访逾期", "A care visit is overdue"),
            ("有一位关爱对象的走访已逾期两天以上或无人负责。", "A care visit is two days late or unassigned."),
            url="/care/{record_id}",
            target="record_id",
        ),
        _spec(
            "care_support_requested",
            "csr",
            True,
            ("有居民希望倾诉", "A resident asks to talk"),
            ("有一位居民请求心理服务，请在倾诉请求中查看。", "A resident asks for a conversation; see the requests."),
            url="/care/support",
            target="request_id",
        ),
        _spec(
            "care_support_taken",
            "cst",
            True,
            ("倾诉请求已有人接手", "Someone will talk with you"),
            ("一位心理服务人员接下了您的请求，会尽快与您联系。", "A counsellor will be in touch soon."),
            url="/care/support",
            target="request_id",
        ),
        # meetings and hearings (issue 20)
        _spec(
            "meeting_published",
            "mtg",
            False,
            ("议事会：{meeting_title}", "Meeting: {meeting_title}"),
            ("{starts_at}，欢迎报名参加。", "{starts_at} — RSVP if you can come."),
            url="/meetings/{meeting_id}",
            target="meeting_id",
            fallback_body=(
                "社区发布了一次会议，欢迎报名参加。",
                "A community meeting is coming up: RSVP if you can come.",
            ),
        ),
        _spec(
            "meeting_promoted",
            "mtp",
            True,
            ("候补成功，你可以参加会议了", "You have a place at the meeting"),
            ("{meeting_title} · {starts_at}", "{meeting_title} · {starts_at}"),
            url="/meetings/{meeting_id}",
            target="meeting_id",
            urgency="high",
            fallback_body=("你已从候补转为正式报名。", "You are off the waitlist."),
        ),
        _spec(
            "meeting_cancelled",
            "mtc",
            True,
            ("会议取消：{meeting_title}", "Meeting cancelled: {meeting_title}"),
            ("原定 {starts_at} 的会议已取消。", "The meeting on {starts_at} will not take place."),
            url="/meetings/{meeting_id}",
            target="meeting_id",
            urgency="high",
            fallback_body=("你报名的会议已取消。", "A meeting you were coming to is cancelled."),
        ),
        _spec(
            "meeting_changed",
            "mtx",
            True,
            ("会议时间或地点有变：{meeting_title}", "Meeting moved: {meeting_title}"),
            ("现在是 {starts_at}，在{meeting_location}。", "Now {starts_at}, at {meeting_location}."),
            url="/meetings/{meeting_id}",
            target="meeting_id",
            urgency="high",
            fallback_body=(
                "你报名的会议改了时间或地点，请查看。",
                "A meeting you are coming to has a new time or place.",
            ),
        ),
        _spec(
            "meeting_minutes",
            "mtm",
            True,
            ("会议纪要已发布", "Minutes published"),
            ("{meeting_title}", "{meeting_title}"),
            url="/meetings/{meeting_id}",
            target="meeting_id",
            fallback_body=("你参加或留言的会议发布了纪要。", "A meeting you joined or commented on has its minutes."),
        ),
        # the task ledger (issue 19)
        _spec(
            "task_assigned",
            "tka",
            True,
            ("您有一项新任务", "A task for you"),
            ("任务：{title}", "Task: {title}"),
            url="/tasks/{task_id}",
            target="task_id",
            fallback_body=("请在我的任务中查看。", "See it in My tasks."),
        ),
        _spec(
            "task_changed",
            "tkc",
            True,
            ("任务有进展", "A task moved on"),
            ("任务：{title}", "Task: {title}"),
            url="/tasks/{task_id}",
            target="task_id",
            fallback_body=("请在任务台账中查看。", "See it in the task ledger."),
        ),
        _spec(
            "task_overdue",
            "tko",
            True,
            ("任务已过期", "A task is past its due date"),
            ("请尽快完成：{title}", "Please finish: {title}"),
            url="/tasks/{task_id}",
            target="task_id",
            fallback_body=("您有一项任务已过期。", "One of your tasks is past its due date."),
        ),
        _spec(
            "task_escalated",
            "tke",
            True,
            ("您安排的任务已逾期", "A task you assigned is overdue"),
            ("逾期未完成：{title}", "Not done by its due date: {title}"),
            url="/tasks/{task_id}",
            target="task_id",
            fallback_body=("您安排的一项任务已逾期。", "A task you assigned is overdue."),
        ),
    )
}

GENERIC = KindSpec(
    kind="generic",
    code="gen",
    personal=False,
    title={"zh-CN": "邻里有新消息", "en": "News from Linli"},
    body={"zh-CN": "打开邻里查看。", "en": "Open Linli to see it."},
)

DIGEST = KindSpec(
    kind="digest",
    code="dig",
    personal=False,
    title={"zh-CN": "社区动态摘要", "en": "Community digest"},
    body={"zh-CN": "{summary}", "en": "{summary}"},
    url="/notifications",
    urgency="low",
)

URGENT_TITLE = {"zh-CN": "【紧急】{notice_title}", "en": "URGENT: {notice_title}"}
COLLAPSED_SUFFIX = {"zh-CN": "（共 {count} 条更新）", "en": " ({count} updates)"}

# Labels for state words other domains pass as context (status, state, action, decision).
LABELS = {
    "status_label": {
        "submitted": ("已提交", "submitted"),
        "accepted": ("已受理", "accepted"),
        "assigned": ("已分派", "assigned"),
        "in_progress": ("处理中", "in progress"),
        "resolved": ("已解决", "resolved"),
        "confirmed": ("已确认", "confirmed"),
        "reopened": ("重新处理", "reopened"),
        "rejected": ("已驳回", "rejected"),
    },
    "state_label": {
        "draft": ("草稿", "draft"),
        "submitted": ("征集支持", "gathering support"),
        "in_review": ("居委会审核中", "committee review"),
        "ready": ("待投票", "ready for a vote"),
        "voting": ("投票中", "voting"),
        "approved": ("已通过", "approved"),
        "rejected": ("未通过", "rejected"),
        "in_progress": ("实施中", "in progress"),
        "completed": ("已完成", "completed"),
        "rated": ("已评价", "rated"),
        "withdrawn": ("已撤回", "withdrawn"),
    },
    "action_label": {
        "hide": ("已隐藏", "hidden"),
        "restore": ("已恢复", "restored"),
        "warn": ("提醒", "warning"),
        "suspend": ("暂停使用", "suspended"),
    },
    "decision_label": {
        "upheld": ("维持原处理", "upheld"),
        "reversed": ("已撤销处理", "reversed"),
        "accepted": ("申诉成立", "accepted"),
        "rejected": ("申诉不成立", "rejected"),
    },
}
_LABEL_SOURCES = {
    "status_label": "status",
    "state_label": "state",
    "action_label": "action",
    "decision_label": "decision",
}
KIND_LABELS = {
    "report_status_changed": ("随手拍进展", "Report updates"),
    "report_overdue": ("随手拍超期", "Overdue reports"),
    "project_transition": ("微项目进展", "Project updates"),
    "poll_opened": ("新投票", "New polls"),
    "survey_opened": ("新问卷", "New surveys"),
    "poll_closing_soon": ("投票截止提醒", "Poll closing reminders"),
    "poll_results": ("投票结果", "Poll results"),
    "household_claim": ("同户登记确认", "Someone claims my flat"),
    "household_claim_agreed": ("同户确认了我", "My household confirmed me"),
    "household_claim_refused": ("同户未确认我", "My household did not confirm me"),
    "household_claim_answered": ("住户答复登记", "Households' answers to claims"),
    "name_imitation": ("名字像居委会成员", "Names like a committee member's"),
    "aid_response": ("互助回应", "Answers to my aid posts"),
    "aid_accepted": ("帮忙被接受", "Accepted offers"),
    "aid_thanked": ("收到感谢", "Thanks"),
    "shift_reminder": ("志愿班次提醒", "Shift reminders"),
    "waitlist_promoted": ("候补转正", "Off the waitlist"),
    "shift_cancelled": ("班次取消", "Cancelled shifts"),
    "notice_published": ("社区公告", "Community notices"),
    "moderation_action": ("内容处理", "Moderation"),
    "appeal_decided": ("申诉结果", "Appeal decisions"),
    "membership_verified": ("身份核实", "Verification"),
    "membership_rejected": ("加入申请未通过", "Membership not accepted"),
    "volunteer_recruitment": ("志愿招募", "Volunteer recruitment"),
    "insights_warning": ("治理预警", "Early warnings"),
    "report_submitted": ("新随手拍待处理", "New reports to handle"),
    "report_assigned": ("派给我的随手拍", "Reports assigned to me"),
    "report_reopened": ("随手拍重新打开", "Reopened reports"),
    "report_rated": ("处理结果评价", "Ratings of my work"),
    "report_escalated": ("随手拍升级", "Escalated reports"),
    "report_escalated_street": ("升级到街道的随手拍", "Reports escalated to the street"),
    "report_escalated_district": ("升级到区的随手拍", "Reports escalated to the district"),
    "poll_closed": ("投票结束", "Closed polls"),
    "aid_not_selected": ("互助未选中", "Offers not taken"),
    "aid_completed": ("互助完成", "Completed aid"),
    "aid_closed": ("互助关闭", "Closed aid posts"),
    "comment_posted": ("新评论", "New comments"),
    "comment_reply": ("评论回复", "Replies to me"),
    "organisation_pending": ("组织待核实", "Organisations to verify"),
    "organisation_verified": ("组织通过核实", "Organisation verified"),
    "organisation_admin_added": ("组织管理员", "Organisation admin"),
    "volunteer_promoted": ("候补转正", "Off the waitlist"),
    "volunteer_hours_corrected": ("志愿时长更正", "Hours corrections"),
    "moderation_queue": ("待审核内容", "Moderation queue"),
    "appeal_submitted": ("新的申诉", "New appeals"),
    "care_assigned": ("关爱走访安排", "Care visits assigned"),
    "care_visit_overdue": ("关爱走访到期", "Care visits due"),
    "care_visit_escalated": ("关爱走访逾期", "Overdue care visits"),
    "care_support_requested": ("倾诉请求", "Requests to talk"),
    "care_support_taken": ("倾诉请求有人接手", "Your request to talk"),
    "meeting_published": ("新的议事会、听证会", "New meetings and hearings"),
    "meeting_promoted": ("会议候补转正", "Meeting waitlist"),
    "meeting_cancelled": ("会议取消", "Cancelled meetings"),
    "meeting_changed": ("会议改时间或地点", "Meetings moved"),
    "meeting_minutes": ("会议纪要", "Meeting minutes"),
    "task_assigned": ("派给我的任务", "Tasks assigned to me"),
    "task_changed": ("任务进展", "Task progress"),
    "task_overdue": ("我的任务过期", "My overdue tasks"),
    "task_escalated": ("我安排的任务逾期", "Overdue tasks I assigned"),
}
# Domains often pass a plain `title`; the templates name it after the item.
_TITLE_ALIASES = ("report_title", "project_title", "poll_title", "aid_title", "activity_title", "notice_title")
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9/_\-.~%?=&]*$")
_FIELD_MAX = 60
# Context fields that people wrote (titles, names): the inbox marks them as user content (`user_content`).
USER_FIELDS = (
    "report_title",
    "project_title",
    "poll_title",
    "aid_title",
    "activity_title",
    "notice_title",
    "survey_title",
    "meeting_title",
    "meeting_location",
    "title",
    "organisation_name",
    "name",
    "community_name",
    "responder_name",
    "excerpt",
    "reason",
    "subject_label",
)


def spec_for(kind: str) -> KindSpec:
    if kind == DIGEST.kind:
        return DIGEST
    return KINDS.get(kind, GENERIC)


def applies_to(kind: str, roles: set[str]) -> bool:
    """Can a person with these roles (in any of their communities) receive this kind?"""
    spec = spec_for(kind)
    wanted = ROLES_OF_AUDIENCE.get(spec.audience)
    return spec.listed and (wanted is None or bool(wanted & roles))


def broad_kinds() -> tuple[str, ...]:
    """Community news: the kinds a digest bundles."""
    return tuple(kind for kind, spec in KINDS.items() if not spec.personal)


def _locale(locale: str | None) -> str:
    return locale if locale in LOCALES else "zh-CN"


def _local_time(value, timezone: str | None, locale: str, now: datetime | None = None) -> str:
    """An ISO time from the context in the reader's time zone, written as the app writes it (pwa/js/i18n.js
    formatDateTime): "12月7日 10:00" / "Dec 7, 10:00 AM", with the year only when it is not this year."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        zone = ZoneInfo(timezone or "Asia/Shanghai")
    except (ValueError, TypeError, ZoneInfoNotFoundError):
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    this_year = (now or datetime.now(zone)).astimezone(zone).year if moment.tzinfo else moment.year
    if locale == "zh-CN":
        year = "" if moment.year == this_year else f"{moment.year}年"
        return f"{year}{moment.month}月{moment.day}日 {moment:%H:%M}"
    hour = moment.hour % 12 or 12
    year = "" if moment.year == this_year else f", {moment.year}"
    return f"{moment:%b} {moment.day}{year}, {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _fields(context: dict, locale: str, timezone: str | None) -> dict[str, str]:
    """Context values as short display strings (times localised, state words translated)."""
    index = LOCALES.index(locale)
    values: dict[str, str] = {}
    for key, value in (context or {}).items():
        if value is None or isinstance(value, (dict, list)):
            continue
        if key.endswith("_at"):
            values[key] = _local_time(value, timezone, locale)
        else:
            text = str(value).replace("\n", " ").strip()
            values[key] = text if len(text) <= _FIELD_MAX else text[: _FIELD_MAX - 1] + "…"
    for specific in _TITLE_ALIASES:
        if specific not in values:
            # a domain's plain `title`; never a raw key (a report's category) in its place
            values[specific] = values.get("title") or ""
    if "organisation_name" not in values and values.get("name"):
        values["organisation_name"] = values["name"]
    for label, source in _LABEL_SOURCES.items():
        if label not in values and source in values:
            words = LABELS[label].get(values[source])
            if words:  # an unknown state word is left out (the fallback text is used), never shown raw
                values[label] = words[index]
    return values


def _fill(template: str, values: dict[str, str]) -> str | None:
    """The template filled in, or None when it needs a field the context lacks."""
    needed = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    if any(not values.get(name) for name in needed):
        return None
    return template.format_map(values)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _user_content(values: dict[str, str], *texts: str) -> list[str]:
    """The user-written values that appear in the rendered texts, longest first (so a client marks each once)."""
    found = {values[key] for key in USER_FIELDS if values.get(key) and any(values[key] in text for text in texts)}
    return sorted(found, key=len, reverse=True)


def render(
    kind: str, context: dict | None, locale: str | None, *, timezone: str | None = None, collapsed: int = 1
) -> dict:
    """{title, body, user_content} for one reader. Unknown kinds and missing fields give safe generic text;
    `user_content` lists the parts people wrote (titles, names), for the client to mark."""
    locale = _locale(locale)
    if kind == DIGEST.kind:
        summary = digest_summary((context or {}).get("counts") or {}, locale)
        return {"title": DIGEST.title[locale], "body": _clip(summary, BODY_MAX)}
    spec = spec_for(kind)
    values = _fields(context or {}, locale, timezone) if spec is not GENERIC else {}
    title_template = (
        URGENT_TITLE[locale] if kind == "notice_published" and (context or {}).get("urgent") else spec.title[locale]
    )
    title = _fill(title_template, values) or _fill(spec.title[locale], values) or _title_fallback(spec, locale)
    body = _fill(spec.body[locale], values)
    if body is None:
        body = _fill(spec.fallback_body.get(locale, ""), values) or ""
    if collapsed > 1:
        body = body + COLLAPSED_SUFFIX[locale].format(count=collapsed)
    title, body = _clip(title, TITLE_MAX), _clip(body, BODY_MAX)
    return {"title": title, "body": body, "user_content": _user_content(values, title, body)}


def _title_fallback(spec: KindSpec, locale: str) -> str:
    """A title without placeholders: the kind's label, else the generic one."""
    label = KIND_LABELS.get(spec.kind)
    return label[LOCALES.index(locale)] if label else GENERIC.title[locale]


# Where the PWA shows an item of each commentable kind (a comment's notification opens its item).
ITEM_PATHS = {
    "project": "/projects/{id}",
    "report": "/reports/{id}",
    "aid": "/help/aid/{id}",
    "activity": "/help/activities/{id}",
    "notice": "/notices/{id}",
}


def deep_link(kind: str, context: dict | None, override: str | None = None) -> str:
    """The same-origin path a click opens; anything that is not a plain local path becomes the inbox."""
    spec = spec_for(kind)
    candidate = override
    target_id = (context or {}).get("target_id")
    if candidate is None and kind in ("comment_posted", "comment_reply") and isinstance(target_id, int):
        template = ITEM_PATHS.get(str((context or {}).get("target_type")))
        candidate = template.format(id=target_id) if template else None
    if candidate is None:
        values = {
            k: str(v) for k, v in (context or {}).items() if isinstance(v, (int, str)) and not isinstance(v, bool)
        }
        candidate = _fill(spec.url, values) if spec is not GENERIC else None
    if not candidate or not _SAFE_PATH.match(candidate) or candidate.startswith("//") or len(candidate) > 300:
        return "/notifications"
    return candidate


def topic_for(kind: str, context: dict | None, override: str | None = None) -> str:
    """A Web Push Topic (≤ 32 URL-safe characters): one per item, so updates about it replace each other."""
    if override:
        cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", override)
        return cleaned if len(cleaned) <= 32 else hashlib.sha256(override.encode()).hexdigest()[:32]
    spec = spec_for(kind)
    target = (context or {}).get(spec.target) if spec.target else None
    if isinstance(target, bool) or not isinstance(target, (int, str)) or not str(target).isdigit():
        return spec.code if spec is not GENERIC else f"gen-{hashlib.sha256(kind.encode()).hexdigest()[:12]}"
    return f"{spec.code}-{target}"[:32]


def digest_summary(counts: dict[str, int], locale: str | None) -> str:
    """'2 条社区公告 · 1 条新投票' from {kind: count}, in catalogue order."""
    locale = _locale(locale)
    parts = []
    for kind in KINDS:
        count = counts.get(kind)
        if not isinstance(count, int) or count <= 0:
            continue
        label = KIND_LABELS[kind][LOCALES.index(locale)]
        parts.append(f"{label} {count} 条" if locale == "zh-CN" else f"{label}: {count}")
    return " · ".join(parts)
