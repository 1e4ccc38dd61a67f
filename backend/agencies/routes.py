from flask_smorest import Blueprint

from backend.agencies import services
from backend.agencies.schemas import (
    AgencyCreateSchema,
    AgencyDetailSchema,
    AgencyListSchema,
    AgencyMemberAddSchema,
    AgencyMemberSchema,
    AgencyUpdateSchema,
    PublicAgencyListSchema,
)
from backend.core.web import actor

blp = Blueprint("agencies", __name__, url_prefix="/api/v1", description="Outside agencies (部门报到)")


@blp.route("/regions/<int:rid>/agencies", methods=["GET"])
@blp.response(200, AgencyListSchema)
def list_region_agencies(rid):
    """The agencies of a street or district (platform admin, the region's officials, the district's)."""
    return {"items": services.list_for_region(actor(), rid)}


@blp.route("/regions/<int:rid>/agencies", methods=["POST"])
@blp.arguments(AgencyCreateSchema)
@blp.response(201, AgencyDetailSchema)
def create_agency(data, rid):
    """Register an agency serving communities under the region (platform admin, officials; audited)."""
    agency = services.create_agency(actor(), rid, **data)
    return services.agency_detail(actor(), agency.id)


@blp.route("/communities/<int:cid>/agencies", methods=["GET"])
@blp.response(200, PublicAgencyListSchema)
def list_community_agencies(cid):
    """The agencies serving a community: names and kinds (published: anyone)."""
    return {"items": services.list_for_community(cid)}


@blp.route("/me/agencies", methods=["GET"])
@blp.response(200, AgencyListSchema)
def my_agencies():
    """The agencies I work for (the PWA's entry to their inbox)."""
    return {"items": services.my_agencies(actor())}


@blp.route("/agencies/<int:agency_id>", methods=["GET"])
@blp.response(200, AgencyDetailSchema)
def get_agency(agency_id):
    """An agency with its communities and staff (its staff, its registrars)."""
    return services.agency_detail(actor(), agency_id)


@blp.route("/agencies/<int:agency_id>", methods=["PATCH"])
@blp.arguments(AgencyUpdateSchema)
@blp.response(200, AgencyDetailSchema)
def update_agency(data, agency_id):
    """Rename an agency, change its kind or its communities (its registrars; audited)."""
    services.update_agency(actor(), agency_id, data)
    return services.agency_detail(actor(), agency_id)


@blp.route("/agencies/<int:agency_id>/members", methods=["POST"])
@blp.arguments(AgencyMemberAddSchema)
@blp.response(201, AgencyMemberSchema)
def add_member(data, agency_id):
    """Add a staff account, by id or by phone or e-mail (its registrars; audited)."""
    return services.add_member(actor(), agency_id, **data)


@blp.route("/agencies/<int:agency_id>/members/<int:uid>", methods=["DELETE"])
@blp.response(204)
def remove_member(agency_id, uid):
    """Remove a staff account (its registrars; audited)."""
    services.remove_member(actor(), agency_id, uid)
