"""The repository README's examples, run exactly as printed (a README that lies is a bug)."""

from __future__ import annotations

import pathlib
import re
import sys
import types
import warnings
from typing import Any

import pytest

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"

pytestmark = pytest.mark.skipif(not README.exists(), reason="the repository README is not beside this checkout")


def _section_code(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, f"no python example under {title!r}"
    return "\n".join(blocks)


def _module(name: str, code: str) -> Any:
    module = types.ModuleType(name)
    module.__file__ = str(README)
    sys.modules[name] = module  # Flask(__name__) and dataclasses look the module up
    try:
        exec(compile(code, f"README.md ({name})", "exec"), module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "a test secret, as the README reads it from the environment")


@pytest.fixture
def flask_example() -> Any:
    yield _module("readme_flask", _section_code("Quick start: Flask"))
    del sys.modules["readme_flask"]


@pytest.fixture
def fastapi_example() -> Any:
    pytest.importorskip("fastapi")
    yield _module("readme_fastapi", _section_code("Quick start: FastAPI and Starlette"))
    del sys.modules["readme_fastapi"]


def https_client(app: Any) -> Any:
    """A test client whose requests arrive over https: the example's session cookie is Secure."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def test_the_quick_starts_read_the_secret_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(KeyError, match="SECRET_KEY"):
        _module("readme_flask_no_secret", _section_code("Quick start: Flask"))


def test_the_flask_example_logs_in_flashes_failures_and_guards_the_api(flask_example: Any) -> None:
    client = https_client(flask_example.app)

    def token() -> str:
        return str(client.get("/login").json["csrf_token"])

    wrong = client.post("/login", data={"username": "ann", "password": "nope", "csrf_token": token()})
    assert (wrong.status_code, wrong.headers["Location"]) == (302, "/login")
    assert client.get("/login").json["flashes"] == ["Incorrect username or password."]
    assert client.get("/").status_code == 401
    good = client.post("/login", data={"username": "ann", "password": "correct horse", "csrf_token": token()})
    assert (good.status_code, good.headers["Location"]) == (302, "/")
    assert client.get("/").json == {"hello": "ann"}
    other = https_client(flask_example.app)
    assert other.get("/").status_code == 401
    assert other.get("/api/me", headers={"X-API-Key": "s3cret-key-for-ann"}).json == {"id": "ann"}
    assert other.get("/api/me", headers={"X-API-Key": "wrong"}).status_code == 401


def test_the_fastapi_example_guards_the_api_with_a_key(fastapi_example: Any) -> None:
    with warnings.catch_warnings():
        # Starlette 1.x prefers httpx2 for its TestClient and warns when it falls back to httpx,
        # which still works: only that import is exempted.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    client = TestClient(fastapi_example.app)
    ok = client.get("/api/me", headers={"X-API-Key": fastapi_example.demo_key})
    assert (ok.status_code, ok.json()) == (200, {"id": "ann"})
    assert client.get("/api/me", headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get("/api/me").status_code == 401
    assert client.get("/whoami").json() == {"authenticated": False}


def test_the_strategy_authoring_example_and_its_tests_pass() -> None:
    example = _module("readme_strategy", _section_code("Writing and testing a strategy"))
    try:
        tests = [value for name, value in vars(example).items() if name.startswith("test_")]
        assert len(tests) == 2
        for test in tests:
            test()
    finally:
        del sys.modules["readme_strategy"]


def test_the_flask_example_refuses_a_login_post_without_its_csrf_token(flask_example: Any) -> None:
    client = https_client(flask_example.app)
    forged = client.post("/login", data={"username": "ann", "password": "correct horse"})
    assert forged.status_code == 400  # Flask-WTF: "The CSRF token is missing."
    assert client.get("/").status_code == 401
