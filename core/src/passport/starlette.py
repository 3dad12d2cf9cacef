"""Starlette and FastAPI integration: an ASGI middleware, route guards and FastAPI dependencies.

::

    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from passport.starlette import PassportMiddleware, PassportStarlette

    auth = PassportStarlette(passport, login_url="/login")
    middleware = [Middleware(SessionMiddleware, secret_key="..."),     # outside: listed first
                  Middleware(PassportMiddleware, passport=passport)]

    @auth.authenticate("local", success_redirect="/", failure_redirect="/login").protect
    async def login(request): ...                     # a Starlette endpoint

    @app.get("/api/me")                               # FastAPI: the dependency returns the user
    async def me(user=Depends(auth.authenticate(["bearer", "apikey"], session=False))): ...

The middleware restores the user from the session on every request and sets ``scope["user"]``
(a :class:`PassportUser`, or Starlette's ``UnauthenticatedUser``) and ``scope["auth"]`` (one
read-only :class:`SharedCredentials` for fixed scopes), so ``request.user`` and
``@requires("authenticated")`` work unchanged. The scope holds all per-request state; passport's
request objects are views over it, never stored in it. In async code sync verify
functions and serializers run in worker threads, so they never block the event loop.

Starlette's ``SessionMiddleware`` keeps the session in a signed cookie, with no identifier to
rotate: login and logout *clear* it, and a copied cookie stays valid until ``max_age`` (give it
``https_only=True`` in production). With a server-side session backend, pass
``regenerate_session=fn(connection)`` to issue a new id.
``.protect`` is for Starlette endpoints; FastAPI path operations use ``Depends(guard)``. Flash
messages wait in the session for :func:`get_flashed_messages`. ``fail_with_error`` raises an
``AuthenticationError`` that Starlette also renders as an ``HTTPException`` with every challenge.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import MutableMapping
from collections.abc import Sequence
from functools import cached_property
from types import MappingProxyType
from typing import Any
from typing import Final
from typing import final

from starlette.authentication import AuthCredentials
from starlette.authentication import BaseUser
from starlette.authentication import UnauthenticatedUser
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import HTTPConnection
from starlette.requests import Request
from starlette.responses import Response as StarletteResponse
from starlette.types import ASGIApp
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from passport.core import AuthenticationError
from passport.core import Guard
from passport.core import Outcome
from passport.core import Passport
from passport.core import Response
from passport.core import SessionError
from passport.core import Strategy
from passport.core import fields_from_pairs
from passport.core import is_async_callable
from passport.core import is_safe_redirect
from passport.core._body import BODY_METHODS
from passport.core._body import MULTIPART
from passport.core._body import BodyError
from passport.core._body import body_kind
from passport.core._body import check_body
from passport.core._body import parse_body

__all__ = [
    "PassportHTTPException",
    "PassportMiddleware",
    "PassportStarlette",
    "PassportUser",
    "SharedCredentials",
    "StarletteGuard",
    "StarletteRequest",
    "get_flashed_messages",
]

MIDDLEWARE_KEY: Final = "passport.middleware"  # the PassportMiddleware serving this request: its settings
FLASHES: Final = "_flashes"
Strategies = str | Strategy | Sequence[str | Strategy]
Scopes = Sequence[str] | Callable[[Any], Sequence[str]]
Regenerate = Callable[[HTTPConnection], None]


class _HeaderList(list[tuple[str, str]]):
    """``(name, value)`` pairs that Starlette's responses also take as ``headers``: names may repeat."""

    def items(self) -> list[tuple[str, str]]:
        return list(self)


class PassportUser(BaseUser):
    """``scope["user"]`` for a logged-in request: Starlette's user protocol around the app's user.

    The app's object is :attr:`user`; other attributes are read from it (``request.user.email``).
    """

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or "user" not in self.__dict__:  # copy/pickle probes; half-built objects
            raise AttributeError(name)
        return getattr(self.__dict__["user"], name)

    @property
    def is_authenticated(self) -> bool:
        return True

    def _field(self, name: str) -> Any:
        user = self.user
        return user.get(name) if isinstance(user, Mapping) else getattr(user, name, None)

    @property
    def display_name(self) -> str:
        names = (self._field(name) for name in ("display_name", "name", "username"))
        return next((n for n in names if isinstance(n, str) and n), str(self.user))

    @property
    def identity(self) -> str:
        value = self._field("id")
        return self.display_name if value is None else str(value)

    def __repr__(self) -> str:
        return f"PassportUser({self.user!r})"


class _ReadOnlyScopes(list[str]):
    """A scopes list that refuses changes (it is shared by requests)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "request.auth.scopes is shared by every request with the same scopes setting and is read-only; "
            "pass PassportMiddleware(scopes=fn(user)) to compute them per user"
        )

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


class SharedCredentials(AuthCredentials):
    """``scope["auth"]`` of a logged-in user when the scopes are a fixed list: built once, read-only.

    Every logged-in request of an app has the same scopes unless they are computed per user, so
    one object serves them all instead of one per request.
    """

    def __init__(self, scopes: Sequence[str]) -> None:
        object.__setattr__(self, "scopes", _ReadOnlyScopes(scopes))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("request.auth is shared by requests and read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("request.auth is shared by requests and read-only")

    def __repr__(self) -> str:
        return f"SharedCredentials({list(self.scopes)!r})"


AuthSetting = SharedCredentials | Callable[[Any], Sequence[str]]


def _auth_setting(scopes: Scopes) -> AuthSetting:
    """What ``scope["auth"]`` is made from: one shared object for fixed scopes, else ``fn(user)``."""
    return scopes if callable(scopes) else SharedCredentials(scopes)


_RAW_NAMES: Final[dict[str, bytes]] = {}  # a name as asked for -> the lowercase ASGI name


class _ScopeHeaders(Mapping[str, str]):
    """ASGI headers as strategies read them: case-insensitive, a repeated header joined with ``", "``.

    ``get`` scans the raw list for the one name asked (a strategy reads one or two headers), so
    the others are never decoded; the whole mapping is decoded only when iterated. ASGI servers
    send lowercase names, which Starlette's own ``request.headers`` relies on too.
    """

    __slots__ = ("_decoded", "_raw")

    def __init__(self, raw: Sequence[tuple[bytes, bytes]]) -> None:
        self._raw = raw
        self._decoded: dict[str, str] | None = None

    def get(self, name: str, default: Any = None) -> Any:
        key = _RAW_NAMES.get(name)
        if key is None:
            try:
                key = name.lower().encode("latin-1")
            except (AttributeError, UnicodeEncodeError):  # not a str, or a name no header can have
                return default
            if len(_RAW_NAMES) < 256:  # strategies ask for a handful of names; a caller inventing more pays each time
                _RAW_NAMES[name] = key
        found: str | None = None
        for raw_name, raw_value in self._raw:
            if raw_name == key:
                value = raw_value.decode("latin-1")
                found = value if found is None else f"{found}, {value}"
        return default if found is None else found

    def _all(self) -> dict[str, str]:
        decoded = self._decoded
        if decoded is None:
            decoded = {}
            for raw_name, raw_value in self._raw:
                name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
                decoded[name] = f"{decoded[name]}, {value}" if name in decoded else value
            self._decoded = decoded
        return decoded

    def __getitem__(self, name: str) -> str:
        value: str | None = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        # Header values can be credentials (Authorization, X-API-Key, Cookie): names only.
        return f"Headers({sorted(self._all())!r})"


_new_view = _new_headers = object.__new__

# no __init__ call: a view's headers are made on every guarded request
_NO_BODY: Final[Mapping[str, Any]] = MappingProxyType({})
_DEFAULT_AUTH: Final = SharedCredentials(["authenticated"])


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
    def user(self) -> Any:
        user = self._scope.get("user")
        return user.user if type(user) is PassportUser else None

    @user.setter
    def user(self, value: Any) -> None:
        scope = self._scope
        if value is None:
            scope["user"], scope["auth"] = UnauthenticatedUser(), AuthCredentials()
        else:
            user = scope["user"] = _new_view(PassportUser)  # PassportUser(value), minus the __init__ call
            user.user = value
            auth = self._auth
            if auth is None:
                middleware: PassportMiddleware | None = scope.get(MIDDLEWARE_KEY)
                auth = _DEFAULT_AUTH if middleware is None else middleware._auth
            scope["auth"] = auth if type(auth) is SharedCredentials else AuthCredentials(auth(value))  # type: ignore[operator]

    @cached_property
    def url(self) -> str:
        return str(URL(scope=self._scope))

    @property
    def headers(self) -> Mapping[str, str]:
        # A plain property with its own cache, not cached_property: read on every guarded request.
        headers = self._headers
        if headers is None:
            headers = self._headers = _new_headers(_ScopeHeaders)  # no __init__ call: made on every guarded request
            headers._raw = self._scope["headers"]
            headers._decoded = None
        return headers

    @cached_property
    def query(self) -> dict[str, Any]:
        return fields_from_pairs(QueryParams(self._scope.get("query_string", b"")).multi_items())

    @cached_property
    def cookies(self) -> Mapping[str, str]:
        return HTTPConnection(self._scope).cookies

    async def load_body(self, request: Request) -> None:
        """Decode the form or JSON body into ``body`` (strict; 400/413/415 on bad input)."""
        if self._body_loaded:
            return
        if self.method not in BODY_METHODS:  # the common API call: nothing to read, no header parsing
            self._body_loaded = True
            return
        kind, params = body_kind(self.method, request.headers.get("content-type"))
        try:
            if kind is not None:
                length = request.headers.get("content-length", "")
                check_body(kind, params, int(length) if length.isdigit() else None)
            if kind == MULTIPART or (kind is not None and request._form is not None):  # FastAPI Form() read it
                form = await request.form()
                self.body = fields_from_pairs((k, v) for k, v in form.multi_items() if isinstance(v, str))
            elif kind is not None:
                self.body = parse_body(kind, params, await request.body())
        except BodyError as exc:
            raise HTTPException(exc.status, str(exc)) from None
        except MultiPartException:
            raise HTTPException(400, "Malformed request body") from None
        self._body_loaded = True

    def flash(self, message: str, category: str = "message") -> None:
        """Keep a flash message in the session until :func:`get_flashed_messages` reads it."""
        session = self.session
        if session is not None:
            session[FLASHES] = [*session.get(FLASHES, ()), [category, message]]

    def regenerate_session(self) -> None:
        """Start a fresh session: a new id when a ``regenerate_session`` hook is set, else cleared."""
        session = self.session
        if session is not None:
            regenerate = self._regenerate
            if regenerate is None:
                middleware: PassportMiddleware | None = self._scope.get(MIDDLEWARE_KEY)
                regenerate = None if middleware is None else middleware.regenerate_session
            if regenerate is not None:
                regenerate(HTTPConnection(self._scope))
            session.clear()


def _request_of(request: HTTPConnection) -> StarletteRequest:
    return StarletteRequest(request.scope)


def get_flashed_messages(request: HTTPConnection, *, with_categories: bool = False) -> list[Any]:
    """Pop the flash messages recorded so far: messages, or ``(category, message)`` pairs."""
    session = request.scope.get("session")
    flashes = session.pop(FLASHES, []) if session is not None else []
    return [(c, m) if with_categories else m for c, m in flashes]


def _headers(response: Response, *skip: str) -> _HeaderList:
    return _HeaderList((k, v) for k, v in response.headers if k.lower() not in skip)


def _to_starlette(response: Response) -> StarletteResponse:
    headers = _headers(response, "content-length")  # Starlette counts the body itself
    return StarletteResponse(response.body, response.status, headers)  # type: ignore[arg-type]


class PassportHTTPException(HTTPException):
    """The response passport chose (a redirect, a 401 with every challenge), raised from a dependency.

    :ivar response: the :class:`passport.core.Response`.
    """

    def __init__(self, response: Response) -> None:
        headers = _headers(response, "content-length", "content-type")  # the handler sets its own
        super().__init__(response.status, response.body or None, headers)  # type: ignore[arg-type]
        self.response = response


class _AuthenticationHTTPError(AuthenticationError, HTTPException):  # type: ignore[misc]
    """``fail_with_error``: an ``AuthenticationError`` that Starlette also renders as an ``HTTPException``."""

    def __init__(self, error: AuthenticationError) -> None:
        # Not AuthenticationError.__init__: its super() call would reach HTTPException.__init__
        # with the message as the status code (older Starlette looks that up as an HTTPStatus).
        Exception.__init__(self, error.message)
        self.message = error.message
        self.status = error.status
        self.challenges = list(error.challenges)
        self.status_code = error.status
        self.detail = error.message
        self.headers = _HeaderList([*error.headers, ("Cache-Control", "no-store")])


class PassportMiddleware:
    """Restore the user from Starlette's session and set ``scope["user"]``/``scope["auth"]``.

    :param passport: the configured authenticator.
    :param session: ``False`` for an app without sessions (users come from guards only).
    :param scopes: the ``scope["auth"]`` scopes of a logged-in user, or ``fn(user) -> scopes``.
    :param regenerate_session: ``fn(connection)`` giving the session a new identifier, for
        server-side session backends (the session is cleared after it either way).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        passport: Passport,
        session: bool = True,
        scopes: Scopes = ("authenticated",),
        regenerate_session: Regenerate | None = None,
    ) -> None:
        self.app = app
        self._restore = passport.session() if session else None
        self.scopes = scopes
        self._auth = _auth_setting(scopes)
        self.regenerate_session = regenerate_session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope[MIDDLEWARE_KEY] = self  # later views (guards, alogin) take their settings from here
        request = StarletteRequest(scope)
        request.user = None  # anonymous until restored: request.user and @requires need scope["user"]
        if self._restore is not None:
            if request.session is None:
                raise SessionError(
                    "PassportMiddleware restores users from request.session: install Starlette's "
                    "SessionMiddleware outside it (list it first), or pass session=False"
                )
            await self._restore.arun(request)  # only ever passes, or raises (a deserializer failed)
        await self.app(scope, receive, send)


@final
class StarletteGuard:
    """A route guard: a FastAPI dependency (``Depends(guard)``) and, with :meth:`protect`, a decorator.

    As a dependency it returns the user (or the ``assign_property`` value); the response passport
    chose instead is raised as :class:`PassportHTTPException`.
    """

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self._property = guard.opts.assign_property
        self._run = guard._arun  # the guard's single coroutine, without Guard.arun's call

    # __call__ and protect's wrapper repeat their first lines rather than share a coroutine: an
    # extra coroutine level per guarded request costs about as much as the API-key check itself.

    async def __call__(self, request: Request) -> Any:
        scope = request.scope
        passport_request = StarletteRequest(scope)
        if scope.get("method") in BODY_METHODS:
            await passport_request.load_body(request)
        try:
            response = await self._run(passport_request, True)
        except AuthenticationError as exc:
            raise _AuthenticationHTTPError(exc) from exc
        if response is not None:
            raise PassportHTTPException(response)
        self._expose(scope, passport_request)
        return passport_request.user if self._property is None else getattr(passport_request, self._property)

    def protect(self, endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
        """Guard a Starlette endpoint (``async def`` or ``def``, taking the request)."""
        is_async = is_async_callable(endpoint)
        prop = self._property

        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Any:
            scope = request.scope
            passport_request = _new_view(StarletteRequest)
            passport_request._scope = scope
            if scope.get("method") in BODY_METHODS:
                await passport_request.load_body(request)
            try:
                response = await self._run(passport_request, True)
            except AuthenticationError as exc:
                raise _AuthenticationHTTPError(exc) from exc
            if response is not None:
                return _to_starlette(response)
            if prop is None:  # _expose's common case, inlined
                scope.setdefault("state", {})["auth_info"] = passport_request.auth_info
            else:
                self._expose(scope, passport_request)
            return await endpoint(request) if is_async else await run_in_threadpool(endpoint, request)

        return guarded

    def _expose(self, scope: Scope, passport_request: StarletteRequest) -> None:
        """Put ``auth_info`` (and the ``assign_property`` value) on ``request.state``."""
        # Through scope["state"], the dict request.state wraps, not a State object per request.
        state = scope.setdefault("state", {})
        state["auth_info"] = passport_request.auth_info
        if self._property is not None:
            state[self._property] = getattr(passport_request, self._property, None)


# FastAPI reads a dependency's annotations at run time, and an instance has no globals to resolve
# the postponed ones with: give it the real class.
StarletteGuard.__call__.__annotations__["request"] = Request


class PassportStarlette:
    """Guards, login and logout for Starlette and FastAPI apps using :class:`PassportMiddleware`.

    :param passport: the configured authenticator.
    :param login_url: where :meth:`login_required` sends anonymous users (else 401).
    """

    def __init__(self, passport: Passport, *, login_url: str | None = None) -> None:
        self.passport = passport
        self.login_url = login_url

    def authenticate(self, strategies: Strategies, **options: Any) -> StarletteGuard:
        """A guard with Passport's route options (see :meth:`passport.core.Passport.authenticate`)."""
        return StarletteGuard(self.passport.authenticate(strategies, **options))

    def authorize(self, strategies: Strategies, **options: Any) -> StarletteGuard:
        """Like :meth:`authenticate`, but the account goes to ``request.state.account``."""
        return StarletteGuard(self.passport.authorize(strategies, **options))

    async def attempt(self, request: Request, strategies: Strategies, **options: Any) -> Outcome:
        """Run strategies on ``request`` and return the outcome without applying it."""
        passport_request = _request_of(request)
        await passport_request.load_body(request)
        return await self.passport.authenticate(strategies, **options).aattempt(passport_request)

    async def alogin(
        self, request: HTTPConnection, user: Any, *, session: bool = True, keep_session_info: bool = False
    ) -> None:
        """Log ``user`` in (the session is regenerated); ``request.user`` is updated at once."""
        await self.passport.alogin(_request_of(request), user, session=session, keep_session_info=keep_session_info)

    async def alogout(self, request: HTTPConnection, *, keep_session_info: bool = False) -> None:
        """Log the current user out and start a fresh session."""
        await self.passport.alogout(_request_of(request), keep_session_info=keep_session_info)

    async def current_user(self, request: Request) -> Any:
        """The app's user object, or ``None`` (also a FastAPI dependency)."""
        return _request_of(request).user

    async def login_required(self, request: Request) -> Any:
        """A FastAPI dependency returning the user; anonymous requests are redirected to ``login_url``
        (the page is remembered in ``session["returnTo"]``) or get a 401."""
        passport_request = _request_of(request)
        if passport_request.user is not None:
            return passport_request.user
        if self.login_url is None:
            raise HTTPException(401)
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if passport_request.session is not None and is_safe_redirect(wanted):
            passport_request.session["returnTo"] = wanted
        raise PassportHTTPException(Response(302, [("Location", self.login_url), ("Cache-Control", "no-store")]))
