"""Household claims (issue 15): the claims on a flat where verified residents live, and their answers."""

import marshmallow as ma
from flask_smorest import Blueprint

from backend.accounts.schemas import PublicUserSchema
from backend.communities import household_claims
from backend.communities.models import HOUSEHOLD_DECISIONS
from backend.core.schemas import InputSchema, abilities_schema, text
from backend.core.web import actor

blp = Blueprint(
    "household_claims", __name__, url_prefix="/api/v1", description="Household claims: residents agree or refuse"
)


class HouseholdAnswerSchema(InputSchema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(HOUSEHOLD_DECISIONS))
    reason = text(500, load_default=None, allow_none=True)


class ClaimHouseholdSchema(ma.Schema):
    building = ma.fields.String()
    unit = ma.fields.String()
    room = ma.fields.String()


class ClaimAgreementSchema(ma.Schema):
    decision = ma.fields.String(metadata={"description": "agree | refuse"})
    decided_at = ma.fields.DateTime()
    reason = ma.fields.String(allow_none=True)
    resident = ma.fields.Nested(PublicUserSchema, allow_none=True, metadata={"description": "committee only"})


class ClaimSchema(ma.Schema):
    user = ma.fields.Nested(PublicUserSchema)
    status = ma.fields.String(metadata={"description": "pending | invited"})
    joined_at = ma.fields.DateTime()
    household = ma.fields.Nested(ClaimHouseholdSchema)
    agreement = ma.fields.Nested(ClaimAgreementSchema, allow_none=True)
    can = ma.fields.Nested(abilities_schema("ClaimAbilitiesSchema", ("agree", "refuse")))


class ClaimListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ClaimSchema))


@blp.route("/communities/<int:cid>/household-claims", methods=["GET"])
@blp.response(200, ClaimListSchema)
def list_household_claims(cid):
    """Claims on flats where verified residents live: all for the committee, their own flat's for a resident."""
    return {"items": household_claims.listed(actor(), cid)}


@blp.route("/communities/<int:cid>/household-claims/<int:uid>", methods=["POST"])
@blp.arguments(HouseholdAnswerSchema)
@blp.response(201, ClaimSchema)
def answer_household_claim(data, cid, uid):
    """A verified resident of the flat agrees to, or refuses, a member's claim to live there."""
    return household_claims.decide(actor(), cid, uid, decision=data["decision"], reason=data["reason"])
