"""Append-only log of committee and admin actions."""

from backend.core.manifest import Domain

DOMAIN = Domain("audit", layer="identity", models="backend.audit.models", personal_data="backend.audit.personal_data")
