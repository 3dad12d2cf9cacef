"""The parity harness: one route table, four apps built from it, one client API for all of them.

Every parity test takes the ``client`` fixture and so runs four times: against a Flask app
(``passport.flask``), a Starlette app (guards via ``guard.protect``), a FastAPI app (guards via
``Depends(guard)``) and a Django app (``passport.django``'s ``@authenticate``/``@authorize``). The
apps are built from :data:`ROUTES` with public API only, and every view answers the same JSON:
what it saw of the user, ``auth_info`` and the account. Tests that compare the apps with one
another take ``clients`` instead.

A passport login on Django is a Django login (model users, Django's session keys and
``AuthenticationMiddleware``, ``django.contrib.messages``): the translation layer that lets the same
assertions hold, and the short list of cases that cannot apply to Django (``NOT_FOR_DJANGO``, each
with its reason), are in ``parity/_django.py``. Where Django's answer legitimately differs, the test
says so for that app alone (``app_of(client)``, ``as_sent``).

The clients are httpx clients, made to deliver what a real server delivers: the request body is
handed to the app chunk by chunk as it reads (so a test can see how much of a body the server
pulled), and the WSGI environ (Flask, Django) is the one PEP 3333 servers build (raw path bytes,
Latin-1 header values, a repeated header joined with ``","``). httpx's own ``WSGITransport`` and
Starlette's ``TestClient`` both read the whole body before the app starts, which would hide exactly
the behaviour the hostile-body tests check.
"""

import contextlib
import functools
import io
import os
import sys
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Annotated
from typing import Any
from urllib.parse import unquote_to_bytes

import flask
import httpx
import parity._django as parity_django
import pytest
from _testclient import TestClient
from fastapi import Depends
from fastapi import FastAPI
from flask import g
from flask import get_flashed_messages
from parity._support import ANN
from parity._support import API_KEY
from parity._support import APPS
from parity._support import BOB
from parity._support import GHOST
from parity._support import IDP
from parity._support import IDP_IRI
from parity._support import PASSWORD
from parity._support import SESSION_VERSIONS
from parity._support import TOKEN
from parity._support import USERS
from parity._support import WELCOME
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route as StarletteRoute

from passport.core import Passport
from passport.core import PassportError
from passport.core import Strategy
from passport.core import nonblocking
from passport.flask import PassportFlask
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.starlette import get_flashed_messages as starlette_flashes
from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy
from passport.strategies.apikey import KeyStore
from passport.strategies.local import LocalStrategy

SECRET = "parity-secret"
LOGIN_AS = {"ann": ANN, "bob": BOB, "ghost": GHOST}

# -- strategies ----------------------------------------------------------------------------------


class Succeed(Strategy):
    """Succeeds as ``users[who]``, looked up when it runs (the Django app's rows are made per test)."""

    def __init__(self, name: str, users: Mapping[str, Any], who: str, info: Any = None) -> None:
        super().__init__()
        self.name, self._users, self._who, self._info = name, users, who, info

    def authenticate(self, request, options):
        self.success(self._users[self._who], self._info)


class Fail(Strategy):
    def __init__(self, name: str, challenge: Any = None, status: int | None = None) -> None:
        super().__init__()
        self.name, self._challenge, self._status = name, challenge, status

    def authenticate(self, request, options):
        self.fail(self._challenge, self._status)


class Redirect(Strategy):
    def __init__(self, name: str, url: str, status: int = 302) -> None:
        super().__init__()
        self.name, self._url, self._status = name, url, status

    def authenticate(self, request, options):
        self.redirect(self._url, self._status)


class Pass(Strategy):
    name = "pass"

    def authenticate(self, request, options):
        self.pass_()


class Explode(Strategy):
    name = "explode"

    def authenticate(self, request, options):
        raise RuntimeError("database down")


class UpstreamError(PassportError):
    """An error that carries its HTTP status, as an upstream OAuth fault does."""

    status = 502


class Upstream(Strategy):
    name = "upstream"

    def authenticate(self, request, options):
        self.error(UpstreamError("the identity provider is unreachable"))


_NO_RAW_BODY = "<the request has no raw_body>"


class Echo(Strategy):
    """Succeeds as Ann with what it read of the request, so a test sees the request the adapter built."""

    name = "echo"

    def __init__(self, users: Mapping[str, Any]) -> None:
        super().__init__()
        self._users = users

    def authenticate(self, request, options):
        raw = getattr(request, "raw_body", None)
        headers = request.headers
        self.success(
            self._users["ann"],
            {
                "method": request.method,
                "path": request.path,
                "url": request.url,
                "query": dict(request.query),
                "body": dict(request.body),
                "raw_body": bytes(raw).decode("latin-1") if isinstance(raw, (bytes, bytearray)) else _NO_RAW_BODY,
                "headers": {
                    "get lower": headers.get("x-echo"),
                    "get upper": headers.get("X-ECHO"),
                    "contains": "X-Echo" in headers,
                    "item mixed": headers["x-eChO"] if "x-echo" in headers else None,
                },
                "cookie": request.cookies.get("flavour"),
                "client_address": getattr(request, "client_address", _NO_RAW_BODY),
                "tag": options.get("tag"),
            },
        )


def check_password(username: str, password: str) -> Any:
    if username == "ann" and password == PASSWORD:
        return ANN
    return None, {"message": "Incorrect username or password."}


def make_passport(users: Mapping[str, Any] = LOGIN_AS, verify_password: Any = check_password) -> Passport:
    """The parity Passport. ``users`` maps a name to the user object the strategies succeed with
    (the dict users here; the Django app's model rows), ``verify_password`` is LocalStrategy's verify."""
    passport = Passport()
    keys = KeyStore()
    keys.add(API_KEY, "ann")

    @nonblocking  # as the KeyStore it asks
    def find_key(key: str) -> Any:
        name = keys.find(key)
        return None if name is None else users[name]

    def find_token(token: str) -> Any:
        return users["bob"] if token == TOKEN else None

    for strategy in (
        Succeed("ann", users, "ann", WELCOME),
        Succeed("bob", users, "bob"),
        Fail("deny", 'Basic realm="a"'),
        Fail("deny-b", 'Bearer realm="b"'),
        Fail("deny-msg", {"message": "Wrong password."}),
        Fail("deny-typed", {"type": "notice", "message": "Account locked."}),
        Fail("bad", 400),
        Fail("forbid", 'Basic realm="f"', 403),
        Redirect("away", IDP),
        Redirect("away-303", IDP, 303),
        Redirect("away-iri", IDP_IRI),
        Pass(),
        Explode(),
        Upstream(),
        Echo(users),
        LocalStrategy(verify_password),
        APIKeyStrategy(find_key),
        BearerStrategy(find_token),
    ):
        passport.use(strategy)

    @passport.serializer
    def serialize(user):
        return user["id"]

    @passport.deserializer
    def deserialize(user_id):
        return USERS.get(user_id)  # None for the ghost: the user is gone

    @passport.session_version
    def session_version(user):
        return SESSION_VERSIONS.get(user["id"], 0)

    return passport


# -- the route table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One guarded route, built the same way on every app.

    :ivar path: Starlette path syntax; ``{rest:path}`` becomes ``<path:rest>`` on Flask.
    :ivar strategies: a name, or a tuple of names for a chain (passed as a list).
    :ivar options: the route options, given to ``authenticate``/``authorize`` as keywords.
    :ivar guard: ``"authenticate"`` or ``"authorize"``.
    :ivar view: ``"sync"`` (a ``def`` view) or ``"async"`` (an ``async def`` one); both answer
        ``{"user", "auth_info", "account"}`` as the view saw them.
    """

    path: str
    strategies: str | tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)
    methods: tuple[str, ...] = ("GET",)
    guard: str = "authenticate"
    view: str = "sync"


TO_HOME = {"success_redirect": "/home"}
TO_LOGIN = {"failure_redirect": "/login"}
API = {"session": False}

ROUTES = [
    # plain outcomes
    Route("/ann", "ann"),
    Route("/ann/async", "ann", view="async"),
    Route("/ann/api", "ann", API),
    Route("/ann/keep", "ann", {"keep_session_info": True}),
    Route("/ann/no-info", "ann", {**API, "auth_info": False}),
    Route("/bob/api", "bob", API),
    Route("/deny", "deny"),
    # redirects on success and failure
    Route("/ann/redirect", "ann", TO_HOME),
    Route("/ann/redirect-iri", "ann", {"success_redirect": "/bienvenue/é"}),
    Route("/ann/return", "ann", {"success_return_to_or_redirect": "/home"}),
    Route("/deny/redirect", "deny-msg", TO_LOGIN),
    # flashes
    Route("/flash/success/true", "ann", {**TO_HOME, "success_flash": True}),
    Route("/flash/success/string", "ann", {**TO_HOME, "success_flash": "Signed in."}),
    Route("/flash/success/object", "ann", {**TO_HOME, "success_flash": {"type": "info", "message": "Hello again."}}),
    Route("/flash/failure/true", "deny-typed", {**TO_LOGIN, "failure_flash": True}),
    Route("/flash/failure/string", "deny-msg", {**TO_LOGIN, "failure_flash": "Try again."}),
    Route(
        "/flash/failure/object", "deny-msg", {**TO_LOGIN, "failure_flash": {"type": "warning", "message": "Careful."}}
    ),
    Route("/flash/failure/no-redirect", "deny-msg", {"failure_flash": True}),
    # session messages
    Route("/message/success/true", "ann", {**TO_HOME, "success_message": True}),
    Route("/message/success/string", "ann", {**TO_HOME, "success_message": "Signed in."}),
    Route("/message/failure/true", "deny-msg", {**TO_LOGIN, "failure_message": True}),
    Route("/message/failure/string", "deny-msg", {**TO_LOGIN, "failure_message": "Try again."}),
    # fail_with_error
    Route("/strict", ("deny", "deny-b"), {**API, "fail_with_error": True}),
    Route("/strict/400", ("deny", "bad"), {**API, "fail_with_error": True}),
    Route("/strict/redirect", "deny", {**TO_LOGIN, "fail_with_error": True}),
    # assign_property and authorize
    Route("/assign", "ann", {**TO_HOME, "assign_property": "account"}),
    Route("/assign/no-info", "ann", {"assign_property": "account", "auth_info": False}),
    Route("/link", "apikey", guard="authorize"),
    Route("/link/property", "apikey", {"assign_property": "linked"}, guard="authorize"),
    # chains
    Route("/chain/deny-ann", ("deny", "ann"), API),
    Route("/chain/ann-bob", ("ann", "bob"), API),
    Route("/chain/challenges", ("deny", "deny-msg", "deny-b")),
    Route("/chain/challenges/reversed", ("deny-b", "deny")),
    Route("/chain/statuses", ("deny", "bad", "forbid")),
    Route("/chain/forbid-first", ("forbid", "bad")),
    Route("/chain/pass", ("pass", "ann")),
    Route("/chain/deny-pass", ("deny", "pass")),
    Route("/chain/redirect", ("deny", "away")),
    Route("/chain/error", ("explode", "ann")),
    Route("/redirect/302", "away"),
    Route("/redirect/303", "away-303"),
    Route("/redirect/iri", "away-iri"),
    # errors
    Route("/error/runtime", "explode"),
    Route("/error/upstream", "upstream"),
    Route("/error/unknown", "nobody-registered-this"),
    # the shipped strategies
    Route(
        "/login",
        "local",
        {"success_return_to_or_redirect": "/home", **TO_LOGIN, "failure_flash": True},
        methods=("POST",),
    ),
    Route("/local", "local", methods=("POST",)),
    Route("/api/key", "apikey", API),
    Route("/api/bearer", "bearer", API),
    Route("/api/bearer/form", "bearer", API, methods=("POST",)),
    Route("/api/either", ("bearer", "apikey"), API),
    Route("/api/either/lenient", ("bearer", "apikey"), {**API, "allow_multiple_credentials": True}),
    # the request contract
    Route("/echo/{rest:path}", "echo", {**API, "tag": "parity"}, methods=("GET", "POST", "PUT", "PATCH", "DELETE")),
]


def _chain(route: Route) -> Any:
    return list(route.strategies) if isinstance(route.strategies, tuple) else route.strategies


# -- Flask ---------------------------------------------------------------------------------------


def _flask_path(path: str) -> str:
    return path.replace("{rest:path}", "<path:rest>")


def _flask_state() -> dict[str, Any]:
    return {"user": g.get("user"), "auth_info": g.get("auth_info"), "account": g.get("account")}


def _flask_view(kind: str) -> Any:
    if kind == "async":

        async def async_view(**path_params: Any) -> Any:
            return _flask_state()

        return async_view

    def view(**path_params: Any) -> Any:
        return _flask_state()

    return view


@functools.cache
def build_flask() -> flask.Flask:
    passport = make_passport()
    app = flask.Flask("parity_app", root_path=os.path.dirname(__file__))
    app.secret_key = SECRET
    app.testing = False  # errors become 500 responses, as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth = PassportFlask(passport, app, login_url="/login")

    for route in ROUTES:
        decorate = auth.authenticate if route.guard == "authenticate" else auth.authorize
        view = decorate(_chain(route), **route.options)(_flask_view(route.view))
        app.add_url_rule(_flask_path(route.path), endpoint=route.path, view_func=view, methods=list(route.methods))

    @app.get("/me")
    def whoami() -> Any:
        return _flask_state()

    @app.get("/flashes")
    def flashes() -> Any:
        return {"flashes": [list(pair) for pair in get_flashed_messages(with_categories=True)]}

    @app.get("/messages")
    def messages() -> Any:
        return {"messages": flask.session.get("messages", [])}

    @app.get("/session")
    def session_keys() -> Any:
        return {"keys": sorted(flask.session)}

    @app.post("/plant")
    def plant() -> Any:
        flask.session["planted"] = "yes"
        return {"keys": sorted(flask.session)}

    @app.get("/protected")
    @app.get("/protected/<path:rest>")
    @auth.login_required
    def protected(**path_params: Any) -> Any:
        return _flask_state()

    @app.post("/login-as/<name>")
    def login_as(name: str) -> Any:
        auth.login_user(LOGIN_AS[name])
        return _flask_state()

    @app.post("/logout")
    def logout() -> Any:
        auth.logout_user()
        return _flask_state()

    @app.post("/async/login-as/<name>")
    async def async_login_as(name: str) -> Any:
        await auth.alogin_user(LOGIN_AS[name])
        return _flask_state()

    @app.post("/async/logout")
    async def async_logout() -> Any:
        await auth.alogout_user()
        return _flask_state()

    @app.post("/reread")
    @auth.authenticate("apikey", session=False)
    def reread() -> Any:  # the view reads the body again, after the guard did
        request = flask.request
        return {
            "raw": request.get_data(as_text=True),
            "json": request.get_json(silent=True),
            "form": {**request.form.to_dict(flat=False), **{k: [f.filename] for k, f in request.files.items()}},
        }

    return app


# -- Starlette and FastAPI -------------------------------------------------------------------------


def _asgi_state(request: Request) -> dict[str, Any]:
    user = request.user
    return {
        "user": user.user if user.is_authenticated else None,
        "auth_info": getattr(request.state, "auth_info", None),
        "account": getattr(request.state, "account", None),
    }


def _asgi_middleware(passport: Passport) -> list[Middleware]:
    return [
        Middleware(SessionMiddleware, secret_key=SECRET),  # outside: listed first
        Middleware(PassportMiddleware, passport=passport),
    ]


def _asgi_guard(auth: PassportStarlette, route: Route) -> Any:
    decorate = auth.authenticate if route.guard == "authenticate" else auth.authorize
    return decorate(_chain(route), **route.options)


def _session_views(auth: PassportStarlette) -> dict[str, Any]:
    """The special endpoints, as ``async def fn(request)``: the same for Starlette and FastAPI."""

    async def flashes(request: Request) -> Any:
        pairs = starlette_flashes(request, with_categories=True)
        return JSONResponse({"flashes": [list(pair) for pair in pairs]})

    async def messages(request: Request) -> Any:
        return JSONResponse({"messages": request.session.get("messages", [])})

    async def session_keys(request: Request) -> Any:
        return JSONResponse({"keys": sorted(request.session)})

    async def plant(request: Request) -> Any:
        request.session["planted"] = "yes"
        return JSONResponse({"keys": sorted(request.session)})

    async def login_as(request: Request) -> Any:
        await auth.alogin(request, LOGIN_AS[request.path_params["name"]])
        return JSONResponse(_asgi_state(request))

    async def logout(request: Request) -> Any:
        await auth.alogout(request)
        return JSONResponse(_asgi_state(request))

    return {
        "GET /flashes": flashes,
        "GET /messages": messages,
        "GET /session": session_keys,
        "POST /plant": plant,
        # Starlette and FastAPI views are async either way: alogin/alogout serve both routes.
        "POST /login-as/{name}": login_as,
        "POST /logout": logout,
        "POST /async/login-as/{name}": login_as,
        "POST /async/logout": logout,
    }


async def _reread(request: Request) -> dict[str, Any]:
    """What the endpoint reads from the body itself, after the guard read it."""
    raw = await request.body()
    kind = request.headers.get("content-type", "")
    form: dict[str, list[Any]] = {}
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        async with request.form() as parsed_form:  # closes the uploaded files' spools
            for name, value in parsed_form.multi_items():
                form.setdefault(name, []).append(value if isinstance(value, str) else value.filename)
    parsed = None
    if kind.startswith("application/json"):
        with contextlib.suppress(ValueError):
            parsed = await request.json()
    return {"raw": raw.decode("utf-8", "replace"), "json": parsed, "form": form}


def _starlette_view(kind: str) -> Any:
    if kind == "async":

        async def async_view(request: Request) -> Any:
            return JSONResponse(_asgi_state(request))

        return async_view

    def view(request: Request) -> Any:  # run in a worker thread by Starlette
        return JSONResponse(_asgi_state(request))

    return view


@functools.cache
def build_starlette() -> Starlette:
    passport = make_passport()
    auth = PassportStarlette(passport, login_url="/login")
    routes = [
        StarletteRoute(route.path, _asgi_guard(auth, route).protect(_starlette_view(route.view)), methods=route.methods)
        for route in ROUTES
    ]

    async def whoami(request: Request) -> Any:
        return JSONResponse(_asgi_state(request))

    async def protected(request: Request) -> Any:
        await auth.login_required(request)  # raises passport's redirect for anonymous users
        return JSONResponse(_asgi_state(request))

    async def reread(request: Request) -> Any:
        return JSONResponse(await _reread(request))

    reread_guard = auth.authenticate("apikey", session=False)
    routes += [
        StarletteRoute("/reread", reread_guard.protect(reread), methods=["POST"]),
        StarletteRoute("/me", whoami),
        StarletteRoute("/protected", protected),
        StarletteRoute("/protected/{rest:path}", protected),
    ]
    for key, endpoint in _session_views(auth).items():
        method, path = key.split(" ")
        routes.append(StarletteRoute(path, endpoint, methods=[method]))
    app = Starlette(routes=routes, middleware=_asgi_middleware(passport))
    auth.init_app(app)
    return app


def _fastapi_answer(request: Request, route: Route, returned: Any) -> dict[str, Any]:
    """The view's state; the dependency's return value must be what the route assigned."""
    answer = _asgi_state(request)
    assigns = route.guard == "authorize" or route.options.get("assign_property") is not None
    if returned != (answer["account"] if assigns else answer["user"]):
        answer["dependency returned"] = returned
    return answer


def _fastapi_endpoint(route: Route, guard: Any) -> Any:
    if route.view == "async":

        async def async_endpoint(request: Request, returned: Annotated[Any, Depends(guard)]) -> Any:
            return _fastapi_answer(request, route, returned)

        return async_endpoint

    def endpoint(request: Request, returned: Annotated[Any, Depends(guard)]) -> Any:
        return _fastapi_answer(request, route, returned)

    return endpoint


@functools.cache
def build_fastapi() -> FastAPI:
    passport = make_passport()
    auth = PassportStarlette(passport, login_url="/login")
    app = FastAPI(middleware=_asgi_middleware(passport))
    for route in ROUTES:
        app.add_api_route(route.path, _fastapi_endpoint(route, _asgi_guard(auth, route)), methods=list(route.methods))

    @app.get("/me")
    async def whoami(request: Request) -> Any:
        return _asgi_state(request)

    async def protected(request: Request, user: Annotated[Any, Depends(auth.login_required)]) -> Any:
        answer = _asgi_state(request)
        if user != answer["user"]:
            answer["dependency returned"] = user
        return answer

    reread_guard = auth.authenticate("apikey", session=False)

    @app.post("/reread")
    async def reread(request: Request, user: Annotated[Any, Depends(reread_guard)]) -> Any:
        return await _reread(request)

    app.add_api_route("/protected", protected, methods=["GET"])
    app.add_api_route("/protected/{rest:path}", protected, methods=["GET"])
    for key, endpoint in _session_views(auth).items():
        method, path = key.split(" ")
        app.add_api_route(path, endpoint, methods=[method])
    auth.init_app(app)
    return app


# -- clients -------------------------------------------------------------------------------------


class _BodyStream(io.RawIOBase):
    """``wsgi.input`` that pulls the next chunk of the request body only when the app reads."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class ServerWSGITransport(httpx.WSGITransport):
    """httpx's WSGI transport, handing the app the environ a PEP 3333 server builds.

    ``PATH_INFO`` is the percent-decoded path *bytes* as Latin-1, header values are Latin-1, a
    repeated header is joined with ``","`` (as Werkzeug's server and Gunicorn do), and the body is
    streamed: a chunked body has no ``CONTENT_LENGTH`` and sets ``wsgi.input_terminated``.
    Response headers that cannot be sent as Latin-1 make a 500, as they would on a real server.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        raw_path = url.raw_path.split(b"?", 1)[0]
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": io.BufferedReader(_BodyStream(iter(request.stream))),  # type: ignore[arg-type]
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
            "QUERY_STRING": url.query.decode("latin-1"),
            "SERVER_NAME": url.host,
            "SERVER_PORT": str(url.port or {"http": 80, "https": 443}[url.scheme]),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
        }
        for raw_name, raw_value in request.headers.raw:
            key = raw_name.decode("latin-1").upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            value = raw_value.decode("latin-1")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if "CONTENT_LENGTH" not in environ:
            environ["wsgi.input_terminated"] = True

        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        result = self.app(environ, start_response)  # type: ignore[arg-type]
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        try:
            encoded = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        except UnicodeEncodeError:
            return httpx.Response(500, content=b"the app sent a header value that is not Latin-1")
        return httpx.Response(int(status.split()[0]), headers=encoded, content=body)


def _stream_lazily(request: httpx.Request) -> None:
    """Make Starlette's ``TestClient`` send a streamed body one chunk per ``receive()``.

    The TestClient calls ``request.read()`` on every ``receive()`` and sends one chunk per call
    when that returns a generator; the default ``read()`` would join the whole stream first.
    """
    if isinstance(request.stream, httpx.ByteStream):
        return
    chunks = (chunk for chunk in request.stream)  # type: ignore[union-attr]
    request.read = lambda: chunks  # type: ignore[method-assign,assignment,return-value]


# -- Django ----------------------------------------------------------------------------------------


@functools.cache
def build_django() -> tuple[Any, Passport]:
    """The Django app's URLconf and Passport (its translation layer is ``parity/_django.py``)."""
    return parity_django.build_urlconf(ROUTES, _chain), make_passport(parity_django.USERS, parity_django.check_password)


BUILDERS = {"flask": build_flask, "starlette": build_starlette, "fastapi": build_fastapi, "django": build_django}


@contextlib.contextmanager
def make_client(kind: str) -> Iterator[httpx.Client]:
    """A fresh client (empty cookie jar) for one of the apps; ``app_of(client)`` names it."""
    app = BUILDERS[kind]()
    if kind == "django":
        urlconf, passport = app
        with (
            parity_django.serve(urlconf, passport) as handler,
            httpx.Client(transport=ServerWSGITransport(app=handler), base_url="http://testserver") as client,
        ):
            client.parity_app = kind  # type: ignore[attr-defined]
            yield client
        return
    if kind == "flask":
        with httpx.Client(transport=ServerWSGITransport(app=app), base_url="http://testserver") as client:
            client.parity_app = kind  # type: ignore[attr-defined]
            yield client
        return
    test_client = TestClient(app, base_url="http://testserver", raise_server_exceptions=False, follow_redirects=False)
    test_client.event_hooks = {"request": [_stream_lazily], "response": []}
    with test_client as client:
        client.parity_app = kind  # type: ignore[attr-defined]
        yield client


@pytest.fixture(autouse=True)
def fresh_session_versions() -> Iterator[None]:
    """Every test starts with no session revoked."""
    SESSION_VERSIONS.clear()
    yield
    SESSION_VERSIONS.clear()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test taking ``client`` runs once per app (ids flask, starlette, fastapi, django); a
    case in ``NOT_FOR_DJANGO`` is not generated for django at all (its reason is in the table)."""
    if "client" in metafunc.fixturenames:
        case = f"{metafunc.definition.path.name}::{metafunc.function.__name__}"
        apps = [kind for kind in APPS if kind != "django" or case not in parity_django.NOT_FOR_DJANGO]
        metafunc.parametrize("client", apps, indirect=True)


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Iterable[httpx.Client]:
    """A client of the app the test was generated for (see :func:`pytest_generate_tests`)."""
    with make_client(request.param) as test_client:
        yield test_client


@pytest.fixture
def clients(request: pytest.FixtureRequest) -> Iterable[dict[str, httpx.Client]]:
    """A fresh client of each app, for tests that compare the answers with one another (without
    django for a case in ``NOT_FOR_DJANGO``)."""
    kinds = [kind for kind in APPS if kind != "django" or parity_django.not_for_django(request.node) is None]
    with contextlib.ExitStack() as stack:
        yield {kind: stack.enter_context(make_client(kind)) for kind in kinds}
