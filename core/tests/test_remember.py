"""Remember-me: single-use rotating tokens, theft detection, revocation, and fresh logins."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from _fakes import RECENT
from conftest import USERS

from passport.core import MemoryRememberStore
from passport.core import Passport
from passport.core import RememberMe
from passport.core import SessionError
from passport.core import Strategy
from passport.core.adapters import login_required_response
from passport.strategy_runner import make_request


@pytest.fixture
def store() -> MemoryRememberStore:
    return MemoryRememberStore()


@pytest.fixture
def remembering(store: MemoryRememberStore) -> Passport:
    passport = Passport(remember_me=RememberMe(store))
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda user_id: USERS.get(user_id))
    return passport


def cookie_of(request: Any) -> str:
    """The remember-me token the response sets (the last Set-Cookie for it)."""
    values = [v for n, v in request.response_headers if n == "Set-Cookie" and v.startswith("__Host-remember_token=")]
    assert values, request.response_headers
    return values[-1].split(";", 1)[0].split("=", 1)[1]


def restore(passport: Passport, token: str) -> Any:
    """A request whose session expired, carrying only the remember-me cookie."""
    request = make_request(cookies={"__Host-remember_token": token})
    passport.session().run(request)
    return request


def test_login_with_remember_sets_a_hardened_cookie_and_stores_only_a_digest(remembering, store, ann):
    request = make_request()
    remembering.login(request, ann, remember=True)
    (header,) = request.response_headers
    name, value = header
    token = cookie_of(request)
    assert name == "Set-Cookie"
    assert value == f"__Host-remember_token={token}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax; Secure"
    assert len(token) >= 40
    assert token not in repr(store._records), "the store keeps a digest, never the token"


def test_a_remembered_login_restores_an_expired_session_and_rotates_the_token(remembering, ann):
    login = make_request()
    remembering.login(login, ann, remember=True)
    first = cookie_of(login)

    request = restore(remembering, first)
    assert request.user == ann
    assert request.session["passport"] == {"user": "ann"}, "a remembered login is not fresh: no auth_time"
    assert request.session_regenerations == 1
    second = cookie_of(request)
    assert second != first
    assert restore(remembering, second).user == ann


def test_a_used_token_that_comes_back_revokes_the_whole_series(remembering, ann, caplog):
    login = make_request()
    remembering.login(login, ann, remember=True)
    stolen = cookie_of(login)
    rotated = cookie_of(restore(remembering, stolen))  # the browser used it first

    with caplog.at_level(logging.WARNING, logger="passport.core"):
        replay = restore(remembering, stolen)
    assert replay.user is None
    assert replay.response_headers[-1][1].startswith("__Host-remember_token=; Max-Age=0;")
    assert "its series is revoked" in caplog.text
    assert stolen not in caplog.text
    assert restore(remembering, rotated).user is None, "the thief's replay ends the browser's series too"


def test_the_thief_first_then_the_browser_ends_the_thiefs_token(remembering, ann):
    login = make_request()
    remembering.login(login, ann, remember=True)
    copied = cookie_of(login)
    thief = cookie_of(restore(remembering, copied))
    assert restore(remembering, copied).user is None  # the browser comes back with its copy
    assert restore(remembering, thief).user is None


def test_logout_revokes_the_token_and_clears_the_cookie(remembering, ann):
    login = make_request()
    remembering.login(login, ann, remember=True)
    token = cookie_of(login)
    logout = make_request(cookies={"__Host-remember_token": token}, session=dict(login.session), user=ann)
    remembering.logout(logout)
    assert logout.response_headers == [
        ("Set-Cookie", "__Host-remember_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure")
    ]
    assert restore(remembering, token).user is None


def test_log_out_everywhere_ends_remembered_logins_too(remembering, ann):
    versions = {"ann": 1}
    remembering.session_version(lambda user: versions[user["id"]])
    login = make_request()
    remembering.login(login, ann, remember=True)
    token = cookie_of(login)
    versions["ann"] = 2
    assert restore(remembering, token).user is None


def test_a_user_who_is_gone_ends_the_series(remembering, store, ann):
    login = make_request()
    remembering.login(login, {"id": "carol"}, remember=True)
    assert restore(remembering, cookie_of(login)).user is None
    assert store._records == {} or all(key.startswith("u:") for key in store._records)


def test_an_unknown_or_malformed_token_is_anonymous_and_clears_the_cookie(remembering):
    request = restore(remembering, "x" * 43)
    assert request.user is None
    assert request.response_headers[-1][1].startswith("__Host-remember_token=; Max-Age=0")
    short = restore(remembering, "short")  # not one of ours: not even looked up
    assert short.user is None and short.response_headers == []


def test_an_expired_record_is_refused(remembering, ann, monkeypatch):
    import passport.core._remember as remember_module

    login = make_request()
    remembering.login(login, ann, remember=True)
    token = cookie_of(login)
    now = remember_module.time.time()
    monkeypatch.setattr(remember_module.time, "time", lambda: now + 31 * 24 * 3600)
    assert restore(remembering, token).user is None


def test_the_remember_route_option_follows_the_form_field(remembering, ann):
    class Succeeds(Strategy):
        name = "ok"

        def authenticate(self, request: Any, options: Any) -> None:
            self.success(ann)

    remembering.use(Succeeds())
    guard = remembering.authenticate("ok", remember="remember_me")
    ticked = make_request(method="POST", body={"remember_me": "on"})
    guard.run(ticked)
    assert cookie_of(ticked)
    unticked = make_request(method="POST", body={"remember_me": "off"})
    guard.run(unticked)
    assert unticked.response_headers == []
    always = make_request()
    remembering.authenticate("ok", remember=True).run(always)
    assert cookie_of(always)


@pytest.mark.parametrize("value", [1, "", None, ["remember"]])
def test_the_remember_option_is_checked_when_the_guard_is_built(remembering, value):
    with pytest.raises(TypeError, match="remember must be"):
        remembering.authenticate("session", remember=value)


def test_remember_on_a_route_without_sessions_is_refused_when_the_guard_is_built(remembering):
    with pytest.raises(TypeError, match="session=False"):
        remembering.authenticate("session", session=False, remember=True)


def test_remember_without_remember_me_configured_is_a_clear_error(passport, ann):
    request = make_request()
    with pytest.raises(SessionError, match="remember_me=RememberMe"):
        passport.login(request, ann, remember=True)
    assert request.user is None


def test_a_request_type_that_cannot_set_cookies_is_told_so(remembering, plain_request, ann):
    with pytest.raises(SessionError, match="add_response_header"):
        remembering.login(plain_request(), ann, remember=True)


class DownStore:
    def put(self, key: str, record: dict[str, Any], ttl: int) -> None:
        raise ConnectionError("store down")

    def pop(self, key: str) -> None:
        raise ConnectionError("store down")

    def delete(self, key: str) -> None:
        raise ConnectionError("store down")


def test_while_the_store_is_down_requests_go_on_anonymous_and_keep_the_cookie(ann, caplog, monkeypatch):
    import passport.core._remember as remember_module

    monkeypatch.setattr(remember_module._store_down, "_last", -1e9)  # no earlier outage in this process
    passport = Passport(remember_me=RememberMe(DownStore()))
    passport.deserializer(lambda user_id: USERS.get(user_id))
    with caplog.at_level(logging.WARNING, logger="passport.core"):
        first = restore(passport, "t" * 43)
        second = restore(passport, "t" * 43)
    assert first.user is None and second.user is None
    assert first.response_headers == [] and second.response_headers == []  # nothing lost: retried later
    assert caplog.text.count("remember-me store cannot be reached") == 1


class AsyncStore:
    """An ``async def`` store, as a redis.asyncio-backed one would be."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}

    async def put(self, key: str, record: dict[str, Any], ttl: int) -> None:
        self.records[key] = record

    async def pop(self, key: str) -> dict[str, Any] | None:
        return self.records.pop(key, None)

    async def delete(self, key: str) -> None:
        self.records.pop(key, None)


async def test_async_stores_and_async_entry_points(ann):
    passport = Passport(remember_me=RememberMe(AsyncStore()))
    passport.serializer(lambda user: user["id"])

    @passport.deserializer
    async def deserialize(user_id: str) -> Any:
        return USERS.get(user_id)

    login = make_request()
    await passport.alogin(login, ann, remember=True)
    request = make_request(cookies={"__Host-remember_token": cookie_of(login)})
    await passport.session().arun(request)
    assert request.user == ann
    await passport.alogout(make_request(cookies={"__Host-remember_token": cookie_of(request)}, session={}))
    again = make_request(cookies={"__Host-remember_token": cookie_of(request)})
    await passport.session().arun(again)
    assert again.user is None


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"max_age": 0}, TypeError),
        ({"max_age": "30d"}, TypeError),
        ({"samesite": "None"}, ValueError),
        ({"cookie_name": "a;b"}, ValueError),
    ],
)
def test_remember_me_settings_are_checked(kwargs, error):
    with pytest.raises(error):
        RememberMe(**kwargs)


def test_remember_me_needs_a_remember_me_object():
    with pytest.raises(TypeError, match="RememberMe"):
        Passport(remember_me={"store": None})  # type: ignore[arg-type]


def test_the_memory_store_stays_bounded():
    store = MemoryRememberStore(max_entries=3)
    for n in range(10):
        store.put(f"k{n}", {"n": n}, 60)
    assert len(store._records) == 3
    assert store.pop("k9") == {"n": 9} and store.pop("k0") is None


# -- fresh logins -----------------------------------------------------------------------------


def test_a_real_login_is_fresh_and_a_remembered_one_is_not(remembering, ann):
    login = make_request()
    remembering.login(login, ann, remember=True)
    assert login.session["passport"]["auth_time"] == RECENT
    assert remembering.login_age(login) is not None and remembering.login_age(login) < 5
    assert login_required_response(login, "/login", fresh=True) is None

    remembered = restore(remembering, cookie_of(login))
    assert remembered.user == ann
    assert remembering.login_age(remembered) is None
    assert login_required_response(remembered, None) is None  # logged in: fine for login_required
    response = login_required_response(remembered, "/login", fresh=True)
    assert response is not None and (response.status, response.header("Location")) == (302, "/login")
    assert login_required_response(remembered, None, fresh=True).status == 401  # type: ignore[union-attr]


def test_a_max_age_sends_an_older_login_to_authenticate_again(passport, ann, monkeypatch):
    import passport.core._session as session_module

    login = make_request(url="http://testserver/settings/password", path="/settings/password")
    passport.login(login, ann)
    assert login_required_response(login, "/login", fresh=300) is None
    now = session_module.time.time()
    monkeypatch.setattr(session_module.time, "time", lambda: now + 301)
    response = login_required_response(login, "/login", fresh=300)
    assert response is not None and response.header("Location") == "/login"
    assert login.session["returnTo"] == "/settings/password"


@pytest.mark.parametrize("fresh", [-1, "300", [300]])
def test_a_bad_fresh_setting_is_a_type_error(passport, ann, fresh):
    login = make_request()
    passport.login(login, ann)
    with pytest.raises(TypeError, match="fresh must be"):
        login_required_response(login, "/login", fresh=fresh)


def test_the_cookie_is_host_only_when_it_can_be():
    assert RememberMe().cookie_name == "__Host-remember_token"
    assert RememberMe(secure=False).cookie_name == "remember_token"  # http development
    assert RememberMe(domain="example.com").cookie_name == "remember_token"
    with pytest.raises(ValueError, match="__Host- cookie needs"):
        RememberMe(cookie_name="__Host-x", secure=False)
