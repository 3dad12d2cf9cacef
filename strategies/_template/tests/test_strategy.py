"""ExampleStrategy, tested through passport-strategy-runner and its conformance kit."""

from __future__ import annotations

from typing import Any

import pytest

from passport.core import Passport
from passport.core import StrategyError
from passport.core import available_strategies
from passport.core import load_strategy
from passport.strategies.example import ExampleError
from passport.strategies.example import ExampleStrategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import check_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

TOKEN = "tok-0123456789"
ANN = {"id": "ann"}
HEADER = "X-Example-Token"


def verify(token: str) -> Any:
    return ANN if token == TOKEN else None


async def averify(token: str) -> Any:
    return verify(token)


def test_a_valid_token_succeeds() -> None:
    result = run_strategy(ExampleStrategy(verify), request={"headers": {HEADER: TOKEN}})
    assert result.action == "success"
    assert result.user == ANN


def test_a_missing_token_fails_with_a_challenge() -> None:
    result = run_strategy(ExampleStrategy(verify))
    assert result.action == "fail"
    assert result.challenge == 'Example realm="example"'
    assert result.status is None  # the guard answers 401


def test_an_unknown_token_fails_with_invalid_token() -> None:
    result = run_strategy(ExampleStrategy(verify), request={"headers": {HEADER: "tok-wrong"}})
    assert result.action == "fail"
    assert result.challenge == 'Example realm="example", error="invalid_token"'


def test_a_malformed_token_is_a_400_before_verify_runs() -> None:
    def never(token: str) -> Any:
        raise AssertionError("verify must not run")

    result = run_strategy(ExampleStrategy(never), request={"headers": {HEADER: "x" * 5000}})
    assert (result.action, result.status, result.message) == ("fail", 400, "Malformed token")


def test_a_verify_that_raises_is_the_error_action() -> None:
    def down(token: str) -> Any:
        raise ExampleError("token store unreachable")

    result = run_strategy(ExampleStrategy(down), request={"headers": {HEADER: TOKEN}})
    assert result.action == "error"
    assert isinstance(result.error, ExampleError)
    assert not isinstance(result.error, StrategyError)


def test_an_unavailable_token_store_reaches_the_adapter_with_its_status() -> None:
    def down(token: str) -> Any:
        raise ExampleError()

    passport = Passport().use(ExampleStrategy(down))
    with pytest.raises(ExampleError) as caught:  # an adapter answers it: 503 Service Unavailable
        passport.authenticate("example", session=False).run(make_request(headers={HEADER: TOKEN}))
    assert caught.value.status == 503
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("check", [verify, averify], ids=["def verify", "async def verify"])
async def test_async_apps_work_too(check: Any) -> None:
    result = await arun_strategy(ExampleStrategy(check), request={"headers": {HEADER: TOKEN}})
    assert result.user == ANN


def test_a_guard_answers_401_with_the_challenge() -> None:
    passport = Passport().use(ExampleStrategy(verify))
    response = passport.authenticate("example", session=False).run(make_request())
    assert response is not None
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Example realm="example"'


def test_the_strategy_conforms_to_the_passport_protocol() -> None:
    report = check_strategy(
        ExampleStrategy(verify),
        requests={"valid": {"headers": {HEADER: TOKEN}}},
        secrets=[TOKEN],
    )
    assert report.results["valid"].action == "success"


def test_the_installed_distribution_is_discoverable_by_name() -> None:
    info = available_strategies()["example"]
    assert info.distribution == "passport-strategy-example"
    assert info.target == "passport.strategies.example:ExampleStrategy"
    assert load_strategy("example") is ExampleStrategy
