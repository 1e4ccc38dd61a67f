"""Insights: the committee's dashboard, trends, grid map, early warnings, CSV exports, open data and the
district/street roll-up. Each domain's aggregate SQL lives in that domain's `figures.py`; this package
composes them, checks permissions and shapes the API."""
