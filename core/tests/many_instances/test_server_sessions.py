"""The README's server-side session recipes, run as three app processes sharing one real Redis.

Log in through A, use the session through B, log out through C: the session is dead everywhere,
and every id the user held before (the one before a re-login, the one before logout) stops
working, because passport rotates ids and the old entries leave Redis. With Redis stopped the
apps answer 503, never 500, and after a restart the session Redis kept is still there.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import httpx
import pytest
import redis
from app_servers import AppServer
from redis_server import RedisServer

RECIPES = pathlib.Path(__file__).resolve().parents[3] / "docs" / "recipes"
SERVERS = {"starlette": ("starlette_redis_sessions:app", "asgi"), "flask": ("flask_redis_sessions:app", "wsgi")}
CREDENTIALS = {"username": "ann", "password": "correct horse"}


def start_instances(recipe: str, redis_url: str, count: int) -> list[AppServer]:
    app, kind = SERVERS[recipe]
    env = {"REDIS_URL": redis_url, "SECRET_KEY": "recipe-test-secret", "COOKIE_HTTPS_ONLY": "0"}
    servers: list[AppServer] = []
    try:
        for _ in range(count):
            servers.append(AppServer(app, kind=kind, env=env, cwd=str(RECIPES)).start())
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


@pytest.fixture(params=sorted(SERVERS))
def instances(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[list[AppServer]]:
    redis_server.flush()
    servers = start_instances(request.param, redis_server.url, 3)
    yield servers
    for server in servers:
        server.stop()


def get_me(server: AppServer, cookie: str | None) -> httpx.Response:
    cookies = {"session": cookie} if cookie else {}
    return httpx.get(f"{server.url}/me", cookies=cookies, timeout=10)


def post(server: AppServer, path: str, cookie: str | None, data: dict[str, str] | None = None) -> httpx.Response:
    cookies = {"session": cookie} if cookie else {}
    return httpx.post(f"{server.url}{path}", cookies=cookies, data=data, timeout=10)


def session_cookie(response: httpx.Response) -> str:
    value = response.cookies.get("session")
    assert value, f"no session cookie in {response.headers.get_list('set-cookie')}"
    return value


def stored_session_keys(redis_url: str) -> list[bytes]:
    client = redis.Redis.from_url(redis_url)
    try:
        return [key for key in client.keys("*") if b"session" in key]
    finally:
        client.close()


def test_login_use_and_logout_across_three_instances(instances: list[AppServer], redis_server: RedisServer) -> None:
    a, b, c = instances
    assert get_me(a, None).status_code == 401

    login = post(a, "/login", None, CREDENTIALS)
    assert login.status_code == 200, login.text
    first = session_cookie(login)
    assert get_me(b, first).json() == {"user": "ann"}
    assert get_me(c, first).json() == {"user": "ann"}

    # Logging in again (through another instance) rotates the id: the old one is gone everywhere.
    relogin = post(c, "/login", first, CREDENTIALS)
    second = session_cookie(relogin)
    assert second != first
    for server in instances:
        assert get_me(server, first).status_code == 401
        assert get_me(server, second).json() == {"user": "ann"}

    logout = post(c, "/logout", second)
    assert logout.status_code == 200
    for server in (a, b, c):
        assert get_me(server, second).status_code == 401, "the logged-out session must be dead on every instance"
        assert get_me(server, first).status_code == 401
    assert not any(first.encode() in key or second.encode() in key for key in stored_session_keys(redis_server.url))


def test_a_failed_login_keeps_no_session_alive(instances: list[AppServer]) -> None:
    a, b, _ = instances
    wrong = post(a, "/login", None, {"username": "ann", "password": "wrong"})
    assert wrong.status_code == 401
    assert get_me(b, wrong.cookies.get("session")).status_code == 401


@pytest.mark.parametrize("recipe", sorted(SERVERS))
def test_redis_down_answers_503_and_a_restart_keeps_the_session(recipe: str, own_redis_server: RedisServer) -> None:
    (server,) = start_instances(recipe, own_redis_server.url, 1)
    try:
        cookie = session_cookie(post(server, "/login", None, CREDENTIALS))
        assert get_me(server, cookie).status_code == 200

        own_redis_server.stop()
        for _ in range(3):  # every request while it is down: a clear 503, never a 500
            down = get_me(server, cookie)
            assert down.status_code == 503, down.text
            assert down.headers["retry-after"] == "5"
            assert "session store" in down.text
        assert post(server, "/login", None, CREDENTIALS).status_code == 503

        own_redis_server.start()
        back = get_me(server, cookie)
        assert back.status_code == 200, back.text
        assert back.json() == {"user": "ann"}
    finally:
        server.stop()
