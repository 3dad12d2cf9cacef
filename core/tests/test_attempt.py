"""guard.attempt(): Passport's custom callback, as an Outcome (authenticate.*.callback.test.js)."""

from __future__ import annotations

import pytest

from passport.core import Outcome
from passport.strategy_runner import make_request


def test_attempt_on_success_gives_user_and_info_and_applies_nothing(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, {"scope": "read"}))
    request = make_request(session={"cart": [1]})
    outcome = passport.authenticate("a", success_redirect="/home").attempt(request)
    assert isinstance(outcome, Outcome)
    assert (outcome.action, outcome.user, outcome.info) == ("success", ann, {"scope": "read"})
    assert outcome.strategy == "a"
    assert request.user is None
    assert request.auth_info is None
    assert request.session == {"cart": [1]}
    assert request.session_regenerations == 0


def test_attempt_on_success_without_info_gives_info_none(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    assert passport.authenticate("a").attempt(make_request()).info is None


def test_attempt_on_a_bare_fail_gives_no_user_info_or_status(passport, scripted):
    passport.use(scripted("a", "fail"))
    outcome = passport.authenticate("a").attempt(make_request())
    assert (outcome.action, outcome.user, outcome.info, outcome.status) == ("fail", None, None, None)
    assert outcome.failures == [(None, None)]


@pytest.mark.parametrize(
    ("args", "info", "status"),
    [
        (({"message": "Invalid password"},), {"message": "Invalid password"}, None),
        (({"message": "Invalid password"}, 403), {"message": "Invalid password"}, 403),
        (("Basic realm=users",), "Basic realm=users", None),
        (("Basic realm=users", 403), "Basic realm=users", 403),
        ((402,), None, 402),
        ((None, 400), None, 400),
    ],
)
def test_attempt_on_a_single_name_guard_gives_the_challenge_and_status(passport, scripted, args, info, status):
    passport.use(scripted("a", "fail", *args))
    outcome = passport.authenticate("a", failure_redirect="/login").attempt(make_request())
    assert (outcome.action, outcome.info, outcome.status) == ("fail", info, status)


def test_fail_with_status_keyword_equals_a_bare_status(passport):
    from passport.core import Strategy

    class Keyword(Strategy):
        name = "kw"

        def authenticate(self, request, options):
            self.fail(status=400)

    passport.use(Keyword())
    outcome = passport.authenticate("kw").attempt(make_request())
    assert (outcome.info, outcome.status) == (None, 400)


def test_attempt_on_a_list_guard_gives_lists_aligned_with_the_chain(passport, scripted):
    passport.use(scripted("a", "fail", "BASIC")).use(scripted("b", "fail", {"message": "x"}, 403))
    passport.use(scripted("c", "fail"))
    outcome = passport.authenticate(["a", "b", "c"]).attempt(make_request())
    assert outcome.action == "fail"
    assert outcome.info == ["BASIC", {"message": "x"}, None]
    assert outcome.status == [None, 403, None]
    assert outcome.failures == [("BASIC", None), ({"message": "x"}, 403), (None, None)]


def test_attempt_on_a_one_element_list_guard_gives_lists_of_one(passport, scripted):
    passport.use(scripted("a", "fail", "BASIC", 401))
    outcome = passport.authenticate(["a"]).attempt(make_request())
    assert (outcome.info, outcome.status) == (["BASIC"], [401])


def test_attempt_on_an_empty_list_guard_gives_empty_lists(passport):
    outcome = passport.authenticate([]).attempt(make_request())
    assert (outcome.action, outcome.info, outcome.status) == ("fail", [], [])
    assert list(outcome.failures) == []


def test_attempt_on_a_list_guard_success_keeps_earlier_failures(passport, scripted, ann):
    passport.use(scripted("a", "fail", "BASIC")).use(scripted("b", "success", ann))
    outcome = passport.authenticate(["a", "b"]).attempt(make_request())
    assert (outcome.action, outcome.user, outcome.info, outcome.status) == ("success", ann, None, None)
    assert outcome.failures == [("BASIC", None)]
    assert outcome.strategy == "b"


def test_attempt_on_error_gives_the_error(passport, scripted):
    boom = RuntimeError("down")
    passport.use(scripted("a", "error", boom))
    outcome = passport.authenticate("a").attempt(make_request())
    assert (outcome.action, outcome.error, outcome.user) == ("error", boom, None)


def test_attempt_on_redirect_gives_url_and_status(passport, scripted):
    passport.use(scripted("a", "redirect", "http://idp.example/", 307))
    outcome = passport.authenticate("a").attempt(make_request())
    assert (outcome.action, outcome.url, outcome.status) == ("redirect", "http://idp.example/", 307)


def test_attempt_on_pass_gives_action_pass(passport, scripted):
    passport.use(scripted("a", "pass_"))
    outcome = passport.authenticate("a").attempt(make_request())
    assert (outcome.action, outcome.user, outcome.error) == ("pass", None, None)


def test_attempt_ignores_route_options(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "nope"}))
    request = make_request()
    outcome = passport.authenticate(
        "a", failure_redirect="/login", failure_flash=True, failure_message=True, fail_with_error=True
    ).attempt(request)
    assert outcome.action == "fail"
    assert request.flashes == []
    assert request.session == {}
