"""Search input and output."""

import marshmallow as ma
from webargs.fields import DelimitedList

from backend.core.pagination import MAX_LIMIT
from backend.core.schemas import text


class SearchArgsSchema(ma.Schema):
    q = text(100, required=True, min_length=1)
    types = DelimitedList(ma.fields.String(validate=ma.validate.Length(max=20)), load_default=list)
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, MAX_LIMIT))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))


class HighlightsSchema(ma.Schema):
    """Where the query's terms are: [start, end) ranges in characters (Unicode code points) of the title and
    of the excerpt. The text stays plain text: the app marks the ranges itself, never as HTML."""

    title = ma.fields.List(ma.fields.List(ma.fields.Integer()))
    excerpt = ma.fields.List(ma.fields.List(ma.fields.Integer()))


class SearchHitSchema(ma.Schema):
    type = ma.fields.String(metadata={"description": "a kind of GET /search/kinds: project, report, aid, ..."})
    id = ma.fields.Integer()
    href = ma.fields.String(allow_none=True, metadata={"description": "the app's page of the item"})
    title = ma.fields.String()
    excerpt = ma.fields.String()
    at = ma.fields.DateTime(allow_none=True)
    highlights = ma.fields.Nested(HighlightsSchema)


class SearchResultsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SearchHitSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class SearchKindSchema(ma.Schema):
    type = ma.fields.String(required=True)
    label = ma.fields.String(required=True, metadata={"description": "one result's kind, in the asker's language"})
    label_plural = ma.fields.String(required=True, metadata={"description": "the filter chip's name"})
    icon = ma.fields.String(required=True)
    screen = ma.fields.String(allow_none=True, metadata={"description": "the app's page of one item, with {id}"})


class SearchKindsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SearchKindSchema), required=True)
