"""Three real app processes (two uvicorn, one waitress) sharing one real redis-server.

The test is the load balancer: attempts are spread over the processes at once. Clients are told
apart by their source address: the loopback network is a /8, so 127.0.0.2 and 127.0.0.3 are
other clients of the same servers.
"""

from __future__ import annotations

import logging
import pathlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from app_servers import AppServer
from redis_server import RedisServer

HERE = str(pathlib.Path(__file__).resolve().parent)
PASSWORD = "correct horse battery staple"  # ann's, in throttle_apps


def start_apps(redis_url: str, on_storage_error: str = "closed") -> list[AppServer]:
    env = {"THROTTLE_STORAGE": redis_url, "THROTTLE_ON_STORAGE_ERROR": on_storage_error, "PYTHONPATH": HERE}
    apps = [
        AppServer("throttle_apps:asgi_app", kind="asgi", env=env, cwd=HERE),
        AppServer("throttle_apps:asgi_app", kind="asgi", env=env, cwd=HERE),
        AppServer("throttle_apps:wsgi_app", kind="wsgi", env=env, cwd=HERE),
    ]
    started: list[AppServer] = []
    try:
        for app in apps:
            started.append(app.start())
    except BaseException:
        for app in started:
            app.stop()
        raise
    return started


@pytest.fixture(scope="module")
def apps(redis_server: RedisServer) -> Iterator[list[AppServer]]:
    servers = start_apps(redis_server.url)
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def shared(redis_server: RedisServer, apps: list[AppServer]) -> list[AppServer]:
    redis_server.flush()
    return apps


def client(source: str = "127.0.0.1") -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30)


def post(http: httpx.Client, app: AppServer, username: str, password: str = "wrong") -> httpx.Response:
    return http.post(f"{app.url}/login", data={"username": username, "password": password})


def at_once(count: int, send: object) -> list[httpx.Response]:
    """``count`` requests released together by a barrier, one thread each."""
    barrier = threading.Barrier(count)

    def one(i: int) -> httpx.Response:
        barrier.wait()
        return send(i)  # type: ignore[operator,no-any-return]

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_concurrent_failures_over_three_processes_are_refused_exactly_at_the_limit(shared: list[AppServer]) -> None:
    started = time.time()
    with client() as http:
        answers = at_once(24, lambda i: post(http, shared[i % 3], "ann"))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [401] * 5 + [429] * 19  # per account: 5 per 5 minutes, not one more
    served_by = {i % 3 for i, r in enumerate(answers) if r.status_code == 429}
    assert served_by == {0, 1, 2}  # every process refused: the count is shared
    elapsed = time.time() - started
    for refused in (r for r in answers if r.status_code == 429):
        assert 300 - elapsed - 1 <= int(refused.headers["Retry-After"]) <= 300
    with client() as http:
        assert post(http, shared[2], "ann", PASSWORD).status_code == 429  # still refused, on any process
        assert post(http, shared[0], "bob").status_code == 401  # another account: unaffected
    with client("127.0.0.2") as other:
        assert post(other, shared[1], "ann", PASSWORD).status_code == 200  # another client: unaffected


def test_concurrent_failures_from_one_client_hit_the_client_limit_exactly(shared: list[AppServer]) -> None:
    with client("127.0.0.3") as http:
        answers = at_once(32, lambda i: post(http, shared[i % 3], f"user{i}"))
        assert sorted(r.status_code for r in answers) == [401] * 20 + [429] * 12  # 20 per minute
        assert all(55 <= int(r.headers["Retry-After"]) <= 60 for r in answers if r.status_code == 429)
        assert post(http, shared[0], "someone-else").status_code == 429
    with client("127.0.0.4") as neighbour:
        assert post(neighbour, shared[2], "someone-else").status_code == 401


def test_a_success_on_one_process_clears_the_account_count_on_all(shared: list[AppServer]) -> None:
    with client() as http:
        for i in range(4):
            assert post(http, shared[i % 3], "ann").status_code == 401
        assert post(http, shared[1], "ann", PASSWORD).status_code == 200
        statuses = [post(http, shared[i % 3], "ann").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]


@pytest.mark.parametrize("mode", ["closed", "open"])
def test_redis_stopped_and_restarted_follows_the_setting_and_never_answers_500(
    own_redis_server: RedisServer, mode: str
) -> None:
    servers = start_apps(own_redis_server.url, mode)
    try:
        with client() as http:
            for i in range(3):
                assert post(http, servers[i], "ann").status_code == 401  # counted in Redis
            own_redis_server.stop()
            during = [post(http, servers[i % 3], "ann") for i in range(6)]
            if mode == "closed":
                assert [r.status_code for r in during] == [503] * 6
                assert all(r.headers["Retry-After"] == "5" for r in during)
            else:
                assert [r.status_code for r in during] == [401] * 6  # let through, uncounted
            own_redis_server.start()
            # Redis kept the 3 failures (append-only file): 2 more are allowed, then 429, on every process.
            after = [post(http, servers[i % 3], "ann").status_code for i in range(3)]
            assert after == [401, 401, 429]
    finally:
        for server in servers:
            server.stop()


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    from passport.core import Passport
    from passport.plugins.throttle import LoginThrottle
    from passport.strategies.local import LocalStrategy
    from passport.strategy_runner import make_request

    passport = Passport()
    passport.use(LocalStrategy(lambda username, password: None))
    passport.register_plugin(LoginThrottle(storage=own_redis_server.url, on_storage_error="closed"))
    guard = passport.authenticate("local", session=False)

    def run() -> int:
        answer = guard.run(make_request(method="POST", body={"username": "ann", "password": "x"}))
        return 200 if answer is None else answer.status

    with caplog.at_level(logging.INFO, logger="passport.plugins.throttle"):
        assert run() == 401
        own_redis_server.stop()
        assert [run() for _ in range(5)] == [503] * 5
        own_redis_server.start()
        assert [run() for _ in range(5)] == [401, 401, 401, 401, 429]  # the first failure was kept
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if "unreachable" in m]) == 1
    assert len([m for m in messages if "reachable again" in m]) == 1
    assert own_redis_server.url not in caplog.text and str(own_redis_server.port) not in caplog.text
