"""Path ids: `<int:...>` in every route is a database id, bounded like the id columns.

Without a bound, /projects/99999999999999999999 reached the database and crashed it (SQLite cannot
bind it, PostgreSQL's integer overflows): found by the fuzzer. Now such a path simply does not match
(404), and the OpenAPI document states the maximum.
"""

from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the id columns are INTEGER (32-bit on PostgreSQL)


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_id_converter(app, api) -> None:
    """Before any blueprint is registered: routes and the OpenAPI document both use the bound."""
    app.url_map.converters["int"] = IdConverter
    api.register_converter(IdConverter, integerconverter2paramschema)
