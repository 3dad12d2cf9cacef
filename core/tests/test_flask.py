"""passport.flask end to end through Flask's test client, with real cookie sessions."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import flask
import pytest
from flask import Flask
from flask import g
from flask import get_flashed_messages
from flask import render_template_string
from flask import session
from flask.sessions import SessionInterface
from flask.sessions import SessionMixin
from werkzeug.datastructures import CallbackDict

from passport.core import AuthenticationError
from passport.core import Passport
from passport.core import Strategy
from passport.core import call_verify
from passport.flask import PassportFlask
from passport.flask import current_user

# -- tiny inline strategies: the strategy distributions are not dependencies of the core -------


@dataclass
class User:
    id: str
    name: str


class PasswordStrategy(Strategy):
    name = "password"

    def __init__(self, verify: Any) -> None:
        super().__init__()
        self._verify = verify

    def authenticate(self, request, options):
        username, password = request.body.get("username"), request.body.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            self.fail({"message": "Missing credentials"}, 400)
            return None
        return call_verify(self._verify, username, password).then(self._verified)

    def _verified(self, result):
        user, info = result
        if user is None:
            self.fail(info or {"message": "Invalid username or password"})
        else:
            self.success(user, info)


class HeaderTokenStrategy(Strategy):
    """Bearer-like (``Authorization: Bearer``) or api-key-like (``X-API-Key``), by configuration."""

    def __init__(self, name: str, header: str, scheme: str | None, challenge: str, verify: Any) -> None:
        super().__init__()
        self.name, self._header, self._scheme, self._challenge, self._verify = name, header, scheme, challenge, verify

    def authenticate(self, request, options):
        value = request.headers.get(self._header)
        if value and self._scheme:
            scheme, _, value = value.partition(" ")
            value = value if scheme.lower() == self._scheme.lower() else None
        if not value:
            self.fail(self._challenge)
            return None
        return call_verify(self._verify, value).then(self._verified)

    def _verified(self, result):
        user, _ = result
        if user is None:
            self.fail(f'{self._challenge}, error="invalid_token"')
        else:
            self.success(user, {"scope": "read"})


class EchoStrategy(Strategy):
    """Succeeds with what it read, so a test can see the body the adapter built."""

    name = "echo"

    def authenticate(self, request, options):
        self.success({"body": dict(request.body), "query": dict(request.query), "method": request.method})


class ExplodingStrategy(Strategy):
    name = "explode"

    def authenticate(self, request, options):
        raise RuntimeError("database down")


# -- the app ------------------------------------------------------------------------------------

USERS: dict[str, User] = {}
PASSWORDS = {"alice": "wonderland", "bob": "builder"}
KEYS = {"key-alice": "alice"}
TOKENS = {"token-bob": "bob"}


def check_password(username: str, password: str) -> Any:
    if PASSWORDS.get(username) == password:
        return USERS[username]
    return False, {"message": "Invalid username or password"}


async def check_password_async(username: str, password: str) -> Any:
    return check_password(username, password)


def make_app(passport: Passport | None = None, **extension: Any) -> Flask:
    USERS.clear()
    USERS.update(alice=User("alice", "Alice"), bob=User("bob", "Bob"))
    if passport is None:
        passport = Passport()
        passport.use(PasswordStrategy(check_password))
        passport.use("async-password", PasswordStrategy(check_password_async))
        passport.use(HeaderTokenStrategy("bearer", "Authorization", "Bearer", 'Bearer realm="api"', TOKENS.get))
        passport.use(HeaderTokenStrategy("apikey", "X-API-Key", None, 'ApiKey realm="api"', KEYS.get))
        passport.use(EchoStrategy())
        passport.use(ExplodingStrategy())
        passport.serializer(lambda user: user.id)
        passport.deserializer(lambda user_id: USERS.get(user_id))

    # The bearer/apikey lookups give a user id; map it to the user object.
    for name in ("bearer", "apikey"):
        strategy = passport.strategy(name)
        lookup = strategy._verify  # type: ignore[attr-defined]
        strategy._verify = lambda key, lookup=lookup: USERS.get(lookup(key) or "")  # type: ignore[attr-defined]

    app = Flask(__name__)
    app.secret_key = "test-secret"
    auth = PassportFlask(passport, app, **extension)
    app.config["auth"] = auth

    @app.post("/login")
    @auth.authenticate(
        "password", success_redirect="/profile", failure_redirect="/login", failure_flash=True, success_flash="Hi!"
    )
    def login() -> str:
        raise AssertionError("a redirect route never reaches the view")

    @app.post("/login/return")
    @auth.authenticate("password", success_return_to_or_redirect="/profile", failure_redirect="/login")
    def login_return() -> str:
        raise AssertionError("unreachable")

    @app.post("/login/keep")
    @auth.authenticate("password", keep_session_info=True)
    def login_keep() -> Any:
        return {"user": current_user.name}

    @app.post("/login/plain")
    @auth.authenticate("password", failure_message=True)
    def login_plain() -> Any:
        return {"user": current_user.name, "info": g.auth_info, "g_user": g.user.name}

    @app.post("/login/message")
    @auth.authenticate("password", success_message="Welcome back", auth_info=False)
    def login_message() -> Any:
        return {"user": current_user.name, "info": g.auth_info, "messages": session["messages"]}

    @app.post("/login/async")
    @auth.authenticate("async-password")
    def login_async() -> Any:
        return {"user": current_user.name}

    def csrf_checked(view: Any) -> Any:  # reads request.form before the guard, as Flask-WTF's hook does
        def checked() -> Any:
            if flask.request.form.get("csrf") != "ok":
                flask.abort(403)
            return view()

        return checked

    @app.post("/login/csrf")
    @csrf_checked
    @auth.authenticate("password")
    def login_csrf() -> Any:
        return {"user": current_user.name, "form": sorted(flask.request.form)}

    @app.post("/login/form-after")
    @auth.authenticate("password")
    def login_form_after() -> Any:
        return {"form": sorted(flask.request.form)}

    @app.get("/login")
    def login_page() -> Any:
        return {"flashes": get_flashed_messages(with_categories=True)}

    @app.get("/me")
    def me() -> Any:
        return {"user": current_user.name if current_user else None}

    @app.get("/profile")
    @auth.login_required(login_url="/login")
    def profile() -> Any:
        return {"user": current_user.name, "flashes": get_flashed_messages()}

    @app.get("/strict-profile")
    @auth.login_required
    def strict_profile() -> Any:
        return {"user": current_user.name}

    @app.get("/template")
    def template() -> str:
        return render_template_string("{{ current_user.name if current_user else 'anonymous' }}")

    @app.post("/logout")
    def logout() -> Any:
        auth.logout_user()
        return {"user": current_user.name if current_user else None}

    @app.post("/login-as/<name>")
    def login_as(name: str) -> Any:
        auth.login_user(USERS[name])
        return {"user": current_user.name}

    @app.get("/session")
    def session_keys() -> Any:
        return {"keys": sorted(session.keys())}

    @app.post("/plant")
    def plant() -> Any:
        session["plan"] = "x"
        return {}

    @app.route("/api", methods=["GET", "POST"])
    @auth.authenticate(["bearer", "apikey"], session=False)
    def api() -> Any:
        return {"user": current_user.name, "info": g.auth_info}

    @app.get("/api/strict")
    @auth.authenticate(["bearer", "apikey"], session=False, fail_with_error=True)
    def api_strict() -> Any:
        return {"user": current_user.name}

    @app.get("/link")
    @auth.authorize("apikey")
    def link() -> Any:
        return {"account": g.account.name, "user": current_user.name if current_user else None}

    @app.route("/echo", methods=["GET", "POST", "PUT"])
    @auth.authenticate("echo", session=False)
    def echo() -> Any:
        return g.user

    @app.get("/explode")
    @auth.authenticate("explode")
    def explode() -> str:
        raise AssertionError("unreachable")

    @app.post("/custom")
    def custom() -> Any:
        outcome = auth.attempt("password")
        return {"action": outcome.action, "info": outcome.info, "status": outcome.status}

    return app


@pytest.fixture
def app() -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


def login(client: Any, username: str = "alice", password: str = "wonderland") -> Any:
    return client.post("/login", data={"username": username, "password": password})


def cookie(client: Any) -> str | None:
    found = client.get_cookie("session")
    return None if found is None else found.value


# -- login, flash, redirect ------------------------------------------------------------------


def test_a_good_password_logs_in_and_redirects_with_the_success_flash(client: Any) -> None:
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    assert client.get("/profile").get_json() == {"user": "Alice", "flashes": ["Hi!"]}


def test_a_wrong_password_redirects_to_the_login_page_with_a_failure_flash(client: Any) -> None:
    response = login(client, password="nope")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/login").get_json() == {"flashes": [["error", "Invalid username or password"]]}
    assert client.get("/me").get_json() == {"user": None}


def test_a_credential_post_redirects_with_302_never_307(client: Any) -> None:
    assert login(client).status_code == 302
    assert login(client, password="bad").status_code == 302


def test_missing_credentials_fail_with_400_without_a_redirect_route(client: Any) -> None:
    response = client.post("/login/plain", data={"username": "alice"})
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"


def test_a_route_without_redirect_reaches_the_view_with_the_user_and_auth_info(client: Any) -> None:
    response = client.post("/login/plain", data={"username": "alice", "password": "wonderland"})
    assert response.get_json() == {"user": "Alice", "info": {}, "g_user": "Alice"}


def test_success_message_is_stored_and_auth_info_can_be_turned_off(client: Any) -> None:
    response = client.post("/login/message", data={"username": "alice", "password": "wonderland"})
    assert response.get_json() == {"user": "Alice", "info": None, "messages": ["Welcome back"]}


def test_failure_message_is_stored_in_the_session(client: Any) -> None:
    assert client.post("/login/plain", data={"username": "alice", "password": "x"}).status_code == 401
    with client.session_transaction() as stored:
        assert stored["messages"] == ["Invalid username or password"]


def test_an_async_verify_works_in_a_sync_flask_app(client: Any) -> None:
    response = client.post("/login/async", data={"username": "bob", "password": "builder"})
    assert response.get_json() == {"user": "Bob"}


def test_a_form_read_before_the_guard_still_reaches_the_strategy(client: Any) -> None:
    response = client.post("/login/csrf", data={"csrf": "ok", "username": "alice", "password": "wonderland"})
    assert response.get_json() == {"user": "Alice", "form": ["csrf", "password", "username"]}


def test_the_view_can_still_read_the_form_after_the_guard(client: Any) -> None:
    response = client.post("/login/form-after", data={"username": "alice", "password": "wonderland"})
    assert response.get_json() == {"form": ["password", "username"]}


# -- sessions: restore, regenerate, logout -----------------------------------------------------


def test_the_user_is_restored_from_the_session_on_later_requests(client: Any) -> None:
    login(client)
    assert client.get("/me").get_json() == {"user": "Alice"}
    assert client.get("/template").get_data(as_text=True) == "Alice"


def test_login_regenerates_the_session_and_drops_pre_login_keys(client: Any) -> None:
    client.post("/plant")
    before = cookie(client)
    login(client)
    assert cookie(client) != before
    assert client.get("/session").get_json() == {"keys": ["_flashes", "passport"]}


def test_keep_session_info_keeps_pre_login_keys(client: Any) -> None:
    client.post("/plant")
    client.post("/login/keep", data={"username": "alice", "password": "wonderland"})
    assert client.get("/session").get_json() == {"keys": ["passport", "plan"]}


def test_logging_in_as_someone_else_replaces_the_identity(client: Any) -> None:
    login(client)
    first = cookie(client)
    login(client, "bob", "builder")
    assert cookie(client) != first
    assert client.get("/me").get_json() == {"user": "Bob"}


def test_logout_clears_the_user_and_the_session(client: Any) -> None:
    login(client)
    assert client.post("/logout").get_json() == {"user": None}
    assert client.get("/me").get_json() == {"user": None}
    assert cookie(client) is None


def test_login_user_and_logout_user_helpers(client: Any) -> None:
    assert client.post("/login-as/bob").get_json() == {"user": "Bob"}
    assert client.get("/me").get_json() == {"user": "Bob"}
    client.post("/logout")
    assert client.get("/me").get_json() == {"user": None}


def test_a_deleted_user_becomes_anonymous_and_leaves_the_session(client: Any) -> None:
    login(client)
    del USERS["alice"]
    assert client.get("/me").get_json() == {"user": None}
    with client.session_transaction() as stored:
        assert "user" not in stored["passport"]


def test_a_second_client_never_sees_the_first_clients_user(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    login(first)
    assert first.get("/me").get_json() == {"user": "Alice"}
    assert second.get("/me").get_json() == {"user": None}


def test_a_tampered_session_cookie_is_anonymous(client: Any) -> None:
    client.set_cookie("session", "garbage.not-signed")
    assert client.get("/me").get_json() == {"user": None}


def test_a_failed_login_changes_nothing_in_the_session(client: Any) -> None:
    client.post("/plant")
    assert client.post("/login/plain", data={"username": "alice", "password": "x"}).status_code == 401
    assert client.get("/session").get_json() == {"keys": ["messages", "plan"]}
    assert client.get("/me").get_json() == {"user": None}


# -- login_required and returnTo -------------------------------------------------------------


def test_login_required_redirects_and_login_returns_to_the_page(client: Any) -> None:
    response = client.get("/profile?tab=keys")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert response.headers["Cache-Control"] == "no-store"
    response = client.post("/login/return", data={"username": "alice", "password": "wonderland"})
    assert response.headers["Location"] == "/profile?tab=keys"


def test_login_required_without_a_login_url_answers_401(client: Any) -> None:
    assert client.get("/strict-profile").status_code == 401
    login(client)
    assert client.get("/strict-profile").get_json() == {"user": "Alice"}


def test_an_unsafe_return_to_falls_back_to_the_configured_redirect(client: Any) -> None:
    with client.session_transaction() as stored:
        stored["returnTo"] = "//evil.test/x"
    response = client.post("/login/return", data={"username": "alice", "password": "wonderland"})
    assert response.headers["Location"] == "/profile"


# -- APIs: chains, challenges, no cookies ------------------------------------------------------


def test_a_bearer_token_or_an_api_key_authenticates_the_api(client: Any) -> None:
    response = client.get("/api", headers={"Authorization": "Bearer token-bob"})
    assert response.get_json() == {"user": "Bob", "info": {"scope": "read"}}
    assert client.get("/api", headers={"X-API-Key": "key-alice"}).get_json()["user"] == "Alice"


def test_an_api_401_carries_every_challenge_of_the_chain(client: Any) -> None:
    response = client.get("/api")
    assert response.status_code == 401
    assert response.headers.getlist("WWW-Authenticate") == ['Bearer realm="api"', 'ApiKey realm="api"']


def test_an_invalid_token_gives_the_error_challenge(client: Any) -> None:
    response = client.get("/api", headers={"Authorization": "Bearer nope"})
    assert response.headers.getlist("WWW-Authenticate")[0] == 'Bearer realm="api", error="invalid_token"'


def test_a_session_false_api_sets_no_cookie(client: Any) -> None:
    response = client.get("/api", headers={"X-API-Key": "key-alice"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_stale_session_does_not_override_the_api_keys_identity(client: Any) -> None:
    login(client, "bob", "builder")
    assert client.get("/api", headers={"X-API-Key": "key-alice"}).get_json()["user"] == "Alice"


def test_authorize_sets_the_account_and_leaves_the_login_alone(client: Any) -> None:
    login(client, "bob", "builder")
    response = client.get("/link", headers={"X-API-Key": "key-alice"})
    assert response.get_json() == {"account": "Alice", "user": "Bob"}


def test_attempt_hands_back_the_outcome_without_applying_it(client: Any) -> None:
    response = client.post("/custom", data={"username": "alice", "password": "x"})
    assert response.get_json() == {
        "action": "fail",
        "info": {"message": "Invalid username or password"},
        "status": None,
    }
    assert client.get("/me").get_json() == {"user": None}


# -- errors go to Flask's error handling -------------------------------------------------------


def test_fail_with_error_answers_status_and_every_challenge_by_default(client: Any) -> None:
    response = client.get("/api/strict")
    assert response.status_code == 401
    assert response.headers.getlist("WWW-Authenticate") == ['Bearer realm="api"', 'ApiKey realm="api"']
    assert response.get_data(as_text=True) == "Unauthorized"


def test_fail_with_error_reaches_an_errorhandler_for_the_status(app: Flask) -> None:
    @app.errorhandler(401)
    def unauthorized(error: Any) -> Any:
        assert isinstance(error, AuthenticationError)
        return {"error": "login please", "challenges": error.challenges}, 401

    response = app.test_client().get("/api/strict")
    assert response.get_json() == {"error": "login please", "challenges": ['Bearer realm="api"', 'ApiKey realm="api"']}


def test_fail_with_error_reaches_an_errorhandler_for_authentication_error(app: Flask) -> None:
    @app.errorhandler(AuthenticationError)
    def failed(error: AuthenticationError) -> Any:
        return {"status": error.status}, 403

    response = app.test_client().get("/api/strict")
    assert (response.status_code, response.get_json()) == (403, {"status": 401})


def test_a_strategy_error_goes_to_flasks_error_handlers(app: Flask) -> None:
    @app.errorhandler(RuntimeError)
    def down(error: RuntimeError) -> Any:
        return {"error": "unavailable"}, 503

    assert app.test_client().get("/explode").status_code == 503


def test_a_strategy_error_is_a_500_without_a_handler(app: Flask) -> None:
    app.testing = False
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    assert "database down" not in response.get_data(as_text=True)


# -- request bodies ----------------------------------------------------------------------------


def test_a_repeated_form_field_arrives_as_a_list(client: Any) -> None:
    body = client.post("/echo", data="a=1&a=2&b=3", content_type="application/x-www-form-urlencoded").get_json()
    assert body["body"] == {"a": ["1", "2"], "b": "3"}


def test_a_repeated_username_never_logs_in(client: Any) -> None:
    data = "username=alice&username=bob&password=wonderland"
    response = client.post("/login/plain", data=data, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_json_object_body_keeps_its_types(client: Any) -> None:
    body = client.post("/echo", json={"n": 1, "user": {"name": "x"}, "ok": True}).get_json()
    assert body["body"] == {"n": 1, "user": {"name": "x"}, "ok": True}


def test_a_json_array_body_gives_no_fields(client: Any) -> None:
    assert client.post("/echo", json=[1, 2]).get_json()["body"] == {}


def test_multipart_text_fields_are_read(client: Any) -> None:
    body = client.post("/echo", data={"a": "1", "b": "2"}, content_type="multipart/form-data").get_json()
    assert body["body"] == {"a": "1", "b": "2"}


def test_query_fields_are_read_and_get_has_no_body(client: Any) -> None:
    body = client.get("/echo?x=1&x=2").get_json()
    assert body == {"body": {}, "query": {"x": ["1", "2"]}, "method": "GET"}


def test_another_content_type_gives_no_fields(client: Any) -> None:
    assert client.post("/echo", data=b"\xff\xfe", content_type="application/octet-stream").get_json()["body"] == {}


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"a": "\xff"}', "application/json", 400),
        (b"[" * 100_000, "application/json", 400),
        (b"username=\xff", "application/x-www-form-urlencoded", 400),
        (b"username=%FF", "application/x-www-form-urlencoded", 400),
        (b"a=1", "application/x-www-form-urlencoded; charset=klingon", 415),
        (b"a=" + b"x" * (1024 * 1024 + 1), "application/x-www-form-urlencoded", 413),
        ("&".join(f"f{i}=1" for i in range(1001)).encode(), "application/x-www-form-urlencoded", 400),
        (b"--x\r\nbroken", "multipart/form-data", 400),
    ],
)
def test_a_malformed_body_is_a_clean_4xx_before_any_strategy(
    client: Any, data: bytes, content_type: str, status: int
) -> None:
    response = client.post("/login", data=data, content_type=content_type)
    assert response.status_code == status


# -- session interfaces that can rotate the identifier -----------------------------------------


class StoredSession(CallbackDict[str, Any], SessionMixin):
    def __init__(self, initial: Any = None, sid: str = "") -> None:
        def changed(self: StoredSession) -> None:
            self.modified = True

        super().__init__(initial, changed)
        self.sid = sid
        self.modified = False


class MemorySessionInterface(SessionInterface):
    """A server-side store with Flask-Session's ``regenerate(session)`` method."""

    def __init__(self) -> None:
        self.store: dict[str, dict[str, Any]] = {}
        self.regenerated = 0

    def open_session(self, app: Flask, request: Any) -> StoredSession:
        sid = request.cookies.get("sid", "")
        if sid in self.store:
            return StoredSession(self.store[sid], sid)
        return StoredSession(sid=secrets.token_urlsafe())

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        if session.modified:
            self.store[session.sid] = dict(session)
            response.set_cookie("sid", session.sid)

    def regenerate(self, session: StoredSession) -> None:
        self.regenerated += 1
        self.store.pop(session.sid, None)
        session.sid = secrets.token_urlsafe()


def test_a_session_interface_with_regenerate_rotates_the_id_on_login_and_logout() -> None:
    app = make_app()
    app.session_interface = interface = MemorySessionInterface()
    client = app.test_client()
    client.post("/plant")
    planted = client.get_cookie("sid").value
    login(client)
    logged_in = client.get_cookie("sid").value
    assert logged_in != planted
    assert planted not in interface.store
    assert client.get("/me").get_json() == {"user": "Alice"}
    client.post("/logout")
    assert logged_in not in interface.store
    assert interface.regenerated == 2
    client.set_cookie("sid", logged_in)
    assert client.get("/me").get_json() == {"user": None}


def test_an_explicit_regenerate_hook_is_called() -> None:
    calls: list[Any] = []
    app = make_app(regenerate_session=lambda s: calls.append(dict(s)))
    client = app.test_client()
    client.post("/plant")
    login(client)
    assert calls == [{"plan": "x"}]


def test_an_app_without_a_secret_key_has_no_session_support_but_apis_work() -> None:
    app = make_app()
    app.secret_key = None
    client = app.test_client()
    assert client.get("/api", headers={"X-API-Key": "key-alice"}).get_json()["user"] == "Alice"
    app.testing = False
    assert client.post("/login-as/bob").status_code == 500


class ExplodingUsers(dict):
    def get(self, key, default=None):
        raise RuntimeError("canary-7d1e: database down")


def test_a_failing_deserializer_fails_closed_without_leaking(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app.testing = False
    client = app.test_client()
    login(client)
    monkeypatch.setattr(f"{__name__}.USERS", ExplodingUsers(USERS))
    response = client.get("/me")
    assert response.status_code == 500
    assert "canary" not in response.get_data(as_text=True)


def test_the_first_session_cookie_sent_insecurely_logs_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    for testing, secure, warned in [(False, False, True), (True, False, False), (False, True, False)]:
        caplog.clear()
        app = make_app()
        app.testing = testing
        app.config["SESSION_COOKIE_SECURE"] = secure
        client = app.test_client()
        assert "SESSION_COOKIE_SECURE" not in caplog.text  # nothing at init_app: no cookie sent yet
        client.post("/login-as/bob")
        client.post("/login-as/alice")
        assert caplog.text.count("SESSION_COOKIE_SECURE") == (1 if warned else 0)


def test_an_app_guarding_only_with_session_false_is_not_told_to_secure_a_cookie(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()  # a secret key, insecure cookie settings, not testing
    app.testing = False
    client = app.test_client()
    assert client.get("/api", headers={"X-API-Key": "key-alice"}).status_code == 200
    assert client.get("/api").status_code == 401
    assert "Set-Cookie" not in client.get("/api", headers={"X-API-Key": "key-alice"}).headers
    assert "session cookie" not in caplog.text


def test_init_app_registers_the_extension_for_later_apps() -> None:
    passport = Passport()
    auth = PassportFlask(passport)
    app = Flask(__name__)
    auth.init_app(app)
    assert app.extensions["passport"] is auth
    with app.test_request_context("/"):
        app.preprocess_request()
        assert auth.current_user is None
        assert not current_user
        assert json.loads(flask.json.dumps({"u": g.user})) == {"u": None}
