"""The Passport registry (Passport's authenticator.test.js: use/unuse; middleware factories)."""

from __future__ import annotations

import pytest

from passport.core import Guard
from passport.core import Passport
from passport.core import UnknownStrategyError
from passport.core._session_strategy import SessionStrategy
from passport.strategy_runner import make_request


def test_use_registers_a_strategy_under_its_name(scripted):
    passport = Passport()
    strategy = scripted("foo", "pass_")
    passport.use(strategy)
    assert passport.strategy("foo") is strategy


def test_use_with_a_name_registers_under_that_name_only(scripted):
    passport = Passport()
    strategy = scripted("foo", "pass_")
    passport.use("bar", strategy)
    assert passport.strategies["bar"] is strategy
    assert "foo" not in passport.strategies


def test_use_without_any_name_raises_strategies_must_have_a_name(scripted):
    with pytest.raises(TypeError, match="Authentication strategies must have a name"):
        Passport().use(scripted("", "pass_"))


def test_use_rejects_an_object_without_authenticate():
    with pytest.raises(TypeError, match="not a strategy"):
        Passport().use("foo", object())  # type: ignore[call-overload]


def test_use_replaces_an_existing_registration(scripted):
    passport = Passport()
    second = scripted("foo", "fail")
    passport.use(scripted("foo", "pass_")).use(second)
    assert passport.strategy("foo") is second


def test_use_and_unuse_are_chainable(scripted):
    passport = Passport()
    assert passport.use(scripted("foo", "pass_")) is passport
    assert passport.unuse("foo") is passport


def test_unuse_removes_only_that_strategy(scripted):
    passport = Passport()
    passport.use(scripted("foo", "pass_")).use(scripted("bar", "pass_"))
    passport.unuse("foo")
    assert "foo" not in passport.strategies
    assert "bar" in passport.strategies


def test_unuse_of_an_unknown_name_is_not_an_error():
    Passport().unuse("nobody")


def test_strategy_of_an_unknown_name_raises_unknown_strategy_error_listing_registered_ones():
    with pytest.raises(UnknownStrategyError, match=r"\"nope\".*'session'"):
        Passport().strategy("nope")


def test_strategies_is_a_copy_of_the_registry(scripted):
    passport = Passport()
    passport.strategies["foo"] = scripted("foo", "pass_")
    assert "foo" not in passport.strategies


def test_a_new_passport_has_the_session_strategy_registered():
    assert isinstance(Passport().strategy("session"), SessionStrategy)
    assert SessionStrategy.name == "session"


def test_passport_instances_are_independent(scripted):
    one, two = Passport(), Passport()
    one.use(scripted("foo", "pass_"))
    assert "foo" not in two.strategies


def test_authenticate_returns_a_guard_naming_its_strategies(passport):
    guard = passport.authenticate(["a", "b"], failure_redirect="/login")
    assert isinstance(guard, Guard)
    assert guard.names == ("a", "b")
    assert guard.options["failure_redirect"] == "/login"


def test_guard_options_are_read_only(passport):
    guard = passport.authenticate("a", scope="email")
    with pytest.raises(TypeError):
        guard.options["scope"] = "other"  # type: ignore[index]


def test_authorize_assigns_the_account_property(passport):
    assert passport.authorize("a").opts.assign_property == "account"


def test_authorize_always_assigns_to_account_as_passport_forces_it(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    guard = passport.authorize("a", assign_property="linked")
    request = make_request()
    request.user = "logged-in"
    assert guard.run(request) is None
    assert request.account == ann
    assert not hasattr(request, "linked")
    assert request.user == "logged-in"


def test_session_is_a_guard_on_the_session_strategy(passport):
    guard = passport.session()
    assert guard.names == ("session",)


def test_a_guard_rejects_an_entry_that_is_neither_a_name_nor_a_strategy(passport):
    with pytest.raises(TypeError, match="strategy names or Strategy instances"):
        passport.authenticate([42])


def test_use_rejects_a_strategy_class_instead_of_an_instance(scripted):
    with pytest.raises(TypeError, match="instance, got the class Scripted"):
        Passport().use(scripted)  # type: ignore[call-overload]


def test_a_guard_rejects_a_strategy_class_instead_of_an_instance(passport, scripted):
    with pytest.raises(TypeError, match="strategy names or Strategy instances"):
        passport.authenticate(scripted)
