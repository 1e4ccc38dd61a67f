"""Uploads: photos validated and re-encoded with Pillow, stored behind a small storage interface."""
