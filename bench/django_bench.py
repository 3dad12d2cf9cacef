"""(g) Django: what passport adds to an API-key request, against a hand-written check.

Three views behind Django's WSGI handler, called in-process with the same request: a bare view,
the view guarded by ``@authenticate("apikey", session=False)``, and the view behind a
hand-written decorator doing the same constant-time key check and setting ``request.user``.
Restoring a logged-in user is Django's own ``AuthenticationMiddleware`` in both cases (passport's
logins are Django logins), so passport adds nothing there; this case measures the guard.
"""

from __future__ import annotations

import gc
import hmac
import io
import statistics
import time
from typing import Any

API_KEY = "k3y-0123456789abcdef0123456789abcdef"


class BenchUser:
    is_authenticated = True
    is_anonymous = False
    pk = 7
    username = "ann"


USER = BenchUser()


def key_matches(candidate: str) -> bool:
    return hmac.compare_digest(candidate.encode("utf-8", "surrogateescape"), API_KEY.encode())


def _configure() -> Any:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench",
            ALLOWED_HOSTS=["bench"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[],
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
            DATABASES={},
            PASSPORT=_passport(),
        )
        django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


def _passport() -> Any:
    from passport.core import Passport
    from passport.core import nonblocking
    from passport.strategies.apikey import APIKeyStrategy

    @nonblocking
    def verify(key: str) -> Any:
        return USER if key_matches(key) else None

    passport = Passport()
    passport.use(APIKeyStrategy(verify))
    return passport


def _views() -> list[Any]:
    import functools

    from django.http import HttpResponse
    from django.urls import path

    from passport.django import authenticate

    def bare(request: Any) -> HttpResponse:
        return HttpResponse("ok")

    def by_hand(view: Any) -> Any:
        @functools.wraps(view)
        def guarded(request: Any) -> HttpResponse:
            key = request.headers.get("X-API-Key")
            if not key or not key_matches(key):
                return HttpResponse("Unauthorized", status=401)
            request.user = USER
            return view(request)

        return guarded

    return [
        path("bare", bare),
        path("passport", authenticate("apikey", session=False)(bare)),
        path("handwritten", by_hand(bare)),
    ]


urlpatterns: list[Any] = []


def _environ(path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": f"/{path}",
        "QUERY_STRING": "",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "HTTP_HOST": "bench",
        "HTTP_X_API_KEY": API_KEY,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _round(handler: Any, path: str, number: int) -> float:
    statuses: set[str] = set()

    def start_response(status: str, headers: Any) -> None:
        statuses.add(status)

    start = time.perf_counter_ns()
    for _ in range(number):
        for _chunk in handler(_environ(path), start_response):
            pass
    elapsed = (time.perf_counter_ns() - start) / number
    if statuses != {"200 OK"}:
        raise RuntimeError(f"/{path} answered {statuses}")
    return elapsed


def run(rounds: int = 9, number: int = 2000) -> dict[str, float]:
    handler = _configure()
    urlpatterns[:] = _views()
    cases = {"bare view": "bare", "passport apikey guard": "passport", "hand-written key check": "handwritten"}
    for path in cases.values():
        _round(handler, path, 200)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, path in cases.items():
                samples[name].append(_round(handler, path, number))
    finally:
        gc.enable()
    return {name: statistics.median(values) for name, values in samples.items()}


def print_report(medians: dict[str, float]) -> None:
    base = medians["bare view"]
    print("\n(g) Django, API-key check with session=False (WSGI handler in-process), median per request")
    for name, value in medians.items():
        print(f"  {name:<24} {value / 1000:7.2f} µs  (+{(value - base) / 1000:5.2f} µs over the bare view)")
    ours, theirs = medians["passport apikey guard"] - base, medians["hand-written key check"] - base
    verdict = "within" if ours <= theirs + 0.05 * base else "OVER"
    print(f"  passport adds {ours / 1000:.2f} µs, the hand-written check {theirs / 1000:.2f} µs: {verdict} budget")


if __name__ == "__main__":
    print_report(run())
