"""Hostile input for both strategies: never an exception, never an echoed secret."""

from __future__ import annotations

from typing import Any

import pytest

from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import run_strategy

CANARY = "sk-canary-5ec7e7"
MEGABYTE = "A" * 1_000_000


class Spy:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        return None, {"message": "Unknown credentials"}


def texts(result: Any) -> list[str]:
    found = [repr(result), repr(result.challenge), repr(result.message), repr(result.info)]
    if result.error is not None:
        found += [str(result.error), repr(result.error)]
    return found


def assert_never_echoed(result: Any, secret: str) -> None:
    assert result.action in {"fail", "success"}, result.error
    for text in texts(result):
        assert secret not in text
        if len(secret) > 4:
            assert secret[4:] not in text  # nor with a prefix stripped


# -- API key ---------------------------------------------------------------------------------

# (header value, expected status, does verify see it?)
APIKEY_CASES = [
    pytest.param(CANARY + "\x00", 400, False, id="NUL"),
    pytest.param(CANARY + "\x00" + "A" * 10, 400, False, id="NUL then more"),
    pytest.param(CANARY + "\r\nX-Evil: 1", 400, False, id="CR LF"),
    pytest.param(CANARY + "\t", 400, False, id="tab"),
    pytest.param(CANARY + "\x7f", 400, False, id="DEL"),
    pytest.param("ключ" + CANARY, 400, False, id="non-ASCII (ключ)"),
    pytest.param(CANARY + "\u00ff", 400, False, id="raw 0xFF byte as latin-1"),
    pytest.param(CANARY + "\udcff", 400, False, id="surrogateescape byte"),
    pytest.param(CANARY + "\ud800", 400, False, id="lone surrogate"),
    pytest.param(CANARY + ", " + CANARY, 400, False, id="duplicate header joined"),
    pytest.param(CANARY + "," + CANARY, 400, False, id="duplicate header joined without space"),
    pytest.param(" " * 10_000, None, True, id="many spaces"),
    pytest.param(CANARY + " " * 10_000 + CANARY, None, True, id="spaces inside"),
    pytest.param(MEGABYTE + CANARY, None, True, id="1 MB"),
    pytest.param('"' + CANARY + "\\", None, True, id="quote and backslash"),
]


@pytest.mark.parametrize(("value", "status", "verified"), APIKEY_CASES)
def test_hostile_api_keys_fail_cleanly(value: str, status: int | None, verified: bool) -> None:
    verify = Spy()
    result = run_strategy(APIKeyStrategy(verify), {"headers": {"X-API-Key": value}})
    assert (result.action, result.status) == ("fail", status)
    assert verify.calls == ([(value,)] if verified else [])
    assert_never_echoed(result, CANARY)


@pytest.mark.parametrize(("value", "status", "verified"), APIKEY_CASES)
async def test_hostile_api_keys_fail_cleanly_in_async_mode(value: str, status: int | None, verified: bool) -> None:
    verify = Spy()
    result = await arun_strategy(APIKeyStrategy(verify), {"headers": {"X-API-Key": value}})
    assert (result.action, result.status) == ("fail", status)
    assert_never_echoed(result, CANARY)


@pytest.mark.parametrize(("value", "status", "verified"), APIKEY_CASES)
def test_hostile_prefixed_api_keys_fail_cleanly(value: str, status: int | None, verified: bool) -> None:
    verify = Spy()
    strategy = APIKeyStrategy(verify, header="Authorization", prefix="Api-Key ")
    result = run_strategy(strategy, {"headers": {"Authorization": "Api-Key " + value}})
    assert (result.action, result.status) == ("fail", status)
    assert_never_echoed(result, CANARY)


@pytest.mark.parametrize(("value", "status", "verified"), APIKEY_CASES)
def test_hostile_query_keys_fail_cleanly(value: str, status: int | None, verified: bool) -> None:
    verify = Spy()
    result = run_strategy(APIKeyStrategy(verify, query="api_key"), {"query": {"api_key": value}})
    assert (result.action, result.status) == ("fail", status)
    assert_never_echoed(result, CANARY)


def test_a_rejected_key_never_appears_in_the_result() -> None:
    result = run_strategy(APIKeyStrategy(Spy()), {"headers": {"X-API-Key": CANARY}})
    assert (result.action, result.message) == ("fail", "Unknown credentials")
    assert_never_echoed(result, CANARY)


def test_an_accepted_key_never_appears_in_the_result() -> None:
    result = run_strategy(APIKeyStrategy(lambda k: {"id": 1}), {"headers": {"X-API-Key": CANARY}})
    assert result.action == "success"
    assert_never_echoed(result, CANARY)


# -- Bearer ------------------------------------------------------------------------------------

BEARER_HEADERS = [
    pytest.param("Bearer " + CANARY + "\x00", id="NUL"),
    pytest.param("Bearer " + CANARY + "\r\nX-Evil: 1", id="CR LF"),
    pytest.param("Bearer " + CANARY + "\udcff", id="surrogateescape byte"),
    pytest.param("Bearer " + CANARY + "\ud800", id="lone surrogate"),
    pytest.param("Bearer ключ" + CANARY, id="non-ASCII"),
    pytest.param("Bearer " + CANARY + '"', id="quote"),
    pytest.param("Bearer " + CANARY + ",Bearer " + CANARY, id="duplicate header joined without space"),
    pytest.param("Bearer " + CANARY + ", Bearer " + CANARY, id="duplicate header joined"),
    pytest.param("Bearer " + CANARY + "," + CANARY, id="comma in the token"),
    pytest.param("Bearer " + " " * 10_000 + CANARY, id="many spaces"),
    pytest.param("Bearer" + " " * 10_000, id="only spaces after the scheme"),
    pytest.param("Bearer " + CANARY + "=x", id="padding in the middle"),
    pytest.param("Bearer\x00 " + CANARY, id="NUL in the scheme"),
]


@pytest.mark.parametrize("header", BEARER_HEADERS)
def test_hostile_authorization_headers_are_400_invalid_request(header: str) -> None:
    verify = Spy()
    result = run_strategy(BearerStrategy(verify), {"headers": {"Authorization": header}})
    if result.challenge == 'Bearer realm="Users"':  # not our scheme at all: simply no token
        assert result.status is None
    else:
        assert (result.action, result.status) == ("fail", 400)
        assert result.challenge == 'Bearer realm="Users", error="invalid_request"'
    assert verify.calls == []
    assert_never_echoed(result, CANARY)


@pytest.mark.parametrize("header", BEARER_HEADERS)
async def test_hostile_authorization_headers_fail_cleanly_in_async_mode(header: str) -> None:
    result = await arun_strategy(BearerStrategy(Spy()), {"headers": {"Authorization": header}})
    assert result.action == "fail"
    assert_never_echoed(result, CANARY)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(CANARY + "\x00", id="NUL"),
        pytest.param(CANARY + "\udcff", id="surrogateescape byte"),
        pytest.param(CANARY + " " + CANARY, id="space"),
        pytest.param("", id="empty"),
    ],
)
@pytest.mark.parametrize("place", ["body", "query"])
def test_hostile_body_and_query_tokens_fail_cleanly(place: str, token: str) -> None:
    verify = Spy()
    result = run_strategy(BearerStrategy(verify), {place: {"access_token": token}})
    assert result.action == "fail"
    assert result.status in {400, None}
    assert verify.calls == []
    assert_never_echoed(result, CANARY)


def test_a_one_megabyte_well_formed_token_reaches_verify_and_is_not_echoed() -> None:
    verify = Spy()
    token = MEGABYTE + CANARY
    result = run_strategy(BearerStrategy(verify), {"headers": {"Authorization": "Bearer " + token}})
    assert (result.action, result.status) == ("fail", None)
    assert verify.calls == [(token,)]
    assert result.challenge == 'Bearer realm="Users", error="invalid_token", error_description="Unknown credentials"'
    assert_never_echoed(result, CANARY)


def test_a_verify_message_that_echoes_the_token_is_not_put_in_the_challenge() -> None:
    strategy = BearerStrategy(lambda t: (None, f"unknown token {t}"))
    result = run_strategy(strategy, {"headers": {"Authorization": "Bearer " + CANARY}})
    assert result.challenge == 'Bearer realm="Users", error="invalid_token"'
    assert_never_echoed(result, CANARY)
