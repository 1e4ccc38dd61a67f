"""A photo as every domain shows it (reports and their timelines embed it)."""

import marshmallow as ma


class UploadSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    thumb_url = ma.fields.String()
    width = ma.fields.Integer()
    height = ma.fields.Integer()


class UploadFileSchema(ma.Schema):
    file = ma.fields.Raw(metadata={"type": "string", "format": "binary"})
