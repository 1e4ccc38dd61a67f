"""Calendar fixtures: the volunteering neighbourhood (a verified organisation run by `org`, residents)."""

from tests.volunteering.conftest import hood  # noqa: F401  (a fixture, used by name)
