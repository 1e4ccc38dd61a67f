"""Log hygiene: no full mainland mobile number in any log line, whoever logged it.

The code logs no personal data on purpose (tests/test_logging_privacy.py checks the sign-up,
sign-in and password flows); this filter is the second line of defence for what a library or a
future `log.info(...)` lets through: 13812345678, +86 138-1234-5678 and the like become 138****5678.
It is installed on the handlers of the root and gunicorn loggers (gunicorn.conf.py does it in each
worker), so it sees every record those handlers write, whichever logger it came from.
"""

from __future__ import annotations

import logging
import re

_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d)[\s-]?\d{4}[\s-]?(\d{4})(?!\d)")


def redact(text: str) -> str:
    return _PHONE_IN_TEXT.sub(lambda match: f"{match[1]}****{match[2]}", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so the traceback is masked once, here.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def install_log_filters(logger_names: tuple[str, ...] = ("", "gunicorn.error", "gunicorn.access")) -> None:
    """Add the filter to every handler of these loggers (root by default), once."""
    for name in logger_names:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(existing, PersonalDataFilter) for existing in handler.filters):
                handler.addFilter(PersonalDataFilter())
