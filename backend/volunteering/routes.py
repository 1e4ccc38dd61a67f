"""Volunteering HTTP layer: parse, call one service, dump."""

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint

from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import code_guesses
from backend.core.web import actor
from backend.extensions import limiter
from backend.volunteering import services
from backend.volunteering.certificate import render_certificate
from backend.volunteering.schemas import (
    ActivityCreateSchema,
    ActivityListArgsSchema,
    ActivitySchema,
    AdminAddSchema,
    CertificateArgsSchema,
    CheckinCodeSchema,
    CheckinSchema,
    HoursCorrectionSchema,
    ManagedSignupSchema,
    MyVolunteeringSchema,
    OrganisationCreateSchema,
    OrganisationListArgsSchema,
    OrganisationSchema,
    ProjectVolunteersSchema,
    RecruitmentArgsSchema,
    RecruitmentCountSchema,
    RecruitmentResultSchema,
    RecruitmentSendSchema,
    SignupCancelArgsSchema,
    SignupCreateSchema,
    SignupSchema,
    VolunteerProfileInputSchema,
    VolunteerProfileSchema,
)

blp = Blueprint(
    "volunteering",
    __name__,
    url_prefix="/api/v1",
    description="Organisations, activities, shifts, sign-ups, hours and recruitment",
)


ActivityPageSchema = page_schema(ActivitySchema)  # one class: the OpenAPI document names it once


def _posting_limit():
    return current_app.config["RATELIMIT_POSTING"]


def _per_user_key() -> str:
    """Check-in codes are short: limit guesses per person, not per address (a whole estate shares one NAT)."""
    return f"checkin:{getattr(current_user, 'id', 'anonymous')}"


# --- organisations ---


@blp.route("/communities/<int:cid>/organisations", methods=["GET"])
@blp.arguments(OrganisationListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(OrganisationSchema))
def list_organisations(args, page, cid):
    """Verified organisations (anyone); `status=pending` is the committee's verification queue."""
    return services.list_organisations(actor(), cid, status=args["status"], **page)


@blp.route("/communities/<int:cid>/organisations", methods=["POST"])
@limiter.limit(_posting_limit)
@blp.arguments(OrganisationCreateSchema)
@blp.response(201, OrganisationSchema)
def create_organisation(data, cid):
    """Register an organisation (verified residents); pending until the committee verifies it."""
    return services.create_organisation(actor(), cid, **data)


@blp.route("/organisations/<int:oid>", methods=["GET"])
@blp.response(200, OrganisationSchema)
def get_organisation(oid):
    """An organisation with its admins (pending ones: admins and committee only)."""
    return services.get_organisation(actor(), oid)


@blp.route("/organisations/<int:oid>/verify", methods=["POST"])
@blp.response(200, OrganisationSchema)
def verify_organisation(oid):
    """Verify an organisation (committee; audited)."""
    return services.verify_organisation(actor(), oid)


@blp.route("/organisations/<int:oid>/admins", methods=["POST"])
@blp.arguments(AdminAddSchema)
@blp.response(201, OrganisationSchema)
def add_admin(data, oid):
    """Add another admin (organisation admins; a verified member of the community)."""
    return services.add_admin(actor(), oid, data["user_id"])


@blp.route("/me/organisations", methods=["GET"])
@blp.response(200, OrganisationSchema(many=True))
def my_organisations():
    """Organisations I run."""
    return services.my_organisations(actor())


# --- activities ---


@blp.route("/organisations/<int:oid>/activities", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ActivityPageSchema)
def list_organisation_activities(page, oid):
    """An organisation's activities, newest first (anyone)."""
    return services.list_organisation_activities(actor(), oid, **page)


@blp.route("/organisations/<int:oid>/activities", methods=["POST"])
@blp.arguments(ActivityCreateSchema)
@blp.response(201, ActivitySchema)
def create_activity(data, oid):
    """Publish an activity with shifts (admins of a verified organisation)."""
    return services.create_activity(actor(), oid, **data)


@blp.route("/projects/<int:pid>/activities", methods=["POST"])
@blp.arguments(ActivityCreateSchema)
@blp.response(201, ActivitySchema)
def create_project_activity(data, pid):
    """Open an activity for an approved micro-project that needs volunteers (its author or the committee)."""
    return services.create_project_activity(actor(), pid, **data)


@blp.route("/projects/<int:pid>/volunteers", methods=["GET"])
@blp.response(200, ProjectVolunteersSchema)
def project_volunteers(pid):
    """How many volunteers a project's activities gathered, and their hours (anyone)."""
    return services.project_volunteers(pid)


@blp.route("/communities/<int:cid>/activities", methods=["GET"])
@blp.arguments(ActivityListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ActivityPageSchema)
def list_community_activities(args, page, cid):
    """Upcoming activities, soonest first, with places left per shift (anyone)."""
    return services.list_community_activities(actor(), cid, **args, **page)


@blp.route("/activities/<int:activity_id>", methods=["GET"])
@blp.response(200, ActivitySchema)
def get_activity(activity_id):
    """An activity with its shifts and my sign-ups."""
    return services.get_activity(actor(), activity_id)


# --- shifts ---


@blp.route("/shifts/<int:sid>/signups", methods=["POST"])
@blp.arguments(SignupCreateSchema, required=False)
@blp.response(201, SignupSchema)
def sign_up(data, sid):
    """Sign up (verified): confirmed while places remain, else waitlisted with a position; staff may sign a
    resident up in person (on_behalf_of)."""
    return services.sign_up(actor(), sid, **(data or {}))


@blp.route("/shifts/<int:sid>/signups", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(ManagedSignupSchema))
def list_shift_signups(page, sid):
    """Sign-ups with status, position, check-in and hours (organisers)."""
    return services.list_shift_signups(actor(), sid, **page)


@blp.route("/shifts/<int:sid>/signups/me", methods=["DELETE"])
@blp.arguments(SignupCancelArgsSchema, location="query")
@blp.response(204)
def cancel_signup(args, sid):
    """Cancel my sign-up; the first waitlisted person is promoted and told. Staff may cancel a resident's at their
    word (on_behalf_of)."""
    services.cancel_signup(actor(), sid, **args)


@blp.route("/shifts/<int:sid>/checkin-code", methods=["GET"])
@blp.response(200, CheckinCodeSchema)
def checkin_code(sid):
    """The shift's check-in code (organisers), shown at the activity and as a QR code."""
    return services.checkin_code(actor(), sid)


@blp.route("/shifts/<int:sid>/checkin", methods=["POST"])
@limiter.limit("10 per minute", key_func=_per_user_key)
@code_guesses()
@blp.arguments(CheckinSchema)
@blp.response(200, SignupSchema)
def check_in(data, sid):
    """Check in with the code, from 30 minutes before the start until the end; hours = the shift's length."""
    return services.check_in(actor(), sid, **data)


@blp.route("/signups/<int:signup_id>/hours", methods=["PATCH"])
@blp.arguments(HoursCorrectionSchema)
@blp.response(200, ManagedSignupSchema)
def correct_hours(data, signup_id):
    """Correct a volunteer's hours with a reason (organisers; audited)."""
    return services.correct_hours(actor(), signup_id, **data)


# --- me ---


@blp.route("/me/volunteering", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MyVolunteeringSchema)
def my_volunteering(page):
    """My total hours and my sign-ups."""
    return services.my_volunteering(actor(), **page)


@blp.route("/me/volunteering/certificate", methods=["GET"])
@blp.arguments(CertificateArgsSchema, location="query")
@blp.response(200, content_type="text/html")
def certificate(args):
    """A printable HTML certificate of my volunteer hours, with organisation and community names."""
    html = render_certificate(services.certificate(actor(), args["community_id"]))
    return current_app.response_class(html, mimetype="text/html")


@blp.route("/me/volunteer-profile", methods=["GET"])
@blp.response(200, VolunteerProfileSchema)
def get_profile():
    """My skills and availability (organisations only ever see counts)."""
    return services.get_profile(actor())


@blp.route("/me/volunteer-profile", methods=["PUT"])
@blp.arguments(VolunteerProfileInputSchema)
@blp.response(200, VolunteerProfileSchema)
def put_profile(data):
    """Replace my skills and availability."""
    return services.put_profile(actor(), **data)


# --- recruitment ---


@blp.route("/organisations/<int:oid>/recruitment", methods=["GET"])
@blp.arguments(RecruitmentArgsSchema, location="query")
@blp.response(200, RecruitmentCountSchema)
def recruitment_count(args, oid):
    """How many verified residents list these skills (a count, never a list; organisation admins)."""
    return services.recruitment_count(actor(), oid, skills=args["skills"])


@blp.route("/organisations/<int:oid>/recruitment", methods=["POST"])
@blp.arguments(RecruitmentSendSchema)
@blp.response(201, RecruitmentResultSchema)
def send_recruitment(data, oid):
    """Notify matching residents about an activity (once per activity per day)."""
    return services.send_recruitment(actor(), oid, **data)
