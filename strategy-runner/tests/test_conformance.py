"""The conformance kit: a conforming strategy passes; each kind of misbehaviour is caught."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import pytest

from passport.core import SessionError
from passport.core import Strategy
from passport.core import call_verify
from passport.strategy_runner import ConformanceError
from passport.strategy_runner import ConformanceReport
from passport.strategy_runner import Problem
from passport.strategy_runner import check_strategy
from passport.strategy_runner import hostile_requests

PASSWORD = "hunter22-correct-horse"
USERS = {"ann": PASSWORD}


def verify(username: str, password: str) -> Any:
    if USERS.get(username) == password:
        return {"id": username}
    return False, {"message": "Incorrect username or password."}


async def averify(username: str, password: str) -> Any:
    await asyncio.sleep(0)
    return verify(username, password)


class Form(Strategy):
    """A well-behaved form login (the shape the shipped strategies use)."""

    name = "form"

    def __init__(self, verify: Any = verify) -> None:
        super().__init__()
        self._verify = verify

    def authenticate(self, request, options):
        username, password = request.body.get("username"), request.body.get("password")
        if type(username) is not str or type(password) is not str or not username or not password:
            return self.fail({"message": "Missing credentials"}, 400)
        return call_verify(self._verify, username, password).then(self._verified)

    def _verified(self, result):
        user, info = result
        if user is None:
            self.fail(info)
        else:
            self.success(user, info)


class AsyncForm(Form):
    async def authenticate(self, request, options):
        username, password = request.body.get("username"), request.body.get("password")
        if type(username) is not str or type(password) is not str or not username or not password:
            return self.fail({"message": "Missing credentials"}, 400)
        user, info = await call_verify(self._verify, username, password)
        if user is None:
            self.fail(info)
        else:
            self.success(user, info)


VALID = {"method": "POST", "body": {"username": "ann", "password": PASSWORD}}
WRONG = {"method": "POST", "body": {"username": "ann", "password": "wrong-password"}}


def checks(report: ConformanceReport) -> set[str]:
    return {problem.check for problem in report.problems}


def problems(strategy: Any, **kwargs: Any) -> list[Problem]:
    return list(check_strategy(strategy, raise_on_failure=False, **kwargs).problems)


# -- conforming strategies pass ----------------------------------------------------------------


def test_a_conforming_strategy_passes_and_the_report_says_what_it_did():
    report = check_strategy(Form(), requests={"valid": VALID, "wrong": WRONG}, secrets=[PASSWORD])
    assert report.ok
    assert report.problems == ()
    assert report.results["valid"].action == "success"
    assert report.results["wrong"].message == "Incorrect username or password."
    assert report.requests[:2] == ("valid", "wrong")
    assert set(hostile_requests()) < set(report.requests)
    assert report.runs == len(report.requests) * (2 + 1 + 3 + 3)
    assert report.summary().endswith("no problems")
    assert report.strategy == f"'form' ({__name__}.Form)"


@pytest.mark.parametrize("strategy", [AsyncForm(), Form(averify), AsyncForm(averify)], ids=["async", "averify", "both"])
def test_async_strategies_and_async_verify_functions_pass_too(strategy):
    assert check_strategy(strategy, requests=[VALID, WRONG], secrets=[PASSWORD]).ok


def test_a_class_or_a_factory_is_built_once_and_shared(monkeypatch):
    built: list[Form] = []

    def factory() -> Form:
        built.append(Form())
        return built[-1]

    assert check_strategy(factory, hostile=False).ok
    assert len(built) == 1
    assert check_strategy(Form, hostile=False).ok


async def test_the_kit_refuses_a_running_loop_and_says_what_to_do():
    with pytest.raises(RuntimeError, match=r"asyncio.to_thread\(check_strategy"):
        check_strategy(Form(), hostile=False)


async def test_the_kit_can_be_called_from_async_tests_through_a_thread():
    report = await asyncio.to_thread(check_strategy, Form(), hostile=False)
    assert report.ok


def test_a_list_of_requests_is_named_by_position():
    report = check_strategy(Form(), requests=[VALID, WRONG], hostile=False)
    assert report.requests == ("request #1", "request #2")


def test_hostile_false_runs_only_the_given_requests_and_secret_requests():
    report = check_strategy(Form(), requests={"valid": VALID}, secrets=[PASSWORD], hostile=False)
    assert report.requests == ("valid", "secret #1 everywhere", "secret #1 as a Basic password")


# -- each check catches its misbehaviour -------------------------------------------------------


def test_a_strategy_that_does_not_act_on_some_input_is_a_protocol_problem():
    class Forgetful(Form):
        def authenticate(self, request, options):
            if request.session is None:
                return None  # forgot to act
            return super().authenticate(request, options)

    found = problems(Forgetful())
    assert {(p.check, p.request) for p in found} == {("protocol", "missing session (no session support)")}
    assert "returned without calling an action" in found[0].detail


def test_acting_twice_is_a_protocol_problem():
    class Twice(Form):
        def authenticate(self, request, options):
            self.pass_()
            self.pass_()

    assert checks(check_strategy(Twice(), hostile=False, requests=[{}], raise_on_failure=False)) == {"protocol"}


def test_echoing_a_crlf_value_into_a_challenge_is_a_protocol_problem():
    class Echo(Strategy):
        name = "echo"

        def authenticate(self, request, options):
            self.fail(f'Basic realm="{request.headers.get("Authorization", "")[:40]}"')

    found = problems(Echo())
    assert ("protocol", "CR LF and control characters") in {(p.check, p.request) for p in found}


def test_crashing_on_hostile_input_is_a_robustness_problem():
    class Naive(Strategy):
        name = "naive"

        def authenticate(self, request, options):
            if request.body["username"].strip() == "ann":
                return self.success({"id": "ann"})
            self.fail()

    found = problems(Naive())
    assert {p.check for p in found} == {"robustness"}
    crashes = {p.request: p.detail for p in found}
    assert crashes["an empty GET"].startswith("authenticate crashed with KeyError: 'username'")
    assert crashes["JSON types instead of strings"].startswith("authenticate crashed with AttributeError")


def test_the_strategys_own_errors_are_not_crashes():
    class ProviderDown(Exception):
        pass

    class Callback(Strategy):
        name = "callback"

        def authenticate(self, request, options):
            if request.session is None:
                raise SessionError("OAuth 2.0 needs session support")
            if request.query.get("code"):
                raise ProviderDown("token endpoint unreachable")
            self.redirect("https://idp.example/authorize")

    assert check_strategy(Callback()).ok


def test_allowed_errors_accepts_a_builtin_exception_type():
    class Strict(Strategy):
        name = "strict"

        def authenticate(self, request, options):
            if request.session is None:
                raise RuntimeError("this strategy needs session support")
            self.pass_()

    assert checks(check_strategy(Strict(), raise_on_failure=False)) == {"robustness"}
    assert check_strategy(Strict(), allowed_errors=[RuntimeError]).ok


@pytest.mark.parametrize(
    ("where", "leak"),
    [
        ("challenge", lambda s, p: s.fail(f'Basic error="{p[:30]}"')),
        ("message", lambda s, p: s.fail({"message": f"wrong password {p}"})),
        ("error", lambda s, p: s.error(LookupError(f"no user with password {p}"))),
        ("url", lambda s, p: s.redirect(f"/login?password={p}")),
    ],
)
def test_echoing_a_secret_is_a_secrets_problem(where, leak):
    class Leaky(Strategy):
        name = "leaky"

        def authenticate(self, request, options):
            password = request.body.get("password")
            if type(password) is str and password:
                return leak(self, password.replace("\r", "").replace("\n", ""))
            self.fail(400)

    found = [p for p in problems(Leaky(), secrets=[PASSWORD], hostile=False) if p.check == "secrets"]
    assert found
    assert all(p.detail == f"secret #1 appears in the result's {where}" for p in found)


def test_a_secret_in_an_exception_cause_is_found():
    class Wraps(Strategy):
        name = "wraps"

        def authenticate(self, request, options):
            try:
                raise ValueError(f"bad password {request.body.get('password')}")
            except ValueError as exc:
                raise SessionError("login failed") from exc

    found = problems(Wraps(), secrets=[PASSWORD], hostile=False)
    assert {p.detail for p in found} == {"secret #1 appears in the result's error"}


def test_a_secret_in_a_log_record_is_found_and_not_repeated_in_the_report():
    log = logging.getLogger("passport.strategies.chatty")

    class Chatty(Form):
        def authenticate(self, request, options):
            log.debug("trying %s", request.body.get("password"))
            return super().authenticate(request, options)

    report = check_strategy(Chatty(), secrets=[PASSWORD], hostile=False, raise_on_failure=False)
    assert [p.detail for p in report.problems] == ["secret #1 appears in a log record: trying <secret #1>"]
    assert PASSWORD not in report.summary()


def test_a_secret_in_the_strategy_repr_is_found():
    class Configured(Form):
        def __init__(self) -> None:
            super().__init__()
            self.client_secret = "cs-0123456789"

        def __repr__(self) -> str:
            return f"Configured(client_secret={self.client_secret!r})"

    found = problems(Configured(), secrets=["cs-0123456789"], hostile=False)
    assert [(p.check, p.detail) for p in found] == [("secrets", "secret #1 appears in repr(strategy)")]


def test_a_url_encoded_secret_is_found():
    class Redirects(Strategy):
        name = "redirects"

        def authenticate(self, request, options):
            from urllib.parse import quote

            self.redirect("/login?hint=" + quote(str(request.body.get("password")), safe=""))

    found = problems(Redirects(), secrets=["p@ss word/1"], hostile=False)
    assert "secret #1 appears in the result's url" in {p.detail for p in found}


def test_short_secrets_are_refused():
    with pytest.raises(ValueError, match="at least 4 characters"):
        check_strategy(Form(), secrets=["abc"])


def test_writing_to_self_is_a_shared_state_problem():
    class Stateful(Form):
        def authenticate(self, request, options):
            self.username = request.body.get("username")
            return super().authenticate(request, options)

    found = problems(Stateful(), hostile=False, requests=[VALID])
    assert [(p.check, p.detail) for p in found] == [
        ("shared-state", "authenticate added self.username; keep per-request state local")
    ]


def test_per_request_state_on_self_is_caught_under_concurrency():
    class Racy(Strategy):
        name = "racy"

        def __init__(self) -> None:
            super().__init__()
            self.current = None

        def authenticate(self, request, options):
            self.current = request.body.get("username")
            time.sleep(0.001)  # a database round trip
            if self.current == "ann":
                return self.success({"id": self.current})
            self.fail()

    report = check_strategy(
        Racy(),
        requests={"ann": {"body": {"username": "ann"}}, "bob": {"body": {"username": "bob"}}},
        hostile=False,
        raise_on_failure=False,
    )
    assert {"shared-state", "concurrency"} <= checks(report)
    assert "authenticate rebound self.current" in report.summary()


def test_a_nondeterministic_action_is_a_determinism_problem():
    counter = iter(range(1_000_000))

    class Flaky(Strategy):
        name = "flaky"

        def authenticate(self, request, options):
            self.pass_() if next(counter) % 2 else self.fail()

    assert "determinism" in checks(check_strategy(Flaky(), requests=[{}], hostile=False, raise_on_failure=False))


def test_different_behaviour_in_async_mode_is_a_parity_problem():
    class ModeDependent(Strategy):
        name = "mode"

        def authenticate(self, request, options):
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return self.pass_()
            self.fail()

    report = check_strategy(ModeDependent(), requests=[{}], hostile=False, raise_on_failure=False)
    assert "parity" in checks(report)
    assert "gave action='fail' where sequential run_strategy gave action='pass'" in report.summary()


def test_random_parts_of_a_redirect_are_not_compared():
    import secrets

    class Provider(Strategy):
        name = "provider"

        def authenticate(self, request, options):
            self.redirect(f"https://idp.example/authorize?client_id=app&state={secrets.token_urlsafe(16)}")

    assert check_strategy(Provider()).ok


def test_a_slow_strategy_is_a_speed_problem():
    class Slow(Form):
        def authenticate(self, request, options):
            time.sleep(0.02)
            return super().authenticate(request, options)

    found = problems(Slow(), requests=[VALID], hostile=False, slow=0.01, repeat=1)
    assert [p.check for p in found] == ["speed"]
    assert found[0].detail.endswith("(limit 0.01 s)")


def test_a_hanging_async_strategy_is_reported_not_waited_for():
    class Hangs(Strategy):
        name = "hangs"

        async def authenticate(self, request, options):
            await asyncio.Event().wait()

    report = check_strategy(Hangs(), requests=[{}], hostile=False, timeout=0.01, repeat=1, raise_on_failure=False)
    assert "did not act within 0.01 seconds" in report.summary()


def test_a_missing_name_is_a_shape_problem():
    class Nameless(Form):
        name = ""

    found = problems(Nameless(), hostile=False)
    assert [(p.check, p.detail) for p in found] == [("shape", "name must be a non-empty str, got ''")]


# -- reporting -------------------------------------------------------------------------------


def test_a_failing_check_raises_a_conformance_error_that_is_an_assertion_error():
    class Silent(Strategy):
        name = "silent"

        def authenticate(self, request, options):
            pass

    with pytest.raises(AssertionError) as caught:
        check_strategy(Silent(), requests=[{}], hostile=False)
    error = caught.value
    assert isinstance(error, ConformanceError)
    assert str(error) == error.report.summary()
    assert str(error).splitlines() == [
        f"passport conformance of 'silent' ({__name__}.Silent): 1 requests, 9 runs, 1 problem",
        "  - [protocol] request 'request #1' (sync, async, threads, tasks): strategy 'silent' returned "
        "without calling an action (success, fail, redirect, pass_ or error)",
    ]


def test_the_summary_caps_each_check_and_escapes_unprintable_text():
    class Naive(Strategy):
        name = "naive"

        def authenticate(self, request, options):
            raise ValueError(request.headers.get("Authorization", "")[:60])

    summary = check_strategy(Naive(), raise_on_failure=False).summary(per_check=3)
    lines = summary.splitlines()
    assert len([line for line in lines if line.startswith("  - [robustness] request")]) == 3
    assert lines[-1].startswith("  - [robustness] ... and ")
    full = check_strategy(Naive(), raise_on_failure=False).summary(per_check=100)
    assert (
        "request 'NUL bytes' (sync, async, threads, tasks): authenticate crashed with ValueError: Bearer ann\\x00admin"
        in full
    )
    assert "\\ud800" in full and "\\r\\n" in full and "\\u202e" in full
    assert all(character.isprintable() for line in full.splitlines() for character in line)


def test_request_names_used_by_the_kit_are_reserved():
    with pytest.raises(ValueError, match="reserved"):
        check_strategy(Form(), requests={"an empty GET": {}})


def test_not_a_strategy_is_a_type_error():
    with pytest.raises(TypeError, match="needs a strategy or a factory"):
        check_strategy(42)
    with pytest.raises(TypeError, match="the factory returned 42"):
        check_strategy(lambda: 42)


def test_a_request_dict_with_a_typo_is_a_type_error():
    with pytest.raises(TypeError, match="unknown request keys"):
        check_strategy(Form(), requests=[{"bodyy": {}}], hostile=False)


def test_the_switch_interval_and_logging_are_restored():
    import sys

    interval, level = sys.getswitchinterval(), logging.getLogger().level
    handlers = list(logging.getLogger().handlers)
    check_strategy(Form(), hostile=False)
    assert sys.getswitchinterval() == interval
    assert logging.getLogger().level == level
    assert logging.getLogger().handlers == handlers


def test_hostile_requests_are_fresh_each_call_and_cover_the_advertised_cases():
    first, second = hostile_requests(), hostile_requests()
    assert first == second
    assert first is not second and first["NUL bytes"] is not second["NUL bytes"]
    names = " ".join(first)
    for case in (
        "1 MB header",
        "1 MB body",
        "1 MB query",
        "NUL",
        "lone surrogates",
        "surrogateescape",
        "spaces",
        "duplicate headers",
        "missing session",
        "empty everything",
    ):
        assert case in names
    assert len(first["1 MB header values"]["headers"]["Authorization"]) == 1 << 20


def test_concurrency_runs_really_overlap():
    active, peak = 0, 0
    lock = threading.Lock()

    class Counts(Form):
        def authenticate(self, request, options):
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.002)
            with lock:
                active -= 1
            self.pass_()

    check_strategy(Counts(), requests=[{}, {}], hostile=False, concurrency=4, repeat=4)
    assert peak > 1


# -- the custom-scheme hook ------------------------------------------------------------------


class Signed(Strategy):
    """``Authorization: Sig key=<id>, sig=<hex>``: a scheme of its own, with a naive parser."""

    name = "sig"

    def authenticate(self, request: Any, options: Any) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Sig "):
            return self.fail('Sig realm="api"')  # "not my header": every default hostile request ends here
        params = dict(part.strip().split("=", 1) for part in header[4:].split(","))  # ValueError on junk
        signature = params["sig"].encode("ascii")  # KeyError, UnicodeEncodeError on hostile values
        if signature == b"ok" and params["key"] == "k1":
            return self.success({"id": "k1"})
        return self.fail('Sig realm="api", error="invalid_signature"')


def sig_headers(value: str) -> dict[str, str]:
    return {"Authorization": f"Sig key=k1, sig={value}"}


def test_without_the_hook_hostile_values_never_reach_a_custom_scheme() -> None:
    report = check_strategy(Signed(), raise_on_failure=False)
    assert report.ok, report.summary()
    assert {result.challenge for result in report.results.values()} == {'Sig realm="api"'}


def test_the_hook_wraps_hostile_values_in_the_authors_scheme_so_the_parser_is_checked() -> None:
    report = check_strategy(Signed(), credential_headers=sig_headers, raise_on_failure=False)
    crashes = {p.request for p in report.problems if p.check == "robustness"}
    assert "lone surrogates" in crashes  # the naive .encode("ascii") crashes with UnicodeEncodeError
    assert "1 MB Bearer token" not in crashes  # a long ASCII value is simply an invalid signature
    assert report.results["1 MB Bearer token"].challenge == 'Sig realm="api", error="invalid_signature"'


def test_hostile_requests_with_the_hook_carry_each_value_in_the_scheme() -> None:
    requests = hostile_requests(sig_headers)
    assert requests["NUL bytes"]["headers"]["Authorization"] == "Sig key=k1, sig=ann\x00admin"
    assert requests["1 MB body values"]["headers"]["Authorization"].startswith("Sig key=k1, sig=")
    assert requests["an empty GET"] == {}  # the empty requests stay empty
    duplicates = requests["duplicate headers, joined"]["headers"]
    assert ("Authorization", "Sig key=k1, sig=first") in duplicates
    assert ("Authorization", "Sig key=k1, sig=second") in duplicates


def test_the_hook_also_wraps_the_secrets() -> None:
    class Echo(Signed):
        def authenticate(self, request: Any, options: Any) -> None:
            header = request.headers.get("Authorization", "")
            if not header.startswith("Sig "):
                return self.fail('Sig realm="api"')
            return self.fail({"message": "bad signature " + header}, 400)  # echoes the credential

    unwrapped = check_strategy(Echo(), hostile=False, secrets=["s3cret-sig"], raise_on_failure=False)
    assert unwrapped.ok  # the secret never reached the scheme
    report = check_strategy(
        Echo(), hostile=False, secrets=["s3cret-sig"], credential_headers=sig_headers, raise_on_failure=False
    )
    assert any(p.check == "secrets" and p.request == "secret #1 everywhere" for p in report.problems)


def test_a_hook_that_returns_no_header_mapping_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="credential_headers must return a mapping of str to str"):
        check_strategy(Signed(), credential_headers=lambda value: f"Sig {value}")  # type: ignore[arg-type,return-value]


def test_the_documented_return_types() -> None:
    requests = hostile_requests()
    assert isinstance(requests, dict) and all(isinstance(r, dict) for r in requests.values())
    report = check_strategy(Form(), requests={"valid": {"body": {"username": "ann", "password": PASSWORD}}})
    assert isinstance(report.runs, int) and report.runs > len(report.requests)
    assert isinstance(report.requests, tuple) and report.requests[0] == "valid"
    assert isinstance(report.problems, tuple) and report.problems == ()
    assert report.ok is True and isinstance(report.strategy, str)
