"""What passport adds to restoring a user from a server-side session, in memory and in Redis.

Four Starlette apps with starsessions, called in-process with the same session cookie: the
store in memory or in a real ``redis-server`` on loopback, each with passport's
``PassportMiddleware`` restoring the user and without passport, where the endpoint reads
``session["passport"]["user"]`` and looks the user up itself (what an app without passport
does). The budget (issue 13): passport's part with Redis is at most 5 µs over its part in
memory — the store's round trip, which both apps pay, is the only real cost.
"""

from __future__ import annotations

import asyncio
import gc
import os
import pathlib
import statistics
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "testing"))

USERS = {"7": {"id": "7", "name": "ann"}}
SESSION_ID = "bench-session-0123456789abcdef"


def _apps(store: Any) -> dict[str, Any]:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starsessions import SessionAutoloadMiddleware
    from starsessions import SessionMiddleware

    from passport.core import Passport
    from passport.core import nonblocking
    from passport.starlette import PassportMiddleware

    async def by_hand(request: Request) -> PlainTextResponse:
        user = USERS.get(request.session.get("passport", {}).get("user"))
        return PlainTextResponse(user["name"] if user else "anonymous")

    async def with_passport(request: Request) -> PlainTextResponse:
        user = request.user
        return PlainTextResponse(user.user["name"] if user.is_authenticated else "anonymous")  # the app's own object

    passport = Passport()

    @passport.deserializer
    @nonblocking  # a dict lookup: called on the loop, as the README says to mark quick ones
    def deserialize(user_id: str) -> Any:
        return USERS.get(user_id)

    sessions = Middleware(SessionMiddleware, store=store, cookie_https_only=False, lifetime=3600)
    return {
        "without passport": Starlette(
            routes=[Route("/", by_hand)], middleware=[sessions, Middleware(SessionAutoloadMiddleware)]
        ),
        "passport restore": Starlette(
            routes=[Route("/", with_passport)], middleware=[sessions, Middleware(PassportMiddleware, passport=passport)]
        ),
    }


def _scope() -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"cookie", f"session={SESSION_ID}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _round(app: Any, number: int) -> float:
    bodies: set[bytes] = set()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            bodies.add(message.get("body", b""))

    start = time.perf_counter_ns()
    for _ in range(number):
        await app(_scope(), receive, send)
    elapsed = (time.perf_counter_ns() - start) / number
    if bodies != {b"ann"}:
        raise RuntimeError(f"benchmark app did not restore the user: {bodies}")
    return elapsed


async def _seed(store: Any) -> None:
    from starsessions.serializers import JsonSerializer

    data = JsonSerializer().serialize({"passport": {"user": "7"}})
    await store.write(session_id=SESSION_ID, data=data, lifetime=3600, ttl=3600)


def _measure(store: Any, rounds: int, number: int, count_commands: Any = None) -> dict[str, float]:
    """Medians per app; with ``count_commands`` (a function returning the store's command count),
    also the store commands each app makes per request (``"<app> store commands"``)."""
    apps = _apps(store)
    commands: dict[str, float] = {}

    async def main() -> dict[str, list[float]]:
        await _seed(store)
        samples: dict[str, list[float]] = {name: [] for name in apps}
        for name, app in apps.items():
            before = count_commands() if count_commands else 0
            await _round(app, max(number // 10, 20))
            if count_commands:
                commands[f"{name} store commands"] = (count_commands() - before - 1) / max(number // 10, 20)
        for _ in range(rounds):
            for name, app in apps.items():
                samples[name].append(await _round(app, number))
        return samples

    gc.collect()
    gc.disable()
    try:
        samples = asyncio.run(main())
    finally:
        gc.enable()
    return {**{name: statistics.median(values) for name, values in samples.items()}, **commands}


def _command_counter(url: str) -> Any:
    """Redis's own count of the commands it has run (``INFO commandstats``); the INFO call
    itself is one command, subtracted by the caller."""
    import redis

    client = redis.Redis.from_url(url)

    def count() -> int:
        stats = client.info("commandstats")
        return sum(int(entry["calls"]) for entry in stats.values())

    return count


def run(rounds: int = 9, number: int = 1000) -> dict[str, Any]:
    from starsessions import InMemoryStore

    results: dict[str, Any] = {"memory": _measure(InMemoryStore(), rounds, number * 3)}
    binary = None if os.environ.get("PASSPORT_BENCH_NO_REDIS") else _redis_binary()
    if binary is not None:
        from redis_server import RedisServer
        from starsessions.stores.redis import RedisStore

        with tempfile.TemporaryDirectory() as data_dir:
            server = RedisServer(binary, pathlib.Path(data_dir))
            server.start()
            try:
                results["redis"] = _measure(RedisStore(url=server.url), rounds, number, _command_counter(server.url))
            finally:
                server.stop()
    return results


def _redis_binary() -> str | None:
    import shutil

    return shutil.which("redis-server")


def print_report(results: dict[str, Any]) -> None:
    print("\n(f) Starlette + starsessions: restoring the user from a server-side session, median per request")
    added: dict[str, float] = {}
    for store, medians in results.items():
        if "without passport store commands" in medians:
            print(
                f"  {store:<6}  Redis commands per request: without passport "
                f"{medians['without passport store commands']:.2f}, with passport "
                f"{medians['passport restore store commands']:.2f} (counted by Redis itself)"
            )
        base = medians["without passport"]
        added[store] = medians["passport restore"] - base
        print(
            f"  {store:<6}  without passport {base / 1000:7.2f} µs   passport restore "
            f"{medians['passport restore'] / 1000:7.2f} µs   passport adds {added[store] / 1000:+6.2f} µs"
        )
    if "redis" in added:
        over = (added["redis"] - added["memory"]) / 1000
        verdict = "within" if over <= 5 else "OVER"
        print(f"  with Redis passport adds {over:+.2f} µs over its in-memory part: {verdict} the 5 µs budget")
    else:
        print("  (no redis-server on this machine: the Redis case was skipped)")


if __name__ == "__main__":
    report = run()
    print_report(report)
