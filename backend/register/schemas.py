"""Register views: for the committee only (names, addresses, phone numbers)."""

import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.core.schemas import InputSchema


class ImportFileSchema(ma.Schema):
    file = ma.fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class ImportConfirmSchema(InputSchema):
    skip_invalid_rows = ma.fields.Boolean(
        load_default=False, metadata={"description": "apply the valid rows although others have errors"}
    )


class ImportCountsSchema(ma.Schema):
    rows = ma.fields.Integer()
    new = ma.fields.Integer()
    changed = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    invalid = ma.fields.Integer()
    new_households = ma.fields.Integer()


class RowProblemSchema(ma.Schema):
    row = ma.fields.Integer(metadata={"description": "line of the file (the header is line 1)"})
    field = ma.fields.String()
    message = ma.fields.String(metadata={"description": "in the reader's language"})


class RowChangeSchema(ma.Schema):
    row = ma.fields.Integer()
    action = ma.fields.String(metadata={"enum": ["new", "changed"]})
    name = ma.fields.String()
    address = ma.fields.String()
    fields = ma.fields.List(ma.fields.String())


class ImportPreviewSchema(ma.Schema):
    id = ma.fields.Integer(metadata={"description": "confirm it within 24 hours"})
    rows = ma.fields.Integer(metadata={"description": "rows read (the header not counted)"})
    valid = ma.fields.Integer(metadata={"description": "rows without errors"})
    file_name = ma.fields.String()
    expires_at = ma.fields.DateTime()
    counts = ma.fields.Nested(ImportCountsSchema)
    errors = ma.fields.List(ma.fields.Nested(RowProblemSchema), metadata={"description": "the first 200"})
    errors_total = ma.fields.Integer()
    changes = ma.fields.List(ma.fields.Nested(RowChangeSchema), metadata={"description": "the first 200"})


class ImportResultSchema(ma.Schema):
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    skipped = ma.fields.Integer()
    new_households = ma.fields.Integer()


class ResidentListArgsSchema(ma.Schema):
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(max=50), data_key="q")
    grid_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 2**31 - 1))
    building = ma.fields.String(load_default=None, validate=ma.validate.Length(max=20))


class ExportArgsSchema(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(("csv", "xlsx")))


class ResidentSchema(ma.Schema):
    id = ma.fields.Integer()
    ref = ma.fields.String(allow_none=True)
    name = ma.fields.String()
    gender = ma.fields.String()
    birth_date = ma.fields.Date(allow_none=True)
    phone = ma.fields.String()
    relation = ma.fields.String()
    notes = ma.fields.String()
    household_id = ma.fields.Integer()
    building = ma.fields.Function(lambda r: r.household.building)
    unit = ma.fields.Function(lambda r: r.household.unit)
    room = ma.fields.Function(lambda r: r.household.room)
    address = ma.fields.Function(lambda r: r.household.address)
    grid_id = ma.fields.Function(lambda r: r.household.grid_id)
    has_account = ma.fields.Function(lambda r: r.user_id is not None)
    user_id = ma.fields.Integer(allow_none=True, metadata={"description": "the linked account (committee only)"})
    updated_at = ma.fields.DateTime()


class AccountLinkSchema(InputSchema):
    user_id = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 2**31 - 1))


class AccountCandidateSchema(ma.Schema):
    user = ma.fields.Nested(PublicUserSchema)
    name_matches = ma.fields.Boolean(metadata={"description": "the account's name is the record's name"})
    linked_resident_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "the record this account is linked to already, if any"}
    )


class AccountCandidatesSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AccountCandidateSchema))
