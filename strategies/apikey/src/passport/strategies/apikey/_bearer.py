"""BearerStrategy: OAuth 2.0 bearer tokens as RFC 6750 sends them (header; form body and query opt-in)."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from passport.core import Strategy
from passport.core import call_verify

from ._challenge import bearer_challenge
from ._challenge import clean_description
from ._challenge import config_text
from ._challenge import quote
from ._challenge import scope_list

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from passport.core import Request

# RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
_B64TOKEN: Final = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def _granted(info: Any) -> frozenset[str]:
    """The scopes verify granted: ``info["scope"]`` as a list of strings or a space-separated string."""
    scope = info.get("scope") if isinstance(info, Mapping) else None
    if type(scope) is str:
        return frozenset(scope.split())
    if isinstance(scope, (list, tuple, set, frozenset)):
        return frozenset(item for item in scope if type(item) is str)
    return frozenset()


class BearerStrategy(Strategy):
    """Authenticate with an OAuth 2.0 bearer token (RFC 6750), as Passport-http-bearer does.

    The token is read from ``Authorization: Bearer <token>`` (scheme case-insensitive) and, only
    when the app opts in, from the ``access_token`` form-body field (``allow_body=True``) or the
    ``access_token`` query parameter (``allow_query=True``). RFC 6750 §2.3 says clients SHOULD
    NOT put a token in a URL, where access logs and ``Referer`` headers keep it; a location
    that is not allowed is not read at all. ``verify(token)`` (or
    ``verify(request, token)`` with ``pass_request=True``), ``def`` or ``async def``, returns
    the user, ``None``/``False``, or ``(user_or_false, info)``; ``info`` is conventionally
    ``{"scope": [...]}`` on success and a message (``str`` or ``{"message": ...}``) on rejection.

    Challenges (``realm="Users"`` by default; ``, scope="a b"`` follows the realm when a scope
    is configured):

    - no token: ``fail('Bearer realm="Users"')`` with no status (401);
    - an ``Authorization`` header that is not exactly two space-separated parts (any scheme), a
      token in more than one place, a repeated ``access_token`` field, or a token that is not an
      RFC 6750 ``b64token`` (empty, spaces, commas, control or non-ASCII characters):
      ``fail('Bearer realm="Users", error="invalid_request"', 400)``;
    - verify rejects the token: ``fail('Bearer realm="Users", error="invalid_token"')`` (401),
      plus ``, error_description="..."`` when verify gave a message. The description is quoted
      safely, characters outside printable ASCII become ``?``, and it is left out entirely if
      it contains the token;
    - the route's ``required_scope`` option (a scope or a list of them) is not all granted by
      the ``scope`` verify put in ``info`` (a list, or a space-separated string; none counts as
      nothing granted): ``fail('Bearer realm="Users", error="insufficient_scope", scope="..."',
      403)``, naming the required scope (RFC 6750 section 3.1).

    A two-part header with another scheme (``Basic ...``) is not ours and is ignored. The only
    route option read is ``required_scope``; an invalid one is a ``TypeError``/``ValueError``
    (the error action: a bug in the route, not the client's fault).

    :param verify: the function that checks the token.
    :param realm: the protection space named in challenges (printable ASCII).
    :param scope: the scope(s) named in challenges, as Passport-http-bearer does: a string or a
        list of them. Enforcing a scope is the route's ``required_scope`` option.
    :param pass_request: hand verify the request first.
    :param allow_body: also read the ``access_token`` field of a form body (RFC 6750 §2.2).
    :param allow_query: also read the ``access_token`` query parameter (RFC 6750 §2.3).
    :ivar openapi_scheme: ``{"type": "http", "scheme": "bearer"}``, the OpenAPI 3 Security Scheme
        Object of the header, for API docs (the opt-in body and query places have none).
    :ivar realm: the configured realm.
    :ivar scope: the configured scopes, as a tuple (empty: none).
    :raises TypeError: ``verify`` is missing or not callable, or an option has the wrong type.
    :raises ValueError: ``realm`` or a scope holds control or non-ASCII characters.
    """

    name = "bearer"

    @property
    def openapi_scheme(self) -> dict[str, str]:
        """The OpenAPI 3 Security Scheme Object of ``Authorization: Bearer`` (a fresh dict)."""
        return {"type": "http", "scheme": "bearer"}

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        realm: str = "Users",
        scope: str | list[str] | tuple[str, ...] | None = None,
        pass_request: bool = False,
        allow_body: bool = False,
        allow_query: bool = False,
    ) -> None:
        super().__init__()
        if verify is None or not callable(verify):
            raise TypeError("BearerStrategy requires a verify function")
        for option, value in (("pass_request", pass_request), ("allow_body", allow_body), ("allow_query", allow_query)):
            if type(value) is not bool:
                raise TypeError(f"{option} must be True or False, got {value!r}")
        self._verify: Final = verify
        self._pass_request: Final = pass_request
        self._allow_body: Final = allow_body
        self._allow_query: Final = allow_query
        self.realm: Final = config_text("realm", realm)
        self.scope: Final = scope_list(scope)
        base = bearer_challenge(realm, self.scope)
        self._missing: Final = base
        self._invalid_request: Final = base + ', error="invalid_request"'
        self._invalid_token: Final = base + ', error="invalid_token"'

    def __repr__(self) -> str:
        return (
            f"<BearerStrategy realm={self.realm!r} scope={list(self.scope)!r} "
            f"allow_body={self._allow_body!r} allow_query={self._allow_query!r}>"
        )

    def has_credentials(self, request: Request) -> bool | str:
        """Where a token is: an ``Authorization: Bearer`` header, or an ``access_token`` where the
        app allows one (a token in two of them is this strategy's own 400)."""
        header = request.headers.get("authorization")
        if header and header[:7].lower() == "bearer ":
            return "header:authorization"
        if self._allow_body:
            body = request.body
            if isinstance(body, Mapping) and body.get("access_token"):
                return "body:access_token"
        if self._allow_query and request.query.get("access_token"):
            return "query:access_token"
        return False

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> None | Awaitable[None]:
        """Find exactly one well-formed token, then ask verify (see the class docstring)."""
        required = options.get("required_scope")
        if required is not None:
            required = scope_list(required)  # checked before the token: a bad route fails every request
        token: Any = None
        header = request.headers.get("authorization")
        if header:
            parts = header.split(" ")
            if len(parts) != 2:
                self._bad_request()
                return None
            scheme, credentials = parts
            if scheme.isascii() and scheme.lower() == "bearer":
                token = credentials
        if self._allow_body:
            body = request.body
            from_body = body.get("access_token") if isinstance(body, Mapping) else None
            if from_body:
                if token is not None:
                    self._bad_request()
                    return None
                token = from_body
        if self._allow_query:
            from_query = request.query.get("access_token")
            if from_query:
                if token is not None:
                    self._bad_request()
                    return None
                token = from_query
        if token is None:
            self.fail(self._missing)
            return None
        if type(token) is not str or not _B64TOKEN.fullmatch(token):
            # a repeated field (a list), a JSON value, "Bearer " with nothing after it, junk
            self._bad_request()
            return None

        def verified(result: tuple[Any, Any]) -> None:
            self._verified(result, token, required)

        if self._pass_request:
            return call_verify(self._verify, request, token).then(verified)
        return call_verify(self._verify, token).then(verified)

    def _bad_request(self) -> None:
        self.fail(self._invalid_request, 400)

    def _verified(self, result: tuple[Any, Any], token: str, required: tuple[str, ...] | None) -> None:
        user, info = result
        if user is not None:
            if required and not _granted(info).issuperset(required):
                challenge = f'Bearer realm={quote(self.realm)}, error="insufficient_scope"'
                self.fail(f"{challenge}, scope={quote(' '.join(required))}", 403)
                return
            self.success(user, info)
            return
        message = info if isinstance(info, str) else info.get("message") if isinstance(info, Mapping) else None
        challenge = self._invalid_token
        if type(message) is str and message and token not in message:
            challenge += f", error_description={quote(clean_description(message))}"
        self.fail(challenge)
