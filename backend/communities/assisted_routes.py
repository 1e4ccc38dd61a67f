"""Routes of the residents registered in person (代办): register, list, print letters, take over."""

import io
from urllib.parse import quote

from flask import current_app
from flask_smorest import Blueprint

from backend.accounts.schemas import MeSchema
from backend.accounts.services import with_profile_parts
from backend.accounts.sessions import sign_in
from backend.communities import assisted
from backend.communities.assisted_schemas import (
    AssistedResidentListSchema,
    LettersRequestSchema,
    LettersSchema,
    RegisteredResidentSchema,
    ResidentCreateSchema,
    ResidentListArgsSchema,
    TakeOverSchema,
)
from backend.core.ratelimit import code_guesses
from backend.core.web import actor

blp = Blueprint("residents", __name__, url_prefix="/api/v1", description="Residents served in person (代办)")


@blp.route("/communities/<int:cid>/residents", methods=["POST"])
@blp.arguments(ResidentCreateSchema)
@blp.response(201, RegisteredResidentSchema)
def register_resident(data, cid):
    """Register a resident without phone or e-mail, with their paper consent (committee; grid workers: their grids)."""
    user, membership = assisted.register_resident(actor(), cid, **data)
    return {"user": user, "membership": membership}


@blp.route("/communities/<int:cid>/residents", methods=["GET"])
@blp.arguments(ResidentListArgsSchema, location="query")
@blp.response(200, AssistedResidentListSchema)
def list_residents(args, cid):
    """The residents registered in person, by household (committee; grid workers: their grids)."""
    return {"items": assisted.list_residents(actor(), cid, **args)}


def _qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@blp.route("/communities/<int:cid>/residents/letters", methods=["POST"])
@blp.arguments(LettersRequestSchema)
@blp.response(201, LettersSchema)
def print_letters(data, cid):
    """New invitation letters, each a one-time code and its QR code, for a building or named residents (staff)."""
    letters = assisted.print_letters(actor(), cid, **data)
    for letter in letters:
        letter["url"] = f"{current_app.config['PUBLIC_URL']}/takeover?code={quote(letter['code'])}"
        letter["qr_svg"] = _qr_svg(letter["url"])
    return {"letters": letters}


@blp.route("/residents/takeover", methods=["POST"])
@code_guesses()
@blp.arguments(TakeOverSchema)
@blp.response(200, MeSchema)
def take_over(data):
    """Take over the account staff registered for you: the letter's code, your phone or e-mail, a password."""
    user = assisted.take_over(
        data["code"], login=data["login"], password=data["password"], display_name=data["display_name"]
    )
    sign_in(user)
    return with_profile_parts(user)
