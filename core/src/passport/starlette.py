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
(a :class:`PassportUser`, or Starlette's ``UnauthenticatedUser``) and ``scope["auth"]``, so
``request.user`` and ``@requires("authenticated")`` work unchanged. In async code sync verify
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
from collections.abc import Mapping
from collections.abc import MutableMapping
from collections.abc import Sequence
from functools import cached_property
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
from passport.core import Headers
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
    "StarletteGuard",
    "StarletteRequest",
    "get_flashed_messages",
]

SCOPE_KEY: Final = "passport.request"
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


@final
class StarletteRequest:
    """The :class:`passport.core.Request` of one ASGI request (kept in ``scope["passport.request"]``).

    Setting ``user`` also sets ``scope["user"]`` and ``scope["auth"]``. Guards fill ``body`` from a
    form or JSON body of POST/PUT/PATCH/DELETE; a malformed one is a 400 before strategies run.
    """

    def __init__(
        self, scope: Scope, *, scopes: Scopes = ("authenticated",), regenerate: Regenerate | None = None
    ) -> None:
        self._scope = scope
        self._scopes = scopes
        self._regenerate = regenerate
        self._body_loaded = False
        self.method: str = scope.get("method", "GET")
        self.path: str = scope["path"]
        self.session: MutableMapping[str, Any] | None = scope.get("session")
        self.body: Mapping[str, Any] = {}
        self.auth_info: Any = None
        self._user: Any = None  # scope["user"] is set by PassportMiddleware, or when a guard logs in
        self._headers: Headers | None = None
        scope[SCOPE_KEY] = self

    @property
    def user(self) -> Any:
        return self._user

    @user.setter
    def user(self, value: Any) -> None:
        self._user = value
        scope = self._scope
        if value is None:
            scope["user"], scope["auth"] = UnauthenticatedUser(), AuthCredentials()
        else:
            scopes = self._scopes(value) if callable(self._scopes) else self._scopes
            scope["user"], scope["auth"] = PassportUser(value), AuthCredentials(scopes)

    @cached_property
    def url(self) -> str:
        return str(URL(scope=self._scope))

    @property
    def headers(self) -> Headers:
        # A plain property with its own cache: read once per request by most strategies, and
        # functools.cached_property costs a Python-level descriptor call on that first read.
        headers = self._headers
        if headers is None:
            merged: dict[str, str] = {}
            for raw_name, raw_value in self._scope["headers"]:
                name = raw_name.decode("latin-1").lower()  # ASGI says lowercase; don't rely on it
                value = raw_value.decode("latin-1")
                merged[name] = f"{merged[name]}, {value}" if name in merged else value
            headers = self._headers = Headers.from_lowercase(merged)
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
        if self.session is not None:
            self.session[FLASHES] = [*self.session.get(FLASHES, ()), [category, message]]

    def regenerate_session(self) -> None:
        """Start a fresh session: a new id when a ``regenerate_session`` hook is set, else cleared."""
        if self.session is not None:
            if self._regenerate is not None:
                self._regenerate(HTTPConnection(self._scope))
            self.session.clear()


def _request_of(request: HTTPConnection) -> StarletteRequest:
    existing: StarletteRequest | None = request.scope.get(SCOPE_KEY)
    return StarletteRequest(request.scope) if existing is None else existing


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
        self._scopes = scopes
        self._regenerate = regenerate_session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request = StarletteRequest(scope, scopes=self._scopes, regenerate=self._regenerate)
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

    async def _run(self, request: Request) -> tuple[StarletteRequest, Response | None]:
        scope = request.scope
        passport_request = scope.get(SCOPE_KEY) or StarletteRequest(scope)
        if passport_request.method in BODY_METHODS:  # GET/HEAD/OPTIONS: no body, no coroutine
            await passport_request.load_body(request)
        try:
            response = await self.guard.arun(passport_request)
        except AuthenticationError as exc:
            raise _AuthenticationHTTPError(exc) from exc
        # request.state without building a State object per request: it wraps scope["state"].
        state = request.scope.setdefault("state", {})
        state["auth_info"] = passport_request.auth_info
        if self._property is not None:
            state[self._property] = getattr(passport_request, self._property, None)
        return passport_request, response

    async def __call__(self, request: Request) -> Any:
        passport_request, response = await self._run(request)
        if response is not None:
            raise PassportHTTPException(response)
        return passport_request.user if self._property is None else getattr(passport_request, self._property)

    def protect(self, endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
        """Guard a Starlette endpoint (``async def`` or ``def``, taking the request)."""
        is_async = is_async_callable(endpoint)

        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Any:
            _, response = await self._run(request)
            if response is not None:
                return _to_starlette(response)
            return await endpoint(request) if is_async else await run_in_threadpool(endpoint, request)

        return guarded


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
