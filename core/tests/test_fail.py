"""The failure path (Passport's authenticate.fail.test.js)."""

from __future__ import annotations

import pytest

from passport.core import AuthenticationError
from passport.core import PassportError
from passport.strategy_runner import make_request


def test_a_bare_fail_answers_401_unauthorized_without_a_challenge(passport, scripted):
    passport.use(scripted("a", "fail"))
    request = make_request()
    response = passport.authenticate("a").run(request)
    assert response is not None
    assert (response.status, response.body) == (401, "Unauthorized")
    assert response.header_list("WWW-Authenticate") == []
    assert request.user is None


def test_failure_redirect_answers_302_to_that_url(passport, scripted):
    passport.use(scripted("a", "fail"))
    response = passport.authenticate("a", failure_redirect="/login").run(make_request())
    assert response is not None
    assert (response.status, response.header("Location"), response.body) == (302, "/login", "")


def test_a_string_challenge_becomes_a_single_www_authenticate_header(passport, scripted):
    passport.use(scripted("a", "fail", "MOCK challenge"))
    response = passport.authenticate("a").run(make_request())
    assert response is not None
    assert (response.status, response.body) == (401, "Unauthorized")
    assert response.header_list("WWW-Authenticate") == ["MOCK challenge"]


def test_a_challenge_with_status_403_answers_forbidden_without_the_header(passport, scripted):
    passport.use(scripted("a", "fail", "MOCK challenge", 403))
    response = passport.authenticate("a").run(make_request())
    assert response is not None
    assert (response.status, response.body) == (403, "Forbidden")
    assert response.header_list("WWW-Authenticate") == []


def test_a_bare_status_answers_with_its_reason_phrase(passport, scripted):
    passport.use(scripted("a", "fail", 400))
    response = passport.authenticate("a").run(make_request())
    assert response is not None
    assert (response.status, response.body) == (400, "Bad Request")
    assert response.header_list("WWW-Authenticate") == []


def test_an_object_challenge_sends_no_header(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    response = passport.authenticate("a").run(make_request())
    assert response is not None
    assert response.status == 401
    assert response.header_list("WWW-Authenticate") == []


def test_a_status_without_a_standard_phrase_answers_with_an_empty_body(passport, scripted):
    passport.use(scripted("a", "fail", 499))
    response = passport.authenticate("a").run(make_request())
    assert response is not None
    assert (response.status, response.body) == (499, "")


def test_a_failure_response_is_not_cached(passport, scripted):
    passport.use(scripted("a", "fail"))
    response = passport.authenticate("a").run(make_request())
    assert response is not None and response.header("Cache-Control") == "no-store"


# -- fail_with_error ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status", "message", "challenges"),
    [
        ((), 401, "Unauthorized", []),
        (({"message": "Invalid password"},), 401, "Unauthorized", []),
        (({"message": "Invalid password"}, 400), 400, "Bad Request", []),
        (("MOCK challenge",), 401, "Unauthorized", ["MOCK challenge"]),
        (("MOCK challenge", 403), 403, "Forbidden", []),
        ((402,), 402, "Payment Required", []),
    ],
)
def test_fail_with_error_raises_authentication_error_with_status_message_and_challenges(
    passport, scripted, args, status, message, challenges
):
    passport.use(scripted("a", "fail", *args))
    request = make_request()
    with pytest.raises(AuthenticationError) as caught:
        passport.authenticate("a", fail_with_error=True).run(request)
    error = caught.value
    assert (error.status, error.message, str(error), error.challenges) == (status, message, message, challenges)
    assert error.headers == [("WWW-Authenticate", c) for c in challenges]
    assert request.user is None


def test_authentication_error_is_a_passport_error():
    assert issubclass(AuthenticationError, PassportError)
    assert AuthenticationError().status == 401
    assert AuthenticationError("Bad Request", 400).status == 400


def test_failure_redirect_wins_over_fail_with_error(passport, scripted):
    passport.use(scripted("a", "fail", "MOCK challenge"))
    response = passport.authenticate("a", fail_with_error=True, failure_redirect="/login").run(make_request())
    assert response is not None
    assert (response.status, response.header("Location")) == (302, "/login")


def test_fail_with_error_still_records_flash_and_message(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "Invalid password"}))
    request = make_request()
    with pytest.raises(AuthenticationError):
        passport.authenticate("a", fail_with_error=True, failure_flash=True, failure_message=True).run(request)
    assert request.flashes == [("error", "Invalid password")]
    assert request.session["messages"] == ["Invalid password"]


def test_fail_with_error_lists_every_string_challenge_of_a_list_guard(passport, scripted):
    passport.use(scripted("a", "fail", "Basic realm=x")).use(scripted("b", "fail", "Bearer"))
    with pytest.raises(AuthenticationError) as caught:
        passport.authenticate(["a", "b"], fail_with_error=True).run(make_request())
    assert caught.value.challenges == ["Basic realm=x", "Bearer"]
