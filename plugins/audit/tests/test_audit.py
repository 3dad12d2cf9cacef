"""AuditLog through a real Flask app: one record per event, with who and where, never a secret."""

from __future__ import annotations

import logging
from typing import Any

import flask
import pytest

from passport.core import Passport
from passport.core import Refusal
from passport.core import Strategy
from passport.core import hookimpl
from passport.flask import PassportFlask
from passport.plugins.audit import AuditLog
from passport.plugins.audit import audit_log

PASSWORD = "correct horse battery staple"
KEY = "k-7f1c2a9e33"
USERS = {"ann": {"id": "ann", "name": "Ann"}}


class Password(Strategy):
    name = "password"

    def authenticate(self, request: Any, options: Any) -> None:
        form = request.body
        if form.get("password") == PASSWORD and form.get("username") in USERS:
            return self.success(USERS[form["username"]])
        return self.fail({"message": f"No account for {form.get('username')!r}."})


class Key(Strategy):
    name = "key"

    def authenticate(self, request: Any, options: Any) -> None:
        if request.headers.get("X-Key") == KEY:
            return self.success(USERS["ann"])
        if request.headers.get("X-Key") == "explode":
            return self.error(ConnectionError(f"key store down while checking {KEY}"))
        return self.fail('Key realm="api"')


class Locked:
    locked = False

    @hookimpl
    def passport_refuse_attempt(self, request: Any, strategies: Any) -> Refusal | None:
        return Refusal(429, "Too many attempts.") if self.locked and "key" in strategies else None


def build(plugin: AuditLog) -> tuple[flask.Flask, Locked]:
    passport = Passport()
    passport.use(Password()).use(Key())
    passport.serializer(lambda user: user["id"])
    passport.deserializer(USERS.get)
    locked = Locked()
    passport.register_plugin(plugin, "audit")
    passport.register_plugin(locked, "locked")
    app = flask.Flask(__name__)
    app.secret_key = "test"
    app.testing = True
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth = PassportFlask(passport, app)

    @app.post("/login")
    @auth.authenticate("password")
    def login() -> str:
        return "in"

    @app.post("/logout")
    def logout() -> str:
        auth.logout_user()
        return "out"

    @app.get("/api")
    @auth.authenticate("key", session=False)
    def api() -> str:
        return "ok"

    return app, locked


@pytest.fixture
def app_and_lock() -> tuple[flask.Flask, Locked]:
    return build(AuditLog())


def events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [r.passport_event for r in caplog.records if r.name == "passport.audit"]  # type: ignore[attr-defined]


def test_59_a_login_a_failure_and_a_logout_are_one_record_each(app_and_lock, caplog):
    app, _ = app_and_lock
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="passport.audit"):
        client.post(
            "/login", data={"username": "ann", "password": "wrong"}, environ_base={"REMOTE_ADDR": "198.51.100.4"}
        )
        client.post(
            "/login", data={"username": "ann", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "203.0.113.7"}
        )
        client.post("/logout", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert events(caplog) == [
        {"event": "failure", "strategy": "password", "status": 401, "client": "198.51.100.4", "path": "/login"},
        {"event": "login", "strategy": "password", "user": "ann", "client": "203.0.113.7", "path": "/login"},
        {"event": "logout", "user": "ann", "client": "203.0.113.7", "path": "/logout"},
    ]
    assert [r.levelname for r in caplog.records if r.name == "passport.audit"] == ["WARNING", "INFO", "INFO"]
    assert caplog.records[1].getMessage() == "login strategy=password user=ann client=203.0.113.7 path=/login"


def test_59_a_refusal_and_a_strategy_error_are_logged_without_the_errors_text(app_and_lock, caplog):
    app, locked = app_and_lock
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="passport.audit"):
        assert client.get("/api", headers={"X-Key": "explode"}).status_code == 500
        locked.locked = True
        assert client.get("/api", headers={"X-Key": KEY}).status_code == 429
    assert [(e["event"], e.get("error"), e.get("status")) for e in events(caplog)] == [
        ("error", "ConnectionError", None),
        ("refused", None, 429),
    ]


def test_59_no_secret_reaches_the_audit_log(app_and_lock, caplog):
    app, _ = app_and_lock
    client = app.test_client()
    with caplog.at_level(logging.DEBUG, logger="passport.audit"):
        client.post("/login?token=" + KEY, data={"username": "mallory", "password": PASSWORD})
        client.get("/api", headers={"X-Key": "explode"})
        client.get("/api", headers={"X-Key": "wrong-" + KEY})
    text = "\n".join(r.getMessage() + repr(getattr(r, "passport_event", None)) for r in caplog.records)
    for secret in (PASSWORD, KEY, "mallory"):  # a failure message echoes the username: not logged
        assert secret not in text


def test_api_successes_are_quiet_by_default_and_logged_when_asked(caplog):
    quiet, _ = build(AuditLog())
    loud, _ = build(AuditLog(api_successes=True))
    with caplog.at_level(logging.INFO, logger="passport.audit"):
        quiet.test_client().get("/api", headers={"X-Key": KEY})
        assert events(caplog) == []
        loud.test_client().get("/api", headers={"X-Key": KEY})
    [event] = events(caplog)
    assert (event["event"], event["strategy"], event["user"]) == ("authenticated", "key", "ann")


def test_the_user_id_function_decides_what_identifies_a_user(caplog):
    app, _ = build(AuditLog(user_id=lambda user: user["name"].upper()))
    with caplog.at_level(logging.INFO, logger="passport.audit"):
        app.test_client().post("/login", data={"username": "ann", "password": PASSWORD})
    assert events(caplog)[0]["user"] == "ANN"


def test_the_entry_point_registers_the_ready_made_instance(monkeypatch):
    monkeypatch.delenv("PASSPORT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    passport = Passport(load_plugins=True)
    assert passport.plugin_manager.get_plugin("audit") is audit_log


def test_a_user_id_that_is_not_a_function_is_refused():
    with pytest.raises(TypeError):
        AuditLog(user_id="id")  # type: ignore[arg-type]


def test_a_success_that_logged_nobody_in_is_not_credited_to_a_later_direct_login(caplog):
    passport = Passport()
    passport.use(Key())
    passport.serializer(lambda user: user["id"])
    passport.register_plugin(AuditLog(), "audit")
    from passport.strategy_runner import make_request

    passport.authorize("key").run(make_request(headers={"X-Key": KEY}))  # success, account only
    with caplog.at_level(logging.INFO, logger="passport.audit"):
        passport.login(make_request(), USERS["ann"])  # the app's own login_user, no strategy
    [event] = events(caplog)
    assert (event["event"], event["strategy"]) == ("login", None)
