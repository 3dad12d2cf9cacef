"""The framework-neutral responses passport decides on, for the adapter to send."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from typing import TYPE_CHECKING
from typing import Final
from typing import final
from urllib.parse import urlsplit

from ._body import BodyError
from ._errors import AuthenticationError
from ._errors import PassportError
from ._errors import reason_phrase
from ._redirects import is_safe_redirect
from ._session import login_age
from ._urls import iri_to_uri

if TYPE_CHECKING:
    from ._request import Request

logger = logging.getLogger("passport.core")


@final
@dataclass(frozen=True, slots=True)
class Response:
    """A response passport wants sent instead of the route: a redirect, a 401 with challenges...

    :ivar status: the HTTP status code.
    :ivar headers: ``(name, value)`` pairs; a name may repeat (several ``WWW-Authenticate``).
    :ivar body: the body text (a reason phrase such as ``"Unauthorized"``, or empty).
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def header_list(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order."""
        lowered = name.lower()
        return [v for k, v in self.headers if k.lower() == lowered]


NO_STORE: Final = ("Cache-Control", "no-store")
"""Every response passport makes is about one user's credentials: never cached."""

NO_REFERRER: Final = ("Referrer-Policy", "no-referrer")
"""A passport redirect often answers a URL that carries a secret (an OAuth callback's ``code``
and ``state``): the page it leads to must not learn that URL through ``Referer``."""


def redirect_response(url: str, status: int = 302) -> Response:
    """A redirect with an empty body; ``url`` (an IRI such as ``/protected/кл``) is sent as a URI."""
    return Response(status, [("Location", iri_to_uri(url)), ("Content-Length", "0"), NO_STORE, NO_REFERRER], "")


def plain_response(status: int, headers: list[tuple[str, str]], text: str | None = None) -> Response:
    """A plain-text answer passport makes (a failure, an error): ``text``, or the reason phrase."""
    headers.append(("Content-Type", "text/plain; charset=utf-8"))
    headers.append(NO_STORE)
    return Response(status, headers, reason_phrase(status) if text is None else text)


def error_status(exc: BaseException) -> int | None:
    """The HTTP status an error asks for: a :class:`PassportError` with an int ``status`` in
    400..599 (``AuthenticationError``, an upstream OAuth fault's 502), else ``None`` (a 500)."""
    status = getattr(exc, "status", None) if isinstance(exc, PassportError) else None
    return status if type(status) is int and 400 <= status <= 599 else None


def error_response(exc: BaseException) -> Response | None:
    """The response every adapter sends for an error a guard raised, or ``None`` for a 500.

    ``fail_with_error``'s :class:`AuthenticationError` carries its challenges. A refused body
    (:class:`BodyError`) says what was wrong with it, in words that never echo the body. Any
    other error with a status (see :func:`error_status`) is answered with that status and its
    reason phrase, never with the error's text, which is for logs: a 5xx is logged, with its
    traceback, on the ``passport.core`` logger.
    """
    status = error_status(exc)
    if status is None:
        return None
    if status >= 500:  # the server's trouble (an upstream fault), answered without its text: log it
        logger.warning("%s answered with status %d", type(exc).__name__, status, exc_info=exc)
    if isinstance(exc, AuthenticationError):
        return plain_response(status, list(exc.headers))
    return plain_response(status, [], str(exc) if isinstance(exc, BodyError) else None)


def login_required_response(
    request: Request, login_url: str | None, fresh: bool | float | timedelta = False
) -> Response | None:
    """``login_required``: ``None`` for a logged-in user, else a redirect to ``login_url``
    (the page is remembered in ``session["returnTo"]``, percent-encoded, when it is a safe
    target), or a 401 without a login URL.

    :param fresh: ``True``: the user must have authenticated in this session (not been restored
        from a remember-me token); a number of seconds or a ``timedelta``: and at most that long
        ago. A login that is not fresh enough is sent to authenticate again, like an anonymous one.
    """
    if request.user is not None and (fresh is False or _fresh_enough(request, fresh)):
        return None
    if login_url is None:
        return plain_response(401, [])
    parts = urlsplit(request.url)
    wanted = f"{parts.path}?{parts.query}" if parts.query else parts.path
    session = request.session
    if session is not None and is_safe_redirect(wanted):
        session["returnTo"] = wanted
    return redirect_response(login_url)


def check_fresh(fresh: bool | float | timedelta) -> bool | float:
    """A ``fresh`` setting as ``True``/``False`` or a number of seconds.

    :raises TypeError: neither a bool, a non-negative number nor a ``timedelta``.
    """
    if type(fresh) is bool:
        return fresh
    seconds = fresh.total_seconds() if isinstance(fresh, timedelta) else fresh
    if type(seconds) not in (int, float) or seconds < 0:
        raise TypeError(f"fresh must be True, False, a number of seconds or a timedelta, got {fresh!r}")
    return float(seconds)


def _fresh_enough(request: Request, fresh: bool | float | timedelta) -> bool:
    age = login_age(request)
    if age is None:
        return False
    limit = check_fresh(fresh)
    return limit is True or age <= limit
