"""Activities in search: found by anyone, as the activity pages show them: those of a verified organisation
(or of a project), never a hidden activity nor one of a hidden organisation."""

from sqlalchemy import or_, select

from backend.core import search
from backend.volunteering.models import Activity, Organisation


def visible_ids(_actor, community_id: int):
    public_organisations = select(Organisation.id).where(
        Organisation.status == "verified", Organisation.is_hidden.is_(False)
    )
    return select(Activity.id).where(
        Activity.community_id == community_id,
        Activity.is_hidden.is_(False),
        or_(Activity.organisation_id.is_(None), Activity.organisation_id.in_(public_organisations)),
    )


search.register(
    "activity",
    model=Activity,
    screen="/help/activities/{id}",
    icon="users",
    labels={"zh-CN": ("志愿活动", "活动"), "en": ("Volunteer activity", "Activities")},
    title=lambda activity: activity.title,
    body=lambda activity: activity.description,
    words=("title", "description"),
    visible_ids=visible_ids,
)
