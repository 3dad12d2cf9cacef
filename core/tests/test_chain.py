"""Running a guard's chain (Passport's authenticate.test.js, *.multi, pass, redirect, error)."""

from __future__ import annotations

import pytest

from passport.core import Passport
from passport.core import Strategy
from passport.core import UnknownStrategyError
from passport.strategy_runner import make_request


def test_strategies_are_tried_in_list_order(passport, scripted):
    seen = []

    class Recording(Strategy):
        def authenticate(self, request, options):
            seen.append(self.name)
            self.fail()

    for name in ("c", "a", "b"):
        strategy = Recording()
        strategy.name = name
        passport.use(strategy)
    passport.authenticate(["c", "a", "b"]).attempt(make_request())
    assert seen == ["c", "a", "b"]


def test_first_success_stops_the_chain(passport, scripted, ann):
    passport.use(scripted("a", "success", ann)).use(scripted("b", "success", {"id": "bob"}))
    request = make_request()
    assert passport.authenticate(["a", "b"]).run(request) is None
    assert request.user is ann


def test_a_failure_before_a_success_is_ignored(passport, scripted, ann):
    passport.use(scripted("a", "fail", "BASIC", 403)).use(scripted("b", "success", ann))
    request = make_request()
    assert passport.authenticate(["a", "b"]).run(request) is None
    assert request.user is ann


@pytest.mark.parametrize("ending", [("pass_",), ("redirect", "/elsewhere"), ("error", ValueError("boom"))])
def test_pass_redirect_and_error_end_the_chain(passport, scripted, ending):
    called = []

    class Later(Strategy):
        name = "later"

        def authenticate(self, request, options):
            called.append(True)
            self.success({"id": "ann"})

    passport.use(scripted("first", *ending)).use(Later())
    outcome = passport.authenticate(["first", "later"]).attempt(make_request())
    assert outcome.action == {"pass_": "pass"}.get(ending[0], ending[0])
    assert outcome.strategy == "first"
    assert called == []


def test_pass_proceeds_without_a_user(passport, scripted):
    passport.use(scripted("a", "pass_"))
    request = make_request()
    assert passport.authenticate("a").run(request) is None
    assert request.user is None


def test_pass_after_failures_proceeds(passport, scripted):
    passport.use(scripted("a", "fail")).use(scripted("b", "pass_"))
    request = make_request()
    assert passport.authenticate(["a", "b"]).run(request) is None
    assert request.user is None


def test_redirect_action_answers_302_with_location_and_empty_body(passport, scripted):
    passport.use(scripted("a", "redirect", "http://idp.example/authorize"))
    response = passport.authenticate("a").run(make_request())
    assert response is not None
    assert response.status == 302
    assert response.header("Location") == "http://idp.example/authorize"
    assert response.header("Content-Length") == "0"
    assert response.body == ""


def test_redirect_action_keeps_an_explicit_status(passport, scripted):
    passport.use(scripted("a", "redirect", "http://idp.example/", 303))
    response = passport.authenticate("a").run(make_request())
    assert response is not None and response.status == 303


def test_redirect_action_is_not_subject_to_the_same_origin_rule(passport, scripted):
    passport.use(scripted("a", "redirect", "https://idp.example/authorize?x=1"))
    response = passport.authenticate("a").run(make_request())
    assert response is not None and response.header("Location") == "https://idp.example/authorize?x=1"


def test_error_action_is_raised_by_run(passport, scripted):
    boom = ValueError("database down")
    passport.use(scripted("a", "error", boom))
    request = make_request()
    with pytest.raises(ValueError) as caught:
        passport.authenticate("a").run(request)
    assert caught.value is boom
    assert request.user is None


def test_an_exception_in_authenticate_is_the_error_action(passport):
    class Raising(Strategy):
        name = "raising"

        def authenticate(self, request, options):
            raise KeyError("missing")

    passport.use(Raising())
    outcome = passport.authenticate("raising").attempt(make_request())
    assert outcome.action == "error"
    assert isinstance(outcome.error, KeyError)
    with pytest.raises(KeyError):
        passport.authenticate("raising").run(make_request())


def test_the_base_strategy_authenticate_must_be_overridden(passport):
    passport.use("base", Strategy())
    with pytest.raises(NotImplementedError, match="must be overridden"):
        passport.authenticate("base").run(make_request())


def test_a_strategy_object_can_be_guarded_directly(passport, scripted, ann):
    request = make_request()
    assert passport.authenticate(scripted("inline", "success", ann)).run(request) is None
    assert request.user is ann


def test_strategies_receive_the_route_options_whole(passport):
    seen = {}

    class Reading(Strategy):
        name = "reading"

        def authenticate(self, request, options):
            seen.update(options)
            self.pass_()

    passport.use(Reading())
    passport.authenticate("reading", scope="email", failure_redirect="/login").run(make_request())
    assert seen == {"scope": "email", "failure_redirect": "/login"}


def test_strategies_receive_the_request(passport):
    class Echo(Strategy):
        name = "echo"

        def authenticate(self, request, options):
            self.success({"id": request.headers["X-User"]})

    passport.use(Echo())
    outcome = passport.authenticate("echo").attempt(make_request(headers={"x-user": "ann"}))
    assert outcome.user == {"id": "ann"}


def test_an_unknown_strategy_raises_unknown_strategy_error_naming_it(passport):
    with pytest.raises(UnknownStrategyError) as caught:
        passport.authenticate("foo").run(make_request())
    assert str(caught.value).startswith('Unknown authentication strategy "foo"')
    assert caught.value.name == "foo"


def test_unknown_strategy_error_is_a_lookup_error_listing_registered_strategies(passport, scripted):
    passport.use(scripted("local", "pass_"))
    with pytest.raises(LookupError) as caught:
        passport.authenticate("foo").run(make_request())
    assert caught.value.available == ["local", "session"]  # type: ignore[attr-defined]
    assert "'local', 'session'" in str(caught.value)


def test_an_unknown_strategy_raises_from_attempt_too(passport):
    with pytest.raises(UnknownStrategyError, match='"foo"'):
        passport.authenticate("foo").attempt(make_request())


def test_an_unknown_strategy_after_failures_still_raises(passport, scripted):
    passport.use(scripted("a", "fail"))
    request = make_request()
    with pytest.raises(UnknownStrategyError, match='"b"'):
        passport.authenticate(["a", "b"]).run(request)
    assert request.user is None
    assert request.auth_info is None


def test_strategy_names_are_looked_up_when_the_guard_runs(scripted, ann):
    passport = Passport()
    guard = passport.authenticate("late")
    passport.use(scripted("late", "success", ann))
    assert guard.attempt(make_request()).user is ann
    passport.unuse("late")
    with pytest.raises(UnknownStrategyError):
        guard.attempt(make_request())


def test_an_empty_list_of_strategies_fails_with_401(passport):
    response = passport.authenticate([]).run(make_request())
    assert response is not None
    assert (response.status, response.body) == (401, "Unauthorized")


# -- security item 51: a request with credentials for several strategies of the chain -------------


class Sees(Strategy):
    """Sees credentials of its own when the request has header ``X-<name>``; succeeds then."""

    def __init__(self, name):
        super().__init__()
        self.name = name
        self.asked = 0

    def has_credentials(self, request):
        self.asked += 1
        return f"x-{self.name}" in request.headers

    def authenticate(self, request, options):
        if f"x-{self.name}" in request.headers:
            return self.success({"id": self.name})
        return self.fail()


def test_51_credentials_for_two_strategies_fail_the_chain_with_400_before_any_runs(passport):
    passport.use(Sees("a")).use(Sees("b"))
    outcome = passport.authenticate(["a", "b"], session=False).attempt(make_request(headers={"X-A": "1", "X-B": "1"}))
    assert (outcome.action, outcome.status, outcome.strategy) == ("fail", [400], "b")
    assert outcome.info == [{"message": "Credentials for more than one authentication method; send one."}]


def test_51_credentials_for_one_strategy_run_the_chain_as_usual(passport):
    passport.use(Sees("a")).use(Sees("b"))
    request = make_request(headers={"X-B": "1"})
    assert passport.authenticate(["a", "b"], session=False).run(request) is None
    assert request.user == {"id": "b"}


def test_51_the_route_can_allow_several_credentials(passport):
    passport.use(Sees("a")).use(Sees("b"))
    guard = passport.authenticate(["a", "b"], session=False, allow_multiple_credentials=True)
    request = make_request(headers={"X-A": "1", "X-B": "1"})
    assert guard.run(request) is None
    assert request.user == {"id": "a"}


def test_51_a_single_strategy_guard_never_asks(passport):
    strategy = Sees("a")
    passport.use(strategy)
    passport.authenticate("a", session=False).run(make_request(headers={"X-A": "1"}))
    assert strategy.asked == 0


def test_51_a_strategy_that_does_not_say_counts_as_seeing_none(passport, scripted):
    passport.use(Sees("a")).use(scripted("quiet", "fail"))
    request = make_request(headers={"X-A": "1"})
    assert passport.authenticate(["quiet", "a"], session=False).run(request) is None


def test_51_a_strategy_registered_after_the_guard_was_built_is_asked_too(passport, scripted):
    passport.use(Sees("a")).use(scripted("b", "fail"))
    guard = passport.authenticate(["a", "b"], session=False)
    both = {"X-A": "1", "X-B": "1"}
    assert guard.run(make_request(headers=both)) is None  # "b" does not say: no ambiguity
    passport.use(Sees("b"))
    assert guard.run(make_request(headers=both)).status == 400  # type: ignore[union-attr]


class SeesHeader(Strategy):
    """Names the place it reads, ``header:<header>``, and accepts only its own token format."""

    def __init__(self, name, header, prefix):
        super().__init__()
        self.name, self.header, self.prefix = name, header, prefix

    def has_credentials(self, request):
        return f"header:{self.header}" if request.headers.get(self.header) else False

    def authenticate(self, request, options):
        value = request.headers.get(self.header, "")
        return self.success({"id": self.name}) if value.startswith(self.prefix) else self.fail()


def test_51_strategies_naming_the_same_place_read_one_credential_and_take_turns(passport):
    passport.use(SeesHeader("jwt", "authorization", "ey")).use(SeesHeader("opaque", "authorization", "op"))
    guard = passport.authenticate(["jwt", "opaque"], session=False)
    request = make_request(headers={"Authorization": "op-123"})
    assert guard.run(request) is None
    assert request.user == {"id": "opaque"}


def test_51_two_places_are_two_credentials_even_when_one_is_named(passport):
    passport.use(SeesHeader("jwt", "authorization", "ey")).use(SeesHeader("key", "x-api-key", "k"))
    outcome = passport.authenticate(["jwt", "key"], session=False).attempt(
        make_request(headers={"Authorization": "ey1", "X-API-Key": "k1"})
    )
    assert (outcome.action, outcome.status, outcome.strategy) == ("fail", [400], "key")
    passport.use(Sees("b"))
    mixed = passport.authenticate(["jwt", "b"], session=False).attempt(
        make_request(headers={"Authorization": "ey1", "X-B": "1"})
    )
    assert mixed.status == [400]  # True (no place named) is a place of its own
