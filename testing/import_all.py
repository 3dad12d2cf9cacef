"""Import every installed passport.* module together (run by the `namespace` nox session)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import passport
import passport.strategies

EXPECTED = {
    "passport.core",
    "passport.flask",
    "passport.starlette",
    "passport.strategy_runner",
    "passport.strategies.local",
    "passport.strategies.apikey",
    "passport.strategies.oauth2",
}


def main() -> int:
    mode = "editable" if "--editable" in sys.argv else "regular"
    for pkg in (passport, passport.strategies):
        if getattr(pkg, "__file__", None) is not None:
            print(f"{pkg.__name__} is a regular package ({pkg.__file__}); it must be a namespace", file=sys.stderr)
            return 1
    names = {m.name for m in pkgutil.walk_packages(passport.__path__, "passport.")}
    missing = EXPECTED - names
    if missing:
        print(f"not importable ({mode}): {sorted(missing)}", file=sys.stderr)
        return 1
    for name in sorted(names):
        if name.startswith("passport.strategy_runner._plugin"):
            continue  # a pytest plugin: imports pytest, checked by the runner's own tests
        importlib.import_module(name)
    print(f"{mode} install: imported {len(names)} passport modules: {', '.join(sorted(EXPECTED))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
