"""The rate-limit plugin printed in docs/authoring.md, run exactly as written there."""

from __future__ import annotations

import pathlib
import re
from typing import Any

import pytest

from passport.core import Passport
from passport.core import Strategy
from passport.strategy_runner import make_request

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def example_namespace() -> dict[str, Any]:
    if not DOCS.exists():
        pytest.skip("docs/authoring.md is not shipped with this copy of the tests")
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: failed-login-limit -->\n```python\n(.*?)```", text, re.S)
    assert match, "the failed-login-limit example is missing from docs/authoring.md"
    namespace: dict[str, Any] = {"__name__": "failed_login_limit"}
    exec(compile(match.group(1), str(DOCS), "exec"), namespace)
    return namespace


class Password(Strategy):
    name = "password"

    def authenticate(self, request, options):
        if request.body.get("password") == "right":
            self.success({"id": "ann"})
        else:
            self.fail({"message": "Incorrect password."})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def passport(clock: Clock) -> Passport:
    passport = Passport()
    passport.use(Password())
    passport.serializer(lambda user: user["id"])
    limit = example_namespace()["FailedLoginLimit"](limit=3, window=60, clock=clock)
    passport.register_plugin(limit, "failed-login-limit")
    return passport


def attempt(passport: Passport, password: str, client: str = "203.0.113.7", **options: Any) -> Any:
    request = make_request(method="POST", client_address=client, body={"password": password})
    return passport.authenticate("password", **options).run(request)


def test_the_example_refuses_a_client_after_too_many_failures(passport, clock):
    assert [attempt(passport, "wrong").status for _ in range(3)] == [401, 401, 401]
    clock.now += 10
    refused = attempt(passport, "right")
    assert refused.status == 429
    assert refused.header("Retry-After") == "50"
    assert refused.body == "Too Many Requests"


def test_the_example_does_not_count_refusals_as_failures_and_forgets_after_the_window(passport, clock):
    for _ in range(3):
        attempt(passport, "wrong")
    for _ in range(5):
        assert attempt(passport, "wrong").status == 429
    clock.now += 61
    assert attempt(passport, "right") is None


def test_the_example_limits_each_client_separately(passport):
    for _ in range(3):
        attempt(passport, "wrong", client="198.51.100.1")
    assert attempt(passport, "wrong", client="198.51.100.1").status == 429
    assert attempt(passport, "right", client="198.51.100.2") is None


def test_the_example_resets_a_client_on_login(passport):
    attempt(passport, "wrong")
    attempt(passport, "wrong")
    assert attempt(passport, "right") is None
    assert attempt(passport, "wrong").status == 401
    assert attempt(passport, "wrong").status == 401
    assert attempt(passport, "right") is None


def test_the_example_refusal_follows_the_failure_redirect_with_its_flash(passport):
    for _ in range(3):
        attempt(passport, "wrong")
    request = make_request(method="POST", client_address="203.0.113.7", body={"password": "right"})
    response = passport.authenticate("password", failure_redirect="/login", failure_flash=True).run(request)
    assert response.status == 302
    assert response.header("Location") == "/login"
    assert request.flashes == [("error", "Too many failed logins. Try again later.")]
    assert request.user is None


# -- security item 63: who the client is ----------------------------------------------------------


PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(clock: Clock) -> Passport:
    passport = Passport()
    passport.use(Password())
    passport.serializer(lambda user: user["id"])
    limit = example_namespace()["FailedLoginLimit"](limit=3, window=60, trusted_proxies=[PROXY], clock=clock)
    passport.register_plugin(limit, "failed-login-limit")
    return passport


def through(passport: Passport, password: str, peer: str, forwarded: str | None = None) -> Any:
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    request = make_request(method="POST", client_address=peer, headers=headers, body={"password": password})
    return passport.authenticate("password").run(request)


def test_63_rotating_x_forwarded_for_does_not_escape_the_limit(passport):
    for i in range(3):
        assert through(passport, "wrong", "198.51.100.9", forwarded=f"192.0.2.{i}").status == 401
    assert through(passport, "wrong", "198.51.100.9", forwarded="192.0.2.99").status == 429


def test_63_without_the_header_one_client_never_locks_out_another(passport):
    for _ in range(3):
        through(passport, "wrong", "198.51.100.1")
    assert through(passport, "wrong", "198.51.100.1").status == 429
    assert through(passport, "right", "198.51.100.2") is None


def test_63_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(behind_proxy):
    for i in range(3):  # the attacker prepends a fake address each time: only the real hop counts
        through(behind_proxy, "wrong", PROXY, forwarded=f"192.0.2.{i}, 203.0.113.50")
    assert through(behind_proxy, "wrong", PROXY, forwarded="192.0.2.77, 203.0.113.50").status == 429
    assert through(behind_proxy, "right", PROXY, forwarded="203.0.113.51") is None


def test_63_a_forwarded_header_from_an_untrusted_peer_is_ignored(behind_proxy):
    for i in range(3):
        through(behind_proxy, "wrong", "198.51.100.7", forwarded=f"192.0.2.{i}")
    assert through(behind_proxy, "wrong", "198.51.100.7", forwarded="192.0.2.200").status == 429
