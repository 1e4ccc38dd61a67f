"""Maps: the tile source, a community's map (grids, the report board's pins, activities), the grid at a point."""

from backend.core.manifest import Domain

DOMAIN = Domain("maps", layer="overview", blueprints=("backend.maps.routes:blp",))
