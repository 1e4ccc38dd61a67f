"""My volunteer profile, sign-ups and hours; organisations and activities I run."""

from sqlalchemy import select

from backend.core.personal_data import rows_of
from backend.volunteering.models import (
    Activity,
    Organisation,
    OrganisationAdmin,
    RecruitmentMessage,
    ShiftSignup,
    VolunteerProfile,
    VolunteerSkill,
)

TABLES = (
    "volunteer_profiles",
    "volunteer_skills",
    "shift_signups",
    "organisations",
    "organisation_admins",
    "activities",
    "recruitment_messages",
)


def export(user) -> dict:
    return {
        "profile": rows_of(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id)),
        "skills": [row["skill"] for row in rows_of(select(VolunteerSkill).where(VolunteerSkill.user_id == user.id))],
        "signups": rows_of(select(ShiftSignup).where(ShiftSignup.user_id == user.id)),
        "organisations_created": rows_of(select(Organisation).where(Organisation.created_by_id == user.id)),
        "organisations_administered": rows_of(select(OrganisationAdmin).where(OrganisationAdmin.user_id == user.id)),
        "activities_created": rows_of(select(Activity).where(Activity.created_by_id == user.id)),
        "recruitment_sent": rows_of(select(RecruitmentMessage).where(RecruitmentMessage.sent_by_id == user.id)),
    }
