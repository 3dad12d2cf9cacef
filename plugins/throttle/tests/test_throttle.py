"""LoginThrottle with its in-memory default: what is counted, when it refuses, who stays unaffected."""

from __future__ import annotations

import inspect
import logging
import re
import time
from typing import Any

import importlib_metadata
import pytest
from redis_server import free_port

from passport.core import Passport
from passport.core import Response
from passport.plugins.throttle import DEFAULT_PER_ACCOUNT
from passport.plugins.throttle import DEFAULT_PER_CLIENT
from passport.plugins.throttle import LoginThrottle
from passport.plugins.throttle import login_throttle
from passport.plugins.throttle import normalize_account
from passport.strategies.local import LocalStrategy
from passport.strategy_runner import make_request

PASSWORD = "correct horse battery staple"


def verify(username: str, password: str) -> Any:
    if username in ("ann", "bob") and password == PASSWORD:
        return {"id": username}
    return None, {"message": "Incorrect username or password."}


def make_passport(throttle: LoginThrottle | None = None, **options: Any) -> Passport:
    passport = Passport()
    passport.use(LocalStrategy(verify, **options))
    passport.register_plugin(throttle if throttle is not None else LoginThrottle())
    return passport


def attempt(
    passport: Passport, username: Any = "ann", password: str = "wrong", client: str | None = "203.0.113.7", **opts: Any
) -> Response | None:
    guard = passport.authenticate("local", session=False, **opts)
    body = {"password": password} if username is None else {"username": username, "password": password}
    return guard.run(make_request(method="POST", body=body, client_address=client))


def status(answer: Response | None) -> int:
    return 200 if answer is None else answer.status


def retry_after(answer: Response | None) -> int:
    assert answer is not None
    values = [v for k, v in answer.headers if k.lower() == "retry-after"]
    assert len(values) == 1
    return int(values[0])


def test_the_defaults_are_the_documented_ones() -> None:
    throttle = LoginThrottle()
    assert (DEFAULT_PER_ACCOUNT, DEFAULT_PER_CLIENT) == ("5 per 5 minutes", "20 per minute")
    assert (throttle.per_account.amount, throttle.per_account.get_expiry()) == (5, 300)  # type: ignore[union-attr]
    assert (throttle.per_client.amount, throttle.per_client.get_expiry()) == (20, 60)  # type: ignore[union-attr]
    assert type(throttle.storage).__name__ == "MemoryStorage"


def test_the_sixth_wrong_password_is_refused_with_429_and_retry_after() -> None:
    passport = make_passport()
    assert [status(attempt(passport)) for _ in range(5)] == [401] * 5
    refused = attempt(passport)
    assert status(refused) == 429
    assert 299 <= retry_after(refused) <= 300
    guard = make_passport(LoginThrottle(per_account="1 per minute")).authenticate("local")
    request = {"method": "POST", "body": {"username": "ann", "password": "x"}}
    assert guard.attempt(make_request(**request)).failure_status == 401
    outcome = guard.attempt(make_request(**request))
    assert outcome.failure_status == 429 and outcome.refusal is not None
    assert re.fullmatch(r"Too many failed attempts\. Try again in (59|60) seconds\.", outcome.info["message"])


def test_a_refused_attempt_never_reaches_the_strategy() -> None:
    calls: list[str] = []

    def counting(username: str, password: str) -> Any:
        calls.append(username)
        return verify(username, password)

    passport = Passport()
    passport.use(LocalStrategy(counting))
    passport.register_plugin(LoginThrottle(per_account="2 per minute"))
    for _ in range(2):
        attempt(passport)
    assert status(attempt(passport, password=PASSWORD)) == 429  # even the right password waits
    assert calls == ["ann", "ann"]


def test_another_client_is_never_locked_out_of_the_account() -> None:
    passport = make_passport()
    for _ in range(6):
        attempt(passport, client="198.51.100.66")  # the attacker
    assert status(attempt(passport, client="198.51.100.66")) == 429
    assert status(attempt(passport, password=PASSWORD, client="203.0.113.7")) == 200  # the real user


def test_other_accounts_from_the_same_client_are_unaffected_by_one_account() -> None:
    passport = make_passport()
    for _ in range(5):
        attempt(passport, "ann")
    assert status(attempt(passport, "ann")) == 429
    assert status(attempt(passport, "bob")) == 401
    assert status(attempt(passport, "bob", PASSWORD)) == 200


def test_one_client_trying_many_accounts_hits_the_client_count() -> None:
    passport = make_passport()
    assert [status(attempt(passport, f"user{i}")) for i in range(20)] == [401] * 20
    refused = attempt(passport, "someone-new")
    assert status(refused) == 429 and 59 <= retry_after(refused) <= 60
    assert status(attempt(passport, "someone-new", client="203.0.113.8")) == 401  # a neighbour is not


def test_a_success_clears_the_account_count_for_that_client() -> None:
    passport = make_passport()
    for _ in range(4):
        attempt(passport)
    assert status(attempt(passport, password=PASSWORD)) == 200
    assert [status(attempt(passport)) for _ in range(6)] == [401] * 5 + [429]


def test_a_success_does_not_clear_the_client_count() -> None:
    passport = make_passport(LoginThrottle(per_client="3 per minute"))
    for name in ("x", "y"):
        attempt(passport, name)
    assert status(attempt(passport, "ann", PASSWORD)) == 200
    assert status(attempt(passport, "z")) == 401
    assert status(attempt(passport, "w")) == 429


def test_clear_on_success_can_be_switched_off() -> None:
    passport = make_passport(LoginThrottle(per_account="2 per minute", clear_on_success=False))
    attempt(passport)
    assert status(attempt(passport, password=PASSWORD)) == 200
    attempt(passport)
    assert status(attempt(passport, password=PASSWORD)) == 429


def test_successes_are_never_counted() -> None:
    passport = make_passport(LoginThrottle(per_account="2 per minute", per_client="2 per minute"))
    assert [status(attempt(passport, password=PASSWORD)) for _ in range(10)] == [200] * 10


async def test_a_cancelled_attempt_gives_its_slot_back() -> None:
    """A client that goes away while verify waits (its task cancelled) has not failed a login."""
    import asyncio

    waiting = asyncio.Event()

    async def slow_verify(username: str, password: str) -> Any:
        waiting.set()
        await asyncio.sleep(30)  # a database that answers too late
        return None

    passport = Passport()
    passport.use(LocalStrategy(slow_verify))
    passport.use("fast", LocalStrategy(verify))
    passport.register_plugin(LoginThrottle(per_account="2 per minute", per_client="2 per minute"))
    request = {"method": "POST", "body": {"username": "ann", "password": "wrong"}, "client_address": "203.0.113.7"}
    for _ in range(3):
        waiting.clear()
        task = asyncio.ensure_future(passport.authenticate("local", session=False).arun(make_request(**request)))
        reached = asyncio.ensure_future(waiting.wait())
        await asyncio.wait({task, reached}, return_when=asyncio.FIRST_COMPLETED)
        assert not task.done(), f"refused before verify ran: {task.result()!r}"  # a slot was kept
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    fast = passport.authenticate("fast", session=False)
    answers = [await fast.arun(make_request(**request)) for _ in range(3)]
    assert [status(a) for a in answers] == [401, 401, 429]  # only real failures counted


@pytest.mark.parametrize("variant", ["Ann", "ANN", " ann ", "ａｎｎ"])
def test_case_width_and_spaces_do_not_buy_a_fresh_allowance(variant: str) -> None:
    passport = make_passport(LoginThrottle(per_account="2 per minute"))
    attempt(passport, "ann")
    attempt(passport, variant)
    assert status(attempt(passport, "ann")) == 429
    assert normalize_account(variant) == "ann"


def test_an_attempt_without_an_account_counts_for_the_client_only() -> None:
    passport = make_passport(LoginThrottle(per_account="1 per minute", per_client="3 per minute"))
    assert [status(attempt(passport, None)) for _ in range(3)] == [400] * 3  # "Missing credentials"
    assert status(attempt(passport, None)) == 429


def test_a_non_string_account_is_not_an_account() -> None:
    passport = make_passport(LoginThrottle(per_account="1 per minute", per_client="5 per minute"))
    assert [status(attempt(passport, ["ann"])) for _ in range(2)] == [400, 400]


def test_the_account_field_follows_the_strategy_and_bracket_paths_work() -> None:
    passport = Passport()
    passport.use(LocalStrategy(verify, username_field="user[email]"))
    passport.register_plugin(LoginThrottle(per_account="2 per minute", account="user[email]"))
    guard = passport.authenticate("local", session=False)

    def run(email: str) -> int:
        body = {"user": {"email": email}, "password": "wrong"}
        return status(guard.run(make_request(method="POST", body=body, client_address="203.0.113.7")))

    assert [run("ann"), run("ann"), run("ann"), run("bob")] == [401, 401, 429, 401]


def test_the_account_can_come_from_a_function() -> None:
    throttle = LoginThrottle(per_account="1 per minute", account=lambda request: request.headers.get("X-Account"))
    passport = make_passport(throttle)
    guard = passport.authenticate("local", session=False)

    def run(account: str) -> int:
        request = make_request(method="POST", body={"username": "u", "password": "p"}, headers={"X-Account": account})
        return status(guard.run(request))

    assert [run("a"), run("a"), run("b")] == [401, 429, 401]


def test_two_throttles_on_one_app_keep_their_own_counts() -> None:
    passport = make_passport(LoginThrottle(per_account=None, per_client="3 per minute", key_prefix="one"))
    passport.register_plugin(LoginThrottle(per_account="2 per minute", per_client=None, key_prefix="two"))
    assert [status(attempt(passport, "ann", PASSWORD)) for _ in range(4)] == [200] * 4  # both gave back
    assert [status(attempt(passport, "ann")) for _ in range(3)] == [401, 401, 429]  # the account's 2
    assert [status(attempt(passport, name)) for name in ("x", "y")] == [401, 429]  # the client's 3


def test_the_session_guard_is_not_counted_and_strategies_can_be_chosen() -> None:
    throttle = LoginThrottle(per_client="1 per minute", strategies={"other"})
    passport = make_passport(throttle)
    assert [status(attempt(passport)) for _ in range(3)] == [401] * 3  # "local" is not counted
    default = LoginThrottle()
    assert default._applies(["session"]) is False and default._applies(["local"]) is True


def test_a_refusal_follows_the_routes_failure_redirect_and_flash() -> None:
    passport = make_passport(LoginThrottle(per_account="1 per minute"))
    attempt(passport)
    request = make_request(method="POST", body={"username": "ann", "password": "x"}, session={},
                           client_address="203.0.113.7")  # fmt: skip
    answer = passport.authenticate("local", failure_redirect="/login", failure_flash=True).run(request)
    assert answer is not None and answer.status == 302
    assert request.flashes[-1][1].startswith("Too many failed attempts")


def test_retry_after_is_when_the_count_has_room_again() -> None:
    passport = make_passport(LoginThrottle(per_account="1 per 2 seconds"))
    attempt(passport)
    refused = attempt(passport)
    wait = retry_after(refused)
    assert status(refused) == 429 and 1 <= wait <= 2
    time.sleep(wait + 0.05)
    assert status(attempt(passport)) == 401


def test_concurrent_attempts_in_threads_admit_exactly_the_limit() -> None:
    from concurrent.futures import ThreadPoolExecutor

    calls: list[str] = []

    def slow_verify(username: str, password: str) -> Any:
        calls.append(username)
        time.sleep(0.02)  # every attempt is in flight at once: a test-then-count throttle lets all through
        return None

    passport = Passport()
    passport.use(LocalStrategy(slow_verify))
    passport.register_plugin(LoginThrottle(per_account="5 per minute"))
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda _: status(attempt(passport)), range(16)))
    assert sorted(statuses) == [401] * 5 + [429] * 11
    assert len(calls) == 5


@pytest.mark.parametrize(("mode", "expected"), [("closed", 503), ("open", 401)])
def test_an_unreachable_store_follows_on_storage_error_and_logs_once(
    mode: Any, expected: int, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    passport = make_passport(LoginThrottle(storage=url, on_storage_error=mode))
    with caplog.at_level(logging.WARNING, logger="passport.plugins.throttle"):
        answers = [attempt(passport) for _ in range(4)]
    assert [status(a) for a in answers] == [expected] * 4
    if mode == "closed":
        assert retry_after(answers[0]) == 5
        outcome = passport.authenticate("local").attempt(make_request(method="POST", body={"username": "a"}))
        assert outcome.info == {"message": "Sign-in is temporarily unavailable. Try again shortly."}
    outages = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outages) == 1
    assert str(url.split(":")[2]) not in caplog.text.replace("unreachable", "")  # no URI in the log


def test_the_entry_point_names_a_ready_instance() -> None:
    (entry,) = [ep for ep in importlib_metadata.entry_points(group="passport.plugins") if ep.name == "throttle"]
    assert entry.load() is login_throttle
    passport = Passport(load_plugins=True)
    passport.use(LocalStrategy(verify))
    assert status(attempt(passport, client="192.0.2.200")) == 401


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"per_account": "five"}, ValueError, "per_account"),
        ({"per_client": "1/minute;2/hour"}, ValueError, "exactly one"),
        ({"per_account": 5}, TypeError, "limits string"),
        ({"on_storage_error": "maybe"}, ValueError, "on_storage_error"),
        ({"account": ""}, TypeError, "account"),
        ({"strategies": "local"}, TypeError, "strategies"),
        ({"storage": 42}, TypeError, "storage"),
        ({"key_prefix": ""}, TypeError, "key_prefix"),
    ],
)
def test_bad_configuration_is_refused_at_startup(options: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        LoginThrottle(**options)


def test_the_public_names_are_exactly_all() -> None:
    import passport.plugins.throttle as module

    public = {name for name, value in vars(module).items() if not name.startswith("_") and not inspect.ismodule(value)}
    assert public == set(module.__all__) - {"__version__"}
    assert LoginThrottle.__module__ == "passport.plugins.throttle"


def test_a_networked_storage_marks_the_hooks_blocking_and_memory_does_not() -> None:
    assert LoginThrottle().passport_blocking is False
    assert LoginThrottle(storage="redis://127.0.0.1:1/0").passport_blocking is True
