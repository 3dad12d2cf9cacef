"""The Strategy base class: ``authenticate`` plus the five actions."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ._actions import attempt_in_progress
from ._actions import current

if TYPE_CHECKING:
    from ._request import Request


class Strategy:
    """Base class of every login method.

    Subclasses set ``name`` (the default registration name) and implement ``authenticate``,
    as ``def`` or ``async def``. ``authenticate`` must end by calling exactly one action:
    :meth:`success`, :meth:`fail`, :meth:`redirect`, :meth:`pass_` or :meth:`error`. Raising
    is the same as calling :meth:`error`; returning without acting, or acting twice, is
    reported as a :class:`~passport.core.StrategyError`.

    One instance serves every request, concurrently: treat ``self`` as read-only
    configuration inside ``authenticate`` and keep per-request state in local variables.
    The actions are routed to the attempt in progress, never stored on the instance.

    Optional: an ``openapi_scheme`` attribute or property, the strategy's credential as an
    OpenAPI 3 Security Scheme Object (a dict, e.g. ``{"type": "http", "scheme": "bearer"}``), or
    ``None`` for none. A guard used as a FastAPI dependency declares it in the app's
    ``openapi.json``, under the name the strategy is registered as. The base class has none.
    """

    name: str = ""
    session_keys: tuple[str, ...] = ()
    """Session keys this strategy keeps its pending work under (an OAuth 2.0 strategy's pending
    flows). A login this strategy leads to keeps them through the session's regeneration, so a
    sign-in started in another browser tab survives; everything else is dropped as usual."""

    def __init__(self) -> None:
        pass

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> None | Awaitable[None]:
        """Authenticate ``request``; ``options`` are the route's options, passed through whole."""
        raise NotImplementedError(f"{type(self).__name__}.authenticate must be overridden by subclass")

    def has_credentials(self, request: Request) -> bool | str:
        """Whether ``request`` carries credentials this strategy would read (optional; ``False``).

        A guard that tries several strategies asks each one before running any: a request with
        credentials in more than one place (a bearer token and an API key, a wrong token beside
        a right key) is refused with 400, unless the route allows it
        (``allow_multiple_credentials=True``). Answer ``True``, or better the place as a string,
        ``"<in>:<name>"`` with OpenAPI's ``in`` and a lower-case name (``"header:authorization"``,
        ``"query:api_key"``, ``"cookie:session_jwt"``): strategies that name the same place read
        the same credential, so they are alternatives for it, not two credentials. Keep it cheap
        and side-effect free: look, don't verify.
        """
        return False

    def success(self, user: Any, info: Any = None) -> None:
        """Authenticate the request as ``user``; ``info`` (optional) becomes ``request.auth_info``."""
        (attempt_in_progress() or current("success()", self)).success(user, info)

    def fail(self, challenge: Any = None, status: int | None = None) -> None:
        """Reject the request; the chain moves on to the next strategy.

        :param challenge: a ``WWW-Authenticate`` value (``str``) or ``{"message": ..., "type": ...}``.
            A bare number is the status: ``fail(400)`` equals ``fail(None, 400)``.
        :param status: the HTTP status to answer with (default 401).
        """
        (attempt_in_progress() or current("fail()", self)).fail(challenge, status)

    def redirect(self, url: str, status: int = 302) -> None:
        """Send the user agent to ``url`` (for example an identity provider); ends the chain."""
        (attempt_in_progress() or current("redirect()", self)).redirect(url, status)

    def pass_(self) -> None:
        """Neither succeed nor fail: leave the request as it is and end the chain."""
        (attempt_in_progress() or current("pass_()", self)).pass_()

    def error(self, err: BaseException) -> None:
        """Report an internal error (database down, provider unreachable); ends the chain."""
        (attempt_in_progress() or current("error()", self)).error_(err)

    def verified(self, result: tuple[Any, Any]) -> None:
        """Act on what :func:`~passport.core.call_verify` handed back: succeed or fail.

        The usual callback for ``call_verify(...).then(self.verified)``: ``success(user, info)``
        when verify found a user, else ``fail(info)`` with no status (a 401). A string info is a
        message (``{"message": info}``), never a ``WWW-Authenticate`` value: a CR or LF in it
        (an echoed username) would otherwise be refused as a header. Pass your own callback for
        other rules (a bearer strategy builds RFC 6750 challenges).
        """
        user, info = result
        attempt = attempt_in_progress() or current("verified()", self)  # routed as success() and fail() are
        if user is None:
            attempt.fail({"message": info} if isinstance(info, str) else info, None)
        else:
            attempt.success(user, info)
