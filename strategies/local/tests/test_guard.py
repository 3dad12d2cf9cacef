"""LocalStrategy behind a real guard: the HTTP outcome Passport's users rely on."""

from __future__ import annotations

from typing import Any

import pytest

from passport.core import Passport
from passport.strategies.local import LocalStrategy
from passport.strategy_runner import make_request

USERS = {"ann": {"id": 1, "password": "s3cret"}}


def verify(username: str, password: str) -> Any:
    user = USERS.get(username)
    if user is None or user["password"] != password:
        return None, {"message": "Incorrect username or password."}
    return {"id": user["id"], "name": username}


@pytest.fixture
def passport() -> Passport:
    passport = Passport()
    passport.use(LocalStrategy(verify))

    @passport.serializer
    def serialize(user: Any) -> Any:
        return user["id"]

    return passport


def login_request(body: dict[str, Any]) -> Any:
    return make_request(method="POST", url="/login", body=body)


def test_a_good_login_stores_the_user_in_the_session_and_redirects(passport: Passport) -> None:
    guard = passport.authenticate("local", success_redirect="/account", failure_redirect="/login", failure_flash=True)
    request = login_request({"username": "ann", "password": "s3cret"})
    response = guard.run(request)
    assert response is not None
    assert (response.status, response.header("Location")) == (302, "/account")
    assert request.user == {"id": 1, "name": "ann"}
    assert request.session["passport"]["user"] == 1 and "auth_time" in request.session["passport"]
    assert request.session_regenerations == 1


def test_a_wrong_password_flashes_verify_s_message_and_redirects(passport: Passport) -> None:
    guard = passport.authenticate("local", success_redirect="/account", failure_redirect="/login", failure_flash=True)
    request = login_request({"username": "ann", "password": "wrong"})
    response = guard.run(request)
    assert response is not None
    assert (response.status, response.header("Location")) == (302, "/login")
    assert request.flashes == [("error", "Incorrect username or password.")]
    assert request.user is None


def test_missing_credentials_flash_the_bad_request_message(passport: Passport) -> None:
    guard = passport.authenticate(
        "local", failure_redirect="/login", failure_flash=True, bad_request_message="Please fill in both fields"
    )
    request = login_request({"username": "ann"})
    guard.run(request)
    assert request.flashes == [("error", "Please fill in both fields")]


def test_without_a_failure_redirect_missing_credentials_answer_400_bad_request(passport: Passport) -> None:
    response = passport.authenticate("local").run(login_request({}))
    assert response is not None
    assert (response.status, response.body) == (400, "Bad Request")
    assert response.header("WWW-Authenticate") is None


def test_without_a_failure_redirect_a_wrong_password_answers_401(passport: Passport) -> None:
    response = passport.authenticate("local").run(login_request({"username": "ann", "password": "nope"}))
    assert response is not None
    assert (response.status, response.body) == (401, "Unauthorized")
    assert response.header("WWW-Authenticate") is None  # an object challenge never becomes a header


def test_attempt_hands_back_verify_s_info_unapplied(passport: Passport) -> None:
    outcome = passport.authenticate("local").attempt(login_request({"username": "bob", "password": "x"}))
    assert (outcome.action, outcome.info, outcome.status) == (
        "fail",
        {"message": "Incorrect username or password."},
        None,
    )


async def test_the_async_guard_logs_in_with_the_same_strategy(passport: Passport) -> None:
    request = login_request({"username": "ann", "password": "s3cret"})
    response = await passport.authenticate("local", success_redirect="/account").arun(request)
    assert response is not None and response.status == 302
    assert request.session["passport"]["user"] == 1 and "auth_time" in request.session["passport"]


def test_failure_message_stores_verify_s_message_in_the_session(passport: Passport) -> None:
    request = login_request({"username": "ann", "password": "nope"})
    passport.authenticate("local", failure_redirect="/login", failure_message=True).run(request)
    assert request.session["messages"] == ["Incorrect username or password."]
