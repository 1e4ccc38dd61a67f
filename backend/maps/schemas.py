"""The map's input and output: the tile source, a community's map, the grid at a point."""

import marshmallow as ma

from backend.accounts.schemas import PublicUserSchema
from backend.communities.schemas import GridRefSchema, GridSchema
from backend.maps.services import LAYERS
from backend.maps.tiles import CRS, PROVIDERS
from backend.reports.schemas import ReportListArgsSchema, ReportSchema
from backend.volunteering.schemas import ActivitySchema


class TileSourceSchema(ma.Schema):
    provider = ma.fields.String(metadata={"enum": list(PROVIDERS), "description": "none: no tiles (plain background)"})
    layers = ma.fields.List(
        ma.fields.String(), metadata={"description": "tile URL templates ({s} {x} {y} {z}), drawn in this order"}
    )
    subdomains = ma.fields.String(metadata={"description": "the letters or digits {s} takes"})
    crs = ma.fields.String(
        metadata={"enum": list(CRS), "description": "gcj02: shift WGS-84 points onto the tiles, and pins back"}
    )
    attribution = ma.fields.String()
    max_zoom = ma.fields.Integer()


class PointArgsSchema(ma.Schema):
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(-90, 90), metadata={"description": "WGS-84"})
    lng = ma.fields.Float(required=True, validate=ma.validate.Range(-180, 180), metadata={"description": "WGS-84"})


class GridWithResponsibleSchema(GridRefSchema):
    responsible = ma.fields.Nested(PublicUserSchema, allow_none=True)


class GridAtSchema(ma.Schema):
    grid = ma.fields.Nested(GridWithResponsibleSchema, allow_none=True, metadata={"description": "null: in no grid"})


class MapArgsSchema(ReportListArgsSchema):
    """The board's filters (status, category, grid_id, overdue), and which layers to draw."""

    class Meta:
        exclude = ("mine", "assigned_to")

    layers = ma.fields.String(
        load_default=None,
        validate=ma.validate.Regexp(r"^({0})(,({0}))?$".format("|".join(LAYERS))),
        metadata={"description": "comma-separated: reports, activities (default both)"},
    )


MAP_REPORT_FIELDS = (
    "id",
    "category",
    "category_label",
    "description",
    "status",
    "grid",
    "lat",
    "lng",
    "position_precision",
    "is_overdue",
    "me_too_count",
    "created_at",
)


class MapReportSchema(ReportSchema):
    """A pin of the board: the list's fields a pin's card shows, at the position this viewer may see."""

    class Meta:
        fields = MAP_REPORT_FIELDS


class MapActivitySchema(ActivitySchema):
    class Meta:
        fields = ("id", "title", "location", "grid_ids", "starts_at", "ends_at", "organisation", "lat", "lng")

    lat = ma.fields.Function(lambda a: a.map_position[0] if a.map_position else None, allow_none=True)
    lng = ma.fields.Function(lambda a: a.map_position[1] if a.map_position else None, allow_none=True)


class CommunityMapSchema(ma.Schema):
    grids = ma.fields.List(ma.fields.Nested(GridSchema))
    position_mode = ma.fields.String(
        metadata={"description": "rounded: neighbours see ~100 m cells; grid: reports show no point to them"}
    )
    reports = ma.fields.List(
        ma.fields.Nested(MapReportSchema),
        metadata={"description": "the board's newest 500 with its filters; lat/lng as this viewer may see them"},
    )
    reports_truncated = ma.fields.Boolean(metadata={"description": "more reports match than the map shows"})
    activities = ma.fields.List(
        ma.fields.Nested(MapActivitySchema),
        metadata={
            "description": "upcoming activities; lat/lng: their own point, else the centre of their first mapped "
            "grid, else null"
        },
    )
