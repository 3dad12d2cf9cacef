"""ExampleStrategy, tested through passport-strategy-runner and its conformance kit."""

from __future__ import annotations

import pytest

from passport.core import Passport
from passport.core import StrategyError
from passport.core import available_strategies
from passport.core import load_strategy
from passport.strategies.example import ExampleStrategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import check_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

TOKEN = "tok-0123456789"
ANN = {"id": "ann"}


def verify(token):
    return ANN if token == TOKEN else None


async def averify(token):
    return verify(token)


def test_a_valid_token_succeeds():
    result = run_strategy(ExampleStrategy(verify), request={"headers": {"X-Example-Token": TOKEN}})
    assert result.action == "success"
    assert result.user == ANN


def test_a_missing_token_fails_with_a_challenge():
    result = run_strategy(ExampleStrategy(verify))
    assert result.action == "fail"
    assert result.challenge == 'Example realm="example"'
    assert result.status is None  # the guard answers 401


def test_an_unknown_token_fails_with_invalid_token():
    result = run_strategy(ExampleStrategy(verify), request={"headers": {"X-Example-Token": "tok-wrong"}})
    assert result.action == "fail"
    assert result.challenge == 'Example realm="example", error="invalid_token"'


def test_a_malformed_token_is_a_400_before_verify_runs():
    def never(token):
        raise AssertionError("verify must not run")

    result = run_strategy(ExampleStrategy(never), request={"headers": {"X-Example-Token": "x" * 5000}})
    assert (result.action, result.status, result.message) == ("fail", 400, "Malformed token")


def test_a_verify_that_raises_is_the_error_action():
    def down(token):
        raise ConnectionError("token store unreachable")

    result = run_strategy(ExampleStrategy(down), request={"headers": {"X-Example-Token": TOKEN}})
    assert result.action == "error"
    assert isinstance(result.error, ConnectionError)
    assert not isinstance(result.error, StrategyError)


@pytest.mark.parametrize("check", [verify, averify], ids=["def verify", "async def verify"])
async def test_async_apps_work_too(check):
    result = await arun_strategy(ExampleStrategy(check), request={"headers": {"X-Example-Token": TOKEN}})
    assert result.user == ANN


def test_a_guard_answers_401_with_the_challenge():
    passport = Passport().use(ExampleStrategy(verify))
    response = passport.authenticate("example", session=False).run(make_request())
    assert response is not None
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Example realm="example"'


def test_the_strategy_conforms_to_the_passport_protocol():
    report = check_strategy(
        ExampleStrategy(verify),
        requests={"valid": {"headers": {"X-Example-Token": TOKEN}}},
        secrets=[TOKEN],
    )
    assert report.results["valid"].action == "success"


def test_the_installed_distribution_is_discoverable_by_name():
    info = available_strategies()["example"]
    assert info.distribution == "passport-strategy-example"
    assert info.target == "passport.strategies.example:ExampleStrategy"
    assert load_strategy("example") is ExampleStrategy
