"""passport.starlette keeps its per-request state in the ASGI scope, and only there.

A ``StarletteRequest`` is a view over the scope: views made at different points of one request
agree, nothing per request forms a reference cycle, and the ``scope["auth"]`` of fixed scopes is
one shared, read-only object.
"""

import asyncio
import copy
import gc
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.authentication import AuthCredentials
from starlette.authentication import UnauthenticatedUser
from starlette.authentication import requires
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from passport.core import Passport
from passport.core import Strategy
from passport.core import call_verify
from passport.core import hookimpl
from passport.starlette import AnonymousUser
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.starlette import PassportUser
from passport.starlette import SharedCredentials
from passport.starlette import StarletteRequest

USERS = {"key-ann": {"id": "1", "name": "ann"}, "key-bob": {"id": "2", "name": "bob"}}


async def user_for_key(key: str) -> Any:
    return USERS.get(key)


class KeyStrategy(Strategy):
    name = "key"

    def authenticate(self, request, options):
        key = request.headers.get("x-key")
        if not key:
            self.fail("Key")
            return None
        return call_verify(user_for_key, key).then(self.verified)


def scope_of(headers: list[tuple[bytes, bytes]], **extra: Any) -> dict[str, Any]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api",
        "raw_path": b"/api",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    scope.update(extra)
    return scope


async def call(app: Any, scope: dict[str, Any]) -> tuple[int, bytes]:
    """One request straight through the ASGI callable: no test client objects in between."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


def make_app(*, middleware: list[Middleware] | None = None, passport: Passport | None = None) -> Starlette:
    passport = passport or Passport().use(KeyStrategy())
    auth = PassportStarlette(passport)

    @auth.authenticate("key", session=False).protect
    async def api(request: Request) -> JSONResponse:
        later = StarletteRequest(request.scope)  # a view made after the guard's
        return JSONResponse(
            {
                "user": (await auth.current_user(request))["name"],
                "later_view": later.user["name"],
                "request_user": request.user.display_name,
                "scopes": list(request.auth.scopes),
                "auth_info": request.state.auth_info,
            }
        )

    @requires("authenticated")
    async def plain(request: Request) -> JSONResponse:
        return JSONResponse({"user": request.user.display_name})

    return Starlette(routes=[Route("/api", api), Route("/plain", plain)], middleware=middleware or [])


# -- one request, many views -------------------------------------------------------------------


def test_views_made_later_in_the_request_see_the_guards_user() -> None:
    status, body = asyncio.run(call(make_app(), scope_of([(b"x-key", b"key-ann")])))
    assert status == 200
    assert body == (b'{"user":"ann","later_view":"ann","request_user":"ann","scopes":["authenticated"],"auth_info":{}}')


def test_a_view_of_a_fresh_scope_is_anonymous_and_reads_the_scope() -> None:
    scope = scope_of([(b"x-key", b"key-ann")], method="POST", path="/p")
    view = StarletteRequest(scope)
    assert (view.user, view.method, view.path, view.session, view.body) == (None, "POST", "/p", None, {})
    assert "passport.request" not in scope  # views are never stored in the scope


def test_setting_the_user_writes_the_scope_and_clearing_it_writes_anonymous() -> None:
    scope = scope_of([])
    view = StarletteRequest(scope)
    view.user = USERS["key-bob"]
    assert isinstance(scope["user"], PassportUser)
    assert scope["user"].user is USERS["key-bob"]
    assert StarletteRequest(scope).user is USERS["key-bob"]
    view.user = None
    assert not scope["user"].is_authenticated
    assert scope["auth"].scopes == []
    assert StarletteRequest(scope).user is None


def test_another_auth_layers_user_is_not_passports() -> None:
    scope = scope_of([], user=object(), auth=AuthCredentials(["x"]))
    assert StarletteRequest(scope).user is None


# -- no reference cycle per request ------------------------------------------------------------


@pytest.fixture
def saved_garbage() -> Iterator[list[Any]]:
    """Everything the cycle collector finds unreachable while the test runs (and keeps it)."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _scopes_in(garbage: list[Any]) -> list[Any]:
    return [o for o in garbage if isinstance(o, (StarletteRequest, PassportUser)) or (type(o) is dict and "asgi" in o)]


def test_a_guarded_request_leaves_no_reference_cycle(saved_garbage: list[Any]) -> None:
    app = make_app()

    async def requests() -> None:
        for key in (b"key-ann", b"key-bob", b"nope") * 5:
            await call(app, scope_of([(b"x-key", key)]))

    asyncio.run(requests())
    gc.collect()
    assert _scopes_in(saved_garbage) == []


def test_the_middleware_leaves_no_reference_cycle(saved_garbage: list[Any]) -> None:
    passport = Passport().use(KeyStrategy())
    app = make_app(
        passport=passport,
        middleware=[Middleware(SessionMiddleware, secret_key="s"), Middleware(PassportMiddleware, passport=passport)],
    )

    async def requests() -> None:
        for _ in range(10):
            assert (await call(app, scope_of([(b"x-key", b"key-ann")])))[0] == 200

    asyncio.run(requests())
    gc.collect()
    assert _scopes_in(saved_garbage) == []


# -- scope["auth"] -----------------------------------------------------------------------------


def test_fixed_scopes_share_one_read_only_credentials_object() -> None:
    seen: list[Any] = []
    passport = Passport().use(KeyStrategy())
    auth = PassportStarlette(passport)

    @auth.authenticate("key", session=False).protect
    async def api(request: Request) -> JSONResponse:
        seen.append(request.auth)
        for change in (
            lambda: request.auth.scopes.append("admin"),
            lambda: request.auth.scopes.__setitem__(0, "admin"),
            lambda: request.auth.scopes.clear(),
        ):
            with pytest.raises(TypeError, match="read-only"):
                change()
        with pytest.raises(AttributeError, match="read-only"):
            request.auth.scopes = ["admin"]
        return JSONResponse(request.auth.scopes)

    app = Starlette(routes=[Route("/api", api)])
    for key in (b"key-ann", b"key-bob"):
        assert asyncio.run(call(app, scope_of([(b"x-key", key)]))) == (200, b'["authenticated"]')
    assert seen[0] is seen[1]
    assert isinstance(seen[0], SharedCredentials)
    assert isinstance(seen[0], AuthCredentials)
    assert seen[0].scopes == ["authenticated"]
    assert repr(seen[0]) == "SharedCredentials(['authenticated'])"


def test_shared_credentials_copy_and_pickle() -> None:
    shared = SharedCredentials(["authenticated", "read"])
    assert copy.copy(shared) is shared
    assert copy.deepcopy(shared) is shared
    restored = pickle.loads(pickle.dumps(shared))
    assert isinstance(restored, SharedCredentials)
    assert restored.scopes == ["authenticated", "read"]
    own = copy.copy(shared.scopes)
    own.append("write")  # a copy of the scopes is the caller's to change
    assert own == ["authenticated", "read", "write"]
    assert copy.deepcopy(shared.scopes) == ["authenticated", "read"]
    assert shared.scopes == ["authenticated", "read"]


def test_scopes_computed_per_user_get_their_own_credentials() -> None:
    passport = Passport().use(KeyStrategy())
    scopes = lambda user: ["authenticated", user["name"]]  # noqa: E731
    app = make_app(
        passport=passport,
        middleware=[
            Middleware(SessionMiddleware, secret_key="s"),
            Middleware(PassportMiddleware, passport=passport, scopes=scopes),
        ],
    )
    status, body = asyncio.run(call(app, scope_of([(b"x-key", b"key-bob")])))
    assert status == 200
    assert b'"scopes":["authenticated","bob"]' in body


def test_alogin_in_an_endpoint_takes_the_middlewares_scopes_and_regenerate_hook() -> None:
    passport = Passport()
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda user_id: next((u for u in USERS.values() if u["id"] == user_id), None))
    auth = PassportStarlette(passport)
    regenerated: list[str] = []

    async def login(request: Request) -> JSONResponse:
        await auth.alogin(request, USERS["key-ann"])
        return JSONResponse({"user": request.user.display_name, "scopes": list(request.auth.scopes)})

    def regenerate(connection: HTTPConnection) -> None:
        regenerated.append(connection.url.path)

    app = Starlette(
        routes=[Route("/login", login)],
        middleware=[
            Middleware(SessionMiddleware, secret_key="s"),
            Middleware(
                PassportMiddleware, passport=passport, scopes=["authenticated", "staff"], regenerate_session=regenerate
            ),
        ],
    )
    status, body = asyncio.run(call(app, scope_of([], path="/login", raw_path=b"/login")))
    assert status == 200
    assert body == b'{"user":"ann","scopes":["authenticated","staff"]}'
    assert regenerated == ["/login"]


def test_explicit_view_settings_win_over_the_middlewares() -> None:
    scope = scope_of([])
    view = StarletteRequest(scope, scopes=lambda user: ["own"])
    view.user = USERS["key-ann"]
    assert scope["auth"].scopes == ["own"]


# -- headers -----------------------------------------------------------------------------------


def test_headers_are_case_insensitive_and_repeats_are_joined() -> None:
    raw = [(b"host", b"x"), (b"x-key", b"a"), (b"accept", b"*/*"), (b"x-key", b"b")]
    headers = StarletteRequest(scope_of(raw)).headers
    assert headers.get("X-Key") == "a, b"
    assert headers["HOST"] == "x"
    assert "Accept" in headers
    assert "missing" not in headers
    assert headers.get("missing", "default") == "default"
    assert sorted(headers) == ["accept", "host", "x-key"]
    assert len(headers) == 3
    assert dict(headers.items())["x-key"] == "a, b"
    with pytest.raises(KeyError):
        _ = headers["missing"]


def test_headers_decode_latin_1_and_names_that_cannot_exist_are_absent() -> None:
    headers = StarletteRequest(scope_of([(b"x-name", "caf\u00e9".encode("latin-1"))])).headers
    assert headers.get("x-name") == "caf\u00e9"
    assert headers.get("\u540d") is None  # not latin-1: no header can have that name
    assert headers.get(7) is None  # type: ignore[call-overload]
    assert 7 not in headers


def test_the_headers_repr_shows_names_never_values() -> None:
    headers = StarletteRequest(scope_of([(b"x-api-key", b"s3cret-value")])).headers
    assert "s3cret" not in repr(headers)
    assert "x-api-key" in repr(headers)


# -- anonymous requests through the middleware ---------------------------------------------------


def _middleware_app(passport: Passport, seen: list[Any]) -> Starlette:
    async def page(request: Request) -> JSONResponse:
        seen.append((request.user, request.auth))
        return JSONResponse({"authenticated": request.user.is_authenticated, "scopes": list(request.auth.scopes)})

    return Starlette(
        routes=[Route("/api", page)],
        middleware=[Middleware(SessionMiddleware, secret_key="s"), Middleware(PassportMiddleware, passport=passport)],
    )


def test_anonymous_requests_share_one_read_only_user_and_credentials() -> None:
    seen: list[Any] = []
    app = _middleware_app(Passport(), seen)
    for _ in range(2):
        assert asyncio.run(call(app, scope_of([]))) == (200, b'{"authenticated":false,"scopes":[]}')
    (user, auth), (user_again, auth_again) = seen
    assert user is user_again and auth is auth_again
    assert isinstance(user, AnonymousUser) and isinstance(user, UnauthenticatedUser)
    assert (user.is_authenticated, user.display_name) == (False, "")
    with pytest.raises(AttributeError, match="read-only"):
        user.name = "mallory"
    with pytest.raises(TypeError, match="read-only"):
        auth.scopes.append("admin")
    assert copy.copy(user) is user and copy.deepcopy(user) is user


def test_plugins_still_see_the_restore_attempt_of_an_empty_session() -> None:
    started: list[tuple[str, ...]] = []

    class Observer:
        @hookimpl
        def passport_attempt_started(self, request: Any, strategies: Any) -> None:
            started.append(tuple(strategies))

    passport = Passport()
    passport.register_plugin(Observer())
    assert asyncio.run(call(_middleware_app(passport, []), scope_of([])))[0] == 200
    assert started == [("session",)]
