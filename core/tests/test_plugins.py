"""Plugin hooks: order and arguments, refusal, isolation of failing plugins, registration checks."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from _fakes import RECENT

from passport.core import AuthenticationError
from passport.core import Passport
from passport.core import PluginError
from passport.core import Refusal
from passport.core import Strategy
from passport.core import hookimpl
from passport.strategy_runner import make_request


class Recorder:
    """Implements every hook and records ``(hook, arguments)`` in call order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @hookimpl
    def passport_refuse_attempt(self, request, strategies):
        self.calls.append(("refuse_attempt", {"request": request, "strategies": tuple(strategies)}))

    @hookimpl
    def passport_attempt_started(self, request, strategies):
        self.calls.append(("attempt_started", {"request": request, "strategies": tuple(strategies)}))

    @hookimpl
    def passport_strategy_outcome(self, request, strategy, action, status):
        self.calls.append(("strategy_outcome", {"strategy": strategy, "action": action, "status": status}))

    @hookimpl
    def passport_attempt_finished(self, request, strategies, outcome):
        self.calls.append(("attempt_finished", {"strategies": tuple(strategies), "action": outcome.action}))

    @hookimpl
    def passport_login(self, request, user, session):
        self.calls.append(("login", {"request": request, "user": user, "session": session}))

    @hookimpl
    def passport_logout(self, request, user):
        self.calls.append(("logout", {"request": request, "user": user}))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


class Counting(Strategy):
    """Counts its calls, then fails with a challenge (or succeeds as ``user``)."""

    def __init__(self, name: str, user: Any = None) -> None:
        super().__init__()
        self.name = name
        self.user = user
        self.calls = 0

    def authenticate(self, request, options):
        self.calls += 1  # test-only bookkeeping; real strategies never write to self
        if self.user is None:
            self.fail("Basic realm=test", 401)
        else:
            self.success(self.user, {"scope": "all"})


class AsyncCounting(Counting):
    async def authenticate(self, request, options):
        super().authenticate(request, options)


class RateLimited:
    """Refuses every attempt with a 429 and a Retry-After header."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, ...]] = []

    @hookimpl
    def passport_refuse_attempt(self, strategies):
        self.asked.append(tuple(strategies))
        return Refusal(429, "Too many attempts, try again later", [("Retry-After", "30")])


@pytest.fixture
def recorder(passport: Passport) -> Recorder:
    plugin = Recorder()
    passport.register_plugin(plugin, "recorder")
    return plugin


# -- lifecycle order -------------------------------------------------------------------------


def test_hooks_fire_in_order_with_their_arguments_on_a_sync_login(passport, recorder, ann):
    passport.use(Counting("basic")).use(Counting("token", user=ann))
    request = make_request()
    assert passport.authenticate(["basic", "token"]).run(request) is None
    assert recorder.names() == [
        "refuse_attempt",
        "attempt_started",
        "strategy_outcome",
        "strategy_outcome",
        "attempt_finished",
        "login",
    ]
    calls = dict(recorder.calls[:2])
    assert calls["refuse_attempt"] == {"request": request, "strategies": ("basic", "token")}
    assert calls["attempt_started"] == {"request": request, "strategies": ("basic", "token")}
    assert recorder.calls[2][1] == {"strategy": "basic", "action": "fail", "status": 401}
    assert recorder.calls[3][1] == {"strategy": "token", "action": "success", "status": None}
    assert recorder.calls[4][1] == {"strategies": ("basic", "token"), "action": "success"}
    assert recorder.calls[5][1] == {"request": request, "user": ann, "session": True}


async def test_hooks_fire_in_order_with_their_arguments_on_an_async_login(passport, recorder, ann):
    passport.use(AsyncCounting("basic")).use(AsyncCounting("token", user=ann))
    request = make_request()
    assert await passport.authenticate(["basic", "token"], session=False).arun(request) is None
    assert recorder.names() == [
        "refuse_attempt",
        "attempt_started",
        "strategy_outcome",
        "strategy_outcome",
        "attempt_finished",
        "login",
    ]
    assert recorder.calls[3][1] == {"strategy": "token", "action": "success", "status": None}
    assert recorder.calls[5][1] == {"request": request, "user": ann, "session": False}


def test_a_failed_attempt_reports_every_strategy_and_no_login(passport, recorder):
    passport.use(Counting("basic"))
    response = passport.authenticate("basic").run(make_request())
    assert response is not None and response.status == 401
    assert recorder.names() == ["refuse_attempt", "attempt_started", "strategy_outcome", "attempt_finished"]
    assert recorder.calls[-1][1]["action"] == "fail"


def test_attempt_fires_the_attempt_hooks_but_logs_nobody_in(passport, recorder, ann):
    passport.use(Counting("token", user=ann))
    outcome = passport.authenticate("token").attempt(make_request())
    assert outcome.action == "success"
    assert recorder.names() == ["refuse_attempt", "attempt_started", "strategy_outcome", "attempt_finished"]


def test_a_redirect_outcome_carries_its_status(passport, recorder):
    class Provider(Strategy):
        name = "provider"

        def authenticate(self, request, options):
            self.redirect("https://idp.example/authorize", 303)

    passport.use(Provider())
    passport.authenticate("provider").run(make_request())
    assert recorder.calls[2][1] == {"strategy": "provider", "action": "redirect", "status": 303}


def test_direct_login_and_logout_fire_their_hooks(passport, recorder, ann):
    request = make_request()
    passport.login(request, ann)
    passport.logout(request)
    assert recorder.calls == [
        ("login", {"request": request, "user": ann, "session": True}),
        ("logout", {"request": request, "user": ann}),
    ]


async def test_async_login_and_logout_fire_their_hooks(passport, recorder, ann):
    request = make_request()
    await passport.alogin(request, ann)
    await passport.alogout(request)
    assert recorder.names() == ["login", "logout"]
    assert recorder.calls[1][1]["user"] == ann


def test_logout_of_nobody_reports_user_none(passport, recorder):
    passport.logout(make_request())
    assert recorder.calls == [("logout", {"request": recorder.calls[0][1]["request"], "user": None})]


def test_a_login_that_fails_to_serialize_fires_no_login_hook(recorder, ann):
    bare = Passport()
    bare.register_plugin(recorder, "again")
    with pytest.raises(Exception, match="serialize"):
        bare.login(make_request(), ann)
    assert recorder.calls == []


def test_a_hookimpl_may_take_any_subset_of_the_arguments(passport, ann):
    seen: list[Any] = []

    class Minimal:
        @hookimpl
        def passport_strategy_outcome(self, action):
            seen.append(action)

        @hookimpl
        def passport_login(self, user):
            seen.append(user)

        @hookimpl
        def passport_attempt_started(self):
            seen.append("started")

    passport.register_plugin(Minimal())
    passport.use(Counting("token", user=ann))
    passport.authenticate("token").run(make_request())
    assert seen == ["started", "success", ann]


def test_a_module_can_be_a_plugin(passport, ann):
    import types

    module = types.ModuleType("audit_plugin")
    module.seen = []  # type: ignore[attr-defined]

    @hookimpl
    def passport_login(user):
        module.seen.append(user)  # type: ignore[attr-defined]

    module.passport_login = passport_login  # type: ignore[attr-defined]
    assert passport.register_plugin(module) == "audit_plugin"
    passport.login(make_request(), ann)
    assert module.seen == [ann]  # type: ignore[attr-defined]


def test_without_plugins_no_plugin_manager_is_created(passport, ann, monkeypatch):
    import pluggy

    def refuse(*args, **kwargs):
        raise AssertionError("a PluginManager was created although no plugin was registered")

    monkeypatch.setattr(pluggy, "PluginManager", refuse)
    passport.use(Counting("token", user=ann))
    request = make_request()
    assert passport.authenticate("token").run(request) is None
    passport.session().run(request)
    passport.logout(request)
    assert request.user is None


# -- refusal ---------------------------------------------------------------------------------


def test_a_refusing_plugin_stops_the_chain_before_any_strategy_runs(passport, recorder):
    strategy = Counting("basic")
    passport.use(strategy)
    limiter = RateLimited()
    passport.register_plugin(limiter, "ratelimit")
    response = passport.authenticate("basic").run(make_request())
    assert strategy.calls == 0
    assert limiter.asked == [("basic",)]
    assert response is not None
    assert response.status == 429
    assert response.header("Retry-After") == "30"
    assert response.header("WWW-Authenticate") is None
    assert recorder.names() == ["attempt_finished"]  # the refusal won (newest plugin first)


def test_a_refusal_follows_the_failure_redirect_and_flashes_its_message(passport):
    passport.use(Counting("basic"))
    passport.register_plugin(RateLimited())
    request = make_request()
    response = passport.authenticate("basic", failure_redirect="/login", failure_flash=True).run(request)
    assert response is not None and response.status == 302
    assert response.header("Location") == "/login"
    assert request.flashes == [("error", "Too many attempts, try again later")]


def test_a_refusal_with_fail_with_error_raises_authentication_error_with_its_headers(passport):
    passport.use(Counting("basic"))
    passport.register_plugin(RateLimited())
    with pytest.raises(AuthenticationError) as caught:
        passport.authenticate("basic", fail_with_error=True).run(make_request())
    assert caught.value.status == 429
    assert ("Retry-After", "30") in caught.value.headers


def test_attempt_reports_the_refusal_as_a_failure(passport):
    passport.use(Counting("basic"))
    passport.register_plugin(RateLimited())
    outcome = passport.authenticate("basic").attempt(make_request())
    assert outcome.action == "fail"
    assert outcome.status == 429
    assert outcome.refusal == Refusal(429, "Too many attempts, try again later", [("Retry-After", "30")])


async def test_a_refusal_stops_an_async_chain_too(passport):
    strategy = AsyncCounting("basic")
    passport.use(strategy)
    passport.register_plugin(RateLimited())
    response = await passport.authenticate(["basic"]).arun(make_request())
    assert strategy.calls == 0
    assert response is not None and response.status == 429
    assert response.header("Retry-After") == "30"


def test_the_first_refusal_wins_and_later_plugins_are_not_asked(passport):
    first, second = RateLimited(), RateLimited()
    passport.register_plugin(second, "registered-first")
    passport.register_plugin(first, "registered-last")  # newest runs first, as in pluggy
    passport.use(Counting("basic"))
    passport.authenticate("basic").run(make_request())
    assert first.asked == [("basic",)]
    assert second.asked == []


def test_a_plugin_answering_none_lets_the_attempt_run(passport, ann):
    class Allow:
        @hookimpl
        def passport_refuse_attempt(self, request):
            return None

    strategy = Counting("token", user=ann)
    passport.use(strategy).register_plugin(Allow())
    assert passport.authenticate("token").run(make_request()) is None
    assert strategy.calls == 1


def test_a_refusal_needs_a_4xx_or_5xx_status():
    with pytest.raises(ValueError, match="4xx or 5xx"):
        Refusal(302, "go away")


@pytest.mark.parametrize("header", [("Retry-After", "30\r\nSet-Cookie: x=1"), ("X\nY", "1"), ("Retry-After", 30)])
def test_refusal_headers_that_could_split_the_response_are_refused(header):
    with pytest.raises(ValueError, match="without CR, LF or NUL"):
        Refusal(429, "slow down", [header])


def test_refusal_headers_are_kept_immutable():
    headers = [("Retry-After", "30")]
    refusal = Refusal(429, "slow down", headers)
    headers.append(("X-Other", "1"))
    assert refusal.headers == (("Retry-After", "30"),)


# -- failing plugins -------------------------------------------------------------------------


class Crashing:
    @hookimpl
    def passport_attempt_started(self):
        raise RuntimeError("metrics backend down")

    @hookimpl
    def passport_login(self):
        raise RuntimeError("audit log down")


def test_a_crashing_observer_never_breaks_a_login_and_is_logged(passport, recorder, ann, caplog):
    passport.register_plugin(Crashing(), "crashing")
    passport.use(Counting("token", user=ann))
    request = make_request()
    with caplog.at_level(logging.ERROR, logger="passport.plugins"):
        assert passport.authenticate("token").run(request) is None
    assert request.user == ann
    assert request.session["passport"] == {"user": "ann", "auth_time": RECENT}
    assert "login" in recorder.names()  # the other plugins still ran
    records = [r for r in caplog.records if r.name == "passport.plugins"]
    assert [r.getMessage() for r in records] == [
        "plugin 'crashing' failed in passport_attempt_started; the request carries on",
        "plugin 'crashing' failed in passport_login; the request carries on",
    ]
    assert all(r.levelno == logging.ERROR and r.exc_info is not None for r in records)


async def test_a_crashing_observer_never_breaks_an_async_login(passport, ann, caplog):
    passport.register_plugin(Crashing(), "crashing")
    passport.use(AsyncCounting("token", user=ann))
    request = make_request()
    with caplog.at_level(logging.ERROR, logger="passport.plugins"):
        assert await passport.authenticate("token").arun(request) is None
    assert request.user == ann
    assert len([r for r in caplog.records if r.name == "passport.plugins"]) == 2


def test_a_crashing_refusal_plugin_raises_plugin_error_naming_it(passport):
    class Broken:
        @hookimpl
        def passport_refuse_attempt(self, request):
            raise ConnectionError("redis unreachable")

    strategy = Counting("basic")
    passport.use(strategy).register_plugin(Broken(), "redis-ratelimit")
    with pytest.raises(PluginError) as caught:
        passport.authenticate("basic").run(make_request())
    assert caught.value.plugin == "redis-ratelimit"
    assert "'redis-ratelimit' failed in passport_refuse_attempt: ConnectionError" in str(caught.value)
    assert isinstance(caught.value.__cause__, ConnectionError)
    assert strategy.calls == 0


async def test_a_crashing_refusal_plugin_raises_plugin_error_in_async_code(passport):
    class Broken:
        @hookimpl
        def passport_refuse_attempt(self):
            raise ConnectionError("redis unreachable")

    passport.use(AsyncCounting("basic")).register_plugin(Broken(), "redis-ratelimit")
    with pytest.raises(PluginError, match="redis-ratelimit"):
        await passport.authenticate("basic").arun(make_request())


def test_a_refusal_hook_answering_something_else_is_a_plugin_error(passport):
    class Confused:
        @hookimpl
        def passport_refuse_attempt(self):
            return True

    passport.use(Counting("basic")).register_plugin(Confused(), "confused")
    with pytest.raises(PluginError, match="'confused' answered passport_refuse_attempt with a bool"):
        passport.authenticate("basic").run(make_request())


# -- registration ----------------------------------------------------------------------------


def test_a_misspelt_hook_is_refused_at_registration(passport):
    class Typo:
        @hookimpl
        def passport_logn(self, user):
            pass

    with pytest.raises(PluginError, match="implements passport_logn, which is not a passport hook"):
        passport.register_plugin(Typo(), "typo")
    assert not passport.plugin_manager.has_plugin("typo")


def test_an_argument_the_hook_does_not_have_is_refused_at_registration(passport):
    class Greedy:
        @hookimpl
        def passport_login(self, user, password):
            pass

    with pytest.raises(PluginError, match="'greedy' is invalid"):
        passport.register_plugin(Greedy(), "greedy")
    assert not passport.plugin_manager.has_plugin("greedy")


def test_wrapper_hookimpls_are_refused(passport):
    class Wrapper:
        @hookimpl(wrapper=True)
        def passport_login(self):
            return (yield)

    with pytest.raises(PluginError, match="as a wrapper"):
        passport.register_plugin(Wrapper(), "wrapper")
    assert not passport.plugin_manager.has_plugin("wrapper")


def test_async_def_hookimpls_are_refused_rather_than_never_awaited(passport):
    class Async:
        @hookimpl
        async def passport_login(self, user):
            pass

    with pytest.raises(PluginError, match="implements passport_login as async def"):
        passport.register_plugin(Async(), "async")
    assert not passport.plugin_manager.has_plugin("async")


def test_tryfirst_runs_before_newer_plugins(passport):
    order: list[str] = []

    class Early:
        @hookimpl(tryfirst=True)
        def passport_logout(self):
            order.append("early")

    class Late:
        @hookimpl
        def passport_logout(self):
            order.append("late")

    passport.register_plugin(Early(), "early")
    passport.register_plugin(Late(), "late")
    passport.logout(make_request())
    assert order == ["early", "late"]


def test_default_plugin_names_are_readable_and_unique(passport):
    first = passport.register_plugin(Recorder())
    second = passport.register_plugin(Recorder())
    assert first == f"{__name__}.Recorder"
    assert second.startswith(f"{__name__}.Recorder-")


def test_unregistered_plugins_stop_being_called(passport, ann):
    plugin = Recorder()
    passport.register_plugin(plugin, "gone")
    passport.unregister_plugin(plugin)
    passport.login(make_request(), ann)
    assert plugin.calls == []


def test_registering_a_blocked_name_is_refused(passport):
    passport.plugin_manager.set_blocked("nope")
    with pytest.raises(ValueError, match="'nope' is blocked"):
        passport.register_plugin(Recorder(), "nope")


def test_hookspecs_declares_exactly_the_six_passport_hooks():
    from passport.core import hookspecs

    specs = {name for name in dir(hookspecs) if name.startswith("passport_")}
    assert specs == {
        "passport_refuse_attempt",
        "passport_attempt_started",
        "passport_strategy_outcome",
        "passport_attempt_finished",
        "passport_login",
        "passport_logout",
    }
    assert set(hookspecs.__all__) == specs | {"Refusal", "hookimpl", "hookspec"}


class _ThreadRecorder:
    """A plugin recording which thread its attempt hooks ran on."""

    def __init__(self, blocking: bool) -> None:
        self.passport_blocking = blocking
        self.threads: list[int] = []

    @hookimpl
    def passport_refuse_attempt(self, request: Any) -> None:
        self.threads.append(threading.get_ident())

    @hookimpl
    def passport_attempt_finished(self, request: Any) -> None:
        self.threads.append(threading.get_ident())


@pytest.mark.parametrize("blocking", [True, False])
async def test_a_blocking_plugin_s_attempt_hooks_run_off_the_event_loop(passport, scripted, ann, blocking):
    recorder = _ThreadRecorder(blocking)
    passport.register_plugin(recorder)
    passport.use(scripted("a", "success", ann))
    await passport.authenticate("a", session=False).arun(make_request())
    loop_thread = threading.get_ident()
    assert len(recorder.threads) == 2
    assert all((ident != loop_thread) is blocking for ident in recorder.threads)
    passport.unregister_plugin(recorder)
    assert await passport.authenticate("a", session=False).arun(make_request()) is None  # fine without it


def test_a_blocking_plugin_in_sync_code_runs_in_line(passport, scripted, ann):
    recorder = _ThreadRecorder(True)
    passport.register_plugin(recorder)
    passport.use(scripted("a", "success", ann))
    passport.authenticate("a", session=False).run(make_request())
    assert recorder.threads == [threading.get_ident()] * 2


# -- an attempt that raises out of the chain still ends for the plugins ---------------------------


class _Ending:
    """Records each attempt's end (action and error type); blocking or not, as asked."""

    def __init__(self, blocking: bool) -> None:
        self.passport_blocking = blocking
        self.ended: list[tuple[str | None, str | None]] = []

    @hookimpl
    def passport_attempt_finished(self, outcome: Any) -> None:
        error = outcome.error
        self.ended.append((outcome.action, None if error is None else type(error).__name__))


@pytest.mark.parametrize("blocking", [True, False])
def test_an_unregistered_strategy_still_ends_the_attempt_for_the_plugins(passport, recorder, ann, blocking):
    from passport.core import UnknownStrategyError

    ending = _Ending(blocking)
    passport.register_plugin(ending)
    passport.use(Counting("basic"))
    with pytest.raises(UnknownStrategyError):
        passport.authenticate(["basic", "nobody-registered-this"]).run(make_request())
    assert ending.ended == [("error", "UnknownStrategyError")]
    assert recorder.names() == ["refuse_attempt", "attempt_started", "strategy_outcome", "attempt_finished"]


@pytest.mark.parametrize("blocking", [True, False])
async def test_a_cancelled_attempt_still_ends_for_the_plugins_and_stays_cancelled(passport, blocking):
    import asyncio

    entered = asyncio.Event()

    class Slow(Strategy):
        name = "slow"

        async def authenticate(self, request, options):
            entered.set()
            await asyncio.sleep(30)  # a verify waiting on a database when the client goes away
            self.fail()

    ending = _Ending(blocking)
    passport.register_plugin(ending)
    passport.use(Slow())
    task = asyncio.ensure_future(passport.authenticate("slow", session=False).arun(make_request()))
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ending.ended == [("error", "CancelledError")]


def test_without_plugins_an_unregistered_strategy_raises_as_before(passport):
    from passport.core import UnknownStrategyError

    with pytest.raises(UnknownStrategyError, match="nobody-registered-this"):
        passport.authenticate("nobody-registered-this").run(make_request())
