"""Open311 GeoReport v2 shapes (names as the specification spells them), API keys, hotline imports."""

from zoneinfo import ZoneInfo

import marshmallow as ma

from backend.core.schemas import InputSchema, text

SHANGHAI = ZoneInfo("Asia/Shanghai")  # a time without an offset is the city's own


class Open311Args(ma.Schema):
    """Open311 clients send parameters the specification lists and we do not use: ignored, not refused."""

    class Meta:
        unknown = ma.EXCLUDE

    jurisdiction_id = text(20, load_default=None, metadata={"description": "the community's id"})


class RequestsQuerySchema(Open311Args):
    service_request_id = text(1200, load_default=None, metadata={"description": "ids separated by commas"})
    service_code = text(400, load_default=None, metadata={"description": "codes separated by commas"})
    start_date = ma.fields.AwareDateTime(load_default=None, default_timezone=SHANGHAI, metadata={"description": "w3c"})
    end_date = ma.fields.AwareDateTime(load_default=None, default_timezone=SHANGHAI, metadata={"description": "w3c"})
    status = text(20, load_default=None, metadata={"description": "open, closed, or open,closed"})


class PostRequestSchema(Open311Args):
    """Form-encoded, as the specification says. e-mail, names, phone, device and account ids are accepted and
    not kept (the city's own system keeps them)."""

    api_key = text(200, load_default=None)
    service_code = text(30, required=True)
    description = text(2000, load_default="")
    lat = ma.fields.Float(load_default=None, validate=ma.validate.Range(-90, 90), allow_nan=False)
    long = ma.fields.Float(load_default=None, validate=ma.validate.Range(-180, 180), allow_nan=False)
    address_string = text(200, load_default="")


class ServiceSchema(ma.Schema):
    service_code = ma.fields.String()
    service_name = ma.fields.String()
    description = ma.fields.String()
    metadata = ma.fields.Boolean()
    type = ma.fields.String(metadata={"enum": ["realtime", "batch", "blackbox"]})
    keywords = ma.fields.String()
    group = ma.fields.String()


class ServiceDefinitionSchema(ma.Schema):
    service_code = ma.fields.String()
    attributes = ma.fields.List(ma.fields.Dict())


class ServiceRequestSchema(ma.Schema):
    service_request_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": ["open", "closed"]})
    status_notes = ma.fields.String(allow_none=True)
    service_name = ma.fields.String()
    service_code = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    agency_responsible = ma.fields.String(allow_none=True)
    service_notice = ma.fields.String(allow_none=True)
    requested_datetime = ma.fields.String(metadata={"format": "date-time"})
    updated_datetime = ma.fields.String(metadata={"format": "date-time"})
    expected_datetime = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    address = ma.fields.String(allow_none=True)
    address_id = ma.fields.String(allow_none=True)
    zipcode = ma.fields.String(allow_none=True)
    lat = ma.fields.Float(allow_none=True, metadata={"description": "rounded as the public board shows it"})
    long = ma.fields.Float(allow_none=True)
    media_url = ma.fields.String(allow_none=True)


class PostedRequestSchema(ma.Schema):
    service_request_id = ma.fields.Integer()
    service_notice = ma.fields.String(allow_none=True)
    account_id = ma.fields.String(allow_none=True)


class Open311ErrorSchema(ma.Schema):
    """The specification's error: a list of these, in the path's format (JSON, or XML <errors><error>)."""

    code = ma.fields.Integer(required=True)
    description = ma.fields.String(required=True)


class ApiKeyCreateSchema(InputSchema):
    name = text(80, required=True, min_length=1, metadata={"description": "who the key is for"})


class ApiKeySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String(metadata={"description": "the key's first characters, to tell keys apart"})
    created_at = ma.fields.DateTime()
    revoked_at = ma.fields.DateTime(allow_none=True)
    last_used_at = ma.fields.DateTime(allow_none=True)
    requests_posted = ma.fields.Integer()


class IssuedApiKeySchema(ApiKeySchema):
    key = ma.fields.String(metadata={"description": "shown this once; only its hash is kept"})


class HotlineFileSchema(ma.Schema):
    file = ma.fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class HotlineConfirmSchema(InputSchema):
    skip_invalid_rows = ma.fields.Boolean(load_default=False)


class HotlineCountsSchema(ma.Schema):
    rows = ma.fields.Integer()
    new = ma.fields.Integer()
    already_imported = ma.fields.Integer()
    invalid = ma.fields.Integer()


class HotlineProblemSchema(ma.Schema):
    row = ma.fields.Integer(metadata={"description": "line of the file (the header is line 1)"})
    field = ma.fields.String()
    message = ma.fields.String(metadata={"description": "in the reader's language"})


class HotlineTicketSchema(ma.Schema):
    line = ma.fields.Integer()
    ticket = ma.fields.String()
    category = ma.fields.String()
    label = ma.fields.String()


class HotlinePreviewSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "confirm it within 24 hours"})
    community_id = ma.fields.Integer()
    file_name = ma.fields.String()
    expires_at = ma.fields.DateTime()
    counts = ma.fields.Nested(HotlineCountsSchema)
    problems = ma.fields.List(ma.fields.Nested(HotlineProblemSchema))
    tickets = ma.fields.List(ma.fields.Nested(HotlineTicketSchema), metadata={"description": "the first 200"})


class HotlineResultSchema(ma.Schema):
    created = ma.fields.Integer()
    already_imported = ma.fields.Integer()
    skipped = ma.fields.Integer()
