"""Protocol misuse: a strategy must call exactly one valid action inside authenticate."""

from __future__ import annotations

import asyncio
import threading

import pytest

from passport.core import Strategy
from passport.core import StrategyError
from passport.strategy_runner import make_request


def misuse_of(passport, strategy):
    """Run ``strategy`` through ``attempt`` and return the StrategyError it produced."""
    passport.use(strategy)
    outcome = passport.authenticate(strategy.name).attempt(make_request())
    assert outcome.action == "error"
    assert outcome.user is None
    assert isinstance(outcome.error, StrategyError)
    assert outcome.error.strategy == strategy.name
    assert repr(strategy.name) in str(outcome.error)
    return outcome.error


def test_returning_without_acting_is_a_strategy_error(passport):
    class Silent(Strategy):
        name = "silent"

        def authenticate(self, request, options):
            return None

    assert "returned without calling an action" in str(misuse_of(passport, Silent()))


def test_an_async_strategy_returning_without_acting_is_a_strategy_error(passport):
    class Silent(Strategy):
        name = "silent"

        async def authenticate(self, request, options):
            await asyncio.sleep(0)

    assert "returned without calling an action" in str(misuse_of(passport, Silent()))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("success", "fail"),
        ("fail", "success"),
        ("pass_", "pass_"),
        ("fail", "fail"),
        ("redirect", "error"),
        ("success", "redirect"),
        ("error", "pass_"),
    ],
)
def test_acting_twice_is_a_strategy_error(passport, first, second):
    args = {"success": ({"id": 1},), "fail": (), "pass_": (), "redirect": ("/x",), "error": (ValueError(),)}

    class Twice(Strategy):
        name = "twice"

        def authenticate(self, request, options):
            getattr(self, first)(*args[first])
            getattr(self, second)(*args[second])

    error = misuse_of(passport, Twice())
    assert "must act exactly once" in str(error)


def test_acting_twice_is_raised_by_run_and_nobody_is_logged_in(passport):
    class Twice(Strategy):
        name = "twice"

        def authenticate(self, request, options):
            self.success({"id": "ann"})
            self.success({"id": "bob"})

    passport.use(Twice())
    request = make_request()
    with pytest.raises(StrategyError, match="twice"):
        passport.authenticate("twice", success_redirect="/home").run(request)
    assert request.user is None
    assert request.session == {}


def test_a_misuse_mid_chain_ends_the_chain(passport, scripted):
    class Twice(Strategy):
        name = "twice"

        def authenticate(self, request, options):
            self.fail()
            self.fail()

    passport.use(Twice()).use(scripted("next", "success", {"id": "ann"}))
    outcome = passport.authenticate(["twice", "next"]).attempt(make_request())
    assert outcome.action == "error"
    assert outcome.strategy == "twice"


def test_raising_after_acting_is_a_strategy_error_caused_by_the_exception(passport):
    class Late(Strategy):
        name = "late"

        def authenticate(self, request, options):
            self.success({"id": "ann"})
            raise KeyError("after")

    error = misuse_of(passport, Late())
    assert "raised KeyError after calling success()" in str(error)
    assert isinstance(error.__cause__, KeyError)


def test_an_action_after_authenticate_returned_is_refused(passport):
    leaked = []

    class Leaky(Strategy):
        name = "leaky"

        def authenticate(self, request, options):
            leaked.append(self.success)
            self.fail()

    passport.use(Leaky())
    outcome = passport.authenticate("leaky").attempt(make_request())
    assert outcome.action == "fail"
    with pytest.raises(StrategyError, match="outside authenticate"):
        leaked[0]({"id": "ann"})
    assert outcome.action == "fail"
    assert outcome.user is None


async def test_an_action_from_a_leaked_task_after_authenticate_returned_is_refused(passport):
    release = asyncio.Event()
    tasks = []

    class Leaky(Strategy):
        name = "leaky"

        async def authenticate(self, request, options):
            async def late():
                await release.wait()
                self.success({"id": "mallory"})

            tasks.append(asyncio.ensure_future(late()))
            self.fail()

    passport.use(Leaky())
    outcome = await passport.authenticate("leaky").aattempt(make_request())
    release.set()
    with pytest.raises(StrategyError, match="after its authenticate\\(\\) finished") as caught:
        await tasks[0]
    assert caught.value.strategy == "leaky"
    assert (outcome.action, outcome.user) == ("fail", None)


def test_an_action_from_a_leaked_thread_is_refused(passport):
    errors = []
    threads = []

    class Leaky(Strategy):
        name = "leaky"

        def authenticate(self, request, options):
            def late():
                try:
                    self.success({"id": "mallory"})
                except StrategyError as exc:
                    errors.append(exc)

            threads.append(threading.Thread(target=late))
            self.fail()

    passport.use(Leaky())
    outcome = passport.authenticate("leaky").attempt(make_request())
    threads[0].start()
    threads[0].join()
    assert len(errors) == 1 and errors[0].strategy == "leaky"
    assert (outcome.action, outcome.user) == ("fail", None)


@pytest.mark.parametrize("action", ["success", "fail", "redirect", "pass_", "error"])
def test_an_action_outside_any_attempt_is_refused_naming_the_strategy(scripted, action):
    strategy = scripted("lonely", "pass_")
    args = {"success": ({"id": 1},), "redirect": ("/x",), "error": (ValueError(),)}.get(action, ())
    with pytest.raises(StrategyError, match="'lonely' called .* outside authenticate") as caught:
        getattr(strategy, action)(*args)
    assert caught.value.strategy == "lonely"


@pytest.mark.parametrize(
    ("action", "args", "complaint"),
    [
        ("fail", ("Basic realm=x\r\nSet-Cookie: a=b",), "CR or LF"),
        ("fail", ("Basic\nrealm",), "CR or LF"),
        ("fail", (None, 200), "status 200"),
        ("fail", (None, 302), "status 302"),
        ("fail", (None, 600), "status 600"),
        ("fail", (None, "401"), "status '401'"),
        ("fail", (None, True), "status True"),
        ("fail", (True,), "bool challenge"),
        ("fail", (["Basic"],), "list challenge"),
        ("redirect", ("/next\r\nSet-Cookie: a=b",), "CR/LF URL"),
        ("redirect", ("",), "empty"),
        ("redirect", (None,), "non-string"),
        ("redirect", ("/next", 200), "status 200"),
        ("redirect", ("/next", 401), "status 401"),
        ("redirect", ("/next", "302"), "status '302'"),
        ("success", (None,), "without a user"),
        ("error", ("database down",), "with a str, not an exception"),
    ],
)
def test_invalid_action_arguments_are_a_strategy_error(passport, scripted, action, args, complaint):
    error = misuse_of(passport, scripted("bad", action, *args))
    assert complaint in str(error)


def test_a_strategy_error_never_repeats_the_challenge_or_url(passport, scripted):
    error = misuse_of(passport, scripted("bad", "redirect", "/next?token=s3cret\n"))
    assert "s3cret" not in str(error)


def test_a_strategy_error_from_a_misuse_is_raised_by_run(passport, scripted):
    passport.use(scripted("bad", "fail", None, 200))
    with pytest.raises(StrategyError, match="'bad'"):
        passport.authenticate("bad").run(make_request())


def test_a_valid_5xx_failure_status_is_accepted(passport, scripted):
    passport.use(scripted("a", "fail", None, 503))
    response = passport.authenticate("a").run(make_request())
    assert response is not None and (response.status, response.body) == (503, "Service Unavailable")


def test_a_valid_3xx_redirect_status_is_accepted(passport, scripted):
    passport.use(scripted("a", "redirect", "/next", 307))
    response = passport.authenticate("a").run(make_request())
    assert response is not None and response.status == 307


def test_the_error_action_accepts_any_exception(passport, scripted):
    passport.use(scripted("a", "error", KeyboardInterrupt()))
    outcome = passport.authenticate("a").attempt(make_request())
    assert isinstance(outcome.error, KeyboardInterrupt)


async def test_a_task_leaked_by_a_failed_strategy_cannot_act_for_the_next_one(passport):
    leaked = []

    class Leaky(Strategy):
        name = "leaky"

        async def authenticate(self, request, options):
            async def late():
                await asyncio.sleep(0.01)
                self.success({"id": "mallory"})

            leaked.append(asyncio.ensure_future(late()))
            self.fail()

    class Slow(Strategy):
        name = "slow"

        async def authenticate(self, request, options):
            await asyncio.sleep(0.05)
            self.fail("Bearer")

    passport.use(Leaky()).use(Slow())
    outcome = await passport.authenticate(["leaky", "slow"]).aattempt(make_request())
    assert (outcome.action, outcome.user, outcome.strategy) == ("fail", None, "slow")
    assert outcome.info == [None, "Bearer"]
    with pytest.raises(StrategyError, match="'leaky' called success\\(\\) after its authenticate\\(\\) finished"):
        await leaked[0]


def test_a_thread_leaked_by_a_failed_strategy_cannot_act_for_the_next_one(passport):
    import contextvars

    started = threading.Event()
    errors = []

    class Leaky(Strategy):
        name = "leaky"

        def authenticate(self, request, options):
            def late():
                started.wait()
                try:
                    self.success({"id": "mallory"})
                except StrategyError as exc:
                    errors.append(exc)

            thread = threading.Thread(target=contextvars.copy_context().run, args=(late,))
            thread.start()
            self.fail()
            threads.append(thread)

    threads: list[threading.Thread] = []

    class Waiting(Strategy):
        name = "waiting"

        def authenticate(self, request, options):
            started.set()
            threads[0].join()
            self.fail()

    passport.use(Leaky()).use(Waiting())
    outcome = passport.authenticate(["leaky", "waiting"]).attempt(make_request())
    assert (outcome.action, outcome.user) == ("fail", None)
    assert [e.strategy for e in errors] == ["leaky"]
