"""failure_flash and failure_message (Passport's authenticate.fail.flash/message.test.js).

The matrix is Passport's: 4 challenge shapes x 5 option shapes, each with ``failure_redirect``.
"""

from __future__ import annotations

import pytest

from passport.strategy_runner import make_request

OPTION_SHAPES = {
    "true": True,
    "type": {"type": "info"},
    "string": "Wrong credentials",
    "message": {"message": "Try again"},
    "type_and_message": {"type": "warning", "message": "Try again"},
}

# A challenge shape is the arguments given to fail().
CHALLENGE_SHAPES = {
    "message": ({"message": "Invalid password"},),
    "type_and_message": ({"type": "notice", "message": "Invalid password"},),
    "string": ("Invalid password",),
    "none": (),
}

EXPECTED = {
    ("message", "true"): ("error", "Invalid password"),
    ("message", "type"): ("info", "Invalid password"),
    ("message", "string"): ("error", "Wrong credentials"),
    ("message", "message"): ("error", "Try again"),
    ("message", "type_and_message"): ("warning", "Try again"),
    ("type_and_message", "true"): ("notice", "Invalid password"),
    ("type_and_message", "type"): ("info", "Invalid password"),
    ("type_and_message", "string"): ("error", "Wrong credentials"),
    ("type_and_message", "message"): ("error", "Try again"),
    ("type_and_message", "type_and_message"): ("warning", "Try again"),
    ("string", "true"): ("error", "Invalid password"),
    ("string", "type"): ("info", "Invalid password"),
    ("string", "string"): ("error", "Wrong credentials"),
    ("string", "message"): ("error", "Try again"),
    ("string", "type_and_message"): ("warning", "Try again"),
    ("none", "true"): None,
    ("none", "type"): None,
    ("none", "string"): ("error", "Wrong credentials"),
    ("none", "message"): ("error", "Try again"),
    ("none", "type_and_message"): ("warning", "Try again"),
}


@pytest.mark.parametrize(("challenge_shape", "option_shape"), sorted(EXPECTED), ids="-".join)
def test_failure_flash_follows_passports_table(passport, scripted, challenge_shape, option_shape):
    passport.use(scripted("a", "fail", *CHALLENGE_SHAPES[challenge_shape]))
    request = make_request()
    guard = passport.authenticate("a", failure_flash=OPTION_SHAPES[option_shape], failure_redirect="/login")
    response = guard.run(request)
    expected = EXPECTED[(challenge_shape, option_shape)]
    assert request.flashes == ([] if expected is None else [expected])
    assert request.user is None
    assert response is not None and (response.status, response.header("Location")) == (302, "/login")


def test_failure_flash_is_skipped_on_a_request_without_flash_support(passport, scripted, plain_request):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    response = passport.authenticate("a", failure_flash=True, failure_redirect="/login").run(plain_request())
    assert response is not None and response.status == 302


def test_failure_flash_also_applies_without_a_redirect(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    request = make_request()
    response = passport.authenticate("a", failure_flash=True).run(request)
    assert response is not None and response.status == 401
    assert request.flashes == [("error", "Invalid password")]


def test_failure_flash_does_not_touch_the_session(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    request = make_request(session={"cart": [1]})
    passport.authenticate("a", failure_flash=True, failure_redirect="/login").run(request)
    assert request.session == {"cart": [1]}
    assert request.session_regenerations == 0


# -- failure_message ---------------------------------------------------------------------------


def test_failure_message_string_is_stored_in_session_messages(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    request = make_request()
    passport.authenticate("a", failure_message="Wrong credentials", failure_redirect="/login").run(request)
    assert request.session["messages"] == ["Wrong credentials"]


def test_failure_message_true_stores_the_challenge_message_only(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "Invalid password", "type": "notice", "code": 7}))
    request = make_request()
    passport.authenticate("a", failure_message=True, failure_redirect="/login").run(request)
    assert request.session["messages"] == ["Invalid password"]


def test_failure_message_true_stores_a_string_challenge(passport, scripted):
    passport.use(scripted("a", "fail", "Basic realm=users"))
    request = make_request()
    passport.authenticate("a", failure_message=True, failure_redirect="/login").run(request)
    assert request.session["messages"] == ["Basic realm=users"]


def test_failure_message_true_without_a_challenge_stores_nothing(passport, scripted):
    passport.use(scripted("a", "fail"))
    request = make_request()
    passport.authenticate("a", failure_message=True, failure_redirect="/login").run(request)
    assert "messages" not in request.session


@pytest.mark.parametrize("form", ["Invalid password", True])
def test_failure_message_is_appended_to_existing_messages(passport, scripted, form):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    request = make_request(session={"messages": ["earlier"]})
    passport.authenticate("a", failure_message=form, failure_redirect="/login").run(request)
    assert request.session["messages"] == ["earlier", "Invalid password"]


def test_failure_message_replaces_a_messages_entry_that_is_not_a_list(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    request = make_request(session={"messages": "garbage"})
    passport.authenticate("a", failure_message=True, failure_redirect="/login").run(request)
    assert request.session["messages"] == ["Invalid password"]


def test_failure_message_without_session_support_raises_a_session_error(passport, scripted):
    from passport.core import SessionError

    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    with pytest.raises(SessionError, match="session support"):
        passport.authenticate("a", failure_message=True).run(make_request(session=None))
