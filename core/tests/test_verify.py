"""call_verify and the verify-function return forms (DESIGN.md §3 "Verify functions")."""

from __future__ import annotations

import pytest

from passport.core import Strategy
from passport.core import call_verify
from passport.core._verify import normalize_verify_result
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

ANN = {"id": "ann"}


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        (ANN, (ANN, None)),
        (None, (None, None)),
        (False, (None, None)),
        ((ANN, {"scope": "read"}), (ANN, {"scope": "read"})),
        ((False, {"message": "Incorrect password."}), (None, {"message": "Incorrect password."})),
        ((None, {"message": "Unknown user."}), (None, {"message": "Unknown user."})),
        (((1, 2), None), ((1, 2), None)),
        ((1, 2, 3), ((1, 2, 3), None)),
    ],
)
def test_verify_results_normalise_to_user_and_info(returned, expected):
    assert normalize_verify_result(returned) == expected


def test_call_verify_in_sync_mode_is_already_resolved():
    seen = []
    assert call_verify(lambda key: (ANN, "info"), "k").then(seen.append) is None
    assert seen == [(ANN, "info")]


def test_call_verify_runs_an_async_verify_from_sync_mode():
    async def verify(key):
        return ANN

    seen = []
    call_verify(verify, "k").then(seen.append)
    assert seen == [(ANN, None)]


async def test_call_verify_is_awaitable_in_async_mode():
    async def verify(username, password):
        return (ANN, {"via": username}) if password == "pw" else False

    assert await call_verify(verify, "ann", "pw") == (ANN, {"via": "ann"})
    assert await call_verify(lambda u, p: False, "ann", "bad") == (None, None)


def test_a_verify_exception_becomes_the_error_action(passport, key_strategy):
    def verify(key):
        raise ConnectionError("database down")

    passport.use(key_strategy(verify))
    outcome = passport.authenticate("key").attempt(make_request(headers={"X-Key": "ann"}))
    assert outcome.action == "error"
    assert isinstance(outcome.error, ConnectionError)


async def test_a_verify_exception_becomes_the_error_action_in_async_mode(passport, key_strategy):
    async def verify(key):
        raise ConnectionError("database down")

    passport.use(key_strategy(verify))
    with pytest.raises(ConnectionError):
        await passport.authenticate("key").arun(make_request(headers={"X-Key": "ann"}))


def test_a_verify_failure_info_reaches_the_failure_flash(passport, key_strategy):
    passport.use(key_strategy(lambda key: (False, {"message": "Incorrect key."})))
    request = make_request(headers={"X-Key": "ann"})
    passport.authenticate("key", failure_flash=True, failure_redirect="/login").run(request)
    assert request.flashes == [("error", "Incorrect key.")]


class Chained(Strategy):
    """Checks two things in turn: the second call_verify(...).then(...) is returned by the first's callback."""

    name = "chained"

    def authenticate(self, request, options):
        return call_verify(check_key, request.headers.get("X-Key")).then(self._key_checked)

    def _key_checked(self, result):
        user, _ = result
        if user is None:
            return self.fail("Key")
        return call_verify(check_device, user, request_device(self)).then(self.verified)


def check_key(key):
    return {"id": "ann"} if key == "k" else None


async def check_device(user, device):
    return (user, {"device": device}) if device == "d" else (None, "Unknown device")


def request_device(strategy):
    return "d"


def test_a_then_callback_may_chain_another_call_verify_in_sync_mode():
    result = run_strategy(Chained(), {"headers": {"X-Key": "k"}})
    assert result.action == "success"
    assert result.info == {"device": "d"}


async def test_a_then_callback_may_chain_another_call_verify_in_async_mode():
    result = await arun_strategy(Chained(), {"headers": {"X-Key": "k"}})
    assert result.action == "success"
    assert result.info == {"device": "d"}


async def test_a_chained_failure_acts_once_in_async_mode():
    result = await arun_strategy(Chained(), {"headers": {"X-Key": "wrong"}})
    assert result.action == "fail"
    assert result.challenge == "Key"
