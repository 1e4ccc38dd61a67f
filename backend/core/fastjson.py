"""Responses serialised with orjson: the same bytes as Flask's own provider, in a fraction of the CPU.

`with_orjson_responses(Provider)` is `Provider` (the app's JSON provider class, e.g. the bounded one of
backend/core/input.py, whose reading of request bodies stays as it is) with only `response()` replaced.
What orjson would spell differently from Flask's provider goes through Flask's own `default` instead:
dates and times (Flask writes HTTP dates), dataclasses, Decimal; anything orjson refuses (an integer beyond
64 bits) falls back to the provider's own path, so no response fails that did not fail before. A debug app
(indented output) keeps the provider's path, and so does `app.json.dumps` (its spaced separators are part
of what callers store). Floats are written in their shortest form by both.
"""

from __future__ import annotations

import orjson
from flask.json.provider import DefaultJSONProvider

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonResponses:
    """Mixin, before a DefaultJSONProvider subclass in the bases."""

    def response(self, *args, **kwargs):
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        option = OPTIONS | orjson.OPT_APPEND_NEWLINE | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)
        try:
            body = orjson.dumps(obj, default=self.default, option=option)
        except TypeError:  # orjson.JSONEncodeError included: the provider's own path decides
            return super().response(*args, **kwargs)
        return self._app.response_class(body, mimetype=self.mimetype)


def with_orjson_responses(provider_class: type[DefaultJSONProvider]) -> type[DefaultJSONProvider]:
    return type(f"Orjson{provider_class.__name__}", (OrjsonResponses, provider_class), {})
