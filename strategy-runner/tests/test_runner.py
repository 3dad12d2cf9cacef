"""run_strategy / arun_strategy: how each action is reported (Passport's strategy runner cases)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from passport.core import Strategy
from passport.core import StrategyError
from passport.strategy_runner import Result
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy


class Acts(Strategy):
    """Calls one action with the given arguments."""

    name = "acts"

    def __init__(self, action: str, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.action, self.args, self.kwargs = action, args, kwargs

    def authenticate(self, request, options):
        getattr(self, self.action)(*self.args, **self.kwargs)


class AsyncActs(Acts):
    async def authenticate(self, request, options):
        await asyncio.sleep(0)
        getattr(self, self.action)(*self.args, **self.kwargs)


BOOM = ValueError("database down")

# (strategy arguments, expected result fields); every other field must be None.
CASES: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("success", {"id": 1}), {"action": "success", "user": {"id": 1}}),
    (("success", {"id": 1}, {"scope": "read"}), {"action": "success", "user": {"id": 1}, "info": {"scope": "read"}}),
    (("fail", 'Basic realm="Users"'), {"action": "fail", "challenge": 'Basic realm="Users"'}),
    (("fail", 'Bearer realm="Users"', 404), {"action": "fail", "challenge": 'Bearer realm="Users"', "status": 404}),
    (("fail", 404), {"action": "fail", "status": 404}),
    (("fail",), {"action": "fail"}),
    (("fail", {"message": "Hello"}), {"action": "fail", "message": "Hello", "message_type": "error"}),
    (
        ("fail", {"message": "Hi", "type": "info"}, 400),
        {"action": "fail", "message": "Hi", "message_type": "info", "status": 400},
    ),
    (("fail", {"type": "notice"}), {"action": "fail", "message_type": "notice"}),
    (("fail", {"message": None}), {"action": "fail", "challenge": {"message": None}}),
    (
        ("redirect", "https://idp.example/authorize", 301),
        {"action": "redirect", "url": "https://idp.example/authorize", "status": 301},
    ),
    (("redirect", "/login"), {"action": "redirect", "url": "/login", "status": 302}),
    (("pass_",), {"action": "pass"}),
    (("error", BOOM), {"action": "error", "error": BOOM}),
]
FIELDS = ("action", "user", "info", "challenge", "status", "message", "message_type", "url", "error")


def expected(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields.get(name) for name in FIELDS}


def observed(result: Result) -> dict[str, Any]:
    return {name: getattr(result, name) for name in FIELDS}


@pytest.mark.parametrize(("args", "fields"), CASES, ids=[" ".join(map(str, a)) for a, _ in CASES])
def test_run_strategy_normalises_each_action_as_passports_runner(args, fields):
    assert observed(run_strategy(Acts(*args))) == expected(fields)


@pytest.mark.parametrize(("args", "fields"), CASES, ids=[" ".join(map(str, a)) for a, _ in CASES])
async def test_arun_strategy_normalises_each_action_the_same_way(args, fields):
    assert observed(await arun_strategy(AsyncActs(*args))) == expected(fields)


@pytest.mark.parametrize(("args", "fields"), CASES[:3], ids=["success", "success+info", "fail"])
def test_run_strategy_drives_an_async_strategy_without_a_loop_of_its_own(args, fields):
    assert observed(run_strategy(AsyncActs(*args))) == expected(fields)


async def test_arun_strategy_accepts_a_plain_def_strategy():
    assert (await arun_strategy(Acts("pass_"))).action == "pass"


def test_fail_with_status_keyword_equals_a_bare_number():
    assert observed(run_strategy(Acts("fail", status=400))) == observed(run_strategy(Acts("fail", 400)))


def test_raising_inside_authenticate_is_the_error_action():
    class Raises(Strategy):
        name = "raises"

        def authenticate(self, request, options):
            raise BOOM

    result = run_strategy(Raises())
    assert result.action == "error"
    assert result.error is BOOM


# -- protocol misuse is reported, never raised -------------------------------------------------


class Silent(Strategy):
    name = "silent"

    def authenticate(self, request, options):
        return None


class Twice(Strategy):
    name = "twice"

    def authenticate(self, request, options):
        self.success({"id": 1})
        self.fail()


@pytest.mark.parametrize(
    ("strategy", "text"),
    [
        (Silent(), "returned without calling an action"),
        (Twice(), "called fail() after success(); a strategy must act exactly once"),
        (Acts("fail", "Basic\r\nSet-Cookie: x=1"), "challenge containing CR or LF"),
        (Acts("fail", None, 302), "use a 4xx or 5xx code"),
        (Acts("redirect", "/x", 200), "use a 3xx code"),
        (Acts("redirect", "/x\r\nSet-Cookie: x=1"), "CR/LF URL"),
        (Acts("success", None), "without a user"),
        (Acts("error", "not an exception"), "not an exception"),
    ],
    ids=["no action", "two actions", "CRLF challenge", "fail 302", "redirect 200", "CRLF url", "no user", "error str"],
)
def test_protocol_misuse_is_an_error_result_with_a_strategy_error(strategy, text):
    result = run_strategy(strategy)
    assert result.action == "error"
    assert isinstance(result.error, StrategyError)
    assert text in str(result.error)
    assert result.error.strategy == strategy.name


async def test_protocol_misuse_is_reported_the_same_way_in_async_code():
    result = await arun_strategy(Silent())
    assert result.action == "error"
    assert isinstance(result.error, StrategyError)


def test_an_action_after_authenticate_returned_is_refused():
    kept: list[Any] = []

    class Late(Strategy):
        name = "late"

        def authenticate(self, request, options):
            kept.append(self)
            self.pass_()

    assert run_strategy(Late()).action == "pass"
    with pytest.raises(StrategyError, match="outside authenticate"):
        kept[0].success({"id": 1})


# -- event loops and time ------------------------------------------------------------------------


async def test_run_strategy_inside_a_running_loop_says_to_use_arun_strategy():
    with pytest.raises(RuntimeError, match=r"use `await arun_strategy\(\.\.\.\)`"):
        run_strategy(Acts("pass_"))


def test_a_hanging_async_strategy_times_out_as_an_error_result():
    class Hangs(Strategy):
        name = "hangs"

        async def authenticate(self, request, options):
            await asyncio.sleep(3600)

    result = run_strategy(Hangs(), timeout=0.05)
    assert result.action == "error"
    assert isinstance(result.error, StrategyError)
    assert str(result.error) == "strategy 'hangs' did not act within 0.05 seconds"


async def test_a_hanging_async_strategy_times_out_under_arun_strategy_too():
    class Hangs(Strategy):
        name = "hangs"

        async def authenticate(self, request, options):
            await asyncio.Event().wait()

    result = await arun_strategy(Hangs(), timeout=0.05)
    assert result.action == "error"
    assert "did not act within" in str(result.error)


# -- requests and options ------------------------------------------------------------------------


def test_the_result_carries_the_very_request_the_strategy_saw():
    class Stores(Strategy):
        name = "stores"

        def authenticate(self, request, options):
            request.session["seen"] = request.body["username"]
            self.pass_()

    result = run_strategy(Stores(), {"method": "POST", "body": {"username": "ann"}})
    assert result.request.session == {"seen": "ann"}
    assert result.request.method == "POST"


def test_a_made_request_is_used_as_is():
    request = make_request(path="/callback")
    assert run_strategy(Acts("pass_"), request).request is request


def test_without_a_request_the_strategy_sees_a_bare_get():
    request = run_strategy(Acts("pass_")).request
    assert (request.method, request.url, request.path, request.body, request.session) == (
        "GET",
        "http://testserver/",
        "/",
        {},
        {},
    )


def test_options_reach_the_strategy_whole():
    seen: list[Any] = []

    class Reads(Strategy):
        name = "reads"

        def authenticate(self, request, options):
            seen.append(dict(options))
            self.pass_()

    run_strategy(Reads(), options={"scope": ["email"], "callback_url": "/cb"})
    assert seen == [{"scope": ["email"], "callback_url": "/cb"}]


def test_a_dict_request_with_unknown_keys_is_a_type_error():
    with pytest.raises(TypeError, match=r"unknown request keys \['bodyy'\]"):
        run_strategy(Acts("pass_"), {"bodyy": {}})


def test_something_that_is_not_a_strategy_is_a_type_error():
    with pytest.raises(TypeError, match="needs a strategy"):
        run_strategy(object())  # type: ignore[arg-type]


def test_a_strategy_without_a_name_still_runs():
    class Anonymous(Strategy):
        def authenticate(self, request, options):
            self.pass_()

    assert run_strategy(Anonymous()).action == "pass"


def test_result_is_frozen_and_its_repr_hides_the_request():
    result = run_strategy(Acts("pass_"), {"headers": {"Authorization": "Bearer s3cr3t-token"}})
    with pytest.raises(AttributeError):
        result.action = "success"  # type: ignore[misc]
    assert "s3cr3t" not in repr(result)
    assert repr(result).startswith("Result(action='pass'")
