"""APIKeyStrategy: passport-headerapikey's scenarios adapted, plus the design's departures."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

import pytest

from passport.core import Passport
from passport.core import nonblocking
from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import KeyStore
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

KEY = "topSecretApiKey"
USER = {"id": "svc-1"}


class Spy:
    def __init__(self, answer: Any = None) -> None:
        self.answer = answer
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.answer(*args) if callable(self.answer) else self.answer


def accept(key: str) -> Any:
    return (USER, {"scope": "reports"}) if key == KEY else (None, {"message": "Unknown API key"})


def with_headers(headers: Any, url: str = "/api") -> dict[str, Any]:
    return {"method": "GET", "url": url, "headers": headers}


# -- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"header": ""}, ValueError),
        ({"header": "X API Key"}, ValueError),
        ({"header": "X-Key:"}, ValueError),
        ({"header": b"X-Key"}, TypeError),
        ({"prefix": 5}, TypeError),
        ({"prefix": "Api-Key\r\n"}, ValueError),
        ({"prefix": "Ключ "}, ValueError),
        ({"header": None, "query": "key", "prefix": "x"}, ValueError),
        ({"query": ""}, TypeError),
        ({"query": 1}, TypeError),
        ({"header": None}, ValueError),
        ({"pass_request": None}, TypeError),
    ],
)
def test_malformed_options_are_refused_at_construction(options: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        APIKeyStrategy(accept, **options)


def test_the_defaults_read_x_api_key_without_prefix_or_query() -> None:
    assert repr(APIKeyStrategy(accept)) == "<APIKeyStrategy header='x-api-key' prefix='' query=None>"
    query_only = APIKeyStrategy(accept, header=None, query="api_key")
    assert repr(query_only) == "<APIKeyStrategy header=None prefix='' query='api_key'>"


@pytest.mark.parametrize("prefix", [None, ""])
def test_no_prefix_and_an_empty_prefix_mean_the_same(prefix: Any) -> None:
    result = run_strategy(APIKeyStrategy(accept, prefix=prefix), with_headers({"X-API-Key": KEY}))
    assert result.action == "success"


# -- authenticate ----------------------------------------------------------------------------


def test_a_known_key_succeeds_with_the_user_and_info() -> None:
    verify = Spy(accept)
    result = run_strategy(APIKeyStrategy(verify), with_headers({"X-API-Key": KEY}))
    assert (result.action, result.user, result.info) == ("success", USER, {"scope": "reports"})
    assert verify.calls == [(KEY,)]


@pytest.mark.parametrize("name", ["x-api-key", "X-API-KEY", "x-Api-Key"])
def test_the_header_name_is_case_insensitive(name: str) -> None:
    result = run_strategy(APIKeyStrategy(accept), with_headers({name: KEY}))
    assert result.action == "success"


def test_a_configured_header_name_is_case_insensitive_too() -> None:
    strategy = APIKeyStrategy(accept, header="Api-Token")
    assert run_strategy(strategy, with_headers({"API-TOKEN": KEY})).action == "success"
    assert run_strategy(strategy, with_headers({"X-API-Key": KEY})).message == "Missing API Key"


def test_a_header_name_with_dots_is_looked_up_literally() -> None:
    strategy = APIKeyStrategy(accept, header="X.Api.Key")
    assert run_strategy(strategy, with_headers({"x.api.key": KEY})).action == "success"
    assert run_strategy(strategy, with_headers({"X": KEY})).message == "Missing API Key"


def test_the_prefix_is_removed_before_verify() -> None:
    verify = Spy(accept)
    strategy = APIKeyStrategy(verify, header="Authorization", prefix="Api-Key ")
    result = run_strategy(strategy, with_headers({"Authorization": f"Api-Key {KEY}"}))
    assert result.action == "success"
    assert verify.calls == [(KEY,)]


def test_the_prefix_is_removed_literally_even_with_regex_characters() -> None:
    verify = Spy(accept)
    strategy = APIKeyStrategy(verify, header="Authorization", prefix="Key.* ")
    assert run_strategy(strategy, with_headers({"Authorization": f"Key.* {KEY}"})).action == "success"
    assert run_strategy(strategy, with_headers({"Authorization": f"KeyXX {KEY}"})).message == "Missing API Key"
    assert verify.calls == [(KEY,)]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(f"api-key {KEY}", id="prefix case differs"),
        pytest.param(f"Bearer {KEY}", id="another scheme"),
        pytest.param(KEY, id="no prefix at all"),
        pytest.param("Api-Key ", id="exactly the prefix"),
        pytest.param("Api-Key", id="prefix without its space"),
    ],
)
def test_a_header_without_the_prefix_or_key_counts_as_no_key(value: str) -> None:
    verify = Spy(accept)
    strategy = APIKeyStrategy(verify, header="Authorization", prefix="Api-Key ")
    result = run_strategy(strategy, with_headers({"Authorization": value}))
    assert (result.action, result.status, result.message) == ("fail", None, "Missing API Key")
    assert verify.calls == []


@pytest.mark.parametrize(
    "headers", [pytest.param({}, id="header absent"), pytest.param({"X-API-Key": ""}, id="header empty")]
)
def test_a_missing_key_fails_with_missing_api_key_and_no_status(headers: dict[str, str]) -> None:
    verify = Spy(accept)
    result = run_strategy(APIKeyStrategy(verify), with_headers(headers))
    assert (result.action, result.status, result.message, result.message_type) == (
        "fail",
        None,
        "Missing API Key",
        "error",
    )
    assert verify.calls == []


def test_a_rejected_key_fails_with_verify_s_info_and_no_status() -> None:
    result = run_strategy(APIKeyStrategy(lambda k: (None, {"message": "faily"})), with_headers({"X-API-Key": "x"}))
    assert (result.action, result.status, result.message) == ("fail", None, "faily")


@pytest.mark.parametrize("answer", [None, False, (False, None)])
def test_a_rejection_without_info_fails_with_no_challenge(answer: Any) -> None:
    result = run_strategy(APIKeyStrategy(lambda k: answer), with_headers({"X-API-Key": KEY}))
    assert (result.action, result.challenge, result.message, result.status) == ("fail", None, None, None)


def test_verify_raising_is_the_error_action() -> None:
    boom = ConnectionError("key database unreachable")

    def verify(key: str) -> Any:
        raise boom

    result = run_strategy(APIKeyStrategy(verify), with_headers({"X-API-Key": KEY}))
    assert (result.action, result.error) == ("error", boom)


def test_per_route_options_are_ignored() -> None:
    result = run_strategy(APIKeyStrategy(accept), with_headers({"X-API-Key": KEY}), options={"header": "Other"})
    assert result.action == "success"


# -- query -----------------------------------------------------------------------------------


def test_the_query_is_ignored_unless_configured() -> None:
    verify = Spy(accept)
    result = run_strategy(APIKeyStrategy(verify), with_headers({}, url=f"/api?api_key={KEY}"))
    assert result.message == "Missing API Key"
    assert verify.calls == []


def test_a_configured_query_parameter_carries_the_key() -> None:
    result = run_strategy(APIKeyStrategy(accept, query="api_key"), with_headers({}, url=f"/api?api_key={KEY}"))
    assert (result.action, result.user) == ("success", USER)


def test_query_only_strategies_ignore_the_header() -> None:
    strategy = APIKeyStrategy(accept, header=None, query="api_key")
    assert run_strategy(strategy, with_headers({"X-API-Key": KEY})).message == "Missing API Key"
    assert run_strategy(strategy, with_headers({}, url=f"/api?api_key={KEY}")).action == "success"


def test_a_key_in_the_header_and_the_query_is_a_400() -> None:
    verify = Spy(accept)
    strategy = APIKeyStrategy(verify, query="api_key")
    result = run_strategy(strategy, with_headers({"X-API-Key": KEY}, url=f"/api?api_key={KEY}"))
    assert (result.action, result.status, result.message) == ("fail", 400, "API key given more than once")
    assert verify.calls == []


def test_a_header_without_the_prefix_does_not_count_against_a_query_key() -> None:
    strategy = APIKeyStrategy(accept, header="Authorization", prefix="Api-Key ", query="api_key")
    result = run_strategy(strategy, with_headers({"Authorization": "Basic Zm9vOmJhcg=="}, url=f"/api?api_key={KEY}"))
    assert result.action == "success"


def test_an_empty_query_parameter_counts_as_no_key() -> None:
    strategy = APIKeyStrategy(accept, query="api_key")
    assert run_strategy(strategy, with_headers({"X-API-Key": KEY}, url="/api?api_key=")).action == "success"
    assert run_strategy(strategy, with_headers({}, url="/api?api_key=")).message == "Missing API Key"


def test_a_repeated_query_parameter_is_a_400() -> None:
    strategy = APIKeyStrategy(accept, query="api_key")
    result = run_strategy(strategy, with_headers({}, url=f"/api?api_key={KEY}&api_key=other"))
    assert (result.action, result.status) == ("fail", 400)


# -- duplicate headers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pairs",
    [
        pytest.param([("X-API-Key", KEY), ("X-API-Key", "wrong")], id="valid then invalid"),
        pytest.param([("X-API-Key", "wrong"), ("X-API-Key", KEY)], id="invalid then valid"),
        pytest.param([("X-API-Key", KEY), ("x-api-key", KEY)], id="the same key twice"),
        pytest.param([("X-API-Key", f"{KEY},{KEY}")], id="joined without a space (gunicorn)"),
    ],
)
def test_a_repeated_header_never_authenticates(pairs: list[tuple[str, str]]) -> None:
    verify = Spy(accept)
    result = run_strategy(APIKeyStrategy(verify), with_headers(pairs))
    assert (result.action, result.status, result.message) == ("fail", 400, "API key given more than once")
    assert verify.calls == []


@pytest.mark.parametrize(
    "pairs",
    [
        pytest.param([("Authorization", f"Api-Key {KEY}"), ("Authorization", "Api-Key wrong")], id="both ours"),
        pytest.param([("Authorization", "Basic Zm9vOmJhcg=="), ("Authorization", f"Api-Key {KEY}")], id="ours second"),
        pytest.param([("Authorization", f"Basic x,Api-Key {KEY}")], id="joined without a space"),
    ],
)
def test_a_repeated_prefixed_header_never_authenticates(pairs: list[tuple[str, str]]) -> None:
    verify = Spy(accept)
    strategy = APIKeyStrategy(verify, header="Authorization", prefix="Api-Key ")
    result = run_strategy(strategy, with_headers(pairs))
    assert (result.action, result.status) == ("fail", 400)
    assert verify.calls == []


# -- pass_request, async verify ----------------------------------------------------------------


def test_pass_request_hands_verify_the_request_first() -> None:
    def verify(request: Any, key: str) -> Any:
        return {"key_ok": key == KEY}, {"path": request.path, "agent": request.headers["user-agent"]}

    strategy = APIKeyStrategy(verify, pass_request=True)
    result = run_strategy(strategy, with_headers({"X-API-Key": KEY, "User-Agent": "cli/1.0"}))
    assert (result.user, result.info) == ({"key_ok": True}, {"path": "/api", "agent": "cli/1.0"})


async def async_accept(key: str) -> Any:
    await asyncio.sleep(0)
    return accept(key)


@pytest.mark.parametrize("verify", [accept, async_accept], ids=["def", "async def"])
def test_either_kind_of_verify_works_in_sync_mode(verify: Any) -> None:
    assert run_strategy(APIKeyStrategy(verify), with_headers({"X-API-Key": KEY})).user == USER
    assert run_strategy(APIKeyStrategy(verify), with_headers({"X-API-Key": "nope"})).message == "Unknown API key"


@pytest.mark.parametrize("verify", [accept, async_accept], ids=["def", "async def"])
async def test_either_kind_of_verify_works_in_async_mode(verify: Any) -> None:
    ok = await arun_strategy(APIKeyStrategy(verify), with_headers({"X-API-Key": KEY}))
    wrong = await arun_strategy(APIKeyStrategy(verify), with_headers({"X-API-Key": "nope"}))
    missing = await arun_strategy(APIKeyStrategy(verify), with_headers({}))
    assert (ok.action, ok.user) == ("success", USER)
    assert (wrong.action, wrong.message) == ("fail", "Unknown API key")
    assert (missing.action, missing.message) == ("fail", "Missing API Key")


async def test_pass_request_works_with_an_async_verify() -> None:
    async def verify(request: Any, key: str) -> Any:
        return {"method": request.method, "ok": key == KEY}

    result = await arun_strategy(APIKeyStrategy(verify, pass_request=True), with_headers({"X-API-Key": KEY}))
    assert result.user == {"method": "GET", "ok": True}


def test_a_key_store_is_a_verify_function() -> None:
    store = KeyStore([(KEY, USER)])
    assert run_strategy(APIKeyStrategy(store), with_headers({"X-API-Key": KEY})).user == USER
    result = run_strategy(APIKeyStrategy(store), with_headers({"X-API-Key": KEY + "x"}))
    assert (result.action, result.status, result.challenge) == ("fail", None, None)


async def test_a_key_store_works_in_async_mode() -> None:
    store = KeyStore([(KEY, USER)])
    assert (await arun_strategy(APIKeyStrategy(store), with_headers({"X-API-Key": KEY}))).user == USER


class RefusingExecutor(concurrent.futures.ThreadPoolExecutor):
    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"{fn!r} was sent to a worker thread")


@pytest.mark.parametrize(
    ("options", "headers"),
    [
        ({}, {"X-API-Key": KEY}),
        ({"header": "Authorization", "prefix": "Api-Key "}, {"Authorization": f"Api-Key {KEY}"}),
    ],
    ids=["default set-up", "with a prefix"],
)
async def test_a_key_store_is_looked_up_on_the_event_loop_not_in_a_worker_thread(
    options: dict[str, Any], headers: dict[str, str]
) -> None:
    # A worker-thread hop costs tens of microseconds; a digest lookup about one.
    asyncio.get_running_loop().set_default_executor(RefusingExecutor())
    store = KeyStore([(KEY, USER)])
    ok = await arun_strategy(APIKeyStrategy(store, **options), with_headers(headers))
    wrong = await arun_strategy(APIKeyStrategy(store, **options), with_headers({"X-API-Key": "nope"}))
    assert (ok.action, ok.user) == ("success", USER)
    assert (wrong.action, wrong.status) == ("fail", None)
    hop = await arun_strategy(APIKeyStrategy(accept), with_headers({"X-API-Key": KEY}))
    assert hop.action == "error" and "worker thread" in str(hop.error)  # the refusal is real: plain defs hop


def test_a_nonblocking_verify_that_returns_an_awaitable_is_awaited_not_taken_for_the_owner() -> None:
    @nonblocking
    def verify(key: str) -> Any:
        return async_accept(key)  # a plain def handing back a coroutine

    strategy = APIKeyStrategy(verify)
    ok = run_strategy(strategy, with_headers({"X-API-Key": KEY}))
    wrong = run_strategy(strategy, with_headers({"X-API-Key": "nope"}))
    assert (ok.action, ok.user, ok.info) == ("success", USER, {"scope": "reports"})
    assert (wrong.action, wrong.message) == ("fail", "Unknown API key")


async def test_a_nonblocking_verify_that_returns_an_awaitable_is_awaited_in_async_mode() -> None:
    @nonblocking
    def verify(key: str) -> Any:
        return async_accept(key)

    ok = await arun_strategy(APIKeyStrategy(verify), with_headers({"X-API-Key": KEY}))
    assert (ok.action, ok.user) == ("success", USER)


# -- behind a guard --------------------------------------------------------------------------


@pytest.fixture
def passport() -> Passport:
    passport = Passport()
    passport.use(APIKeyStrategy(KeyStore([(KEY, USER)])))
    return passport


def test_a_guarded_api_call_sets_the_user_without_touching_the_session(passport: Passport) -> None:
    request = make_request(headers={"X-API-Key": KEY}, session={"stale": "data"})
    assert passport.authenticate("apikey", session=False).run(request) is None
    assert request.user == USER
    assert request.auth_info == {}
    assert request.session == {"stale": "data"}
    assert request.session_regenerations == 0


def test_a_guarded_api_call_with_a_stale_session_user_gets_the_key_s_identity(passport: Passport) -> None:
    request = make_request(headers={"X-API-Key": KEY}, session={"passport": {"user": "someone-else"}})
    passport.authenticate("apikey", session=False).run(request)
    assert request.user == USER


def test_a_guarded_call_without_a_key_answers_401_without_a_challenge_header(passport: Passport) -> None:
    response = passport.authenticate("apikey", session=False).run(make_request())
    assert response is not None
    assert (response.status, response.body) == (401, "Unauthorized")
    assert response.header_list("WWW-Authenticate") == []


def test_a_guarded_call_with_a_duplicate_key_header_answers_400(passport: Passport) -> None:
    request = make_request(headers=[("X-API-Key", KEY), ("X-API-Key", KEY)])
    response = passport.authenticate("apikey", session=False).run(request)
    assert response is not None and response.status == 400
    assert request.user is None


# -- sync apps -------------------------------------------------------------------------------


def test_a_def_verify_in_a_sync_app_never_starts_an_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_loop(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an event loop was started")

    monkeypatch.setattr(asyncio, "Runner", no_loop)
    monkeypatch.setattr(asyncio, "new_event_loop", no_loop)
    assert run_strategy(APIKeyStrategy(accept), with_headers({"X-API-Key": KEY})).user == USER
    assert run_strategy(APIKeyStrategy(accept), with_headers({"X-API-Key": "x"})).message == "Unknown API key"


def test_one_instance_serves_concurrent_threads_without_mixing_them() -> None:
    import random
    import time
    from concurrent.futures import ThreadPoolExecutor

    def verify(key: str) -> Any:
        time.sleep(random.random() / 1000)
        return {"key": key}

    strategy = APIKeyStrategy(verify)
    keys = [f"key-{i}" for i in range(60)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda k: run_strategy(strategy, with_headers({"X-API-Key": k})), keys))
    assert [r.user["key"] for r in results] == keys


@pytest.mark.parametrize("message", ["Key revoked", "Key revoked\r\nX-Evil: 1"])
def test_a_string_rejection_info_is_a_message_never_a_challenge(message: str) -> None:
    result = run_strategy(APIKeyStrategy(lambda k: (None, message)), with_headers({"X-API-Key": KEY}))
    assert (result.action, result.status, result.message, result.challenge) == ("fail", None, message, None)
