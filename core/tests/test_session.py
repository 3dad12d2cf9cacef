"""login, logout and the session strategy (Passport's http/request.test.js, strategies/session.test.js)."""

from __future__ import annotations

import asyncio

import pytest
from _fakes import RECENT

from passport.core import Passport
from passport.core import SessionError
from passport.strategy_runner import make_request

# -- login -------------------------------------------------------------------------------------


def test_login_sets_the_user_and_stores_it_in_a_regenerated_session(passport, ann):
    old = {"cart": [1]}
    request = make_request(session=old)
    passport.login(request, ann)
    assert request.user is ann
    assert request.session_regenerations == 1
    assert request.session is not old
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}}


def test_login_with_keep_session_info_keeps_the_data_in_a_new_session(passport, ann):
    old = {"cart": [1], "passport": {"user": "bob", "extra": 1}}
    request = make_request(session=old)
    passport.login(request, ann, keep_session_info=True)
    assert request.session_regenerations == 1
    assert request.session is not old
    assert request.session == {"cart": [1], "passport": {"user": "ann", "auth_time": RECENT, "extra": 1}}


def test_login_with_session_false_sets_the_user_only(passport, ann):
    request = make_request(session={"cart": [1]})
    passport.login(request, ann, session=False)
    assert request.user is ann
    assert request.session == {"cart": [1]}
    assert request.session_regenerations == 0


def test_login_with_session_false_needs_no_session_support(passport, ann):
    request = make_request(session=None)
    passport.login(request, ann, session=False)
    assert request.user is ann


def test_login_without_session_support_raises_a_session_error_and_clears_the_user(passport, ann):
    request = make_request(session=None)
    with pytest.raises(SessionError, match="session support") as caught:
        passport.login(request, ann)
    assert str(caught.value).startswith("Login sessions require session support.")
    assert request.user is None


def test_login_clears_a_session_that_cannot_regenerate(passport, ann, plain_request):
    session = {"cart": [1]}
    request = plain_request(session=session)
    passport.login(request, ann)
    assert request.session is session
    assert session == {"passport": {"user": "ann", "auth_time": RECENT}}


def test_login_serializes_before_regenerating(ann):
    passport = Passport()

    @passport.serializer
    def broken(user):
        raise ValueError("database down")

    old = {"cart": [1]}
    request = make_request(session=old)
    with pytest.raises(ValueError, match="database down"):
        passport.login(request, ann)
    assert request.user is None
    assert request.session_regenerations == 0
    assert request.session is old
    assert "passport" not in request.session


def test_login_without_a_storing_serializer_leaves_no_user_and_no_namespace(ann):
    request = make_request()
    with pytest.raises(SessionError, match="Failed to serialize user into session"):
        Passport().login(request, ann)
    assert request.user is None
    assert "passport" not in request.session


@pytest.mark.parametrize("session", [True, False])
def test_login_needs_a_user(passport, session):
    request = make_request()
    with pytest.raises(TypeError, match="logout"):
        passport.login(request, None, session=session)
    assert request.user is None


@pytest.mark.parametrize("session", [True, False])
async def test_alogin_needs_a_user(passport, session):
    with pytest.raises(TypeError, match="logout"):
        await passport.alogin(make_request(), None, session=session)


def test_login_twice_replaces_the_stored_user(passport, ann):
    request = make_request()
    passport.login(request, ann)
    passport.login(request, {"id": "bob"})
    assert request.session == {"passport": {"user": "bob", "auth_time": RECENT}}
    assert request.session_regenerations == 2


# -- logout ------------------------------------------------------------------------------------


def test_logout_clears_the_user_and_regenerates_without_the_passport_namespace(passport, ann):
    old = {"passport": {"user": "ann"}, "cart": [1]}
    request = make_request(session=old, user=ann)
    passport.logout(request)
    assert request.user is None
    assert request.session_regenerations == 1
    assert request.session is not old
    assert request.session == {}


def test_logout_removes_the_user_before_regenerating(passport, ann):
    old = {"passport": {"user": "ann"}}
    request = make_request(session=old, user=ann)
    passport.logout(request)
    assert request.previous_sessions == [old]
    assert old == {"passport": {}}


def test_logout_with_keep_session_info_keeps_data_and_the_namespace_without_user(passport, ann):
    request = make_request(session={"passport": {"user": "ann", "extra": 1}, "cart": [1]}, user=ann)
    passport.logout(request, keep_session_info=True)
    assert request.user is None
    assert request.session_regenerations == 1
    assert request.session == {"passport": {"extra": 1}, "cart": [1]}


def test_logout_clears_a_session_that_cannot_regenerate(passport, ann, plain_request):
    session = {"passport": {"user": "ann"}, "cart": [1]}
    request = plain_request(session=session, user=ann)
    passport.logout(request)
    assert request.user is None
    assert request.session is session
    assert session == {}


def test_logout_keeps_data_of_a_session_that_cannot_regenerate_if_asked(passport, ann, plain_request):
    request = plain_request(session={"passport": {"user": "ann"}, "cart": [1]}, user=ann)
    passport.logout(request, keep_session_info=True)
    assert request.session == {"passport": {}, "cart": [1]}


def test_logout_without_a_logged_in_user_still_regenerates(passport):
    request = make_request(session={"cart": [1]})
    passport.logout(request)
    assert request.session_regenerations == 1
    assert request.session == {}


def test_logout_without_session_support_raises_a_session_error_after_clearing_the_user(passport, ann):
    request = make_request(session=None, user=ann)
    with pytest.raises(SessionError, match="session support"):
        passport.logout(request)
    assert request.user is None


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_restoring_on_a_request_type_without_sessions_is_a_session_error(passport, mode):
    class NoSessions:  # a framework request wrapper with no session attribute at all
        user = None
        auth_info = None

    guard = passport.session()
    with pytest.raises(SessionError, match="session support"):
        if mode == "sync":
            await asyncio.to_thread(guard.run, NoSessions())
        else:
            await guard.arun(NoSessions())


async def test_alogout_is_the_async_twin_of_logout(passport, ann):
    request = make_request(session={"passport": {"user": "ann"}}, user=ann)
    await passport.alogout(request)
    assert request.user is None
    assert request.session == {}


# -- the session strategy ----------------------------------------------------------------------


def test_session_restores_the_user(passport, ann):
    session = {"passport": {"user": "ann"}}
    request = make_request(session=session)
    assert passport.session().run(request) is None
    assert request.user is ann
    assert request.session is session
    assert session == {"passport": {"user": "ann"}}
    assert request.session_regenerations == 0


def test_session_without_a_login_passes_without_deserializing(passport):
    passport.deserializer(lambda value: pytest.fail("must not deserialize"))
    for session in ({}, {"passport": {}}, {"passport": "junk"}):
        request = make_request(session=session)
        assert passport.session().attempt(request).action == "pass"
        assert request.user is None


def test_session_restores_a_user_stored_as_zero():
    passport = Passport()
    passport.deserializer(lambda value: {"id": value})
    request = make_request(session={"passport": {"user": 0}})
    passport.session().run(request)
    assert request.user == {"id": 0}


def test_session_hands_the_request_to_a_deserializer_that_takes_it():
    passport = Passport()
    passport.deserializer(lambda request, value: {"id": value, "path": request.path})
    request = make_request(path="/x", session={"passport": {"user": "ann"}})
    passport.session().run(request)
    assert request.user == {"id": "ann", "path": "/x"}


@pytest.mark.parametrize("gone", [None, False])
def test_a_deserializer_saying_the_user_is_gone_logs_out_quietly(gone):
    passport = Passport()
    passport.deserializer(lambda value: gone)
    session = {"passport": {"user": "ann", "extra": 1}, "cart": [1]}
    request = make_request(session=session)
    assert passport.session().run(request) is None
    assert request.user is None
    assert session == {"passport": {"extra": 1}, "cart": [1]}


def test_a_deserializer_error_propagates_and_leaves_the_session_intact():
    passport = Passport()

    @passport.deserializer
    def broken(value):
        raise ConnectionError("database down")

    session = {"passport": {"user": "ann"}}
    request = make_request(session=session)
    with pytest.raises(ConnectionError):
        passport.session().run(request)
    assert request.user is None
    assert session == {"passport": {"user": "ann"}}


def test_session_without_any_deserializer_raises_failed_to_deserialize():
    request = make_request(session={"passport": {"user": "ann"}})
    with pytest.raises(SessionError, match="Failed to deserialize user out of session"):
        Passport().session().run(request)
    assert request.user is None


def test_session_without_session_support_is_an_error(passport):
    outcome = passport.session().attempt(make_request(session=None))
    assert outcome.action == "error"
    assert isinstance(outcome.error, SessionError)
    assert "session support" in str(outcome.error)
    with pytest.raises(SessionError):
        passport.session().run(make_request(session=None))


def test_session_ignores_success_and_failure_options(passport, ann):
    request = make_request(session={"passport": {"user": "ann"}})
    assert passport.session(success_redirect="/x", failure_redirect="/y").run(request) is None
    assert request.user is ann


def test_session_after_login_restores_the_same_user(passport, ann):
    request = make_request()
    passport.login(request, ann)
    follow_up = make_request(session=request.session)
    passport.session().run(follow_up)
    assert follow_up.user is ann


def test_two_passports_share_the_passport_session_key(passport, ann):
    other = Passport()
    other.deserializer(lambda value: {"other": value})
    request = make_request()
    passport.login(request, ann)
    follow_up = make_request(session=request.session)
    other.session().run(follow_up)
    assert follow_up.user == {"other": "ann"}


def failing_regeneration():
    raise OSError("session store unavailable")


def test_a_failing_regeneration_on_login_raises_clears_the_user_and_stores_nothing(passport, ann):
    old = {"cart": [1]}
    request = make_request(session=old, regenerate_session=failing_regeneration)
    with pytest.raises(OSError, match="session store unavailable"):
        passport.login(request, ann)
    assert request.user is None
    assert request.session is old
    assert old == {"cart": [1]}


def test_a_failing_regeneration_on_logout_raises_with_the_user_cleared(passport, ann):
    request = make_request(session={"passport": {"user": "ann"}}, user=ann, regenerate_session=failing_regeneration)
    with pytest.raises(OSError, match="session store unavailable"):
        passport.logout(request)
    assert request.user is None
    assert request.session == {"passport": {}}


@pytest.mark.parametrize("entry", ["run", "attempt"])
@pytest.mark.parametrize("gone", [None, False])
def test_a_user_that_is_gone_is_dropped_through_run_and_attempt(entry, gone):
    passport = Passport()
    passport.deserializer(lambda value: gone)
    request = make_request(session={"passport": {"user": "ann"}})
    getattr(passport.session(), entry)(request)
    assert request.user is None
    assert request.session == {"passport": {}}


def test_a_deserializer_error_through_attempt_is_the_error_action():
    passport = Passport()
    passport.deserializer(lambda value: 1 / 0)
    request = make_request(session={"passport": {"user": "ann"}})
    outcome = passport.session().attempt(request)
    assert outcome.action == "error"
    assert isinstance(outcome.error, ZeroDivisionError)
    assert request.session == {"passport": {"user": "ann"}}


def test_a_replacement_session_strategy_is_used_by_session(passport, scripted, ann):
    passport.use(scripted("session", "success", ann))
    request = make_request()
    assert passport.session().run(request) is None
    assert request.user is ann


def test_session_guard_in_a_list_restores_the_user(passport, scripted, ann):
    passport.use(scripted("anonymous", "pass_"))
    request = make_request(session={"passport": {"user": "ann"}})
    assert passport.authenticate(["session", "anonymous"]).run(request) is None
    assert request.user is ann


def test_session_after_unuse_session_raises_unknown_strategy_error(passport):
    from passport.core import UnknownStrategyError

    passport.unuse("session")
    with pytest.raises(UnknownStrategyError, match='"session"'):
        passport.session().run(make_request(session={"passport": {"user": "ann"}}))


# -- session versions: revocation that works with cookie sessions ---------------------------------


def versioned(passport, versions):
    passport.session_version(lambda user: versions.get(user["id"], 0))
    return passport


def test_a_changed_session_version_ends_the_login_at_the_next_restore(passport, ann):
    versions = {}
    versioned(passport, versions)
    request = make_request()
    passport.login(request, ann)
    assert request.session["passport"] == {"user": "ann", "version": 0, "auth_time": RECENT}
    again = make_request(session=request.session)
    passport.session().run(again)
    assert again.user == ann
    versions["ann"] = 1  # "log out everywhere"
    later = make_request(session=again.session)
    passport.session().run(later)
    assert later.user is None
    assert "user" not in later.session["passport"] and "version" not in later.session["passport"]


async def test_a_changed_session_version_ends_the_login_in_async_code_too(passport, ann):
    versions = {}
    versioned(passport, versions)
    request = make_request()
    await passport.alogin(request, ann)
    again = make_request(session=request.session)
    await passport.session().arun(again)
    assert again.user == ann
    versions["ann"] = 1
    later = make_request(session=again.session)
    await passport.session().arun(later)
    assert later.user is None


async def test_an_async_session_version_function_is_awaited(passport, ann):
    async def version(user):
        return "v2"

    passport.session_version(version)
    request = make_request()
    await passport.alogin(request, ann)
    assert request.session["passport"]["version"] == "v2"


def test_a_session_logged_in_before_versions_existed_ends(passport, ann):
    request = make_request(session={"passport": {"user": "ann"}})
    versioned(passport, {})
    passport.session().run(request)
    assert request.user is None


def test_without_a_session_version_nothing_is_stored_or_checked(passport, ann):
    request = make_request()
    passport.login(request, ann)
    assert request.session["passport"] == {"user": "ann", "auth_time": RECENT}
