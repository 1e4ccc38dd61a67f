"""Append-only log of committee and admin actions (the moderation issue adds its views)."""
