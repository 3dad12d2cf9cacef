"""What LoginThrottle adds to a failed attempt, with memory and with Redis storage.

Three cases per storage, interleaved in rounds (core_bench.measure) against a no-op baseline:
a guard whose strategy fails, with no plugin; the same guard with LoginThrottle counting the
failure; and `limits` called directly for the same two counts (what an app writing its own
throttle would pay at least). The throttle's own overhead is (throttled - plain) - direct.
The limits are set far above what the rounds reach, so every attempt is counted, none refused.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import limits
from core_bench import BenchRequest
from core_bench import Nope
from core_bench import measure
from core_bench import noop

from passport.core import Passport
from passport.plugins.throttle import LoginThrottle

HUGE = "1000000000 per hour"


class ClientRequest(BenchRequest):
    """The bench request with a peer address and a login form, as an adapter builds it."""

    __slots__ = ("client_address",)

    def __init__(self) -> None:
        super().__init__()
        self.method = "POST"
        self.body = {"username": "ann", "password": "wrong"}
        self.client_address = "203.0.113.7"


def cases(storage: str) -> dict[str, Callable[[], Any]]:
    plain = Passport()
    plain.use(Nope())
    throttled = Passport()
    throttled.use(Nope())
    throttle = LoginThrottle(per_account=HUGE, per_client=HUGE, storage=storage)
    throttled.register_plugin(throttle)
    request = ClientRequest()
    guard_plain = plain.authenticate("nope", session=False)
    guard_throttled = throttled.authenticate("nope", session=False)

    # The throttle's own storage object (same client, same connection options): what differs is passport.
    limiter = limits.strategies.FixedWindowRateLimiter(throttle.storage)
    item = limits.parse(HUGE)

    def direct() -> None:  # the same two counts, keyed alike, without passport
        limiter.hit(item, "bench", "account", "0123456789abcdef0123456789abcdef", "203.0.113.7")
        limiter.hit(item, "bench", "client", "203.0.113.7")

    return {
        "plain": lambda: guard_plain.run(request),
        "throttled": lambda: guard_throttled.run(request),
        "direct": direct,
    }


def _report(result: dict[str, Any]) -> dict[str, float]:
    c = result["cases"]
    added = c["throttled"]["median_ns"] - c["plain"]["median_ns"]
    direct = c["direct"]["added_ns"]
    return {
        "failed_attempt_plain_ns": c["plain"]["median_ns"],
        "throttle_added_ns": added,
        "limits_direct_ns": direct,
        "throttle_overhead_over_limits_ns": added - direct,
        "ratio_to_limits_direct": added / direct if direct else float("nan"),
    }


def run(rounds: int = 7, number: int = 2000) -> dict[str, Any]:
    report: dict[str, Any] = {"memory": _report(measure(cases("memory://"), lambda: noop(None), rounds, number))}
    binary = shutil.which("redis-server")
    if binary is None:
        report["redis"] = "skipped: redis-server is not installed (apt-get install redis-server)"
        return report
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "testing"))
    from redis_server import free_port

    # Not testing/redis_server.py's server: that one fsyncs every write (the fault tests need
    # it), which would measure the disk. A Redis deployment for counters keeps them in memory.
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="passport-bench-redis-") as data:
        server = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", data, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"redis://127.0.0.1:{port}/0"
            _wait_for_redis(url)
            result = measure(cases(url), lambda: noop(None), max(3, rounds // 2), max(200, number // 4))
            report["redis"] = _report(result)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return report


def _wait_for_redis(url: str) -> None:
    storage = limits.storage.storage_from_string(url)
    deadline = time.monotonic() + 10
    while not storage.check():
        if time.monotonic() > deadline:
            raise RuntimeError("redis-server did not start within 10 s")
        time.sleep(0.05)


def print_report(report: dict[str, Any]) -> None:
    print("\npassport-plugin-throttle: added cost per failed attempt (two counts: account+client, client)")
    for storage, figures in report.items():
        if isinstance(figures, str):
            print(f"  {storage:<7} {figures}")
            continue
        print(
            f"  {storage:<7} failed attempt without throttle {figures['failed_attempt_plain_ns'] / 1000:7.2f} µs; "
            f"throttle adds {figures['throttle_added_ns'] / 1000:7.2f} µs; "
            f"limits called directly {figures['limits_direct_ns'] / 1000:7.2f} µs; "
            f"passport's own part {figures['throttle_overhead_over_limits_ns'] / 1000:+6.2f} µs "
            f"(x{figures['ratio_to_limits_direct']:.2f} of limits direct)"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    print_report(run())
