"""passport.starlette end to end: Starlette and FastAPI apps through their test clients."""

import asyncio
import contextlib
import copy
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated
from typing import Any

import httpx
import pytest
from _testclient import TestClient
from fastapi import Depends
from fastapi import FastAPI
from fastapi import Form
from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.responses import PlainTextResponse
from starlette.responses import RedirectResponse
from starlette.routing import Route
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from passport.core import AuthenticationError
from passport.core import Passport
from passport.core import SessionError
from passport.core import Strategy
from passport.core import call_verify
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.starlette import PassportUser
from passport.starlette import get_flashed_messages

# -- tiny inline strategies --------------------------------------------------------------------


@dataclass
class User:
    id: str
    name: str
    admin: bool = False


class PasswordStrategy(Strategy):
    name = "password"

    def __init__(self, verify: Any) -> None:
        super().__init__()
        self._verify = verify

    def authenticate(self, request, options):
        username, password = request.body.get("username"), request.body.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            self.fail({"message": "Missing credentials"}, 400)
            return None
        return call_verify(self._verify, username, password).then(self._verified)

    def _verified(self, result):
        user, info = result
        if user is None:
            self.fail(info or {"message": "Invalid username or password"})
        else:
            self.success(user, info)


class HeaderTokenStrategy(Strategy):
    def __init__(self, name: str, header: str, scheme: str | None, challenge: str, verify: Any) -> None:
        super().__init__()
        self.name, self._header, self._scheme, self._challenge, self._verify = name, header, scheme, challenge, verify

    async def authenticate(self, request, options):  # an async strategy, for variety
        value = request.headers.get(self._header)
        if value and self._scheme:
            scheme, _, value = value.partition(" ")
            value = value if scheme.lower() == self._scheme.lower() else None
        if not value:
            self.fail(self._challenge)
            return
        user, _ = await call_verify(self._verify, value)
        if user is None:
            self.fail(f'{self._challenge}, error="invalid_token"')
        else:
            self.success(user, {"scope": "read"})


class EchoStrategy(Strategy):
    name = "echo"

    def authenticate(self, request, options):
        self.success({"body": dict(request.body), "query": dict(request.query), "method": request.method})


class ExplodingStrategy(Strategy):
    name = "explode"

    def authenticate(self, request, options):
        raise RuntimeError("database down")


USERS: dict[str, User] = {}
PASSWORDS = {"alice": "wonderland", "bob": "builder"}
KEYS = {"key-alice": "alice"}
TOKENS = {"token-bob": "bob"}
SLOW = threading.Event()


def check_password(username: str, password: str) -> Any:
    if SLOW.is_set():
        time.sleep(0.5)  # a blocking hash: must run in a worker thread
    if PASSWORDS.get(username) == password:
        return USERS[username]
    return False, {"message": "Invalid username or password"}


async def check_password_async(username: str, password: str) -> Any:
    await asyncio.sleep(0)
    return check_password(username, password)


async def user_for_key(key: str) -> Any:
    return USERS.get(KEYS.get(key, ""))


def user_for_token(token: str) -> Any:
    return USERS.get(TOKENS.get(token, ""))


def make_passport() -> Passport:
    USERS.clear()
    USERS.update(alice=User("alice", "Alice", admin=True), bob=User("bob", "Bob"))
    passport = Passport()
    passport.use(PasswordStrategy(check_password))
    passport.use("async-password", PasswordStrategy(check_password_async))
    passport.use(HeaderTokenStrategy("bearer", "Authorization", "Bearer", 'Bearer realm="api"', user_for_token))
    passport.use(HeaderTokenStrategy("apikey", "X-API-Key", None, 'ApiKey realm="api"', user_for_key))
    passport.use(EchoStrategy())
    passport.use(ExplodingStrategy())
    passport.serializer(lambda user: user.id)

    @passport.deserializer
    async def deserialize(user_id: str) -> Any:
        return USERS.get(user_id)

    return passport


def middleware(passport: Passport, **options: Any) -> list[Middleware]:
    return [
        Middleware(SessionMiddleware, secret_key="test-secret"),
        Middleware(
            PassportMiddleware,
            passport=passport,
            scopes=lambda user: ["authenticated", "admin"] if getattr(user, "admin", False) else ["authenticated"],
            **options,
        ),
    ]


# -- a Starlette app ---------------------------------------------------------------------------


def make_starlette(**options: Any) -> Starlette:
    passport = make_passport()
    auth = PassportStarlette(passport)

    @auth.authenticate(
        "password", success_redirect="/me", failure_redirect="/login", failure_flash=True, success_flash="Hi!"
    ).protect
    async def login(request: Request) -> Any:
        raise AssertionError("a redirect route never reaches the endpoint")

    @auth.authenticate("async-password", keep_session_info=True).protect
    def login_async_sync_endpoint(request: Request) -> Any:  # a plain def endpoint, run in a thread
        return JSONResponse({"user": request.user.display_name, "info": request.state.auth_info})

    async def login_page(request: Request) -> Any:
        return JSONResponse({"flashes": get_flashed_messages(request, with_categories=True)})

    async def me(request: Request) -> Any:
        user = request.user
        return JSONResponse(
            {"user": user.display_name if user.is_authenticated else None, "scopes": request.auth.scopes}
        )

    @requires("authenticated", redirect="login_page")
    async def profile(request: Request) -> Any:
        return JSONResponse({"user": request.user.name, "flashes": get_flashed_messages(request)})

    @requires("admin", status_code=403)
    async def admin(request: Request) -> Any:
        return PlainTextResponse("admin")

    async def logout(request: Request) -> Any:
        await auth.alogout(request)
        return JSONResponse({"user": await auth.current_user(request)})

    async def login_as(request: Request) -> Any:
        await auth.alogin(request, USERS[request.path_params["name"]])
        return JSONResponse({"user": request.user.display_name})

    async def session_keys(request: Request) -> Any:
        return JSONResponse({"keys": sorted(request.session)})

    async def plant(request: Request) -> Any:
        request.session["plan"] = "x"
        return JSONResponse({})

    @auth.authenticate(["bearer", "apikey"], session=False).protect
    async def api(request: Request) -> Any:
        return JSONResponse({"user": request.user.name, "info": request.state.auth_info})

    @auth.authenticate(["bearer", "apikey"], session=False, fail_with_error=True).protect
    async def api_strict(request: Request) -> Any:
        return JSONResponse({"user": request.user.name})

    @auth.authorize("apikey").protect
    async def link(request: Request) -> Any:
        user = request.user
        return JSONResponse(
            {"account": request.state.account.name, "user": user.name if user.is_authenticated else None}
        )

    @auth.authenticate("echo", session=False).protect
    async def echo(request: Request) -> Any:
        if request.headers.get("content-type", "").startswith("multipart/"):
            await (await request.form()).close()  # the endpoint owns uploaded files, as in any Starlette app
        return JSONResponse(request.user.user)

    @auth.authenticate("explode").protect
    async def explode(request: Request) -> Any:
        raise AssertionError("unreachable")

    async def custom(request: Request) -> Any:
        outcome = await auth.attempt(request, "password")
        return JSONResponse({"action": outcome.action, "info": outcome.info})

    async def health(request: Request) -> Any:
        return PlainTextResponse("ok")

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(websocket.user.display_name if websocket.user.is_authenticated else "anonymous")
        await websocket.close()

    routes = [
        Route("/login", login, methods=["POST"]),
        Route("/login", login_page, methods=["GET"], name="login_page"),
        Route("/login/async", login_async_sync_endpoint, methods=["POST"]),
        Route("/me", me),
        Route("/profile", profile),
        Route("/admin", admin),
        Route("/logout", logout, methods=["POST"]),
        Route("/login-as/{name}", login_as, methods=["POST"]),
        Route("/session", session_keys),
        Route("/plant", plant, methods=["POST"]),
        Route("/api", api, methods=["GET", "POST"]),
        Route("/api/strict", api_strict),
        Route("/link", link),
        Route("/echo", echo, methods=["GET", "POST"]),
        Route("/explode", explode),
        Route("/custom", custom, methods=["POST"]),
        Route("/health", health),
        WebSocketRoute("/ws", socket),
    ]
    return Starlette(routes=routes, middleware=middleware(passport, **options))


@pytest.fixture
def client() -> Any:
    with TestClient(make_starlette()) as test_client:
        yield test_client


def login(client: Any, username: str = "alice", password: str = "wonderland") -> Any:
    return client.post("/login", data={"username": username, "password": password}, follow_redirects=False)


def me(client: Any) -> Any:
    return client.get("/me").json()["user"]


# -- Starlette: login, flash, sessions ---------------------------------------------------------


def test_a_good_password_logs_in_and_redirects_with_the_success_flash(client: Any) -> None:
    response = login(client)
    assert (response.status_code, response.headers["location"]) == (302, "/me")
    assert client.get("/profile").json() == {"user": "Alice", "flashes": ["Hi!"]}


def test_a_wrong_password_redirects_with_a_failure_flash(client: Any) -> None:
    response = login(client, password="nope")
    assert (response.status_code, response.headers["location"]) == (302, "/login")
    assert client.get("/login").json() == {"flashes": [["error", "Invalid username or password"]]}
    assert me(client) is None


def test_requires_authenticated_uses_the_restored_user(client: Any) -> None:
    response = client.get("/profile", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/login")
    login(client)
    assert client.get("/profile").json()["user"] == "Alice"


def test_scopes_can_depend_on_the_user(client: Any) -> None:
    login(client, "bob", "builder")
    assert client.get("/admin").status_code == 403
    login(client)
    assert client.get("/admin").text == "admin"
    assert client.get("/me").json() == {"user": "Alice", "scopes": ["authenticated", "admin"]}


def test_an_async_verify_and_a_sync_endpoint(client: Any) -> None:
    response = client.post("/login/async", data={"username": "bob", "password": "builder"})
    assert response.json() == {"user": "Bob", "info": {}}
    assert me(client) == "Bob"


def test_login_regenerates_the_session_and_drops_pre_login_keys(client: Any) -> None:
    client.post("/plant")
    before = client.cookies.get("session")
    login(client)
    assert client.cookies.get("session") != before
    assert client.get("/session").json() == {"keys": ["_flashes", "passport"]}


def test_keep_session_info_keeps_pre_login_keys(client: Any) -> None:
    client.post("/plant")
    client.post("/login/async", data={"username": "bob", "password": "builder"})
    assert client.get("/session").json() == {"keys": ["passport", "plan"]}


def test_logout_clears_the_user_and_the_session_cookie(client: Any) -> None:
    login(client)
    assert client.post("/logout").json() == {"user": None}
    assert client.cookies.get("session") is None
    assert me(client) is None


def test_alogin_sets_request_user_at_once_and_for_later_requests(client: Any) -> None:
    assert client.post("/login-as/bob").json() == {"user": "Bob"}
    assert me(client) == "Bob"


def test_a_deleted_user_becomes_anonymous(client: Any) -> None:
    client.post("/login-as/alice")
    del USERS["alice"]
    assert me(client) is None
    assert client.get("/session").json() == {"keys": ["passport"]}


def test_a_second_client_never_sees_the_first_clients_user() -> None:
    app = make_starlette()
    with TestClient(app) as first, TestClient(app) as second:
        login(first)
        assert me(first) == "Alice"
        assert me(second) is None


def test_a_tampered_session_cookie_is_anonymous(client: Any) -> None:
    client.cookies.set("session", "garbage")
    assert me(client) is None


def test_the_websocket_user_is_restored(client: Any) -> None:
    login(client)
    with client.websocket_connect("/ws") as websocket:
        assert websocket.receive_text() == "Alice"


def test_a_regenerate_hook_is_called_on_login_and_logout() -> None:
    calls: list[str] = []
    with TestClient(make_starlette(regenerate_session=lambda conn: calls.append(conn.url.path))) as client:
        login(client)
        client.post("/logout")
    assert calls == ["/login", "/logout"]


# -- Starlette: APIs and errors ----------------------------------------------------------------


def test_a_bearer_token_or_an_api_key_authenticates_the_api(client: Any) -> None:
    response = client.get("/api", headers={"Authorization": "Bearer token-bob"})
    assert response.json() == {"user": "Bob", "info": {"scope": "read"}}
    assert client.get("/api", headers={"X-API-Key": "key-alice"}).json()["user"] == "Alice"


def test_an_api_401_carries_every_challenge(client: Any) -> None:
    response = client.get("/api")
    assert response.status_code == 401
    assert response.headers.get_list("www-authenticate") == ['Bearer realm="api"', 'ApiKey realm="api"']
    assert response.headers["cache-control"] == "no-store"
    assert response.text == "Unauthorized"


def test_a_session_false_api_sets_no_cookie(client: Any) -> None:
    response = client.get("/api", headers={"X-API-Key": "key-alice"})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_a_stale_session_does_not_override_the_api_keys_identity(client: Any) -> None:
    login(client, "bob", "builder")
    assert client.get("/api", headers={"X-API-Key": "key-alice"}).json()["user"] == "Alice"


def test_authorize_sets_the_account_and_leaves_the_login_alone(client: Any) -> None:
    login(client, "bob", "builder")
    assert client.get("/link", headers={"X-API-Key": "key-alice"}).json() == {"account": "Alice", "user": "Bob"}


def test_fail_with_error_is_rendered_with_every_challenge(client: Any) -> None:
    response = client.get("/api/strict")
    assert response.status_code == 401
    assert response.headers.get_list("www-authenticate") == ['Bearer realm="api"', 'ApiKey realm="api"']


def test_fail_with_error_reaches_an_exception_handler_for_authentication_error() -> None:
    app = make_starlette()

    async def handler(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, AuthenticationError)
        return JSONResponse({"challenges": exc.challenges}, 401)

    app.add_exception_handler(AuthenticationError, handler)
    with TestClient(app) as client:
        assert client.get("/api/strict").json() == {"challenges": ['Bearer realm="api"', 'ApiKey realm="api"']}


def test_a_strategy_error_reaches_the_apps_exception_handlers() -> None:
    app = make_starlette()

    async def handler(request: Request, exc: Exception) -> Any:
        return PlainTextResponse("unavailable", 503)

    app.add_exception_handler(RuntimeError, handler)
    with TestClient(app) as client:
        assert client.get("/explode").status_code == 503


def test_a_strategy_error_without_a_handler_is_a_generic_500() -> None:
    with TestClient(make_starlette(), raise_server_exceptions=False) as client:
        response = client.get("/explode")
    assert response.status_code == 500
    assert "database down" not in response.text


class ExplodingUsers(dict):
    def get(self, key, default=None):
        raise RuntimeError("canary-7d1e: database down")


def test_a_failing_deserializer_fails_closed_without_leaking(monkeypatch: pytest.MonkeyPatch) -> None:
    with TestClient(make_starlette(), raise_server_exceptions=False) as client:
        client.post("/login-as/alice")
        monkeypatch.setattr(f"{__name__}.USERS", ExplodingUsers(USERS))
        response = client.get("/me")
    assert response.status_code == 500
    assert "canary" not in response.text


def test_attempt_hands_back_the_outcome(client: Any) -> None:
    response = client.post("/custom", data={"username": "alice", "password": "x"})
    assert response.json() == {"action": "fail", "info": {"message": "Invalid username or password"}}
    assert me(client) is None


# -- request bodies ----------------------------------------------------------------------------


def test_a_repeated_form_field_arrives_as_a_list(client: Any) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    body = client.post("/echo?q=1&q=2", content=b"a=1&a=2&b=3", headers=headers).json()
    assert body == {"body": {"a": ["1", "2"], "b": "3"}, "query": {"q": ["1", "2"]}, "method": "POST"}


def test_a_json_object_keeps_its_types_and_an_array_gives_no_fields(client: Any) -> None:
    assert client.post("/echo", json={"n": 1, "ok": True}).json()["body"] == {"n": 1, "ok": True}
    assert client.post("/echo", json=[1]).json()["body"] == {}


def test_multipart_text_fields_are_read(client: Any) -> None:
    response = client.post("/echo", data={"a": "1"}, files={"f": ("f.txt", b"file")})
    assert response.json()["body"] == {"a": "1"}


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"a": "\xff"}', "application/json", 400),
        (b"[" * 100_000, "application/json", 400),
        (b"username=\xff", "application/x-www-form-urlencoded", 400),
        (b"username=%FF", "application/x-www-form-urlencoded", 400),
        (b"a=1", "application/x-www-form-urlencoded; charset=klingon", 415),
        (b"a=" + b"x" * (1024 * 1024 + 1), "application/x-www-form-urlencoded", 413),
        (b"--x\r\nbroken", "multipart/form-data", 400),
    ],
)
def test_a_malformed_body_is_a_clean_4xx(client: Any, data: bytes, content_type: str, status: int) -> None:
    response = client.post("/login", content=data, headers={"content-type": content_type}, follow_redirects=False)
    assert response.status_code == status


def test_a_repeated_username_never_logs_in(client: Any) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    data = b"username=alice&username=bob&password=wonderland"
    response = client.post("/login", content=data, headers=headers, follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert me(client) is None


# -- middleware configuration ------------------------------------------------------------------


def test_a_missing_session_middleware_is_a_clear_error() -> None:
    app = Starlette(routes=[Route("/", lambda r: PlainTextResponse(""))])
    app.add_middleware(PassportMiddleware, passport=make_passport())
    with TestClient(app) as client, pytest.raises(SessionError, match="SessionMiddleware"):
        client.get("/")


def test_an_app_without_sessions_uses_session_false() -> None:
    passport = make_passport()
    auth = PassportStarlette(passport)

    @auth.authenticate("apikey", session=False).protect
    async def api(request: Request) -> Any:
        return PlainTextResponse(request.user.display_name)

    app = Starlette(
        routes=[Route("/", api)], middleware=[Middleware(PassportMiddleware, passport=passport, session=False)]
    )
    with TestClient(app) as client:
        assert client.get("/", headers={"X-API-Key": "key-alice"}).text == "Alice"


def test_lifespan_passes_through_the_middleware() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    app = Starlette(routes=[], middleware=middleware(make_passport()), lifespan=lifespan)
    with TestClient(app):
        pass
    assert events == ["startup", "shutdown"]


def test_passport_user_exposes_the_apps_user() -> None:
    user = PassportUser(User("7", "Seven"))
    assert (user.is_authenticated, user.display_name, user.identity, user.name) == (True, "Seven", "7", "Seven")
    assert PassportUser({"username": "ann"}).display_name == "ann"
    assert copy.copy(user).user is user.user
    with pytest.raises(AttributeError):
        _ = user.missing


async def test_a_slow_sync_verify_does_not_block_the_event_loop() -> None:
    SLOW.set()
    try:
        transport = httpx.ASGITransport(app=make_starlette())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            slow = asyncio.create_task(client.post("/login", data={"username": "alice", "password": "wonderland"}))
            await asyncio.sleep(0.05)
            started = time.perf_counter()
            assert (await client.get("/health")).text == "ok"
            assert time.perf_counter() - started < 0.3
            assert not slow.done()
            assert (await slow).status_code == 302
    finally:
        SLOW.clear()


# -- FastAPI dependencies ----------------------------------------------------------------------


def make_fastapi() -> FastAPI:
    passport = make_passport()
    auth = PassportStarlette(passport, login_url="/login")
    app = FastAPI(middleware=middleware(passport))

    api_user = Depends(auth.authenticate(["bearer", "apikey"], session=False))
    strict_user = Depends(auth.authenticate("bearer", session=False, fail_with_error=True))
    form_login = Depends(auth.authenticate("password", success_redirect="/me"))
    return_login = Depends(auth.authenticate("password", success_return_to_or_redirect="/me", success_message=True))
    json_login = Depends(auth.authenticate("async-password"))
    linked = Depends(auth.authorize("apikey"))

    @app.get("/api/me")
    async def api_me(user: Annotated[Any, api_user]) -> Any:
        return {"user": user.name}

    @app.get("/api/strict")
    async def api_strict(user: Annotated[Any, strict_user]) -> Any:
        return {"user": user.name}

    @app.post("/login")
    async def login_route(user: Annotated[Any, form_login]) -> Any:
        raise AssertionError("unreachable")

    @app.post("/login/return")
    async def login_return(user: Annotated[Any, return_login]) -> Any:
        raise AssertionError("unreachable")

    @app.post("/login/json")
    def login_json(user: Annotated[Any, json_login]) -> Any:
        return {"user": user.name}

    @app.post("/login/form")
    async def login_form(username: Annotated[str, Form()], user: Annotated[Any, json_login]) -> Any:
        return {"user": user.name, "username": username}

    @app.get("/me")
    async def whoami(request: Request, user: Annotated[Any, Depends(auth.current_user)]) -> Any:
        return {"user": None if user is None else user.name, "starlette": request.user.is_authenticated}

    @app.get("/profile")
    async def profile(user: Annotated[Any, Depends(auth.login_required)]) -> Any:
        return {"user": user.name}

    @app.get("/link")
    async def link(account: Annotated[Any, linked]) -> Any:
        return {"account": account.name}

    @app.post("/logout")
    async def logout(request: Request) -> Any:
        await auth.alogout(request)
        return RedirectResponse("/me", 303)

    return app


@pytest.fixture
def api() -> Any:
    with TestClient(make_fastapi()) as test_client:
        yield test_client


def test_a_fastapi_dependency_returns_the_user(api: Any) -> None:
    assert api.get("/api/me", headers={"Authorization": "Bearer token-bob"}).json() == {"user": "Bob"}
    assert api.get("/api/me", headers={"X-API-Key": "key-alice"}).json() == {"user": "Alice"}


def test_a_fastapi_dependency_401_carries_every_challenge_and_no_cookie(api: Any) -> None:
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response.headers.get_list("www-authenticate") == ['Bearer realm="api"', 'ApiKey realm="api"']
    assert response.json() == {"detail": "Unauthorized"}
    assert "set-cookie" not in response.headers


def test_fail_with_error_in_a_dependency_is_a_401_with_the_challenge(api: Any) -> None:
    response = api.get("/api/strict")
    assert response.status_code == 401
    assert response.headers.get_list("www-authenticate") == ['Bearer realm="api"']


def test_a_fastapi_login_redirects_and_the_session_is_restored(api: Any) -> None:
    response = api.post("/login", data={"username": "alice", "password": "wonderland"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/me")
    assert api.get("/me").json() == {"user": "Alice", "starlette": True}
    assert api.post("/logout").json() == {"user": None, "starlette": False}


def test_a_fastapi_json_login_with_an_async_verify(api: Any) -> None:
    assert api.post("/login/json", json={"username": "bob", "password": "builder"}).json() == {"user": "Bob"}
    assert api.get("/me").json()["user"] == "Bob"


def test_a_dependency_after_fastapi_read_the_form_params(api: Any) -> None:
    response = api.post("/login/form", data={"username": "bob", "password": "builder"})
    assert response.json() == {"user": "Bob", "username": "bob"}


def test_login_required_redirects_and_login_returns_to_the_page(api: Any) -> None:
    response = api.get("/profile?tab=1", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/login")
    data = {"username": "alice", "password": "wonderland"}
    response = api.post("/login/return", data=data, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/profile?tab=1")
    assert api.get("/profile").json() == {"user": "Alice"}


def test_a_fastapi_authorize_dependency_returns_the_account(api: Any) -> None:
    assert api.get("/link", headers={"X-API-Key": "key-alice"}).json() == {"account": "Alice"}


def test_a_malformed_body_in_a_fastapi_dependency_is_a_400(api: Any) -> None:
    response = api.post("/login/json", content=b"{oops", headers={"content-type": "application/json"})
    assert response.status_code == 400


# -- security items 2, 4, 5, 7: the session cookie ------------------------------------------------


@pytest.mark.parametrize(
    ("https_only", "debug", "warned"),
    [(False, False, True), (True, False, False), (False, True, False)],
    ids=["http cookie", "https_only", "debug mode"],
)
def test_the_middleware_warns_once_about_a_session_cookie_sent_over_http(
    caplog: pytest.LogCaptureFixture, https_only: bool, debug: bool, warned: bool
) -> None:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    passport = Passport()
    app = Starlette(
        debug=debug,
        routes=[Route("/", lambda request: PlainTextResponse("ok"))],
        middleware=[
            Middleware(SessionMiddleware, secret_key="s", https_only=https_only),
            Middleware(PassportMiddleware, passport=passport),
        ],
    )
    with (
        caplog.at_level("WARNING", logger="passport.starlette"),
        TestClient(app, base_url="https://testserver") as client,
    ):
        client.get("/")
        client.get("/")
    messages = [r.getMessage() for r in caplog.records if "https_only" in r.getMessage()]
    assert len(messages) == (1 if warned else 0)
