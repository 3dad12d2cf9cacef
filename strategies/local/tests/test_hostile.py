"""Hostile and odd credentials: strict types, length bounds, NUL, surrogates; no secret echoed."""

from __future__ import annotations

from typing import Any

import pytest

from passport.strategies.local import LocalStrategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import run_strategy

SECRET = "Pa55-w0rd-canary-7f3e"
MEGABYTE = "p" * 1_000_000

BAD_TYPES = [
    pytest.param(["ann", "bob"], id="repeated field (list)"),
    pytest.param([], id="empty list"),
    pytest.param({"$ne": None}, id="NoSQL operator object"),
    pytest.param({"$gt": ""}, id="username[$gt]= parsed to an object"),
    pytest.param(123, id="number"),
    pytest.param(0, id="zero"),
    pytest.param(1.5, id="float"),
    pytest.param(True, id="true"),
    pytest.param(False, id="false"),
    pytest.param(None, id="null"),
    pytest.param("", id="empty string"),
    pytest.param(b"ann", id="bytes"),
]

MALFORMED = [
    pytest.param(MEGABYTE, id="1 MB"),
    pytest.param("x" * 4097, id="one over max_length"),
    pytest.param("\x00", id="NUL alone"),
    pytest.param(SECRET + "\x00junk", id="NUL inside"),
    pytest.param("\ud800", id="lone surrogate"),
    pytest.param(SECRET + "\udcff", id="surrogateescape (undecodable byte)"),
]


def post(body: dict[str, Any]) -> dict[str, Any]:
    return {"method": "POST", "url": "/login", "body": body}


def assert_no_secret(result: Any, secret: str = SECRET) -> None:
    texts = [repr(result), repr(result.challenge), repr(result.message), repr(result.info), str(result.error)]
    if result.error is not None:
        texts.append(repr(result.error))
    for text in texts:
        assert secret not in text


class Spy:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, username: Any, password: Any) -> Any:
        self.calls.append((username, password))
        return None, {"message": "Incorrect username or password."}


@pytest.mark.parametrize("value", BAD_TYPES)
@pytest.mark.parametrize("field", ["username", "password"])
def test_non_string_or_empty_credentials_fail_with_400_and_verify_is_not_called(field: str, value: Any) -> None:
    verify = Spy()
    body = {"username": "ann", "password": SECRET, field: value}
    result = run_strategy(LocalStrategy(verify), post(body))
    assert (result.action, result.status, result.message) == ("fail", 400, "Missing credentials")
    assert verify.calls == []
    assert_no_secret(result)


@pytest.mark.parametrize("value", MALFORMED)
@pytest.mark.parametrize("field", ["username", "password"])
def test_malformed_credentials_fail_with_400_and_verify_is_not_called(field: str, value: str) -> None:
    verify = Spy()
    body = {"username": "ann", "password": SECRET, field: value}
    result = run_strategy(LocalStrategy(verify), post(body))
    assert (result.action, result.status, result.message) == ("fail", 400, "Malformed credentials")
    assert verify.calls == []
    assert_no_secret(result)
    assert_no_secret(result, value)


@pytest.mark.parametrize("value", MALFORMED)
async def test_malformed_credentials_fail_the_same_way_in_async_mode(value: str) -> None:
    verify = Spy()
    result = await arun_strategy(LocalStrategy(verify), post({"username": "ann", "password": value}))
    assert (result.action, result.status) == ("fail", 400)
    assert verify.calls == []


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("x" * 4096, id="exactly max_length"),
        pytest.param("p" * 64, id="64 characters"),
        pytest.param("p" * 73, id="73 bytes (over bcrypt's limit): verify decides"),
        pytest.param(" s3cret ", id="leading and trailing spaces"),
        pytest.param("          ", id="only spaces"),
        pytest.param("S3CRET", id="upper case"),
        pytest.param("ключ-пароль", id="non-ASCII"),
        pytest.param("tab\there\r\nnewline", id="control characters other than NUL"),
        pytest.param("🔑" * 1000, id="astral characters"),
    ],
)
@pytest.mark.parametrize("field", ["username", "password"])
def test_accepted_values_reach_verify_exactly_as_sent(field: str, value: str) -> None:
    verify = Spy()
    body = {"username": "ann", "password": "pw", field: value}
    result = run_strategy(LocalStrategy(verify), post(body))
    assert (result.action, result.status, result.message) == ("fail", None, "Incorrect username or password.")
    assert verify.calls == [(body["username"], body["password"])]
    assert_no_secret(result, value)


def test_max_length_is_configurable() -> None:
    verify = Spy()
    strategy = LocalStrategy(verify, max_length=8)
    assert run_strategy(strategy, post({"username": "ann", "password": "x" * 8})).status is None
    assert run_strategy(strategy, post({"username": "ann", "password": "x" * 9})).status == 400
    assert len(verify.calls) == 1


def test_a_rejected_password_never_appears_in_the_result() -> None:
    result = run_strategy(LocalStrategy(Spy()), post({"username": "ann", "password": SECRET}))
    assert result.action == "fail"
    assert_no_secret(result)


def test_a_successful_login_result_does_not_carry_the_password() -> None:
    result = run_strategy(LocalStrategy(lambda u, p: {"name": u}), post({"username": "ann", "password": SECRET}))
    assert result.action == "success"
    assert_no_secret(result)


def test_many_repeated_fields_are_refused_quickly() -> None:
    values = ["ann"] * 10_000
    result = run_strategy(LocalStrategy(Spy()), post({"username": values, "password": SECRET}))
    assert (result.action, result.status) == ("fail", 400)


def test_a_deeply_nested_body_is_walked_without_recursion() -> None:
    body: dict[str, Any] = {"password": SECRET}
    node = body
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    field = "a" + "[a]" * 4999
    result = run_strategy(LocalStrategy(Spy(), username_field=field), post(body))
    assert (result.action, result.status) == ("fail", 400)


def test_a_strategy_repr_never_shows_credentials() -> None:
    strategy = LocalStrategy(Spy())
    run_strategy(strategy, post({"username": "ann", "password": SECRET}))
    assert SECRET not in repr(strategy)
    assert SECRET not in repr(vars(strategy))
