"""Route options are checked once, when the guard is built."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("option", ["session", "keep_session_info", "fail_with_error", "auth_info"])
@pytest.mark.parametrize("value", [1, "yes", None])
def test_boolean_options_must_be_true_or_false(passport, option, value):
    with pytest.raises(TypeError, match=option):
        passport.authenticate("a", **{option: value})


@pytest.mark.parametrize("option", ["success_flash", "failure_flash"])
@pytest.mark.parametrize("value", [1, ["x"], {"kind": "error"}])
def test_flash_options_take_true_a_string_or_a_type_and_message_mapping(passport, option, value):
    with pytest.raises(TypeError, match=option):
        passport.authenticate("a", **{option: value})


@pytest.mark.parametrize("option", ["success_message", "failure_message"])
@pytest.mark.parametrize("value", [1, {"message": "x"}])
def test_message_options_take_true_or_a_string(passport, option, value):
    with pytest.raises(TypeError, match=option):
        passport.authenticate("a", **{option: value})


@pytest.mark.parametrize("value", ["", "not an attribute", 3, "user.name"])
def test_assign_property_must_be_an_attribute_name(passport, value):
    with pytest.raises(TypeError, match="assign_property"):
        passport.authenticate("a", assign_property=value)


@pytest.mark.parametrize(
    "options",
    [
        {"success_flash": False, "failure_flash": None, "success_message": False, "failure_message": None},
        {"success_redirect": None, "failure_redirect": None, "assign_property": None},
    ],
)
def test_false_and_none_mean_an_option_is_off(passport, scripted, ann, options):
    from passport.strategy_runner import make_request

    passport.use(scripted("a", "success", ann))
    request = make_request()
    assert passport.authenticate("a", **options).run(request) is None
    assert request.user is ann
    assert request.flashes == []


def test_unknown_options_pass_through_to_strategies_unchecked(passport):
    guard = passport.authenticate("a", scope=["email", "profile"], callback_url="/cb")
    assert guard.options == {"scope": ["email", "profile"], "callback_url": "/cb"}
