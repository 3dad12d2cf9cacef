"""docs/adapters.md's complete adapter runs as printed: a third party can build on that page alone."""

from __future__ import annotations

import io
import json
import pathlib
import re
from typing import Any

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "adapters.md"


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    if not DOC.exists():  # an sdist of passport-core carries the tests but not the repository's docs
        pytest.skip("docs/adapters.md is not part of this checkout")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, Any] = {}
    exec(compile(blocks[-2] + "\n" + blocks[-1], str(DOC), "exec"), namespace)
    return namespace


Answer = tuple[str, dict[str, str], str]


def call(app: Any, method: str = "GET", headers: dict[str, str] | None = None, body: bytes = b"") -> Answer:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/me",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(response_headers)

    body_out = b"".join(app(environ, start_response)).decode()
    return answer["status"], answer["headers"], body_out


def test_the_documented_adapter_lets_a_valid_key_through(example):
    status, _, body = call(example["me"], headers={"X-API-Key": "s3cret"})
    assert (status, body) == ("200 OK", "hello ann")


def test_the_documented_adapter_answers_a_missing_key_as_every_adapter_does(example):
    status, headers, body = call(example["me"])
    assert (status, body) == ("401 Unauthorized", "Unauthorized")
    assert headers["Cache-Control"] == "no-store"


def test_the_documented_adapter_refuses_a_malformed_body_with_the_cores_answer(example):
    status, headers, body = call(
        example["me"], "POST", {"X-API-Key": "s3cret", "Content-Type": "application/json"}, b"{nope"
    )
    assert status == "400 Bad Request"
    assert body.startswith("Malformed request body")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_the_documented_adapter_stops_reading_a_body_past_the_cap(example):
    status, _, body = call(
        example["me"], "POST", {"X-API-Key": "s3cret", "Content-Type": "application/json"}, b" " * (2 * 1024 * 1024)
    )
    assert (status, body) == ("413 Request Entity Too Large", "Request body too large")


def test_the_documented_adapter_reads_a_json_body_for_the_strategies(example):
    headers = {"X-API-Key": "s3cret", "Content-Type": "application/json"}
    status, _, body = call(example["me"], "POST", headers, json.dumps({"a": 1}).encode())
    assert status == "200 OK"
