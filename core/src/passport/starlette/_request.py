"""``StarletteRequest``: the :class:`passport.core.Request` view of an ASGI scope."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import MutableMapping
from functools import cached_property
from types import MappingProxyType
from typing import Any
from typing import Final
from typing import final

from starlette.authentication import AuthCredentials
from starlette.datastructures import URL
from starlette.datastructures import QueryParams
from starlette.requests import HTTPConnection
from starlette.requests import Request
from starlette.types import Scope

from passport.core import SessionError
from passport.core.adapters import BODY_METHODS
from passport.core.adapters import MAX_QUEUED_MESSAGES
from passport.core.adapters import BodyError
from passport.core.adapters import aread_body
from passport.core.adapters import body_kind
from passport.core.adapters import check_body
from passport.core.adapters import fields_from_pairs
from passport.core.adapters import iri_to_uri
from passport.core.adapters import parse_body
from passport.starlette._headers import _ScopeHeaders
from passport.starlette._identity import ANONYMOUS_USER
from passport.starlette._identity import NO_CREDENTIALS
from passport.starlette._identity import AuthSetting
from passport.starlette._identity import PassportUser
from passport.starlette._identity import Scopes
from passport.starlette._identity import SharedCredentials
from passport.starlette._identity import _auth_setting
from passport.starlette._responses import http_error
from passport.starlette._server_sessions import rotate
from passport.starlette._server_sessions import served_by_starsessions
from passport.starlette._settings import DEFAULT_SETTINGS
from passport.starlette._settings import SETTINGS_KEY
from passport.starlette._settings import Regenerate
from passport.starlette._settings import RequestSettings

FLASHES: Final = "_flashes"
RESPONSE_HEADERS: Final = "passport.response_headers"
"""Scope key: ``(name, value)`` header pairs for the response, added by the middleware."""
_new = object.__new__  # an object without its __init__ call (see _view)
_NO_BODY: Final[Mapping[str, Any]] = MappingProxyType({})


@final
class StarletteRequest:
    """The :class:`passport.core.Request` view of one ASGI scope.

    The scope is the only state: ``user`` is read from and written to ``scope["user"]`` and
    ``scope["auth"]``, so a view made later in the same request (for ``alogin``, say) sees what a
    guard or the middleware did. Views are never stored in the scope: a scope holding an object
    that holds the scope would be a reference cycle, garbage only the cycle collector can free,
    on every request. Guards fill ``body`` from a form or JSON body of POST/PUT/PATCH/DELETE; a
    malformed one is a 400 before strategies run.

    :param scopes: the ``scope["auth"]`` scopes of a logged-in user, or ``fn(user) -> scopes``
        (default: the :class:`PassportMiddleware`'s, else ``["authenticated"]``).
    :param regenerate: ``fn(connection)`` giving the session a new identifier (default: the
        middleware's).
    """

    # Class-level defaults: a view is built for every guarded request, so __init__ sets only
    # the scope; everything else is read from it when asked for.
    body: Mapping[str, Any] = _NO_BODY
    raw_body: bytes = b""
    auth_info: Any = None
    _headers: _ScopeHeaders | None = None
    _body_loaded: bool = False
    _auth: AuthSetting | None = None
    _regenerate: Regenerate | None = None

    def __init__(self, scope: Scope, *, scopes: Scopes | None = None, regenerate: Regenerate | None = None) -> None:
        self._scope = scope
        if scopes is not None:
            self._auth = _auth_setting(scopes)
        if regenerate is not None:
            self._regenerate = regenerate

    @property
    def method(self) -> str:
        return self._scope.get("method", "GET")  # type: ignore[no-any-return]  # a websocket has none

    @property
    def path(self) -> str:
        return self._scope["path"]  # type: ignore[no-any-return]

    @property
    def session(self) -> MutableMapping[str, Any] | None:
        return self._scope.get("session")

    @property
    def client_address(self) -> str | None:
        client = self._scope.get("client")  # (host, port), or None when the server does not say
        return str(client[0]) if client else None

    @property
    def user(self) -> Any:
        user = self._scope.get("user")
        return user.user if type(user) is PassportUser else None

    @user.setter
    def user(self, value: Any) -> None:
        scope = self._scope
        if value is None:
            scope["user"], scope["auth"] = ANONYMOUS_USER, NO_CREDENTIALS
        else:
            scope["user"] = PassportUser(value)
            auth = self._auth
            if auth is None:
                auth = self._settings().auth
            scope["auth"] = auth if type(auth) is SharedCredentials else AuthCredentials(auth(value))  # type: ignore[operator]

    def _settings(self) -> RequestSettings:
        settings: RequestSettings = self._scope.get(SETTINGS_KEY, DEFAULT_SETTINGS)
        return settings

    @cached_property
    def url(self) -> str:
        return iri_to_uri(str(URL(scope=self._scope)))  # Starlette's URL holds the decoded path

    @property
    def headers(self) -> Mapping[str, str]:
        # A plain property with its own cache, not cached_property: read on every guarded request.
        headers = self._headers
        if headers is None:
            headers = self._headers = _ScopeHeaders(self._scope["headers"])
        return headers

    @cached_property
    def query(self) -> dict[str, Any]:
        return fields_from_pairs(QueryParams(self._scope.get("query_string", b"")).multi_items())

    @cached_property
    def cookies(self) -> Mapping[str, str]:
        return HTTPConnection(self._scope).cookies

    async def load_body(self, request: Request) -> None:
        """Decode the form, JSON or multipart body into ``body`` (strict; 400/413/415 on bad input).

        The body is streamed under the core's size cap, never read whole first; the endpoint can
        still read it afterwards (``await request.body()``, ``.json()``, ``.form()``).
        """
        if self._body_loaded:
            return
        self._body_loaded = True
        if self.method not in BODY_METHODS:  # the common API call: nothing to read, no header parsing
            return
        kind, params = body_kind(self.method, request.headers.get("content-type"))
        if kind is None:
            return
        try:
            length = request.headers.get("content-length", "")
            check_body(kind, params, int(length) if length.isdigit() else None)
            if getattr(request, "_form", None) is not None:  # FastAPI's Form() parsed it: raw bytes gone
                form = await request.form()
                self.body = fields_from_pairs((k, v) for k, v in form.multi_items() if isinstance(v, str))
                return
            data = getattr(request, "_body", None)  # read already (a FastAPI body parameter)
            if data is None:
                data = await aread_body(request.stream())
                # Starlette's own cache: request.body(), .json() and .form() in the endpoint read it.
                request._body = data
            self.body = parse_body(kind, params, data)
            self.raw_body = data
        except BodyError as exc:
            raise http_error(exc) from None  # type: ignore[misc]  # a BodyError always has a status

    def flash(self, message: str, category: str = "message") -> None:
        """Keep a flash message in the session until :func:`get_flashed_messages` reads it (the
        newest ``MAX_QUEUED_MESSAGES`` of those not read yet)."""
        session = self.session
        if session is not None:
            session[FLASHES] = [*session.get(FLASHES, ()), [category, message]][-MAX_QUEUED_MESSAGES:]

    def add_response_header(self, name: str, value: str) -> None:
        """Add a header to this request's response, whichever endpoint makes it (remember-me's
        cookie); :class:`PassportMiddleware` adds them when the response starts.

        :raises SessionError: no ``PassportMiddleware`` of a Passport with remember-me serves the
            request, so nothing would send the header.
        """
        if not self._settings().response_headers:
            raise SessionError(
                "remember-me sets its cookie through PassportMiddleware: install it, given the same "
                "Passport (the one with remember_me=...)"
            )
        self._scope.setdefault(RESPONSE_HEADERS, []).append((name.lower().encode("latin-1"), value.encode("latin-1")))

    def regenerate_session(self) -> None:
        """Start a fresh session: a new id from the ``regenerate_session`` hook, or from
        starsessions when it serves the session (the old id stops working); else cleared."""
        session = self.session
        if session is not None:
            regenerate = self._regenerate
            if regenerate is None:
                regenerate = self._settings().regenerate
            if regenerate is not None:
                regenerate(HTTPConnection(self._scope))
            elif served_by_starsessions(self._scope):  # a new id, and the old entry removed
                rotate(self._scope, SETTINGS_KEY in self._scope)
            session.clear()


def _view(scope: Scope) -> StarletteRequest:
    """``StarletteRequest(scope)`` for passport's own entry points, minus the keyword handling.

    Guards and the middleware make one on every request; the settings ``__init__`` takes come
    from the middleware's :class:`RequestSettings` in the scope for these views.
    """
    view = _new(StarletteRequest)
    view._scope = scope
    return view


def get_flashed_messages(request: HTTPConnection, *, with_categories: bool = False) -> list[Any]:
    """Pop the flash messages recorded so far: messages, or ``(category, message)`` pairs."""
    session = request.scope.get("session")
    flashes = session.pop(FLASHES, []) if session is not None else []
    return [(c, m) if with_categories else m for c, m in flashes]
