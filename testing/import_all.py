"""Import every installed passport.* module together (run by the `namespace` nox session)."""

from __future__ import annotations

import importlib
import os
import sys

import passport
import passport.plugins
import passport.strategies

EXPECTED = {
    "passport.core",
    "passport.flask",
    "passport.starlette",
    "passport.django",
    "passport.strategy_runner",
    "passport.strategies.local",
    "passport.strategies.apikey",
    "passport.strategies.oauth2",
    "passport.strategies.github",
    "passport.strategies.jwt",
    "passport.strategies.oidc",
    "passport.strategies.google",
    "passport.plugins.audit",
    "passport.plugins.throttle",
}


def _module_names() -> list[str]:
    """Every module under the passport namespace, found on disk.

    (``pkgutil.walk_packages`` skips folders without ``__init__.py``: exactly the namespace
    levels, ``passport.strategies``, this check is about.)
    """
    found = []
    for root in passport.__path__:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d.isidentifier()]
            rel = os.path.relpath(folder, root)
            prefix = "passport" if rel == "." else "passport." + rel.replace(os.sep, ".")
            for file in files:
                if file.endswith(".py"):
                    stem = file[:-3]
                    found.append(prefix if stem == "__init__" else f"{prefix}.{stem}")
    return found


def main() -> int:
    mode = "editable" if "--editable" in sys.argv else "regular"
    for pkg in (passport, passport.strategies, passport.plugins):
        if getattr(pkg, "__file__", None) is not None:
            print(f"{pkg.__name__} is a regular package ({pkg.__file__}); it must be a namespace", file=sys.stderr)
            return 1
    names = set(_module_names())
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
