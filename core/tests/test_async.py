"""Sync and async modes: def and async def user code through run/attempt and arun/aattempt."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from _fakes import RECENT

from passport.core import PASS
from passport.core import Passport
from passport.strategy_runner import make_request

USERS = {"ann": {"id": "ann"}, "bob": {"id": "bob"}}


def build_passport(key_strategy, verify_kind, hook_kind):
    """A Passport whose verify, serializer, deserializer and transformer are all of one kind."""
    passport = Passport()
    if verify_kind == "def":

        def verify(key):
            return (USERS[key], {"scope": "read"}) if key in USERS else (False, {"message": "Unknown key"})

    else:

        async def verify(key):
            await asyncio.sleep(0)
            return (USERS[key], {"scope": "read"}) if key in USERS else (False, {"message": "Unknown key"})

    passport.use(key_strategy(verify))
    if hook_kind == "def":
        passport.serializer(lambda user: PASS)
        passport.serializer(lambda request, user: user["id"])
        passport.deserializer(lambda value: PASS)
        passport.deserializer(lambda request, value: USERS.get(value))
        passport.auth_info_transformer(lambda info: {**info, "transformed": True})
    else:

        async def skip(value):
            return PASS

        async def serialize(request, user):
            return user["id"]

        async def deserialize(request, value):
            return USERS.get(value)

        async def transform(info):
            return {**info, "transformed": True}

        for register, fn in [
            (passport.serializer, skip),
            (passport.serializer, serialize),
            (passport.deserializer, skip),
            (passport.deserializer, deserialize),
            (passport.auth_info_transformer, transform),
        ]:
            register(fn)
    return passport


KINDS = pytest.mark.parametrize(
    ("verify_kind", "hook_kind"),
    [("def", "def"), ("def", "async def"), ("async def", "def"), ("async def", "async def")],
)


@KINDS
def test_sync_entry_points_drive_def_and_async_def_user_code(key_strategy, verify_kind, hook_kind):
    passport = build_passport(key_strategy, verify_kind, hook_kind)
    request = make_request(headers={"X-Key": "ann"})
    response = passport.authenticate("key", success_redirect="/home").run(request)
    assert response is not None and response.header("Location") == "/home"
    assert request.user == {"id": "ann"}
    assert request.auth_info == {"scope": "read", "transformed": True}
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}}

    follow_up = make_request(session=request.session)
    assert passport.session().run(follow_up) is None
    assert follow_up.user == {"id": "ann"}

    outcome = passport.authenticate("key").attempt(make_request(headers={"X-Key": "eve"}))
    assert (outcome.action, outcome.info) == ("fail", {"message": "Unknown key"})

    login_request = make_request()
    passport.login(login_request, {"id": "bob"})
    assert login_request.session == {"passport": {"user": "bob", "auth_time": RECENT}}


@KINDS
async def test_async_entry_points_drive_def_and_async_def_user_code(key_strategy, verify_kind, hook_kind):
    passport = build_passport(key_strategy, verify_kind, hook_kind)
    request = make_request(headers={"X-Key": "ann"})
    response = await passport.authenticate("key", success_redirect="/home").arun(request)
    assert response is not None and response.header("Location") == "/home"
    assert request.user == {"id": "ann"}
    assert request.auth_info == {"scope": "read", "transformed": True}
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}}

    follow_up = make_request(session=request.session)
    assert await passport.session().arun(follow_up) is None
    assert follow_up.user == {"id": "ann"}

    outcome = await passport.authenticate("key").aattempt(make_request(headers={"X-Key": "eve"}))
    assert (outcome.action, outcome.info) == ("fail", {"message": "Unknown key"})

    login_request = make_request()
    await passport.alogin(login_request, {"id": "bob"})
    assert login_request.session == {"passport": {"user": "bob", "auth_time": RECENT}}


async def test_async_mode_restores_the_session_through_attempt_too(key_strategy):
    passport = build_passport(key_strategy, "def", "async def")
    request = make_request(session={"passport": {"user": "ann"}})
    outcome = await passport.session().aattempt(request)
    assert outcome.action == "pass"
    assert request.user == {"id": "ann"}


@pytest.mark.parametrize("gone", [None, False])
async def test_async_mode_drops_a_user_that_is_gone(gone):
    passport = Passport()

    @passport.deserializer
    async def deserialize(value):
        return gone

    request = make_request(session={"passport": {"user": "ann"}})
    assert await passport.session().arun(request) is None
    assert request.user is None
    assert request.session == {"passport": {}}


async def test_async_mode_without_session_support_is_a_session_error(passport):
    from passport.core import SessionError

    with pytest.raises(SessionError, match="session support"):
        await passport.session().arun(make_request(session=None))
    with pytest.raises(SessionError, match="session support"):
        await passport.alogin(make_request(session=None), {"id": "ann"})


async def test_async_mode_propagates_strategy_errors_from_arun(passport):
    from passport.core import Strategy

    class Broken(Strategy):
        name = "broken"

        async def authenticate(self, request, options):
            await asyncio.sleep(0)
            raise ConnectionError("provider unreachable")

    passport.use(Broken())
    with pytest.raises(ConnectionError):
        await passport.authenticate("broken").arun(make_request())
    outcome = await passport.authenticate("broken").aattempt(make_request())
    assert isinstance(outcome.error, ConnectionError)


async def test_async_mode_applies_failures_like_sync_mode(key_strategy):
    passport = build_passport(key_strategy, "async def", "async def")
    request = make_request(headers={"X-Key": "eve"})
    response = await passport.authenticate("key", failure_flash=True, failure_message=True).arun(request)
    assert response is not None and (response.status, response.body) == (401, "Unauthorized")
    assert request.flashes == [("error", "Unknown key")]
    assert request.session == {"messages": ["Unknown key"]}


async def test_async_mode_success_flash_message_and_return_to_survive_regeneration(key_strategy):
    passport = build_passport(key_strategy, "def", "def")
    request = make_request(headers={"X-Key": "ann"}, session={"returnTo": "/cart"})
    guard = passport.authenticate(
        "key", success_flash="Welcome", success_message="Hello", success_return_to_or_redirect="/home"
    )
    response = await guard.arun(request)
    assert response is not None and response.header("Location") == "/cart"
    assert request.session_regenerations == 1
    assert request.flashes == [("success", "Welcome")]
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}, "messages": ["Hello"]}


async def test_async_mode_assign_property_and_auth_info(key_strategy):
    passport = build_passport(key_strategy, "def", "async def")
    request = make_request(headers={"X-Key": "ann"})
    assert await passport.authorize("key").arun(request) is None
    assert request.account == {"id": "ann"}  # type: ignore[attr-defined]
    assert request.user is None
    assert request.auth_info == {"scope": "read", "transformed": True}


# -- sync entry points inside a running loop ---------------------------------------------------


async def test_run_inside_a_running_loop_raises_naming_arun(passport, scripted):
    passport.use(scripted("a", "pass_"))
    with pytest.raises(RuntimeError, match="arun"):
        passport.authenticate("a").run(make_request())


async def test_attempt_inside_a_running_loop_raises_naming_aattempt(passport, scripted):
    passport.use(scripted("a", "pass_"))
    with pytest.raises(RuntimeError, match="aattempt"):
        passport.authenticate("a").attempt(make_request())


async def test_login_inside_a_running_loop_raises_naming_alogin(passport, ann):
    request = make_request()
    with pytest.raises(RuntimeError, match="alogin"):
        passport.login(request, ann)
    assert request.session == {}


async def test_session_run_inside_a_running_loop_raises_naming_arun(passport):
    with pytest.raises(RuntimeError, match="arun"):
        passport.session().run(make_request(session={"passport": {"user": "ann"}}))


# -- threads and the event loop ----------------------------------------------------------------


async def test_sync_user_code_runs_in_worker_threads_in_async_mode(key_strategy):
    threads = {}
    passport = Passport()

    def verify(key):
        threads["verify"] = threading.get_ident()
        return {"id": key}

    def serialize(user):
        threads["serializer"] = threading.get_ident()
        return user["id"]

    def deserialize(value):
        threads["deserializer"] = threading.get_ident()
        return {"id": value}

    def transform(info):
        threads["transformer"] = threading.get_ident()
        return {"t": 1}

    passport.use(key_strategy(verify))
    passport.serializer(serialize)
    passport.deserializer(deserialize)
    passport.auth_info_transformer(transform)
    request = make_request(headers={"X-Key": "ann"})
    await passport.authenticate("key").arun(request)
    await passport.session().arun(make_request(session=request.session))
    loop_thread = threading.get_ident()
    assert set(threads) == {"verify", "serializer", "deserializer", "transformer"}
    assert loop_thread not in threads.values()


def test_a_def_authenticate_runs_sync_user_code_in_the_calling_thread_in_sync_mode(def_key_strategy):
    threads = set()
    passport = Passport()

    def verify(key):
        threads.add(threading.get_ident())
        return {"id": key}

    passport.use(def_key_strategy(verify))
    passport.serializer(lambda user: threads.add(threading.get_ident()) or user["id"])
    passport.authenticate("key").run(make_request(headers={"X-Key": "ann"}))
    assert threads == {threading.get_ident()}


async def test_a_blocking_sync_verify_does_not_block_the_event_loop(key_strategy):
    def verify(key):
        time.sleep(0.3)
        return {"id": key}

    passport = Passport()
    passport.use(key_strategy(verify))
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    outcome = await passport.authenticate("key").aattempt(make_request(headers={"X-Key": "ann"}))
    elapsed = time.perf_counter() - started
    task.cancel()
    assert outcome.user == {"id": "ann"}
    assert elapsed >= 0.3
    assert ticks >= 5  # a blocked loop could tick at most once or twice


def test_sync_mode_leaves_no_event_loop_behind(key_strategy):
    async def verify(key):
        return {"id": key}

    passport = Passport()
    passport.use(key_strategy(verify))
    outcome = passport.authenticate("key").attempt(make_request(headers={"X-Key": "ann"}))
    assert outcome.user == {"id": "ann"}
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()


async def test_a_transformer_error_in_async_mode_leaves_the_user_logged_in_without_auth_info(key_strategy):
    passport = Passport()
    passport.use(key_strategy(lambda key: {"id": key}))
    passport.serializer(lambda user: user["id"])

    @passport.auth_info_transformer
    async def broken(info):
        raise ValueError("transform failed")

    request = make_request(headers={"X-Key": "ann"})
    with pytest.raises(ValueError, match="transform failed"):
        await passport.authenticate("key").arun(request)
    assert request.user == {"id": "ann"}
    assert request.auth_info is None


async def test_cancelling_an_async_attempt_propagates_and_leaves_the_guard_usable(passport, scripted, ann):
    from passport.core import Strategy

    started = asyncio.Event()

    class Slow(Strategy):
        name = "slow"

        async def authenticate(self, request, options):
            started.set()
            await asyncio.sleep(10)
            self.success(ann)

    passport.use(Slow()).use(scripted("quick", "success", ann))
    task = asyncio.ensure_future(passport.authenticate("slow").aattempt(make_request()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    outcome = await passport.authenticate("quick").aattempt(make_request())
    assert outcome.user is ann


def test_sync_mode_keeps_the_threads_current_event_loop(key_strategy):
    async def verify(key):
        return {"id": key}

    passport = Passport()
    passport.use(key_strategy(verify))
    policy = asyncio.get_event_loop_policy()
    loop = asyncio.new_event_loop()
    policy.set_event_loop(loop)
    try:
        outcome = passport.authenticate("key").attempt(make_request(headers={"X-Key": "ann"}))
        assert outcome.user == {"id": "ann"}
        assert policy.get_event_loop() is loop
        assert not loop.is_closed()
    finally:
        policy.set_event_loop(None)
        loop.close()


def test_sync_mode_cancels_tasks_that_async_user_code_left_behind(key_strategy):
    left = []

    async def verify(key):
        left.append(asyncio.ensure_future(asyncio.sleep(10)))
        await asyncio.to_thread(time.sleep, 0)
        return {"id": key}

    passport = Passport()
    passport.use(key_strategy(verify))
    outcome = passport.authenticate("key").attempt(make_request(headers={"X-Key": "ann"}))
    assert outcome.user == {"id": "ann"}
    assert left[0].cancelled()


async def test_arun_and_aattempt_hand_back_coroutines_tasks_can_run(passport, scripted):
    ann = {"id": "ann"}
    passport.use(scripted("quick", "success", ann))
    guard = passport.authenticate("quick", session=False)
    pending = guard.arun(make_request())
    assert asyncio.iscoroutine(pending)
    assert await asyncio.create_task(pending) is None
    outcome = await asyncio.create_task(guard.aattempt(make_request()))
    assert (outcome.action, outcome.user) == ("success", ann)
