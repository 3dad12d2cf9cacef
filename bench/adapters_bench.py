"""What each adapter adds per request, against the framework's own answer, in the same run.

(a) Starlette: an API-key guard with ``session=False`` versus Starlette's
    ``AuthenticationMiddleware`` + ``@requires`` doing the same key check.
(b) Flask: restoring a logged-in user from Flask's cookie session versus Flask-Login's user
    loader (both with a dict lookup).

Each app is called directly in-process (ASGI/WSGI callable, interleaved rounds, medians), and
the added cost is reported over a bare route of the same framework.
"""

from __future__ import annotations

import asyncio
import gc
import hmac
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

API_KEY = "k3y-0123456789abcdef0123456789abcdef"
USER = {"id": "7", "name": "ann"}
USERS = {"7": USER}


def key_matches(candidate: str) -> bool:
    return hmac.compare_digest(candidate.encode("utf-8", "surrogateescape"), API_KEY.encode())


# -- Starlette ---------------------------------------------------------------------------------


def starlette_apps() -> dict[str, Any]:
    """Passport's guard and Starlette's own answer, each with the two ways to check a key.

    An ``async def`` verify around :func:`key_matches`, and the README's set-up, a ``KeyStore``
    (a plain function that never waits, called on the loop). Starlette's backend calls the same
    check in each pair.
    """
    from starlette.applications import Starlette
    from starlette.authentication import AuthCredentials
    from starlette.authentication import AuthenticationBackend
    from starlette.authentication import SimpleUser
    from starlette.authentication import requires
    from starlette.middleware import Middleware
    from starlette.middleware.authentication import AuthenticationMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from passport.core import Passport
    from passport.starlette import PassportStarlette
    from passport.strategies.apikey import APIKeyStrategy
    from passport.strategies.apikey import KeyStore

    async def ok(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def verify(key: str) -> Any:
        return USER if key_matches(key) else None

    store = KeyStore([(API_KEY, USER)])

    def guarded(check: Callable[[str], Any]) -> Any:
        auth = PassportStarlette(Passport().use(APIKeyStrategy(check)))
        return Starlette(routes=[Route("/api", auth.authenticate("apikey", session=False).protect(ok))])

    class KeyBackend(AuthenticationBackend):
        async def authenticate(self, conn: Any) -> Any:
            key = conn.headers.get("x-api-key")
            if key is None or not key_matches(key):
                return None
            return AuthCredentials(["authenticated"]), SimpleUser(USER["name"])

    class StoreBackend(AuthenticationBackend):
        async def authenticate(self, conn: Any) -> Any:
            key = conn.headers.get("x-api-key")
            owner = None if key is None else store.find(key)
            if owner is None:
                return None
            return AuthCredentials(["authenticated"]), SimpleUser(owner["name"])

    @requires("authenticated")
    async def protected(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    def native(backend: AuthenticationBackend) -> Any:
        return Starlette(
            routes=[Route("/api", protected)], middleware=[Middleware(AuthenticationMiddleware, backend=backend)]
        )

    return {
        "bare route": Starlette(routes=[Route("/api", ok)]),
        "passport apikey guard": guarded(verify),
        "starlette AuthenticationMiddleware": native(KeyBackend()),
        "passport apikey guard, KeyStore": guarded(store),
        "starlette AuthenticationMiddleware, KeyStore": native(StoreBackend()),
    }


def _asgi_scope() -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api",
        "raw_path": b"/api",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"x-api-key", API_KEY.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _asgi_round(app: Any, number: int) -> float:
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    start = time.perf_counter_ns()
    for _ in range(number):
        await app(_asgi_scope(), receive, send)
    elapsed = (time.perf_counter_ns() - start) / number
    if set(statuses) != {200}:
        raise RuntimeError(f"benchmark app answered {sorted(set(statuses))}, not 200")
    return elapsed


def bench_starlette(rounds: int, number: int) -> dict[str, float]:
    return asgi_medians(starlette_apps(), rounds, number)


def asgi_medians(apps: dict[str, Any], rounds: int, number: int) -> dict[str, float]:
    """Each ASGI app's median time per request: a warm-up, then interleaved rounds (so machine
    noise hits every app alike), with the garbage collector off."""

    async def main() -> dict[str, list[float]]:
        samples: dict[str, list[float]] = {name: [] for name in apps}
        for app in apps.values():  # warm up
            await _asgi_round(app, 200)
        for _ in range(rounds):
            for name, app in apps.items():
                samples[name].append(await _asgi_round(app, number))
        return samples

    gc.collect()
    gc.disable()
    try:
        samples = asyncio.run(main())
    finally:
        gc.enable()
    return {name: statistics.median(v) for name, v in samples.items()}


# -- Flask -------------------------------------------------------------------------------------


def flask_apps() -> tuple[dict[str, Any], dict[str, str]]:
    import flask
    import flask_login

    from passport.core import Passport
    from passport.flask import PassportFlask
    from passport.flask import current_user

    def new_app(name: str) -> flask.Flask:
        app = flask.Flask(name, root_path=".")
        app.secret_key = "bench-secret"
        app.config["SESSION_COOKIE_SECURE"] = True  # as in production (and no insecure-cookie warning)
        return app

    bare = new_app("bench_bare")

    @bare.get("/me")
    def bare_me() -> str:
        return "ok"

    passport = Passport()
    passport.serializer(lambda user: user["id"])
    passport.deserializer(USERS.get)
    with_passport = new_app("bench_passport")
    PassportFlask(passport, with_passport)

    @with_passport.get("/me")
    def passport_me() -> str:
        return "ok" if current_user else "anonymous"

    with_login = new_app("bench_flask_login")
    manager = flask_login.LoginManager(with_login)

    class LoginUser(flask_login.UserMixin):
        def __init__(self, record: dict[str, str]) -> None:
            self.id = record["id"]

    @manager.user_loader
    def load_user(user_id: str) -> Any:
        record = USERS.get(user_id)
        return LoginUser(record) if record else None

    @with_login.get("/me")
    def login_me() -> str:
        return "ok" if flask_login.current_user.is_authenticated else "anonymous"

    def cookie(app: Any, data: dict[str, Any]) -> str:
        return app.session_interface.get_signing_serializer(app).dumps(data)

    apps = {"bare route": bare, "passport session restore": with_passport, "flask-login user loader": with_login}
    cookies = {
        "bare route": cookie(bare, {"passport": {"user": "7"}}),
        "passport session restore": cookie(with_passport, {"passport": {"user": "7"}}),
        "flask-login user loader": cookie(with_login, {"_user_id": "7", "_fresh": True}),
    }
    return apps, cookies


def _wsgi_environ(cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/me",
        "QUERY_STRING": "",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "bench",
        "HTTP_COOKIE": f"session={cookie}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _wsgi_round(app: Any, cookie: str, number: int) -> float:
    bodies: set[bytes] = set()

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], None]:
        return lambda data: None

    start = time.perf_counter_ns()
    for _ in range(number):
        environ = _wsgi_environ(cookie)
        environ["wsgi.input"] = io.BytesIO(b"")
        body = b"".join(app(environ, start_response))
        bodies.add(body)
    elapsed = (time.perf_counter_ns() - start) / number
    if bodies != {b"ok"}:
        raise RuntimeError(f"benchmark app answered {bodies}, not ok")
    return elapsed


def bench_flask(rounds: int, number: int) -> dict[str, float]:
    apps, cookies = flask_apps()
    samples: dict[str, list[float]] = {name: [] for name in apps}
    for name, app in apps.items():
        _wsgi_round(app, cookies[name], 200)
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, app in apps.items():
                samples[name].append(_wsgi_round(app, cookies[name], number))
    finally:
        gc.enable()
    return {name: statistics.median(v) for name, v in samples.items()}


def report(title: str, medians: dict[str, float], ours: str, theirs: str) -> dict[str, Any]:
    base = medians["bare route"]
    print(f"\n{title}: in-process, median per request")
    width = max(map(len, medians))
    for name, value in medians.items():
        added = value - base
        print(f"  {name:<{width}} {value / 1000:7.2f} µs  (+{added / 1000:5.2f} µs, x{value / base:4.2f} of bare)")
    our_added = medians[ours] - base
    their_added = medians[theirs] - base
    verdict = "less than" if our_added < their_added else "NOT less than"
    print(
        f"  passport adds {our_added / 1000:.2f} µs: {verdict} the framework's own answer ({their_added / 1000:.2f} µs)"
    )
    return {"medians_ns": medians, "passport_added_ns": our_added, "framework_added_ns": their_added}


def _pair(medians: dict[str, float], ours: str, theirs: str) -> dict[str, float]:
    return {name: medians[name] for name in ("bare route", ours, theirs)}


def run(rounds: int = 9, number: int = 2000) -> dict[str, Any]:
    # A Starlette request costs a tenth of a Flask one: three times the rounds keep its medians
    # steady to a few per cent for little extra time.
    starlette = bench_starlette(rounds * 3, number)
    return {
        "starlette": report(
            "(a) Starlette, API-key guard with session=False (an async def verify)",
            _pair(starlette, "passport apikey guard", "starlette AuthenticationMiddleware"),
            "passport apikey guard",
            "starlette AuthenticationMiddleware",
        ),
        "starlette_keystore": report(
            "(a') Starlette, the same with the README's KeyStore as verify",
            _pair(starlette, "passport apikey guard, KeyStore", "starlette AuthenticationMiddleware, KeyStore"),
            "passport apikey guard, KeyStore",
            "starlette AuthenticationMiddleware, KeyStore",
        ),
        "flask": report(
            "(b) Flask, restoring a logged-in user from the cookie session",
            bench_flask(rounds, number),
            "passport session restore",
            "flask-login user loader",
        ),
    }


if __name__ == "__main__":
    run()
