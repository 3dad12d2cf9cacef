"""The pytest plugin (entry point ``pytest11``): each fixture, used from a real test file."""

from __future__ import annotations

import pytest

STRATEGY = """
from passport.core import Strategy

class Key(Strategy):
    name = "key"

    def authenticate(self, request, options):
        key = request.headers.get("X-API-Key")
        if key is None:
            return self.fail(400)
        if key == "k-123456":
            return self.success({"id": "ann"})
        self.fail('Key realm="api"')
"""


@pytest.fixture(autouse=True)
def quiet_ini(pytester: pytest.Pytester) -> None:
    # pytest-asyncio warns when its loop scope is unset; the inner runs set it, as ours does.
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


@pytest.fixture
def write_tests(pytester: pytest.Pytester):
    def write(body: str) -> None:
        pytester.makepyfile(test_strategy=STRATEGY + body)

    return write


def test_the_plugin_is_registered_through_its_entry_point(pytester: pytest.Pytester):
    result = pytester.runpytest("--trace-config", "-q")
    result.stdout.fnmatch_lines(["*PLUGIN registered: <module 'passport.strategy_runner._plugin'*"])


def test_strategy_runner_fixture_runs_a_strategy(pytester: pytest.Pytester, write_tests):
    write_tests(
        """
def test_a_right_key_succeeds(strategy_runner):
    result = strategy_runner(Key(), request={"headers": {"X-API-Key": "k-123456"}})
    assert result.action == "success"
    assert result.user == {"id": "ann"}
"""
    )
    pytester.runpytest("-q").assert_outcomes(passed=1)


def test_async_strategy_runner_fixture_runs_a_strategy_in_async_tests(pytester: pytest.Pytester, write_tests):
    write_tests(
        """
import pytest

@pytest.mark.asyncio
async def test_a_missing_key_is_a_400(async_strategy_runner):
    result = await async_strategy_runner(Key())
    assert (result.action, result.status) == ("fail", 400)
"""
    )
    pytester.runpytest("-q", "-p", "asyncio").assert_outcomes(passed=1)


def test_passport_request_fixture_builds_requests_for_guards(pytester: pytest.Pytester, write_tests):
    write_tests(
        """
from passport.core import Passport

def test_a_wrong_key_gets_its_challenge(passport_request):
    request = passport_request(headers={"X-API-Key": "nope"})
    response = Passport().use(Key()).authenticate("key").run(request)
    assert response.status == 401
    assert response.header("WWW-Authenticate") == 'Key realm="api"'
"""
    )
    pytester.runpytest("-q").assert_outcomes(passed=1)


def test_strategy_conformance_fixture_passes_a_conforming_strategy(pytester: pytest.Pytester, write_tests):
    write_tests(
        """
def test_key_conforms(strategy_conformance):
    report = strategy_conformance(
        Key,
        requests={"right key": {"headers": {"X-API-Key": "k-123456"}}},
        secrets=["k-123456"],
    )
    assert report.ok
    assert report.results["right key"].action == "success"
"""
    )
    pytester.runpytest("-q").assert_outcomes(passed=1)


def test_strategy_conformance_fixture_fails_with_a_readable_summary(pytester: pytest.Pytester, write_tests):
    write_tests(
        """
from passport.core import Strategy

class Echo(Strategy):
    name = "echo"

    def authenticate(self, request, options):
        self.fail({"message": "bad key " + str(request.headers.get("X-API-Key"))})

def test_echo_conforms(strategy_conformance):
    strategy_conformance(Echo(), secrets=["k-123456"])
"""
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*passport conformance of 'echo'*problem*",
            "*[[]secrets[]] request 'secret #1 everywhere' (sync, async, threads, tasks): "
            "secret #1 appears in the result's message*",
        ]
    )
    result.stdout.no_fnmatch_line("*k-123456*")  # the summary never prints the secret
    result.stdout.no_fnmatch_line("*_conformance.py*")  # no traceback into the kit
