"""`nox -s bench`: every benchmark, each reported as ratios against a bare route in the same run.

Options: --quick (fewer rounds, no server runs), --no-server (skip the real-server throughput),
--callgrind (also count the core cases' CPU instructions under valgrind: a few minutes more).
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import adapters_bench  # noqa: E402
import core_bench  # noqa: E402


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    results: dict[str, object] = {}
    core = core_bench.run(rounds=5 if quick else 15, number=5000 if quick else 20000)
    core_bench.print_report(core)
    results["core"] = core
    results["adapters"] = adapters_bench.run(rounds=3 if quick else 9, number=500 if quick else 2000)
    try:
        import jwt_bench
    except ImportError:  # passport-strategy-jwt (and PyJWT) not installed
        pass
    else:
        results["jwt"] = jwt_bench.run(rounds=5 if quick else 15, number=500 if quick else 2000)
        jwt_bench.print_report(results["jwt"])
    try:
        import openapi_bench
    except ImportError:  # FastAPI not installed
        pass
    else:
        results["openapi"] = openapi_bench.run(rounds=9 if quick else 27, number=500 if quick else 2000)
    try:
        import sessions_bench
    except ImportError:  # starsessions not installed
        pass
    else:
        results["server_sessions"] = sessions_bench.run(rounds=3 if quick else 9, number=200 if quick else 1000)
        sessions_bench.print_report(results["server_sessions"])
    try:
        import throttle_bench
    except ImportError as exc:  # passport-plugin-throttle not installed in this environment
        print(f"\npassport-plugin-throttle: skipped ({exc})")
    else:
        throttle = throttle_bench.run(rounds=3 if quick else 7, number=500 if quick else 2000)
        throttle_bench.print_report(throttle)
        results["throttle"] = throttle
    try:
        import django  # noqa: F401
        import django_bench
    except ImportError as exc:  # Django not installed in this environment
        print(f"\nDjango: skipped ({exc})")
    else:
        results["django"] = django_bench.run(rounds=3 if quick else 9, number=300 if quick else 2000)
        django_bench.print_report(results["django"])
    try:
        import oidc_bench
    except ImportError as exc:  # passport-strategy-oidc not installed in this environment
        print(f"\npassport-strategy-oidc: skipped ({exc})")
    else:
        oidc_bench.main()  # prints its own report: ID token checks against PyJWT's decode alone
    if "--callgrind" in argv:  # the steady measure: instructions, whatever the machine's load
        import core_callgrind

        core_callgrind.main([])
    if not quick and "--no-server" not in argv:
        import load

        results["server"] = load.run()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json")
    with open(out, "w") as fh:
        json.dump(results, fh, indent=2, default=str)
    print(f"\nraw numbers: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
