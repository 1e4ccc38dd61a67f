"""Micro-projects (微项目): a resident's small wish, supported, reviewed, voted, built and rated."""
