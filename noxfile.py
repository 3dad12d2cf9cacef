"""Every check and tool of the monorepo: `nox` runs the CI set, `nox -s demo` starts the demo."""

from __future__ import annotations

import pathlib
import zipfile

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "typecheck", "tests", "tests_lowest", "namespace"]

ROOT = pathlib.Path(__file__).parent
PYTHONS = ["3.11"]

# One row per distribution: folder, and what its tests need beyond the distribution itself.
PACKAGES: dict[str, str] = {
    "core": "core",
    "runner": "strategy-runner",
    "local": "strategies/local",
    "apikey": "strategies/apikey",
    "oauth2": "strategies/oauth2",
    "github": "strategies/github",
    "jwt": "strategies/jwt",
    "oidc": "strategies/oidc",
    "google": "strategies/google",
    "audit": "plugins/audit",
    "throttle": "plugins/throttle",
    "demo": "demo",  # the runnable demo app (package passport_demo, outside the passport namespace)
}


def _editable(*paths: str) -> list[str]:
    """``pip install -e`` arguments for checkouts in this repository, in order."""
    return [arg for path in paths for arg in ("-e", path)]


SHIPPED_STRATEGIES = ("strategies/local", "strategies/apikey", "strategies/oauth2", "strategies/github")
INSTALL: dict[str, list[str]] = {
    # The core's tests drive guards with the runner's test request and use both adapters; the
    # adapter parity suite guards its routes with the shipped local and API-key strategies.
    "core": _editable("core[flask,starlette,test]", "strategy-runner", "strategies/local", "strategies/apikey"),
    "runner": _editable("core", "strategy-runner[test]"),
    "local": _editable("core", "strategy-runner", "strategies/local[test]"),
    "apikey": _editable("core", "strategy-runner", "strategies/apikey[test]"),
    "oauth2": _editable("core", "strategy-runner", "strategies/oauth2[test]"),
    "github": _editable("core", "strategy-runner", "strategies/oauth2", "strategies/github[test]"),
    # The chain tests put JWTStrategy beside apikey's BearerStrategy, which reads the same header.
    "jwt": _editable("core[flask,starlette]", "strategy-runner", "strategies/apikey", "strategies/jwt[test]"),
    # OIDC builds on oauth2 and on jwt's JWKS; its tests run Authlib's OpenID provider.
    "oidc": _editable(
        "core[flask,starlette]", "strategy-runner", "strategies/oauth2", "strategies/jwt", "strategies/oidc[test]"
    ),
    "google": _editable(
        "core[flask,starlette]",
        "strategy-runner",
        "strategies/oauth2",
        "strategies/jwt",
        "strategies/oidc",
        "strategies/google[test]",
    ),
    "audit": _editable("core[flask]", "strategy-runner", "plugins/audit[test]"),
    # Its tests run real Flask (waitress) and Starlette (uvicorn) apps with the local strategy.
    "throttle": _editable("core[flask,starlette]", "strategy-runner", "strategies/local", "plugins/throttle[test]"),
    "demo": _editable(
        "core[flask,starlette]",
        "strategy-runner",
        *SHIPPED_STRATEGIES,
        "plugins/throttle",
        *("strategies/jwt", "strategies/oidc"),  # the demo's OpenID Connect sign-in
        "demo[test]",
    ),
}
TYPE_STUBS = ["types-requests", "types-oauthlib"]
# Imported only where they are used: starsessions by the Starlette adapter when it serves the
# session, redis by RedisRememberStore, Django by passport.django (with its stubs for mypy).
TYPED_OPTIONALS = ["starsessions>=2.1", "redis>=5", "django>=4.2", "django-stubs>=4.2"]


def _all_distributions(editable: bool) -> list[str]:
    paths = list(PACKAGES.values())
    return _editable(*paths) if editable else paths


@nox.session(python=PYTHONS)
@nox.parametrize("package", list(PACKAGES))
def tests(session: nox.Session, package: str) -> None:
    """Run one distribution's tests in its own fresh environment, against the core in this repo."""
    session.install(*INSTALL[package])
    session.chdir(ROOT / PACKAGES[package])  # the distribution's own pytest configuration
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHONS)
@nox.parametrize("package", list(PACKAGES))
def tests_lowest(session: nox.Session, package: str) -> None:
    """Run one distribution's tests with every runtime dependency at its declared floor."""
    constraints = ROOT / PACKAGES[package] / "testing" / "constraints-lowest.txt"
    session.install("-c", str(constraints), *INSTALL[package])
    session.chdir(ROOT / PACKAGES[package])
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHONS[0])
def lint(session: nox.Session) -> None:
    """Check formatting and lint every file with ruff (config in the root pyproject.toml), and changelog fragments."""
    session.install("ruff>=0.6")
    session.run("ruff", "format", "--check", ".")
    session.run("ruff", "check", ".")
    session.run("python", "testing/check_changelog.py")


@nox.session(python=PYTHONS[0])
def typecheck(session: nox.Session) -> None:
    """Type-check every distribution's src/ with mypy --strict."""
    editable = _all_distributions(editable=True)[2:]
    session.install("mypy>=1.11", *TYPE_STUBS, *TYPED_OPTIONALS, "-e", "core[flask,starlette]", *editable)
    session.install("fastapi>=0.110")  # imported by the Starlette adapter only for a FastAPI app's OpenAPI schemes
    libraries = [f"{path}/src/passport" for name, path in PACKAGES.items() if name != "demo"]
    session.run("mypy", *libraries, "demo/src/passport_demo", env={"MYPYPATH": "demo/src"})


def _check_wheels(session: nox.Session, wheel_dir: pathlib.Path) -> list[str]:
    forbidden = {"passport/__init__.py", "passport/strategies/__init__.py", "passport/plugins/__init__.py"}
    wheels = sorted(str(w) for w in wheel_dir.glob("*.whl"))
    if len(wheels) != len(PACKAGES):
        session.error(f"expected {len(PACKAGES)} wheels, built {len(wheels)}: {wheels}")
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
        if names & forbidden:
            session.error(f"{wheel} ships {sorted(names & forbidden)}: passport is a namespace package")
        if not any(n.endswith("py.typed") for n in names):
            session.error(f"{wheel} ships no py.typed")
    return wheels


@nox.session(python=PYTHONS[0])
def namespace(session: nox.Session) -> None:
    """Build every wheel, refuse namespace __init__.py files, then import all modules together."""
    wheel_dir = pathlib.Path(session.create_tmp()) / "wheels"
    session.install("build", "uv")
    for path in PACKAGES.values():
        session.run("uv", "build", "--wheel", "--out-dir", str(wheel_dir), path, silent=True)
    wheels = _check_wheels(session, wheel_dir)
    importer = str(ROOT / "testing" / "import_all.py")
    # Regular install from the built wheels, then editable installs from the source trees.
    session.install(*wheels, "flask", "starlette", "fastapi", "django")  # every adapter module imports
    session.run("python", importer)
    session.install(*_all_distributions(editable=True))
    session.run("python", importer, "--editable")


@nox.session(python=PYTHONS[0])
def demo(session: nox.Session) -> None:
    """Start the demo app on 127.0.0.1 with every strategy (pass --port N to choose the port)."""
    session.install("-e", "core[flask,starlette]", *_all_distributions(editable=True)[2:])
    session.run("python", "-m", "passport_demo", *session.posargs)


@nox.session(python=PYTHONS[0])
def bench(session: nox.Session) -> None:
    """Measure what passport adds per request, as ratios against a bare route in the same run."""
    session.install(
        "-e",
        "core[flask,starlette]",
        *_all_distributions(editable=True)[2:],
        "flask-login",
        "starsessions[redis]",
        "django",
        "uvicorn",
        "waitress",
        "httpx",
        "limits[redis]",  # the throttle's Redis case
        "fastapi",  # what declaring OpenAPI schemes costs a FastAPI request
    )
    session.run("python", "bench/run.py", *session.posargs)
