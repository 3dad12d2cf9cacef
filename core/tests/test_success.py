"""The success path (Passport's authenticate.success*.test.js, without the flash matrix)."""

from __future__ import annotations

import pytest
from _fakes import RECENT

from passport.strategy_runner import make_request


def test_success_logs_the_user_in_and_sets_empty_auth_info(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request()
    assert passport.authenticate("a").run(request) is None
    assert request.user is ann
    assert request.auth_info == {}
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}}


def test_success_regenerates_the_session(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    old = {"cart": [1, 2]}
    request = make_request(session=old)
    passport.authenticate("a").run(request)
    assert request.session_regenerations == 1
    assert request.session is not old
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}}


def test_success_with_keep_session_info_keeps_the_old_session_data(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    old = {"cart": [1, 2]}
    request = make_request(session=old)
    passport.authenticate("a", keep_session_info=True).run(request)
    assert request.session_regenerations == 1
    assert request.session is not old
    assert request.session == {"cart": [1, 2], "passport": {"user": "ann", "auth_time": RECENT}}


def test_success_with_session_false_sets_the_user_and_leaves_the_session_alone(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"cart": [1]})
    passport.authenticate("a", session=False).run(request)
    assert request.user is ann
    assert request.session == {"cart": [1]}
    assert request.session_regenerations == 0


def test_success_with_session_false_works_without_session_support(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session=None)
    assert passport.authenticate("a", session=False).run(request) is None
    assert request.user is ann


def test_strategy_info_becomes_auth_info_verbatim(passport, scripted, ann):
    info = {"scope": "read", "client": "c1"}
    passport.use(scripted("a", "success", ann, info))
    request = make_request()
    passport.authenticate("a").run(request)
    assert request.auth_info is info


def test_an_auth_info_transformer_replaces_auth_info(passport, scripted, ann):
    passport.auth_info_transformer(lambda info: {"transformed": info["scope"]})
    passport.use(scripted("a", "success", ann, {"scope": "read"}))
    request = make_request()
    passport.authenticate("a").run(request)
    assert request.auth_info == {"transformed": "read"}


def test_a_transformer_error_propagates_with_the_user_already_logged_in(passport, scripted, ann):
    @passport.auth_info_transformer
    def broken(info):
        raise ValueError("transform failed")

    passport.use(scripted("a", "success", ann, {"scope": "read"}))
    request = make_request()
    with pytest.raises(ValueError, match="transform failed"):
        passport.authenticate("a").run(request)
    assert request.user is ann
    assert request.auth_info is None


def test_a_transformer_error_propagates_on_the_redirecting_path_too(passport, scripted, ann):
    passport.auth_info_transformer(lambda info: 1 / 0)
    passport.use(scripted("a", "success", ann))
    request = make_request()
    with pytest.raises(ZeroDivisionError):
        passport.authenticate("a", success_redirect="/home").run(request)
    assert request.user is ann
    assert request.auth_info is None


def test_auth_info_false_leaves_auth_info_unset(passport, scripted, ann):
    passport.auth_info_transformer(lambda info: pytest.fail("transformer must not run"))
    passport.use(scripted("a", "success", ann, {"scope": "read"}))
    request = make_request()
    passport.authenticate("a", auth_info=False).run(request)
    assert request.user is ann
    assert request.auth_info is None


def test_success_redirect_answers_302_after_login(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request()
    response = passport.authenticate("a", success_redirect="/home").run(request)
    assert response is not None
    assert (response.status, response.header("Location"), response.body) == (302, "/home", "")
    assert request.user is ann
    assert request.session["passport"] == {"user": "ann", "auth_time": RECENT}


def test_a_login_error_propagates_with_no_user_and_no_auth_info(scripted, ann):
    from passport.core import Passport
    from passport.core import SessionError

    passport = Passport()  # no serializer: login cannot store the user
    passport.use(scripted("a", "success", ann))
    request = make_request()
    with pytest.raises(SessionError, match="Failed to serialize user into session"):
        passport.authenticate("a", success_redirect="/home").run(request)
    assert request.user is None
    assert request.auth_info is None


def test_assign_property_stores_the_user_there_and_not_on_user(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"passport": {"user": "bob"}})
    assert passport.authenticate("a", assign_property="account").run(request) is None
    assert request.account is ann  # type: ignore[attr-defined]
    assert request.user is None
    assert request.auth_info == {}
    assert request.session == {"passport": {"user": "bob"}}
    assert request.session_regenerations == 0


def test_authorize_sets_account_and_auth_info_and_leaves_the_session_alone(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, {"token": "t"}))
    request = make_request(user={"id": "bob"}, session={"passport": {"user": "bob"}})
    assert passport.authorize("a").run(request) is None
    assert request.account is ann  # type: ignore[attr-defined]
    assert request.user == {"id": "bob"}
    assert request.auth_info == {"token": "t"}
    assert request.session == {"passport": {"user": "bob"}}


def test_authorize_with_auth_info_false_leaves_auth_info_unset(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request()
    passport.authorize("a", auth_info=False).run(request)
    assert request.account is ann  # type: ignore[attr-defined]
    assert request.auth_info is None


def test_assign_property_ignores_success_redirects(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/back"})
    guard = passport.authorize("a", success_redirect="/home", success_return_to_or_redirect="/default")
    assert guard.run(request) is None
    assert request.session == {"returnTo": "/back"}


def test_assign_property_still_records_flash_and_message(passport, scripted, ann):
    passport.use(scripted("a", "success", ann, {"message": "Linked"}))
    request = make_request()
    passport.authorize("a", success_flash=True, success_message=True).run(request)
    assert request.flashes == [("success", "Linked")]
    assert request.session == {"messages": ["Linked"]}


def test_assign_property_runs_the_transformer(passport, scripted, ann):
    passport.auth_info_transformer(lambda request, info: {"for": request.path})
    passport.use(scripted("a", "success", ann))
    request = make_request(path="/connect")
    passport.authorize("a").run(request)
    assert request.auth_info == {"for": "/connect"}
