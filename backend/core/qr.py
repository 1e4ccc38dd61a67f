"""QR codes as SVG (qrcode, a maintained library): the link a printed page carries, for a phone's camera."""

from __future__ import annotations

import io


def qr_svg(url: str, *, box_size: int = 8, border: int = 2) -> str:
    """The SVG of a QR code for `url` (paths, no embedded fonts: it prints sharp at any size)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=border)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
