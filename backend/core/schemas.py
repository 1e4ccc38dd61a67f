"""Shared schema pieces: strict input (unknown fields refused), trimmed bounded text."""

import marshmallow as ma


class InputSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A string field with a length limit (every text field has one)."""
    return ma.fields.String(required=required, validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)
