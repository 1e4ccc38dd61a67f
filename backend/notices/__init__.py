"""Notices (公告): committee announcements to the community or chosen grids, with read receipts."""
