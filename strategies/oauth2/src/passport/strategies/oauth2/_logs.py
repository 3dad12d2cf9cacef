"""Keep secrets out of requests-oauthlib's DEBUG records while one of our exchanges runs.

``OAuth2Session.fetch_token`` and ``refresh_token`` log the request body (client secret, code,
PKCE verifier, refresh token), the request headers (HTTP Basic credentials) and the token
response at DEBUG. A :class:`logging.Filter` on their logger replaces the arguments (numbers aside) of every
record made while :func:`quiet` is active in this context with ``[redacted]``: the message
template stays (the trace of what happened), the values go. Records requests-oauthlib makes for
anyone else in the process are left alone. This is configuration through the logging API, not a
change to requests-oauthlib.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REDACTED = "[redacted]"
LOGGERS = ("requests_oauthlib", "requests_oauthlib.oauth2_session")
"""A logger filter sees only the records made by that very logger, so each module's is named."""

_ACTIVE: ContextVar[bool] = ContextVar("passport_oauth2_quiet", default=False)


class RedactingFilter(logging.Filter):
    """Redact the arguments of records made during one of our exchanges."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _ACTIVE.get() and record.args:
            if isinstance(record.args, tuple):
                record.args = tuple(_redact(value) for value in record.args)
            else:
                record.args = {key: _redact(value) for key, value in record.args.items()}
        return True


def _redact(value: object) -> object:
    # Numbers (a status, a count of hooks) hold no secret, and ``%d`` needs them as numbers.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return REDACTED


_FILTER = RedactingFilter("passport.strategies.oauth2")


def install() -> None:
    """Attach the filter (once) to requests-oauthlib's loggers."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(_FILTER)


@contextmanager
def quiet() -> Iterator[None]:
    """Redact requests-oauthlib's records for the duration of one exchange (this thread/task)."""
    install()
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
