"""``AuditLog``: who logged in, failed, was refused or logged out, on the ``passport.audit`` logger."""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any
from typing import Final
from typing import final

from passport.core import Outcome
from passport.core import Request
from passport.core import hookimpl

AUDIT_LOGGER: Final = "passport.audit"

# The strategy that produced the success being logged in, with the request it was for: set by
# the attempt hook, read by the login hook that follows it for the same request. A success that
# leads to no login (authorize, attempt()) must not be credited to a later direct login, even one
# in the next request on the same thread: hence the request itself beside the name.
_SUCCEEDED_WITH: Final[ContextVar[tuple[Any, str | None] | None]] = ContextVar("passport_audit_strategy", default=None)


def default_user_id(user: Any) -> str | None:
    """``user["id"]`` or ``user.id`` as a string, else ``None`` (never the user's repr: it may hold secrets)."""
    value = user.get("id") if isinstance(user, Mapping) else getattr(user, "id", None)
    return None if value is None else str(value)


@final
class AuditLog:
    """A plugin that logs every authentication event once, without a secret.

    ::

        passport.register_plugin(AuditLog())     # or Passport(load_plugins=True) with it installed

    Each record's message reads ``login strategy=local user=ann client=203.0.113.7 path=/login``
    and its ``passport_event`` attribute holds the same fields as a dict (for JSON log
    formatters): ``event``, ``strategy``, ``user``, ``client``, ``path``, and ``status`` for
    failures. Events and levels:

    - ``login`` (INFO): a user was logged in with a session; ``authenticated`` (INFO) for a
      session-less success, only with ``api_successes=True`` (an API logs one per call);
    - ``failure`` (WARNING): every strategy failed (``status``: the answer's status);
    - ``refused`` (WARNING): a plugin refused the attempt (a rate limit: 429);
    - ``error`` (ERROR): a strategy reported an error (its class name, never its message);
    - ``logout`` (INFO).

    Never logged: credentials, challenges and failure messages (which can echo a username),
    the query string, or the user object itself; only ``user_id(user)``.

    :param user_id: ``fn(user) -> str | None``, the identifier to log (default ``user["id"]`` or
        ``user.id``).
    :param logger: the logger to write to (default ``passport.audit``).
    :param api_successes: also log each session-less success.
    """

    __slots__ = ("api_successes", "logger", "user_id")

    def __init__(
        self,
        *,
        user_id: Callable[[Any], str | None] = default_user_id,
        logger: logging.Logger | None = None,
        api_successes: bool = False,
    ) -> None:
        if not callable(user_id):
            raise TypeError("user_id must be a function of the user")
        self.user_id = user_id
        self.logger = logging.getLogger(AUDIT_LOGGER) if logger is None else logger
        self.api_successes = api_successes

    def __repr__(self) -> str:
        return f"AuditLog(logger={self.logger.name!r}, api_successes={self.api_successes!r})"

    def _log(self, level: int, event: str, request: Request, **fields: Any) -> None:
        record = {
            "event": event,
            **fields,
            "client": getattr(request, "client_address", None),
            "path": getattr(request, "path", None),
        }
        text = " ".join(f"{k}={'-' if v is None else v}" for k, v in record.items() if k != "event")
        self.logger.log(level, "%s %s", event, text, extra={"passport_event": record})

    # -- hooks -----------------------------------------------------------------------------

    @hookimpl
    def passport_attempt_finished(self, request: Request, strategies: Sequence[str], outcome: Outcome) -> None:
        action = outcome.action
        if action == "success":
            # The request itself, not id(request): a later request can reuse a freed object's id.
            _SUCCEEDED_WITH.set((request, outcome.strategy))
        elif action == "fail":
            event = "failure" if outcome.refusal is None else "refused"
            strategy = ",".join(strategies)
            self._log(logging.WARNING, event, request, strategy=strategy, status=outcome.failure_status)
        elif action == "error":
            error = type(outcome.error).__name__
            self._log(logging.ERROR, "error", request, strategy=outcome.strategy, error=error)

    @hookimpl
    def passport_login(self, request: Request, user: Any, session: bool) -> None:
        succeeded = _SUCCEEDED_WITH.get()
        _SUCCEEDED_WITH.set(None)
        strategy = succeeded[1] if succeeded is not None and succeeded[0] is request else None
        if session or self.api_successes:
            event = "login" if session else "authenticated"
            self._log(logging.INFO, event, request, strategy=strategy, user=self.user_id(user))

    @hookimpl
    def passport_logout(self, request: Request, user: Any) -> None:
        self._log(logging.INFO, "logout", request, user=None if user is None else self.user_id(user))


audit_log: Final = AuditLog()
"""The instance the ``passport.plugins`` entry point names (default settings)."""
