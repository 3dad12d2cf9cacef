"""A third-party strategy, built as a real wheel and installed by pip, works beside ours.

The distribution ``passport-strategy-acme`` is written into a temporary folder, built with
hatchling (no network: ``--no-build-isolation``) and installed by pip with ``--target`` into
another temporary folder. A fresh interpreter with that folder on ``PYTHONPATH`` then checks it
as a user would: importable as ``passport.strategies.acme`` next to the strategies already
installed, listed by ``available_strategies()`` and ``passport strategies``, loadable by name,
and passing the conformance kit. Nothing is installed into the environment running the tests,
so nothing needs uninstalling and concurrent test runs never see the stray strategy.
The last tests do the same with what `passport new strategy hmac` writes, and run its own
tests (and a FastAPI test added beside them) against the installed wheel; strategies/_template is
checked to be the scaffold's output for `example`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

PYPROJECT = """
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "passport-strategy-acme"
version = "1.2.3"
requires-python = ">=3.11"
dependencies = ["passport-core>=0.1,<1"]

[project.entry-points."passport.strategies"]
acme = "passport.strategies.acme:AcmeStrategy"

[tool.hatch.build.targets.wheel]
packages = ["src/passport"]
"""

MODULE = '''
"""ACME single sign-on tokens."""

from passport.core import Strategy
from passport.core import call_verify


class AcmeStrategy(Strategy):
    name = "acme"

    def __init__(self, verify):
        super().__init__()
        self._verify = verify

    def authenticate(self, request, options):
        token = request.headers.get("X-Acme-Token")
        if not token:
            return self.fail('Acme realm="acme"')
        return call_verify(self._verify, token).then(self._verified)

    def _verified(self, result):
        user, info = result
        if user is None:
            self.fail('Acme realm="acme", error="invalid_token"')
        else:
            self.success(user, info)
'''

CHECK = """
import json, sys
import passport, passport.strategies
from passport.core import available_strategies, load_strategy
from passport.strategy_runner import check_strategy
import passport.strategies.acme as acme

listing = available_strategies()
cls = load_strategy("acme")
report = check_strategy(
    cls(lambda token: {"id": "ann"} if token == "acme-token-123" else None),
    requests={"valid": {"headers": {"X-Acme-Token": "acme-token-123"}}},
    secrets=["acme-token-123"],
    raise_on_failure=False,
)
json.dump({
    "namespace": [getattr(passport, "__file__", None), getattr(passport.strategies, "__file__", None)],
    "module_file": acme.__file__,
    "names": sorted(listing),
    "acme": [listing["acme"].distribution, listing["acme"].version, listing["acme"].target],
    "loaded": [cls.__module__, cls.__name__, cls is acme.AcmeStrategy],
    "valid": report.results["valid"].action,
    "problems": report.summary() if report.problems else None,
}, sys.stdout)
"""


def build_and_install(source: pathlib.Path, dist: pathlib.Path, target: pathlib.Path, wheel_glob: str) -> None:
    """Build ``source`` offline with the hatchling installed here, then install the wheel into
    ``target`` with pip (or ``uv pip`` in environments made by uv, which have no pip)."""
    pytest.importorskip("hatchling", reason="building the test wheel offline needs hatchling installed")
    if importlib.util.find_spec("pip") is not None:
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
        build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)]
        install = [*pip, "install", "--no-deps", "--no-index", "--target", str(target)]
    elif (uv := shutil.which("uv")) is not None:
        build = [uv, "build", "-q", "--wheel", "--no-build-isolation", "--python", sys.executable]
        build += ["--out-dir", str(dist), str(source)]
        install = [uv, "pip", "install", "-q", "--no-deps", "--offline", "--python", sys.executable]
        install += ["--target", str(target)]
    else:
        pytest.skip("neither pip nor uv is available to build and install the test wheel")
    subprocess.run(build, check=True, timeout=300)
    (wheel,) = dist.glob(wheel_glob)
    subprocess.run([*install, str(wheel)], check=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A folder where pip installed the freshly built passport-strategy-acme wheel."""
    root = tmp_path_factory.mktemp("acme")
    source = root / "passport-strategy-acme"
    package = source / "src" / "passport" / "strategies" / "acme"
    package.mkdir(parents=True)
    (source / "pyproject.toml").write_text(PYPROJECT)
    (source / "README.md").write_text("# passport-strategy-acme\n")
    (package / "__init__.py").write_text(textwrap.dedent(MODULE))
    (package / "py.typed").write_text("")
    target = root / "site"
    build_and_install(source, root / "dist", target, "passport_strategy_acme-1.2.3-*.whl")
    return target


def run(site: pathlib.Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=300, check=False)


def test_the_wheel_ships_no_namespace_init_files(site):
    assert (site / "passport" / "strategies" / "acme" / "__init__.py").is_file()
    assert not (site / "passport" / "__init__.py").exists()
    assert not (site / "passport" / "strategies" / "__init__.py").exists()


def test_a_pip_installed_third_party_strategy_is_importable_listed_loadable_and_conforms(site):
    done = run(site, "-c", CHECK)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["namespace"] == [None, None]  # both still namespace packages
    assert pathlib.Path(found["module_file"]).is_relative_to(site)
    assert "acme" in found["names"]
    assert found["acme"] == ["passport-strategy-acme", "1.2.3", "passport.strategies.acme:AcmeStrategy"]
    assert found["loaded"] == ["passport.strategies.acme", "AcmeStrategy", True]
    assert found["valid"] == "success"
    assert found["problems"] is None


def test_our_own_strategies_still_import_beside_it(site):
    done = run(site, "-c", "import passport.strategies.acme, passport.core, passport.strategy_runner; print('ok')")
    assert done.stdout.strip() == "ok", done.stderr
    for ours in ("local", "apikey", "oauth2"):
        done = run(site, "-c", f"import importlib.util as u; print(u.find_spec('passport.strategies.{ours}') is None)")
        assert done.returncode == 0, done.stderr
        if done.stdout.strip() == "False":  # installed here: must import with acme present
            imported = run(site, "-c", f"import passport.strategies.acme, passport.strategies.{ours}")
            assert imported.returncode == 0, imported.stderr


def test_the_passport_command_lists_it(site):
    done = run(site, "-m", "passport.core._cli", "strategies", "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)["strategies"]}
    assert rows["acme"] == {
        "name": "acme",
        "distribution": "passport-strategy-acme",
        "version": "1.2.3",
        "target": "passport.strategies.acme:AcmeStrategy",
        "conflict": False,
    }


REPO = pathlib.Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "strategies" / "_template"

# Added to the scaffold's output before its suite runs: a FastAPI test needs the template's
# filterwarnings exemption for Starlette's TestClient warning (the runner's test extra brings FastAPI).
FASTAPI_TEST = """
import pytest

import fastapi
from passport.core import Passport
from passport.starlette import PassportStarlette
from passport.strategies.hmac import HMACStrategy
from starlette.testclient import TestClient


def test_a_fastapi_route_guarded_by_the_new_strategy():
    passport = Passport().use(HMACStrategy(lambda token: {"id": "ann"} if token == "t-123456" else None))
    app = fastapi.FastAPI()  # no middleware: session=False routes need neither PassportMiddleware nor sessions
    auth = PassportStarlette(passport, app)

    @app.get("/me")
    def me(user=fastapi.Depends(auth.authenticate("hmac", session=False))):
        return user

    with TestClient(app) as client:
        assert client.get("/me", headers={"X-HMAC-Token": "t-123456"}).json() == {"id": "ann"}
        denied = client.get("/me")
        assert (denied.status_code, denied.headers["WWW-Authenticate"]) == (401, 'HMAC realm="hmac"')
"""


def test_the_template_is_the_scaffold_output_for_example(tmp_path: pathlib.Path) -> None:
    """strategies/_template is what `passport new strategy example` writes, file for file."""
    if not TEMPLATE.is_dir():
        pytest.skip("strategies/_template is not part of this checkout")
    from passport.core._cli import main

    assert main(["new", "strategy", "example", "--directory", str(tmp_path / "example")]) == 0
    out = tmp_path / "example"
    written = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    kept = {
        p.relative_to(TEMPLATE): p.read_bytes()
        for p in TEMPLATE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    }
    assert kept == written


def test_the_scaffold_output_builds_installs_and_passes_its_own_tests(tmp_path: pathlib.Path) -> None:
    """`passport new strategy hmac`, built as a wheel and installed by pip, passes the tests it
    was written with (the conformance kit among them) and a FastAPI test added beside them."""
    pytest.importorskip("pytest_asyncio", reason="the generated tests use pytest-asyncio")
    done = subprocess.run(
        [sys.executable, "-m", "passport.core._cli", "new", "strategy", "hmac"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    source = tmp_path / "passport-strategy-hmac"
    assert "HMACStrategy" in done.stdout
    (source / "tests" / "test_fastapi.py").write_text(FASTAPI_TEST)
    site = tmp_path / "site"
    build_and_install(source, tmp_path / "dist", site, "passport_strategy_hmac-0.1.0-*.whl")
    assert (site / "passport" / "strategies" / "hmac" / "_errors.py").is_file()
    assert not (site / "passport" / "__init__.py").exists()
    assert not (site / "passport" / "strategies" / "__init__.py").exists()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "12 passed" in done.stdout and "skipped" not in done.stdout, done.stdout[-2000:]
