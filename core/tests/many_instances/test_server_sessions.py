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


@pytest.fixture(scope="module", params=sorted(SERVERS))
def running_instances(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[list[AppServer]]:
    servers = start_instances(request.param, redis_server.url, 3)
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def instances(running_instances: list[AppServer], redis_server: RedisServer) -> list[AppServer]:
    """Three instances of one recipe, and an empty Redis for each test."""
    redis_server.flush()
    return running_instances


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


def remember_cookie(response: httpx.Response) -> str:
    value = response.cookies.get("remember_token")
    assert value, f"no remember-me cookie in {response.headers.get_list('set-cookie')}"
    return value


def get_with_token(server: AppServer, path: str, token: str) -> httpx.Response:
    """A browser whose session expired: it sends only its remember-me cookie."""
    return httpx.get(f"{server.url}{path}", cookies={"remember_token": token}, timeout=10)


def test_a_remember_me_token_restores_once_and_cannot_be_replayed_on_another_instance(
    instances: list[AppServer],
) -> None:
    a, b, c = instances
    login = post(a, "/login", None, {**CREDENTIALS, "remember": "on"})
    assert login.status_code == 200, login.text
    first_token = remember_cookie(login)
    fresh_session = session_cookie(login)
    assert get_me(b, fresh_session).status_code == 200
    settings = httpx.get(f"{b.url}/settings", cookies={"session": fresh_session}, timeout=10)
    assert settings.status_code == 200, "a login that just entered the password is fresh"

    restored = get_with_token(a, "/me", first_token)
    assert restored.json() == {"user": "ann"}
    second_token = remember_cookie(restored)
    assert second_token != first_token
    remembered_session = session_cookie(restored)
    assert get_me(c, remembered_session).json() == {"user": "ann"}
    stale = httpx.get(f"{c.url}/settings", cookies={"session": remembered_session}, timeout=10)
    assert stale.status_code == 401, "a remembered login is never fresh"

    replay = get_with_token(b, "/me", first_token)  # the spent token, on another instance
    assert replay.status_code == 401
    # The replay reveals a copy: the series is revoked, the rotated token ends too.
    assert get_with_token(c, "/me", second_token).status_code == 401


def test_one_token_sent_to_three_instances_at_once_logs_in_exactly_once(instances: list[AppServer]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    token = remember_cookie(post(instances[0], "/login", None, {**CREDENTIALS, "remember": "on"}))
    with ThreadPoolExecutor(max_workers=9) as pool:
        statuses = list(pool.map(lambda s: get_with_token(s, "/me", token).status_code, instances * 3))
    assert sorted(statuses) == [200] + [401] * 8


def test_logout_revokes_the_remember_me_token_everywhere(instances: list[AppServer]) -> None:
    a, b, c = instances
    login = post(a, "/login", None, {**CREDENTIALS, "remember": "on"})
    token = remember_cookie(login)
    logout = httpx.post(
        f"{b.url}/logout", cookies={"session": session_cookie(login), "remember_token": token}, timeout=10
    )
    assert logout.status_code == 200
    assert 'remember_token=""' in logout.headers.get("set-cookie", "") or "remember_token=;" in logout.headers.get(
        "set-cookie", ""
    )
    assert get_with_token(c, "/me", token).status_code == 401
