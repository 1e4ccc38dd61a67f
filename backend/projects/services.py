"""Micro-projects: every lifecycle step as one service that checks who and from which state, writes a
ProjectEvent on the public timeline and tells the people concerned.

The voting domain relies on four functions here: `get_project`, `projects_ready_for_poll`,
`mark_voting` and `apply_poll_outcome`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Numeric, cast, delete, func, literal, select, update
from sqlalchemy.exc import IntegrityError

from backend.audit import services as audit
from backend.comments.services import counts_for
from backend.communities import access, assisted
from backend.communities import services as communities
from backend.core import actors
from backend.core.db import UTCDateTime, utcnow
from backend.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, register_messages
from backend.core.pagination import Page, SortKey, paginate
from backend.extensions import db
from backend.moderation import services as moderation
from backend.notifications.services import notify
from backend.projects.models import (
    BUILT_IN_CATEGORIES,
    COMMITTEE_EDITABLE,
    PROJECT_STATES,
    PUBLIC_STATUSES,
    Project,
    ProjectEvent,
    ProjectRating,
    ProjectSupport,
)
from backend.uploads import services as uploads

DEFAULT_SUPPORT_DAYS = 60
MIN_SUPPORT_THRESHOLD = 5
SUPPORT_SHARE_OF_HOUSEHOLDS = 0.02
SORTS = ("newest", "most_supported", "closing_soon")
# What a viewer may do with a project (`can` on its page).
ACTIONS = (
    "edit",
    "submit",
    "withdraw",
    "support",
    "unsupport",
    "review",
    "start",
    "post_update",
    "complete",
    "rate",
    "comment",
)
EDITABLE_FIELDS = (
    "title",
    "summary",
    "body",
    "category",
    "grid_id",
    "budget_cents",
    "volunteers_needed",
    "photo_ids",
    "author_organisation_id",
)
# closing_soon puts projects without a deadline last; a far-future stand-in keeps the keyset comparable.
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=utcnow().tzinfo)

CATEGORY_LABELS = {
    "environment": {"zh-CN": "环境美化", "en": "Environment"},
    "elderly_care": {"zh-CN": "为老服务", "en": "Elderly care"},
    "children": {"zh-CN": "儿童友好", "en": "Children"},
    "safety": {"zh-CN": "平安建设", "en": "Safety"},
    "culture": {"zh-CN": "文化活动", "en": "Culture"},
    "facilities": {"zh-CN": "设施维修", "en": "Facilities"},
    "other": {"zh-CN": "其他", "en": "Other"},
}

register_messages(
    "project",
    {
        "not_editable": {
            "zh-CN": ("不能修改", "项目在当前状态下不能再修改。"),
            "en": ("Cannot be edited", "The project can no longer be edited in its current state."),
        },
        "not_open_for_support": {
            "zh-CN": ("不在征集支持阶段", "只有已提交、正在征集支持的项目可以支持或取消支持。"),
            "en": ("Not collecting supports", "Only submitted projects collecting supports can be supported."),
        },
        "support_window_closed": {
            "zh-CN": ("征集已截止", "这个项目征集支持的时间已经结束。"),
            "en": ("Support window closed", "The time for supporting this project is over."),
        },
        "already_supported": {
            "zh-CN": ("已经支持过", "你已经支持过这个项目。"),
            "en": ("Already supported", "You already support this project."),
        },
        "not_supported": {
            "zh-CN": ("尚未支持", "你还没有支持这个项目。"),
            "en": ("Not supported", "You do not support this project."),
        },
        "already_rated": {
            "zh-CN": ("已经评价过", "每人只能评价一次。"),
            "en": ("Already rated", "Everyone rates a project once."),
        },
        "not_completed": {
            "zh-CN": ("尚未完工", "项目完工后才能评价。"),
            "en": ("Not completed", "A project can be rated once it is completed."),
        },
        "not_in_progress": {
            "zh-CN": ("不在实施中", "只有实施中的项目可以发布进展。"),
            "en": ("Not in progress", "Progress can only be posted while the project is in progress."),
        },
        "percent_decreased": {
            "zh-CN": ("进度不能倒退", "进度比上次低时，请说明原因。"),
            "en": ("Progress went down", "When progress is lower than before, explain why."),
        },
        "poll_mismatch": {
            "zh-CN": ("投票不匹配", "该项目不在这个投票中。"),
            "en": ("Wrong poll", "This project is not being decided by that poll."),
        },
    },
)


# --- reading helpers -------------------------------------------------------------------------------


def get_project(project_id: int) -> Project:
    """The project, whatever its state (for other domains and internal use).

    :raises NotFound: no such project
    """
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound()
    return project


def is_author(actor, project: Project) -> bool:
    return actors.actor_id(actor) == project.author_id


def can_see(actor, project: Project) -> bool:
    """Everyone sees public states; drafts only their author; withdrawn or hidden ones their author and
    the committee."""
    if is_author(actor, project):
        return True
    if project.status in PUBLIC_STATUSES and not project.is_hidden:
        return True
    return project.status != "draft" and access.is_committee(actor, project.community_id)


def get_visible_project(actor, project_id: int) -> Project:
    """:raises NotFound: missing, or not visible to `actor` (a draft of someone else does not exist for you)"""
    project = get_project(project_id)
    if not can_see(actor, project):
        raise NotFound()
    return project


def categories(community) -> list[dict]:
    """Built-in categories, then the community's own (setting `project_categories`)."""
    built_in = [{"key": key, **CATEGORY_LABELS[key]} for key in BUILT_IN_CATEGORIES]
    own = [
        c
        for c in community.setting("project_categories", []) or []
        if isinstance(c, dict) and c.get("key") and c["key"] not in BUILT_IN_CATEGORIES
    ]
    return built_in + [
        {"key": c["key"], "zh-CN": c.get("zh-CN") or c["key"], "en": c.get("en") or c["key"]} for c in own
    ]


def project_settings(community_id: int) -> dict:
    """What the create form needs: the community's categories and today's support goal."""
    community = communities.get_community(community_id)
    return {"items": categories(community), "support_threshold": support_threshold(community)}


def support_threshold(community) -> int:
    """Setting `project_support_threshold`, else 2% of verified households, at least 5."""
    configured = community.setting("project_support_threshold", None)
    if isinstance(configured, int) and configured > 0:
        return configured
    households = communities.verified_household_count(community.id)
    return max(MIN_SUPPORT_THRESHOLD, math.ceil(households * SUPPORT_SHARE_OF_HOUSEHOLDS))


def _supporter_ids(project_id: int) -> list[int]:
    return list(db.session.scalars(select(ProjectSupport.user_id).where(ProjectSupport.project_id == project_id)))


def _supported_ids(actor, project_ids: list[int]) -> set[int]:
    actor_id = actors.actor_id(actor)
    if actor_id is None or not project_ids:
        return set()
    return set(
        db.session.scalars(
            select(ProjectSupport.project_id).where(
                ProjectSupport.user_id == actor_id, ProjectSupport.project_id.in_(project_ids)
            )
        )
    )


def present(actor, projects: list[Project], *, detail: bool = False) -> list[Project]:
    """What this viewer sees of the projects besides their columns (the schemas dump it; marshmallow 4 has
    no context): whether they support each, comment counts; on a project's page their rating and `can`."""
    ids = [p.id for p in projects]
    supported = _supported_ids(actor, ids)
    comments = counts_for("project", ids)
    for project in projects:
        project.supported_by_me = project.id in supported
        project.comments_count = comments.get(project.id, 0)
    if detail and projects:
        for project in projects:
            project.my_rating = _my_rating(actor, project.id)
            project.can = abilities(actor, project)
    return projects


def _my_rating(actor, project_id: int) -> ProjectRating | None:
    actor_id = actors.actor_id(actor)
    if actor_id is None:
        return None
    return db.session.scalar(
        select(ProjectRating).where(ProjectRating.project_id == project_id, ProjectRating.user_id == actor_id)
    )


def abilities(actor, project: Project) -> dict[str, bool]:
    """What the viewer may do now (`can`), so the PWA shows only buttons that will work."""
    member = access.membership(actor, project.community_id)
    verified = member is not None and member.status == "verified"
    known = member is not None and member.is_known
    committee = member is not None and member.is_committee
    author = is_author(actor, project)
    status = project.status
    return {
        "edit": (author and status == "draft") or (committee and status in COMMITTEE_EDITABLE),
        "submit": author and verified and status == "draft",
        "withdraw": author and project.allows("withdraw"),
        "support": known and not author and status == "submitted" and not project.supported_by_me,
        "unsupport": project.supported_by_me and status == "submitted",
        "review": committee and status == "in_review",
        "start": committee and status == "approved",
        "post_update": (author or committee) and status == "in_progress",
        "complete": (author or committee) and status == "in_progress",
        "rate": verified and not author and status == "completed" and project.my_rating is None,
        "comment": member is not None and member.status != "suspended",
    }


def project_detail(actor, project_id: int) -> Project:
    return present(actor, [get_visible_project(actor, project_id)], detail=True)[0]


def list_projects(
    actor,
    community_id: int,
    *,
    status: str | None = None,
    category: str | None = None,
    grid_id: int | None = None,
    mine: bool = False,
    sort: str = "newest",
    limit: int = 20,
    cursor: str | None = None,
) -> Page:
    """A community's projects, filtered and sorted, one keyset page at a time (visitors included).

    Without a status filter the list holds the public states; `status=draft` shows one's own drafts,
    `status=withdrawn` one's own (all of them for the committee); `mine` shows all one's own projects.
    """
    communities.get_community(community_id)
    actor_id = actors.actor_id(actor)
    committee = access.is_committee(actor, community_id)
    stmt = select(Project).where(
        Project.community_id == community_id,
        access.unhidden_or_own(actor, community_id, Project.is_hidden, Project.author_id),
    )
    if mine:
        access.require_user(actor)
        stmt = stmt.where(Project.author_id == actor_id)
        if status:
            stmt = stmt.where(Project.status == status)
    elif status == "draft" or (status == "withdrawn" and not committee):
        stmt = stmt.where(Project.status == status, Project.author_id == actor_id)
    elif status:
        stmt = stmt.where(Project.status == status)
    else:
        stmt = stmt.where(Project.status.in_(PUBLIC_STATUSES))
    if category:
        stmt = stmt.where(Project.category == category)
    if grid_id is not None:
        stmt = stmt.where(Project.grid_id == grid_id)
    page = paginate(stmt, _sort_keys(sort), limit=limit, cursor=cursor)
    present(actor, page.items)
    return page


def _sort_keys(sort: str) -> list[SortKey]:
    if sort == "most_supported":
        return [SortKey(Project.supports_count, descending=True), SortKey(Project.id, descending=True)]
    if sort == "closing_soon":
        deadline = func.coalesce(Project.closes_at, literal(NO_DEADLINE, UTCDateTime))
        return [SortKey(deadline, value_of=lambda p: p.closes_at or NO_DEADLINE), SortKey(Project.id)]
    return [SortKey(Project.created_at, descending=True), SortKey(Project.id, descending=True)]


def list_events(actor, project_id: int, *, limit: int = 20, cursor: str | None = None) -> Page:
    """The public timeline, oldest first."""
    get_visible_project(actor, project_id)
    stmt = select(ProjectEvent).where(ProjectEvent.project_id == project_id)
    return paginate(stmt, [SortKey(ProjectEvent.id)], limit=limit, cursor=cursor)


def list_ratings(actor, project_id: int, *, limit: int = 20, cursor: str | None = None) -> Page:
    """Residents' ratings of a completed project, newest first."""
    get_visible_project(actor, project_id)
    stmt = select(ProjectRating).where(ProjectRating.project_id == project_id)
    return paginate(stmt, [SortKey(ProjectRating.id, descending=True)], limit=limit, cursor=cursor)


# --- writing helpers -------------------------------------------------------------------------------


def _record(
    project: Project,
    actor,
    action: str,
    moved: tuple[str, str] | None = None,
    *,
    note: str = "",
    reason: str | None = None,
    **details,
) -> ProjectEvent:
    from_status, to_status = moved or (None, None)
    event = ProjectEvent(
        project_id=project.id,
        actor_id=actors.actor_id(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note or "",
        reason=reason or None,
        **details,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _tell(project: Project, action: str, recipients: Iterable[int | None], actor=None, **extra) -> None:
    """One notification kind for every step (`project_transition`), so people can mute it as one."""
    context = {
        "project_id": project.id,
        "project_title": project.title,
        "state": project.status,
        "action": action,
        **extra,
    }
    notify(
        recipients, "project_transition", context, community_id=project.community_id, exclude=[actors.actor_id(actor)]
    )


def _validate_fields(community, fields: dict) -> None:
    if "category" in fields and fields["category"] not in {c["key"] for c in categories(community)}:
        raise ValidationFailed({"category": ["not a category of this community"]})
    if fields.get("grid_id") is not None:
        communities.grid_in_community(community.id, fields["grid_id"])
    for name in ("title",):
        if name in fields and not (fields[name] or "").strip():
            raise ValidationFailed({name: ["must not be empty"]})


def _attach_photos(actor, photo_ids: list[int] | None, target_type: str, target_id: int) -> None:
    """The actor's own fresh uploads become this target's photos (uploads refuses anyone else's)."""
    if photo_ids:
        uploads.attach(actor, photo_ids, target_type, target_id)


def _require_author(actor, project: Project) -> None:
    access.require_user(actor)
    if not is_author(actor, project):
        raise Forbidden(reason="not_author")


def _require_author_or_committee(actor, project: Project) -> None:
    access.require_user(actor)
    if is_author(actor, project):
        access.require_active_member(actor, project.community_id)
    else:
        access.require_committee(actor, project.community_id)


def _committee_ids(project: Project) -> list[int]:
    return communities.committee_member_ids(project.community_id)


# --- lifecycle -------------------------------------------------------------------------------------

# The project category a fix for each kind of problem report belongs to.
REPORT_CATEGORY_TO_PROJECT = {
    "street_lights": "safety",
    "safety_hazard": "safety",
    "rubbish": "environment",
    "greenery": "environment",
    "roads_paths": "facilities",
    "water_drains": "facilities",
    "parking": "facilities",
}


def create_draft_from_report(
    actor,
    *,
    community_id: int,
    title: str,
    body: str,
    category: str,
    grid_id: int | None,
    photo_ids: list[int],
    source_report_id: int,
) -> Project:
    """A report that needs more than a repair becomes a project draft (reports.to_project calls this).

    :raises Forbidden: not a committee member of the community
    """
    access.require_committee(actor, community_id)
    project = create_project(
        actor,
        community_id,
        title=title[:120],
        body=body,
        category=REPORT_CATEGORY_TO_PROJECT.get(category, "other"),
        grid_id=grid_id,
        photo_ids=photo_ids,
    )
    project.source_report_id = source_report_id
    db.session.flush()
    return project


def create_project(
    actor,
    community_id: int,
    *,
    title: str,
    category: str,
    summary: str = "",
    body: str = "",
    grid_id: int | None = None,
    budget_cents: int = 0,
    volunteers_needed: int = 0,
    photo_ids: list[int] | None = None,
    author_organisation_id: int | None = None,
    submit: bool = False,
) -> Project:
    """A verified resident drafts a project (and submits it at once with `submit`, as the offline outbox does).

    :raises Forbidden: not a verified member of the community
    :raises ValidationFailed: unknown category, a grid of another community
    """
    access.require_verified(actor, community_id)
    community = communities.get_community(community_id)
    fields = {
        "title": title.strip(),
        "summary": summary.strip(),
        "body": body.strip(),
        "category": category,
        "grid_id": grid_id,
        "budget_cents": budget_cents,
        "volunteers_needed": volunteers_needed,
        "photo_ids": list(photo_ids or []),
        "author_organisation_id": author_organisation_id,
    }
    _validate_fields(community, fields)
    project = Project(community_id=community_id, author_id=actor.id, status="draft", **fields)
    db.session.add(project)
    db.session.flush()
    _attach_photos(actor, project.photo_ids, "project", project.id)
    moderation.hold_if_filtered("project", project, project.title, project.summary, project.body)
    _record(project, actor, "create", (None, "draft"))
    if submit:
        submit_project(actor, project.id)
    return project_detail(actor, project.id)


def update_project(actor, project_id: int, changes: dict) -> Project:
    """The author edits a draft; the committee corrects a project before its poll (audited, on the timeline).

    :raises Conflict: ``project.not_editable``
    :raises Forbidden: neither the author nor the committee
    """
    project = get_visible_project(actor, project_id)
    access.require_user(actor)
    reason = (changes.pop("reason", None) or "").strip()
    committee = access.is_committee(actor, project.community_id)
    if is_author(actor, project) and project.status == "draft":
        access.require_active_member(actor, project.community_id)
        _apply_changes(actor, project, changes)
    elif committee and project.status in COMMITTEE_EDITABLE:
        before = {k: getattr(project, k) for k in changes if k in EDITABLE_FIELDS}
        _apply_changes(actor, project, changes)
        after = {k: getattr(project, k) for k in before}
        changed = sorted(k for k in before if before[k] != after[k])
        audit.record(
            actor,
            "project.edit",
            "project",
            project.id,
            community_id=project.community_id,
            reason=reason,
            before=before,
            after=after,
        )
        _record(project, actor, "edit", note=", ".join(changed), reason=reason)
        _tell(project, "edit", [project.author_id], actor, changed=changed, reason=reason)
    elif is_author(actor, project) or committee:
        raise Conflict("project.not_editable")
    else:
        raise Forbidden(reason="not_author")
    return project_detail(actor, project.id)


def _apply_changes(actor, project: Project, changes: dict) -> None:
    changes = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
    for key in ("title", "summary", "body"):
        if key in changes and changes[key] is not None:
            changes[key] = changes[key].strip()
    _validate_fields(communities.get_community(project.community_id), changes)
    new_photos = [pid for pid in changes.get("photo_ids") or [] if pid not in (project.photo_ids or [])]
    for key, value in changes.items():
        setattr(project, key, value)
    db.session.flush()
    _attach_photos(actor, new_photos, "project", project.id)
    if {"title", "summary", "body"} & set(changes):
        moderation.hold_if_filtered("project", project, project.title, project.summary, project.body)


def submit_project(actor, project_id: int) -> Project:
    """draft → submitted (author, verified): supports open, and the support goal is fixed now.

    :raises Conflict: ``project.invalid_transition``
    """
    project = get_visible_project(actor, project_id)
    _require_author(actor, project)
    access.require_verified(actor, project.community_id)
    community = communities.get_community(project.community_id)
    days = community.setting("project_support_days", DEFAULT_SUPPORT_DAYS)
    moved = project.submit(utcnow(), timedelta(days=days))
    project.support_threshold = support_threshold(community)
    db.session.flush()
    _record(project, actor, "submit", moved)
    _tell(project, "submit", _committee_ids(project), actor)
    return project_detail(actor, project.id)


def withdraw_project(actor, project_id: int, *, reason: str = "") -> Project:
    """The author withdraws a project before it goes to a vote.

    :raises Conflict: ``project.invalid_transition`` (voting or later)
    """
    project = get_visible_project(actor, project_id)
    _require_author(actor, project)
    moderation.require_not_evidence(actor, "project", project.id, project.community_id)
    was_public = project.status != "draft"
    moved = project.withdraw()
    db.session.flush()
    _record(project, actor, "withdraw", moved, reason=reason.strip() or None)
    if was_public:
        _tell(project, "withdraw", [*_supporter_ids(project.id), *_committee_ids(project)], actor)
    return project_detail(actor, project.id)


def support_project(actor, project_id: int, *, on_behalf_of: int | None = None) -> Project:
    """A known resident (invited by a neighbour, or verified) supports a submitted project; reaching the goal
    sends it to review by itself. Staff may record the support of a resident they met in person (`on_behalf_of`):
    the support is the resident's, the timeline has a support_on_behalf step by the staff member (never the
    resident's name: supports are not public), the audit log names both.

    The count is kept by SQL increments and the move to review is one conditional UPDATE (... WHERE
    status = 'submitted'), so two last supports arriving together cause exactly one transition.

    :raises Conflict: ``project.already_supported``, ``project.not_open_for_support``, ``project.support_window_closed``
    :raises Forbidden: not verified, own project; acting for someone without being the committee or their grid's
        worker
    :raises NotFound: acting for someone who is no verified member of the project's community
    """
    project = get_visible_project(actor, project_id)
    actor, entered_by = assisted.acting_as(actor, project.community_id, on_behalf_of)
    if entered_by is not None:
        project = get_visible_project(actor, project_id)
    access.require_known(actor, project.community_id)
    if is_author(actor, project):
        raise Forbidden(reason="own_project")
    if project.status != "submitted":
        raise Conflict("project.not_open_for_support")
    if project.closes_at and project.closes_at <= utcnow():
        raise Conflict("project.support_window_closed")
    try:
        with db.session.begin_nested():
            db.session.add(
                ProjectSupport(
                    project_id=project.id, user_id=actor.id, entered_by_id=entered_by.id if entered_by else None
                )
            )
    except IntegrityError:
        raise Conflict("project.already_supported") from None
    counted = db.session.execute(
        update(Project)
        .where(Project.id == project.id, Project.status == "submitted")
        .values(supports_count=Project.supports_count + 1)
        .execution_options(synchronize_session=False)
    )
    if not counted.rowcount:  # moved on since we read it (another request's last support)
        raise Conflict("project.not_open_for_support")
    if entered_by is not None:
        _record(project, entered_by, "support_on_behalf")
        audit.record(
            entered_by,
            "project.supported_on_behalf",
            "project",
            project.id,
            community_id=project.community_id,
            after={"user_id": actor.id},
        )
    _move_to_review_if_goal_reached(project)
    db.session.refresh(project)
    return project_detail(actor, project.id)


def _move_to_review_if_goal_reached(project: Project) -> None:
    allowed_from, to_status = PROJECT_STATES.sources("reach_threshold"), PROJECT_STATES.target("reach_threshold")
    moved = db.session.execute(
        update(Project)
        .where(
            Project.id == project.id,
            Project.status.in_(allowed_from),
            Project.supports_count >= func.coalesce(Project.support_threshold, 1),
        )
        .values(status=to_status, closes_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not moved.rowcount:
        return
    db.session.refresh(project)
    _record(project, None, "reach_threshold", (allowed_from[0], to_status), note=str(project.supports_count))
    _tell(project, "reach_threshold", [project.author_id, *_committee_ids(project)])


def unsupport_project(actor, project_id: int, *, on_behalf_of: int | None = None) -> Project:
    """Take one's support back while the project is still collecting supports. Staff may take a resident's support
    back at the resident's word, in person (`on_behalf_of`, the same people who may record one): the timeline has an
    unsupport_on_behalf step by the staff member (never the resident's name), the audit log names both. Staff do not
    read whom the resident supports: a project the resident never supported is ``project.not_supported``.

    :raises Conflict: ``project.not_supported``, ``project.not_open_for_support``
    :raises Forbidden: acting for someone without being the committee or their grid's worker
    :raises NotFound: acting for someone who is no verified member of the project's community
    """
    project = get_visible_project(actor, project_id)
    actor, entered_by = assisted.acting_as(actor, project.community_id, on_behalf_of)
    if entered_by is not None:
        project = get_visible_project(actor, project_id)
    access.require_member(actor, project.community_id)
    if project.status != "submitted":
        raise Conflict("project.not_open_for_support")
    removed = db.session.execute(
        delete(ProjectSupport)
        .where(ProjectSupport.project_id == project.id, ProjectSupport.user_id == actor.id)
        .execution_options(synchronize_session=False)
    )
    if not removed.rowcount:
        raise Conflict("project.not_supported")
    counted = db.session.execute(
        update(Project)
        .where(Project.id == project.id, Project.status == "submitted")
        .values(supports_count=Project.supports_count - 1)
        .execution_options(synchronize_session=False)
    )
    if not counted.rowcount:
        raise Conflict("project.not_open_for_support")
    if entered_by is not None:
        _record(project, entered_by, "unsupport_on_behalf")
        audit.record(
            entered_by,
            "project.unsupported_on_behalf",
            "project",
            project.id,
            community_id=project.community_id,
            after={"user_id": actor.id},
        )
    db.session.refresh(project)
    return project_detail(actor, project.id)


def review_project(actor, project_id: int, *, decision: str, reason: str = "") -> Project:
    """The committee accepts a project for a poll (→ ready) or rejects it with a reason the author sees.

    :raises Conflict: ``project.invalid_transition`` (not in review)
    :raises ValidationFailed: a rejection without a reason
    """
    project = get_visible_project(actor, project_id)
    access.require_committee(actor, project.community_id)
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise ValidationFailed({"reason": ["say why the project is rejected"]})
    now = utcnow()
    moved = project.accept(now) if decision == "accept" else project.reject(now, reason)
    db.session.flush()
    audit.record(
        actor,
        f"project.{decision}",
        "project",
        project.id,
        community_id=project.community_id,
        reason=reason,
        before={"status": moved[0]},
        after={"status": moved[1]},
    )
    _record(project, actor, decision, moved, reason=reason or None)
    _tell(project, decision, [project.author_id, *_supporter_ids(project.id)], actor, reason=reason)
    return project_detail(actor, project.id)


def projects_ready_for_poll(community_id: int, project_ids: Iterable[int]) -> list[Project]:
    """The projects for a poll's options, in the order given, if every one is ready (accepted, no poll yet).

    :raises ValidationFailed: ``{"options": [...]}`` naming each project that cannot be put to a vote
    """
    ids = list(project_ids)
    found = {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(ids)))} if ids else {}
    errors, seen = [], set()
    for project_id in ids:
        project = found.get(project_id)
        if project_id in seen:
            errors.append(f"project {project_id} is listed twice")
        elif project is None or project.community_id != community_id:
            errors.append(f"project {project_id} is not a project of this community")
        elif project.status != "ready":
            errors.append(f"project {project_id} is not ready for a poll (it is {project.status})")
        seen.add(project_id)
    if not ids:
        errors.append("name at least one project")
    if errors:
        raise ValidationFailed({"options": errors})
    return [found[project_id] for project_id in ids]


def mark_voting(project_ids: Iterable[int], poll_id: int, *, closes_at: datetime | None = None) -> list[Project]:
    """ready → voting for the projects of a poll just opened (system step, no actor).

    :raises Conflict: ``project.invalid_transition`` if one is not ready
    """
    projects = [get_project(project_id) for project_id in project_ids]
    for project in projects:
        moved = project.open_voting(poll_id, closes_at)
        db.session.flush()
        _record(project, None, "open_voting", moved, poll_id=poll_id)
        _tell(project, "open_voting", [project.author_id, *_supporter_ids(project.id)], poll_id=poll_id)
    return projects


def release_from_poll(project_ids: Iterable[int], poll_id: int) -> list[Project]:
    """voting → ready when the committee cancels the poll before it opens (system step, no actor).

    :raises Conflict: ``project.poll_mismatch`` for a project another poll decides
    """
    projects = [get_project(project_id) for project_id in project_ids]
    for project in projects:
        if project.poll_id != poll_id:
            raise Conflict("project.poll_mismatch")
        moved = project.release_from_poll()
        db.session.flush()
        _record(project, None, "release_from_poll", moved, poll_id=poll_id)
    return projects


def apply_poll_outcome(project_id: int, *, approved: bool, poll_id: int) -> Project:
    """voting → approved | rejected when the poll deciding it closes (system step, no actor).

    Applying the same outcome twice is harmless, so a retried close job does not fail.

    :raises Conflict: ``project.poll_mismatch``, ``project.invalid_transition``
    """
    project = get_project(project_id)
    if project.poll_id != poll_id:
        raise Conflict("project.poll_mismatch")
    outcome = "approved" if approved else "rejected"
    if project.status == outcome:
        return project
    moved = project.close_voting(approved, utcnow())
    db.session.flush()
    _record(project, None, "approve_by_vote" if approved else "reject_by_vote", moved, poll_id=poll_id)
    _tell(
        project,
        "approve_by_vote" if approved else "reject_by_vote",
        [project.author_id, *_supporter_ids(project.id)],
        poll_id=poll_id,
    )
    return project


def start_project(actor, project_id: int, *, note: str = "") -> Project:
    """approved → in_progress (committee): the work begins.

    :raises Conflict: ``project.invalid_transition``
    """
    project = get_visible_project(actor, project_id)
    access.require_committee(actor, project.community_id)
    moved = project.start()
    db.session.flush()
    audit.record(
        actor,
        "project.start",
        "project",
        project.id,
        community_id=project.community_id,
        before={"status": moved[0]},
        after={"status": moved[1]},
    )
    _record(project, actor, "start", moved, note=note.strip())
    _tell(project, "start", [project.author_id, *_supporter_ids(project.id)], actor)
    return project_detail(actor, project.id)


def post_update(
    actor,
    project_id: int,
    *,
    body: str,
    percent_done: int,
    photo_ids: list[int] | None = None,
    reason: str | None = None,
) -> ProjectEvent:
    """Progress (author or committee, while in progress); a lower figure than before needs a reason.

    :raises Conflict: ``project.not_in_progress``
    :raises ValidationFailed: ``project.percent_decreased`` without a reason
    """
    project = get_visible_project(actor, project_id)
    _require_author_or_committee(actor, project)
    if project.status != "in_progress":
        raise Conflict("project.not_in_progress")
    reason = (reason or "").strip()
    if percent_done < project.percent_done and not reason:
        raise ValidationFailed(
            {"reason": [f"progress was {project.percent_done}%; explain why it is lower"]},
            code="project.percent_decreased",
        )
    project.percent_done = percent_done
    db.session.flush()
    event = _record(
        project,
        actor,
        "progress",
        note=body.strip(),
        reason=reason or None,
        percent_done=percent_done,
        photo_ids=list(photo_ids or []),
    )
    _attach_photos(actor, photo_ids, "project_event", event.id)
    _tell(project, "progress", [project.author_id, *_supporter_ids(project.id)], actor, percent_done=percent_done)
    return event


def complete_project(actor, project_id: int, *, note: str = "") -> Project:
    """in_progress → completed (author or committee); residents may rate it from now on.

    :raises Conflict: ``project.invalid_transition``
    """
    project = get_visible_project(actor, project_id)
    _require_author_or_committee(actor, project)
    moved = project.complete(utcnow())
    db.session.flush()
    _record(project, actor, "complete", moved, note=note.strip())
    _tell(project, "complete", [project.author_id, *_supporter_ids(project.id), *_committee_ids(project)], actor)
    return project_detail(actor, project.id)


def rate_project(actor, project_id: int, *, stars: int, comment: str = "") -> ProjectRating:
    """A verified resident rates a completed project once (好不好); the average is kept in SQL.

    :raises Conflict: ``project.not_completed``, ``project.already_rated``
    :raises Forbidden: not verified, own project
    """
    project = get_visible_project(actor, project_id)
    access.require_verified(actor, project.community_id)
    if is_author(actor, project):
        raise Forbidden(reason="own_project")
    if project.status != "completed":
        raise Conflict("project.not_completed")
    rating = ProjectRating(project_id=project.id, user_id=actor.id, stars=stars, comment=(comment or "").strip())
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:
        raise Conflict("project.already_rated") from None
    # The right-hand sides read the row's old values, so count, sum and average move together.
    db.session.execute(
        update(Project)
        .where(Project.id == project.id)
        .values(
            rating_count=Project.rating_count + 1,
            rating_sum=Project.rating_sum + stars,
            # numeric, because PostgreSQL rounds only numerics to a number of places
            rating_average=func.round(cast(Project.rating_sum + stars, Numeric(12, 4)) / (Project.rating_count + 1), 2),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(project)
    rating.rating_average, rating.rating_count = project.rating_average, project.rating_count
    return rating
