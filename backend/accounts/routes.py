import hashlib
import json

import marshmallow as ma
from flask import Response, current_app, request
from flask.views import MethodView
from flask_login import login_required
from flask_smorest import Blueprint

from backend.accounts import codes, personal_data, privacy, services
from backend.accounts.identifiers import normalize_login
from backend.accounts.schemas import (
    CodeRequestSchema,
    CodeSentSchema,
    ConsentSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    PhoneCodeRequestSchema,
    PhoneConfirmSchema,
    PrivacyNoticeSchema,
    ProfileUpdateSchema,
    RegisterSchema,
)
from backend.accounts.sessions import sign_in, sign_out
from backend.core.csrf import csrf_token
from backend.core.i18n import request_locale
from backend.core.ratelimit import per_user
from backend.core.web import actor
from backend.extensions import limiter

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-up, sign-in, session")
me_blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in person's profile")


class SessionSchema(ma.Schema):
    user = ma.fields.Nested(MeSchema, allow_none=True)
    csrf_token = ma.fields.String()


def _me(user):
    """The user with their memberships attached, for MeSchema (memberships belong to communities)."""
    return services.with_profile_parts(user)


def _login_key() -> str:
    """Rate-limit key per account, so that many addresses cannot grind one password.

    Hashed: the limiter logs the key of every breach, and a log must not hold a phone number.
    """
    body = request.get_json(silent=True)
    typed = str(body.get("login", ""))[:254] if isinstance(body, dict) else ""
    # One account however its number or address is written ("139…", "+86 139…").
    login = normalize_login(typed) or typed.strip().lower()
    return f"login:{hashlib.sha256(login.encode()).hexdigest()[:32]}"


def _code_key() -> str:
    """One-time codes are limited per phone or address, whoever asks: the same key as sign-in's, in its own bucket."""
    return f"code-{_login_key()}"


def _wrong_code(response) -> bool:
    """Only wrong codes count against the tries (a password sign-in has its own limits)."""
    return response.status_code == 401 and "code" in (request.get_json(silent=True) or {})


@auth_blp.route("/register", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"])
@auth_blp.arguments(RegisterSchema)
@auth_blp.response(201, MeSchema)
def register(data):
    """Create an account (e-mail or mainland phone) and sign in."""
    user = services.register(**data)
    sign_in(user)
    return _me(user)


@auth_blp.route("/login", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"], key_func=_login_key)
@auth_blp.arguments(LoginSchema)
@auth_blp.response(200, MeSchema)
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_TRIES_ACCOUNT"], key_func=_code_key, deduct_when=_wrong_code)
def login(data):
    """Sign in with e-mail or phone and the password, or a one-time code sent there (POST /auth/codes)."""
    if "code" in data:
        user = codes.redeem_code(data["login"], data["code"], "sign_in")
    else:
        user = services.authenticate(data["login"], data["password"])
    sign_in(user)
    return _me(user)


@auth_blp.route("/codes", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_REQUESTS"])
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_REQUESTS_ACCOUNT"], key_func=_code_key)
@auth_blp.arguments(CodeRequestSchema)
@auth_blp.response(202, CodeSentSchema)
def request_code(data):
    """Send a one-time code to sign in or to reset the password; the same answer whether or not the account exists."""
    return codes.request_code(data["login"], data["purpose"], locale=request_locale())


@auth_blp.route("/password-reset", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_TRIES_ACCOUNT"], key_func=_code_key, deduct_when=_wrong_code)
@auth_blp.arguments(PasswordResetSchema)
@auth_blp.response(204)
def reset_password(data):
    """Set a new password with a one-time code (purpose reset_password); every session is signed out, this one in."""
    sign_in(codes.reset_password(data["login"], data["code"], data["new_password"]))


@auth_blp.route("/logout", methods=["POST"])
@auth_blp.response(204)
def logout():
    """Sign out: this session's token is revoked, so a copy of the cookie is worthless too."""
    sign_out()


@auth_blp.route("/session", methods=["GET"])
@auth_blp.response(200, SessionSchema)
def get_session():
    """The signed-in user (or null) and the CSRF token to send with every state-changing request."""
    user = actor()
    return {"user": _me(user) if user.is_authenticated else None, "csrf_token": csrf_token()}


@auth_blp.route("/privacy-notice", methods=["GET"])
@auth_blp.response(200, PrivacyNoticeSchema)
def get_privacy_notice():
    """The privacy notice to accept at sign-up (and again when its version changes), in the request's language."""
    return privacy.notice(request_locale())


@auth_blp.route("/password", methods=["POST"])
@login_required
@auth_blp.arguments(PasswordChangeSchema)
@auth_blp.response(204)
def change_password(data):
    """Change the password; every other session of this account is signed out."""
    user = services.change_password(actor(), data["current_password"], data["new_password"])
    sign_in(user)


@me_blp.route("")
class Me(MethodView):
    decorators = [login_required]

    @me_blp.response(200, MeSchema)
    def get(self):
        """My profile and memberships."""
        return _me(actor())

    @me_blp.arguments(ProfileUpdateSchema)
    @me_blp.response(200, MeSchema)
    def patch(self, data):
        """Change display name, language, care mode, quiet hours."""
        return _me(services.update_profile(actor(), data))

    @me_blp.response(204)
    def delete(self):
        """Delete my account: personal data erased, my content kept under "former resident"."""
        services.delete_account(actor())
        sign_out()


def _phone_key() -> str:
    """Phone codes are limited per account and per number (hashed: a limiter log must not hold a number)."""
    body = request.get_json(silent=True)
    typed = str(body.get("phone", ""))[:40] if isinstance(body, dict) else ""
    number = normalize_login(typed) or typed.strip()
    return f"phone-code:{hashlib.sha256(number.encode()).hexdigest()[:32]}"


def _account_key() -> str:
    return f"phone-code-user:{actor().id}"


def _wrong_phone_code(response) -> bool:
    return response.status_code == 422


@me_blp.route("/phone", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_REQUESTS"])
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_REQUESTS_ACCOUNT"], key_func=_account_key)
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_REQUESTS_ACCOUNT"], key_func=_phone_key)
@me_blp.arguments(PhoneCodeRequestSchema)
@me_blp.response(202, CodeSentSchema)
def request_phone_code(data):
    """Send a one-time code by SMS to a phone number I add or change (settings); it is mine once I type it back."""
    return codes.request_phone_code(actor(), data["phone"], locale=request_locale())


@me_blp.route("/phone/verify", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
@limiter.limit(
    lambda: current_app.config["RATELIMIT_CODE_TRIES_ACCOUNT"], key_func=_account_key, deduct_when=_wrong_phone_code
)
@me_blp.arguments(PhoneConfirmSchema)
@me_blp.response(200, MeSchema)
def confirm_phone(data):
    """Type back the code sent to the number: it becomes my phone, verified (a way to sign in, urgent SMS)."""
    return _me(codes.confirm_phone(actor(), data["phone"], data["code"]))


@me_blp.route("/privacy-consent", methods=["POST"])
@login_required
@me_blp.arguments(ConsentSchema)
@me_blp.response(200, MeSchema)
def accept_privacy_notice(data):
    """Accept the privacy notice `version` that was shown (after sign-up without consent, or a new version)."""
    return _me(services.accept_privacy_notice(actor(), data["version"]))


@me_blp.route("/export", methods=["GET"])
@login_required
@per_user("RATELIMIT_DATA_EXPORT")
@me_blp.response(
    200,
    content_type="application/json",
    description="A JSON file with everything Linli holds about me, one section per domain",
)
def export_my_data():
    """Download all my data (JSON): profile, memberships and household, posts, votes, sign-ups, inbox..."""
    data = personal_data.export_for(actor())
    filename = f"linli-my-data-{data['exported_at'][:10]}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
