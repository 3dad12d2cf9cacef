"""Passport-local's scenarios (normal, fields, options, passreq, fail, error), through the runner."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from passport.strategies.local import LocalStrategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import run_strategy

LOGIN = {"username": "ann", "password": "s3cret"}


def post(body: Any = None, **fields: Any) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "POST", "url": "/login", **fields}
    if body is not None:
        request["body"] = body
    return request


def accept_ann(username: str, password: str) -> Any:
    if username == "ann" and password == "s3cret":
        return {"id": 1, "username": "ann"}, {"scope": "read"}
    return None


async def async_accept_ann(username: str, password: str) -> Any:
    await asyncio.sleep(0)
    return accept_ann(username, password)


# -- normal --------------------------------------------------------------------------------


def test_credentials_in_the_body_authenticate_with_user_and_info(spy: Any) -> None:
    result = run_strategy(LocalStrategy(spy), post(LOGIN))
    assert result.action == "success"
    assert result.user == {"id": 1, "username": "ann"}
    assert result.info == {"scope": "read"}
    assert spy.calls == [("ann", "s3cret")]


def test_a_user_without_info_succeeds_with_info_none() -> None:
    result = run_strategy(LocalStrategy(lambda u, p: "ann"), post(LOGIN))
    assert (result.action, result.user, result.info) == ("success", "ann", None)


def test_credentials_in_the_query_are_ignored_by_default(spy: Any) -> None:
    result = run_strategy(LocalStrategy(spy), post(url="/login?username=ann&password=s3cret"))
    assert (result.action, result.status, result.message) == ("fail", 400, "Missing credentials")
    assert spy.calls == []


def test_credentials_in_the_query_authenticate_with_allow_query(spy: Any) -> None:
    result = run_strategy(LocalStrategy(spy, allow_query=True), post(url="/login?username=ann&password=s3cret"))
    assert result.action == "success"
    assert result.user["username"] == "ann"


@pytest.mark.parametrize(
    "request_fields",
    [
        pytest.param({"method": "POST"}, id="no body at all"),
        pytest.param(post({}), id="empty body"),
        pytest.param(post({"username": "ann"}), id="username only"),
        pytest.param(post({"password": "s3cret"}), id="password only"),
        pytest.param(post({"username": "", "password": "s3cret"}), id="empty username"),
        pytest.param(post({"username": "ann", "password": ""}), id="empty password"),
    ],
)
def test_missing_credentials_fail_with_400_without_calling_verify(spy: Any, request_fields: dict[str, Any]) -> None:
    result = run_strategy(LocalStrategy(spy), request_fields)
    assert result.action == "fail"
    assert result.status == 400
    assert result.message == "Missing credentials"
    assert result.message_type == "error"
    assert spy.calls == []


# -- fields --------------------------------------------------------------------------------


def test_custom_field_names_are_read(spy: Any) -> None:
    strategy = LocalStrategy(spy, username_field="userid", password_field="passwd")
    result = run_strategy(strategy, post({"userid": "ann", "passwd": "s3cret"}))
    assert result.action == "success"
    assert spy.calls == [("ann", "s3cret")]


def test_custom_field_names_ignore_the_default_ones(spy: Any) -> None:
    strategy = LocalStrategy(spy, username_field="userid", password_field="passwd")
    result = run_strategy(strategy, post(LOGIN))
    assert (result.action, result.status) == ("fail", 400)


def test_bracket_fields_read_a_nested_json_body(spy: Any) -> None:
    strategy = LocalStrategy(spy, username_field="user[username]", password_field="user[password]")
    result = run_strategy(strategy, post({"user": {"username": "ann", "password": "s3cret"}}))
    assert result.action == "success"
    assert spy.calls == [("ann", "s3cret")]


def test_bracket_fields_read_the_literal_flat_form_keys(spy: Any) -> None:
    strategy = LocalStrategy(spy, username_field="user[username]", password_field="user[password]")
    result = run_strategy(strategy, post({"user[username]": "ann", "user[password]": "s3cret"}))
    assert result.action == "success"
    assert spy.calls == [("ann", "s3cret")]


def test_bracket_fields_with_nested_keys_missing_fail_with_400(spy: Any) -> None:
    strategy = LocalStrategy(spy, username_field="user[username]", password_field="user[password]")
    result = run_strategy(strategy, post({"user": {"name": "ann", "pass": "s3cret"}}))
    assert (result.action, result.status, result.message) == ("fail", 400, "Missing credentials")
    assert spy.calls == []


# -- options -------------------------------------------------------------------------------


def test_the_bad_request_message_route_option_replaces_the_message(spy: Any) -> None:
    result = run_strategy(LocalStrategy(spy), post({}), options={"bad_request_message": "Something is wrong"})
    assert (result.action, result.status, result.message) == ("fail", 400, "Something is wrong")


def test_the_bad_request_message_constructor_option_replaces_the_message(spy: Any) -> None:
    result = run_strategy(LocalStrategy(spy, bad_request_message="Please sign in"), post({}))
    assert (result.action, result.status, result.message) == ("fail", 400, "Please sign in")


def test_the_route_option_wins_over_the_constructor_option(spy: Any) -> None:
    strategy = LocalStrategy(spy, bad_request_message="from the constructor")
    result = run_strategy(strategy, post({}), options={"bad_request_message": "from the route"})
    assert result.message == "from the route"


def test_the_configured_message_also_replaces_malformed_credentials(spy: Any) -> None:
    strategy = LocalStrategy(spy, bad_request_message="Please sign in", max_length=4)
    result = run_strategy(strategy, post(LOGIN))
    assert (result.action, result.status, result.message) == ("fail", 400, "Please sign in")


def test_a_non_string_bad_request_message_route_option_is_an_error(spy: Any) -> None:
    result = run_strategy(LocalStrategy(spy), post({}), options={"bad_request_message": 400})
    assert result.action == "error"
    assert isinstance(result.error, TypeError)


def test_a_well_formed_request_ignores_the_bad_request_message(spy: Any) -> None:
    result = run_strategy(LocalStrategy(spy), post(LOGIN), options={"bad_request_message": "unused"})
    assert result.action == "success"


# -- pass_request --------------------------------------------------------------------------


def test_pass_request_hands_verify_the_request_first() -> None:
    def verify(request: Any, username: str, password: str) -> Any:
        return {"username": username}, {"foo": request.headers["x-foo"], "path": request.path}

    strategy = LocalStrategy(verify, pass_request=True)
    result = run_strategy(strategy, post(LOGIN, headers={"X-Foo": "hello"}))
    assert result.action == "success"
    assert result.user == {"username": "ann"}
    assert result.info == {"foo": "hello", "path": "/login"}


def test_pass_request_gives_verify_the_very_request_the_strategy_saw() -> None:
    seen: list[Any] = []

    def verify(request: Any, username: str, password: str) -> Any:
        seen.append(request)
        return "ann"

    result = run_strategy(LocalStrategy(verify, pass_request=True), post(LOGIN))
    assert seen == [result.request]


async def test_pass_request_works_with_an_async_verify() -> None:
    async def verify(request: Any, username: str, password: str) -> Any:
        return {"method": request.method, "username": username}

    result = await arun_strategy(LocalStrategy(verify, pass_request=True), post(LOGIN))
    assert result.action == "success"
    assert result.user == {"method": "POST", "username": "ann"}


# -- fail ----------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [None, False, (False, None), (None, None)])
def test_a_rejection_without_info_fails_with_no_challenge_and_no_status(answer: Any) -> None:
    result = run_strategy(LocalStrategy(lambda u, p: answer), post(LOGIN))
    assert result.action == "fail"
    assert result.challenge is None
    assert result.message is None
    assert result.status is None  # the core answers 401


def test_a_rejection_with_info_fails_with_that_info_and_no_status() -> None:
    result = run_strategy(LocalStrategy(lambda u, p: (False, {"message": "Incorrect password."})), post(LOGIN))
    assert result.action == "fail"
    assert result.message == "Incorrect password."
    assert result.status is None


def test_a_rejection_info_with_a_type_keeps_it() -> None:
    info = {"message": "Account locked.", "type": "warning"}
    result = run_strategy(LocalStrategy(lambda u, p: (None, info)), post(LOGIN))
    assert (result.message, result.message_type) == ("Account locked.", "warning")


# -- error ---------------------------------------------------------------------------------


def test_verify_raising_is_the_error_action() -> None:
    boom = RuntimeError("database down")

    def verify(username: str, password: str) -> Any:
        raise boom

    result = run_strategy(LocalStrategy(verify), post(LOGIN))
    assert result.action == "error"
    assert result.error is boom


async def test_an_async_verify_raising_is_the_error_action_in_async_mode() -> None:
    async def verify(username: str, password: str) -> Any:
        raise LookupError("database down")

    result = await arun_strategy(LocalStrategy(verify), post(LOGIN))
    assert result.action == "error"
    assert isinstance(result.error, LookupError)


def test_an_async_verify_raising_is_the_error_action_in_sync_mode() -> None:
    async def verify(username: str, password: str) -> Any:
        raise LookupError("database down")

    result = run_strategy(LocalStrategy(verify), post(LOGIN))
    assert result.action == "error"
    assert isinstance(result.error, LookupError)


# -- sync and async verify, in sync and async mode -------------------------------------------


@pytest.mark.parametrize("verify", [accept_ann, async_accept_ann], ids=["def", "async def"])
def test_either_kind_of_verify_works_in_sync_mode(verify: Any) -> None:
    ok = run_strategy(LocalStrategy(verify), post(LOGIN))
    wrong = run_strategy(LocalStrategy(verify), post({"username": "ann", "password": "nope"}))
    assert (ok.action, ok.user["id"], ok.info) == ("success", 1, {"scope": "read"})
    assert (wrong.action, wrong.status) == ("fail", None)


@pytest.mark.parametrize("verify", [accept_ann, async_accept_ann], ids=["def", "async def"])
async def test_either_kind_of_verify_works_in_async_mode(verify: Any) -> None:
    ok = await arun_strategy(LocalStrategy(verify), post(LOGIN))
    wrong = await arun_strategy(LocalStrategy(verify), post({"username": "ann", "password": "nope"}))
    missing = await arun_strategy(LocalStrategy(verify), post({}))
    assert (ok.action, ok.user["id"], ok.info) == ("success", 1, {"scope": "read"})
    assert (wrong.action, wrong.status) == ("fail", None)
    assert (missing.action, missing.status) == ("fail", 400)


def test_a_def_verify_in_a_sync_app_never_starts_an_event_loop(spy: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_loop(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an event loop was started")

    strategy = LocalStrategy(spy)
    assert not asyncio.iscoroutinefunction(strategy.authenticate)
    monkeypatch.setattr(asyncio, "Runner", no_loop)
    monkeypatch.setattr(asyncio, "new_event_loop", no_loop)
    assert run_strategy(strategy, post(LOGIN)).action == "success"
    assert run_strategy(strategy, post({"username": "ann", "password": "x"})).action == "fail"


async def test_a_plain_def_verify_runs_off_the_event_loop_in_async_mode() -> None:
    loop_thread: list[bool] = []

    def verify(username: str, password: str) -> Any:
        try:
            asyncio.get_running_loop()
            loop_thread.append(True)
        except RuntimeError:
            loop_thread.append(False)
        return "ann"

    result = await arun_strategy(LocalStrategy(verify), post(LOGIN))
    assert result.action == "success"
    assert loop_thread == [False]


async def test_one_instance_serves_concurrent_requests_without_mixing_them() -> None:
    async def verify(username: str, password: str) -> Any:
        await asyncio.sleep(0.001 * (hash(username) % 5))
        return {"username": username} if password == f"pw-{username}" else None

    strategy = LocalStrategy(verify)
    names = [f"user{i}" for i in range(40)]
    results = await asyncio.gather(
        *(arun_strategy(strategy, post({"username": n, "password": f"pw-{n}"})) for n in names)
    )
    assert [r.user["username"] for r in results] == names


@pytest.mark.parametrize("message", ["Incorrect password.", "No user named ann\r\nX-Evil: 1"])
def test_a_string_rejection_info_is_a_message_never_a_challenge(message: str) -> None:
    result = run_strategy(LocalStrategy(lambda u, p: (None, message)), post(LOGIN))
    assert (result.action, result.status, result.message, result.challenge) == ("fail", None, message, None)


def test_51_has_credentials_sees_a_username_or_a_password_where_the_strategy_reads_them() -> None:
    from passport.strategy_runner import make_request

    strategy = LocalStrategy(lambda username, password: None)
    assert strategy.has_credentials(make_request(method="POST", body={"username": "ann"})) is True
    assert strategy.has_credentials(make_request(method="POST", body={"password": "x"})) is True
    assert strategy.has_credentials(make_request(method="POST", body={})) is False
    assert strategy.has_credentials(make_request(url="/?username=ann&password=x")) is False  # query: not read
