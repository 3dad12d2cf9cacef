"""success_flash and success_message (Passport's authenticate.success.flash/message.test.js).

The matrix is Passport's: 4 info shapes x 5 option shapes, each with ``success_redirect``.
"""

from __future__ import annotations

import pytest
from _fakes import RECENT

from passport.strategy_runner import make_request

OPTION_SHAPES = {
    "true": True,
    "type": {"type": "notice"},
    "string": "Login complete",
    "message": {"message": "Okay"},
    "type_and_message": {"type": "ok", "message": "Okay"},
}

INFO_SHAPES = {
    "message": {"message": "Welcome!"},
    "type_and_message": {"type": "info", "message": "Hello"},
    "string": "Greetings",
    "none": None,
}

# (info shape, option shape) -> the flash expected, or None for no flash at all.
EXPECTED = {
    ("message", "true"): ("success", "Welcome!"),
    ("message", "type"): ("notice", "Welcome!"),
    ("message", "string"): ("success", "Login complete"),
    ("message", "message"): ("success", "Okay"),
    ("message", "type_and_message"): ("ok", "Okay"),
    ("type_and_message", "true"): ("info", "Hello"),
    ("type_and_message", "type"): ("notice", "Hello"),
    ("type_and_message", "string"): ("success", "Login complete"),
    ("type_and_message", "message"): ("success", "Okay"),
    ("type_and_message", "type_and_message"): ("ok", "Okay"),
    ("string", "true"): ("success", "Greetings"),
    ("string", "type"): ("notice", "Greetings"),
    ("string", "string"): ("success", "Login complete"),
    ("string", "message"): ("success", "Okay"),
    ("string", "type_and_message"): ("ok", "Okay"),
    ("none", "true"): None,
    ("none", "type"): None,
    ("none", "string"): ("success", "Login complete"),
    ("none", "message"): ("success", "Okay"),
    ("none", "type_and_message"): ("ok", "Okay"),
}


@pytest.mark.parametrize(("info_shape", "option_shape"), sorted(EXPECTED), ids="-".join)
def test_success_flash_follows_passports_table(passport, scripted, ann, info_shape, option_shape):
    passport.use(scripted("a", "success", ann, INFO_SHAPES[info_shape]))
    request = make_request()
    guard = passport.authenticate("a", success_flash=OPTION_SHAPES[option_shape], success_redirect="/home")
    response = guard.run(request)
    expected = EXPECTED[(info_shape, option_shape)]
    assert request.flashes == ([] if expected is None else [expected])
    assert request.user is ann
    assert response is not None and (response.status, response.header("Location")) == (302, "/home")


def test_success_flash_survives_the_login_regeneration(passport, scripted, ann, session_flashing_request):
    passport.use(scripted("a", "success", ann, {"message": "Welcome!"}))
    request = session_flashing_request(session={"_flashes": [("error", "stale")]})
    passport.authenticate("a", success_flash=True, success_redirect="/home").run(request)
    assert request.session_regenerations == 1
    assert request.session["_flashes"] == [("success", "Welcome!")]
    assert request.session["passport"] == {"user": "ann", "auth_time": RECENT}


def test_success_flash_is_skipped_on_a_request_without_flash_support(passport, scripted, ann, plain_request):
    passport.use(scripted("a", "success", ann, {"message": "Welcome!"}))
    request = plain_request()
    response = passport.authenticate("a", success_flash=True, success_redirect="/home").run(request)
    assert response is not None and response.status == 302
    assert request.user is ann


def test_success_flash_false_flashes_nothing(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, {"message": "Welcome!"}))
    request = make_request()
    passport.authenticate("a", success_flash=False).run(request)
    assert request.flashes == []


def test_success_flash_without_a_redirect_proceeds(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, {"message": "Welcome!"}))
    request = make_request()
    assert passport.authenticate("a", success_flash=True).run(request) is None
    assert request.flashes == [("success", "Welcome!")]


# -- success_message ---------------------------------------------------------------------------


def test_success_message_string_is_stored_in_session_messages(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, {"message": "Welcome!"}))
    request = make_request()
    passport.authenticate("a", success_message="Logged in", success_redirect="/home").run(request)
    assert request.session["messages"] == ["Logged in"]


def test_success_message_true_stores_the_info_message_only(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, {"message": "Welcome!", "type": "info", "scope": "read"}))
    request = make_request()
    passport.authenticate("a", success_message=True, success_redirect="/home").run(request)
    assert request.session["messages"] == ["Welcome!"]


def test_success_message_true_stores_a_string_info(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, "Greetings"))
    request = make_request()
    passport.authenticate("a", success_message=True).run(request)
    assert request.session["messages"] == ["Greetings"]


def test_success_message_true_without_info_stores_nothing(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request()
    passport.authenticate("a", success_message=True).run(request)
    assert "messages" not in request.session


@pytest.mark.parametrize("form", ["Logged in", True])
def test_success_message_is_appended_to_existing_messages_when_the_session_is_kept(passport, scripted, ann, form):
    passport.use(scripted("a", "success", ann, {"message": "Logged in"}))
    request = make_request(session={"messages": ["earlier"]})
    passport.authenticate("a", success_message=form, keep_session_info=True).run(request)
    assert request.session["messages"] == ["earlier", "Logged in"]


def test_success_message_is_appended_to_existing_messages_with_session_false(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"messages": ["earlier"]})
    passport.authenticate("a", success_message="Logged in", session=False).run(request)
    assert request.session["messages"] == ["earlier", "Logged in"]


def test_success_message_survives_the_login_regeneration(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    old = {"messages": ["stale"]}
    request = make_request(session=old)
    passport.authenticate("a", success_message="Logged in", success_redirect="/home").run(request)
    assert request.session_regenerations == 1
    assert request.session is not old
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}, "messages": ["Logged in"]}


def test_success_message_survives_a_session_that_is_cleared_instead_of_regenerated(
    passport, scripted, ann, plain_request
):
    passport.use(scripted("a", "success", ann))
    request = plain_request(session={"messages": ["stale"], "cart": [1]})
    passport.authenticate("a", success_message="Logged in").run(request)
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}, "messages": ["Logged in"]}
