"""CPU instructions per request of the core cases (a)-(e), counted by callgrind.

Wall-clock figures on a shared machine swing by 20-40 % between runs; callgrind counts the
instructions the interpreter executes, which are the same from run to run for the same code
and inputs. Each case is run twice under ``valgrind --tool=callgrind`` (0 and ``N`` calls after
one warm-up call, ``PYTHONHASHSEED=0`` so both runs do the same set-up); the difference divided by
``N`` is one call, and the empty loop calling a no-op (the baseline of ``core_bench``) is taken
off. (b) is reported without the app's own verify function, as ``core_bench`` reports it.

    python bench/core_callgrind.py            # every case (about a minute per case)
    python bench/core_callgrind.py a d        # some
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

CALLS = 2000
CASES = ["a", "b", "c", "d", "e"]
_NOOP = "noop"


def _loop(case: str, number: int) -> None:
    """Inside valgrind: one warm-up call, then ``number`` calls of ``case``."""
    import core_bench

    if case == _NOOP:
        request = core_bench.BenchRequest()

        def fn() -> Any:
            return core_bench.noop(request)
    else:
        fn = core_bench.build_cases(2)[case]
    fn()
    for _ in range(number):
        fn()


def _collected(case: str, number: int) -> int:
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            os.path.abspath(__file__),
            "--loop",
            case,
            str(number),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no total for case {case!r}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def per_call(case: str) -> float:
    return (_collected(case, CALLS) - _collected(case, 0)) / CALLS


def main(argv: list[str]) -> int:
    if argv[:1] == ["--loop"]:
        _loop(argv[1], int(argv[2]))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    import core_bench

    baseline = per_call(_NOOP)
    verify = per_call("b:verify") - baseline
    print(f"passport-core: CPU instructions per request (callgrind), minus the no-op loop ({baseline:.0f})")
    for case in argv or CASES:
        own = per_call(case) - baseline - (verify if case == "b" else 0)
        note = f" (the app's verify, {verify:.0f}, not counted)" if case == "b" else ""
        print(f"  ({case}) {core_bench.LABELS[case]:<48} {own / 1000:6.1f} k{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
