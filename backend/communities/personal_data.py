"""My memberships, the household I gave for each, the invites I made, the regions I officiate (export:
accounts.personal_data)."""

from sqlalchemy import select

from backend.communities.models import (
    AssistedResident,
    Grid,
    Household,
    HouseholdAgreement,
    Invite,
    Membership,
    RegionOfficial,
)
from backend.core.personal_data import rows_of

TABLES = (
    "memberships",
    "households",
    "invites",
    "grids",
    "household_agreements",
    "region_officials",
    "assisted_residents",
)


def export(user) -> dict:
    memberships = rows_of(select(Membership).where(Membership.user_id == user.id))
    household_ids = [m["household_id"] for m in memberships if m["household_id"] is not None]
    return {
        "memberships": memberships,
        "households": rows_of(select(Household).where(Household.id.in_(household_ids))),
        # Who used an invite is the neighbour's data, not mine.
        "invites_created": rows_of(select(Invite).where(Invite.created_by_id == user.id), leave_out=("used_by_id",)),
        "grids_responsible_for": rows_of(
            select(Grid).where(Grid.responsible_user_id == user.id), leave_out=("polygon",)
        ),
        # Answers I gave to someone claiming my flat, and the answers to my own claims (not who gave them).
        "household_answers_given": rows_of(select(HouseholdAgreement).where(HouseholdAgreement.resident_id == user.id)),
        "household_answers_to_my_claims": rows_of(
            select(HouseholdAgreement)
            .join(Membership, Membership.id == HouseholdAgreement.membership_id)
            .where(Membership.user_id == user.id),
            leave_out=("resident_id", "reason"),
        ),
        # Registered in person by staff (代办): when, by whom, the date of my paper consent; never the letter's code.
        "registered_in_person": rows_of(
            select(AssistedResident).where(AssistedResident.user_id == user.id), leave_out=("letter_code_hash",)
        ),
        "official_appointments": rows_of(select(RegionOfficial).where(RegionOfficial.user_id == user.id)),
    }
