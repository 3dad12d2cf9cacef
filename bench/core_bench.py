"""In-process cost a guard adds per request over a no-op call given the same request.

Each case is timed in interleaved rounds against the same no-op baseline, so machine noise
hits both alike; the report gives the median added cost and the ratio to the baseline.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from passport.core import Passport
from passport.core import Strategy

# Budgets from issue 2 (medians on a 2-core machine, passport's own part).
BUDGET_NS = {"a": 1500, "b": 2000, "c": 3000, "d": 1500, "e": 5000}


class BenchRequest:
    """The leanest request a framework adapter could build: plain attributes, dict session."""

    __slots__ = ("auth_info", "body", "cookies", "headers", "method", "path", "query", "session", "url", "user")

    def __init__(self, headers: Any = None, session: dict[str, Any] | None = None) -> None:
        from passport.core import Headers

        self.method = "GET"
        self.url = "http://bench/"
        self.path = "/"
        self.headers = Headers(headers or {})
        self.query: dict[str, Any] = {}
        self.body: dict[str, Any] = {}
        self.cookies: dict[str, str] = {}
        self.session = session
        self.user = None
        self.auth_info = None

    def regenerate_session(self) -> None:
        self.session = {}


USER = {"id": 7, "name": "ann"}


class Trivial(Strategy):
    name = "trivial"

    def authenticate(self, request: Any, options: Any) -> None:
        self.success(USER)


class Nope(Strategy):
    name = "nope"

    def authenticate(self, request: Any, options: Any) -> None:
        self.fail()


def noop(request: Any) -> None:
    return None


def _time(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(number):
        fn()
    return (time.perf_counter_ns() - start) / number


def measure(
    cases: dict[str, Callable[[], Any]], baseline: Callable[[], Any], rounds: int, number: int
) -> dict[str, Any]:
    samples: dict[str, list[float]] = {name: [] for name in cases}
    base: list[float] = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            base.append(_time(baseline, number))
            for name, fn in cases.items():
                samples[name].append(_time(fn, number))
    finally:
        gc.enable()
    base_median = statistics.median(base)
    return {
        "baseline_ns": base_median,
        "cases": {
            name: {"median_ns": statistics.median(v), "added_ns": statistics.median(v) - base_median}
            for name, v in samples.items()
        },
    }


def build_cases(registered: int) -> dict[str, Callable[[], Any]]:
    passport = Passport()
    passport.use(Trivial()).use(Nope())
    for i in range(registered - 2):
        passport.use(f"filler{i}", Nope())
    users = {7: USER}
    passport.serializer(lambda user: user["id"])
    passport.deserializer(users.get)

    cases: dict[str, Callable[[], Any]] = {}
    req_a = BenchRequest()
    guard_a = passport.authenticate("trivial", session=False)
    cases["a"] = lambda: guard_a.run(req_a)

    try:
        from passport.strategies.apikey import APIKeyStrategy
    except ImportError:
        pass
    else:
        import hmac

        key = b"k3y-0123456789abcdef0123456789abcdef"

        def verify(candidate: str) -> Any:
            return USER if hmac.compare_digest(candidate.encode(), key) else None

        passport.use(APIKeyStrategy(verify))
        req_b = BenchRequest(headers={"X-API-Key": key.decode()})
        guard_b = passport.authenticate("apikey", session=False)
        cases["b"] = lambda: guard_b.run(req_b)
        # The app's own key check, timed alone so passport's part can be told apart from it.
        presented = key.decode()
        cases["b:verify"] = lambda: verify(presented)

    req_c = BenchRequest()
    guard_c = passport.authenticate(["nope", "nope", "trivial"], session=False)
    cases["c"] = lambda: guard_c.run(req_c)

    req_d = BenchRequest(session={"passport": {"user": 7}})
    guard_d = passport.session()
    cases["d"] = lambda: guard_d.run(req_d)

    req_e = BenchRequest(session={})
    guard_e = passport.authenticate("trivial")
    cases["e"] = lambda: guard_e.run(req_e)
    return cases


LABELS = {
    "a": "trivial success strategy, session=False",
    "b": "API-key strategy, valid key, session=False",
    "c": "chain fail, fail, success",
    "d": "session restore (deserializer is a dict lookup)",
    "e": "login with regeneration and serialization",
}


def run(rounds: int = 15, number: int = 20000) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for registered in (2, 100):
        cases = build_cases(registered)
        req = BenchRequest()
        report[registered] = measure(cases, lambda req=req: noop(req), rounds, number)
    return report


def print_report(report: dict[str, Any]) -> None:
    print("passport-core: cost a guard adds per request, over a no-op call with the same request")
    for registered, result in report.items():
        base = result["baseline_ns"]
        print(f"\n  {registered} strategies registered; no-op baseline {base:.0f} ns")
        for name, case in result["cases"].items():
            if name.endswith(":verify"):
                continue
            added = case["added_ns"]
            own = result["cases"].get(f"{name}:verify")
            if own is not None:  # report passport's own part: minus the app's verify function
                print(f"      (the app's verify function itself: +{own['added_ns'] / 1000:.2f} µs, not counted)")
                added -= own["added_ns"]
            budget = BUDGET_NS[name]
            verdict = "within" if added <= budget else "OVER"
            print(
                f"  ({name}) {LABELS[name]:<48} +{added / 1000:5.2f} µs  "
                f"x{case['median_ns'] / base:5.1f} of no-op  budget {budget / 1000:.1f} µs: {verdict}"
            )


if __name__ == "__main__":
    print_report(run())
