"""Remember-me and fresh logins through real Flask and Starlette apps (in-memory store)."""

from __future__ import annotations

from typing import Any

import flask
from _testclient import TestClient
from conftest import USERS
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from passport.core import Passport
from passport.core import RememberMe
from passport.flask import PassportFlask
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.strategies.local import LocalStrategy


def make_passport() -> Passport:
    passport = Passport(remember_me=RememberMe(secure=False))
    passport.use(LocalStrategy(lambda u, p: USERS.get(u) if p == "pw" else None))
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda user_id: USERS.get(user_id))
    return passport


def flask_app() -> flask.Flask:
    app = flask.Flask(__name__)
    app.config.update(SECRET_KEY="test", TESTING=True)
    auth = PassportFlask(make_passport(), app, login_url="/login")

    @app.post("/login")
    @auth.authenticate("local", remember="remember")
    def login() -> Any:
        return {"user": auth.current_user["id"]}

    @app.get("/me")
    @auth.login_required
    def me() -> Any:
        return {"user": auth.current_user["id"]}

    @app.get("/settings")
    @auth.fresh_login_required(max_age=300)
    def settings() -> Any:
        return {"fresh": True}

    @app.post("/logout")
    def logout() -> Any:
        auth.logout_user()
        return {}

    return app


def starlette_app() -> Starlette:
    passport = make_passport()
    auth = PassportStarlette(passport, login_url="/login")

    async def login(request: Request) -> JSONResponse:
        return JSONResponse({"user": request.user.identity})

    async def me(request: Request) -> JSONResponse:
        user = await auth.login_required(request)
        return JSONResponse({"user": user["id"]})

    async def settings(request: Request) -> JSONResponse:
        await auth.fresh_login_required(max_age=300)(request)
        return JSONResponse({"fresh": True})

    async def logout(request: Request) -> JSONResponse:
        await auth.alogout(request)
        return JSONResponse({})

    routes = [
        Route("/login", auth.authenticate("local", remember="remember").protect(login), methods=["POST"]),
        Route("/me", me),
        Route("/settings", settings),
        Route("/logout", logout, methods=["POST"]),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key="test"), Middleware(PassportMiddleware, passport=passport)]
    app = Starlette(routes=routes, middleware=middleware)
    PassportStarlette(passport, app)  # exception handlers: a PassportHTTPException is its response
    return app


class Browser:
    """Cookies kept by hand: every request goes out with exactly the cookies the test chose."""

    def __init__(self, make_client: Any, cookies: dict[str, str] | None = None) -> None:
        self.make_client = make_client
        self.cookies = dict(cookies or {})

    def send(self, method: str, path: str, data: dict[str, str] | None = None) -> Any:
        header = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.make_client().open(path, method=method, data=data, headers={"Cookie": header})
        for value in (
            response.headers.getlist("Set-Cookie")
            if hasattr(response.headers, "getlist")
            else (response.headers.get_list("set-cookie"))
        ):
            name, _, rest = value.partition("=")
            cookie_value = rest.split(";", 1)[0].strip('"')
            if cookie_value and "max-age=0" not in value.lower() and "expires=thu, 01 jan 1970" not in value.lower():
                self.cookies[name] = cookie_value
            else:
                self.cookies.pop(name, None)
        return response


def status_of(response: Any) -> int:
    return int(getattr(response, "status_code", 0))


def check_remember_and_fresh(make_client: Any) -> None:
    browser = Browser(make_client)
    login = browser.send("POST", "/login", {"username": "ann", "password": "pw", "remember": "on"})
    assert status_of(login) == 200
    token = browser.cookies["remember_token"]
    assert status_of(browser.send("GET", "/settings")) == 200  # just logged in: fresh

    expired = Browser(make_client, {"remember_token": token})  # the session expired; the token did not
    me = expired.send("GET", "/me")
    assert status_of(me) == 200
    assert expired.cookies["remember_token"] != token, "every use rotates the token"
    stale = expired.send("GET", "/settings")
    assert (status_of(stale), stale.headers["location"]) == (302, "/login"), "a remembered login is not fresh"

    replay = Browser(make_client, {"remember_token": token})
    assert status_of(replay.send("GET", "/me")) == 302
    rotated = Browser(make_client, {"remember_token": expired.cookies["remember_token"]})
    assert status_of(rotated.send("GET", "/me")) == 302, "the replay revoked the series"

    again = Browser(make_client)
    again.send("POST", "/login", {"username": "ann", "password": "pw", "remember": "on"})
    kept = again.cookies["remember_token"]
    again.send("POST", "/logout")
    assert "remember_token" not in again.cookies, "logout clears the cookie"
    assert status_of(Browser(make_client, {"remember_token": kept}).send("GET", "/me")) == 302


def test_flask() -> None:
    app = flask_app()
    check_remember_and_fresh(lambda: app.test_client(use_cookies=False))


def test_flask_without_the_box_ticked_issues_no_token() -> None:
    app = flask_app()
    login = app.test_client().post("/login", data={"username": "ann", "password": "pw"})
    assert login.status_code == 200
    assert not any(v.startswith("remember_token=") for v in login.headers.getlist("Set-Cookie"))


class _StarletteClient:
    def __init__(self, app: Starlette) -> None:
        self.client = TestClient(app, follow_redirects=False)

    def open(self, path: str, *, method: str, data: Any, headers: dict[str, str]) -> Any:
        return self.client.request(method, path, data=data, headers=headers)


def test_starlette() -> None:
    app = starlette_app()
    check_remember_and_fresh(lambda: _StarletteClient(app))


def test_starlette_refuses_a_remember_cookie_no_middleware_would_send() -> None:
    import pytest

    from passport.core import SessionError

    remembering = make_passport()
    plain = Passport()  # the middleware's Passport has no remember-me: it adds no headers
    auth = PassportStarlette(remembering)

    async def login(request: Request) -> JSONResponse:
        return JSONResponse({})

    app = Starlette(
        routes=[Route("/login", auth.authenticate("local", remember=True).protect(login), methods=["POST"])],
        middleware=[Middleware(SessionMiddleware, secret_key="test"), Middleware(PassportMiddleware, passport=plain)],
    )
    with pytest.raises(SessionError, match="the one with remember_me"):
        TestClient(app).post("/login", data={"username": "ann", "password": "pw"})
