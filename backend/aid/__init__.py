"""Mutual aid (互助): offers and requests between neighbours, blocking, and the optional time bank."""
