"""Home: what a member opens the app for, in one request (GET /communities/{cid}/home). Each domain offers
its part in its own `home.py` as feed rows or counts (backend/core/feed.py); this package composes them."""

from backend.core.manifest import Domain

DOMAIN = Domain("home", layer="overview", blueprints=("backend.home.routes:blp",), seed="backend.home.demo:seed_home")
