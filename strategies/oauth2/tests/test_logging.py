"""No secret in any log line (every logger at DEBUG), exception text, fail message or response."""

from __future__ import annotations

import logging
import traceback

import pytest
from oauth2_helpers import SESSION_KEY

from passport.core import Passport
from passport.strategy_runner import make_request

PROVIDER_SIDE = ("werkzeug", "authlib", "provider")  # the test provider's own logs are not ours


def our_log_text(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for record in caplog.records:
        if record.name.startswith(PROVIDER_SIDE):
            continue
        lines.append(f"{record.name} {record.getMessage()} {record.args!r}")
        if record.exc_info:
            lines.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(lines)


def collect_secrets(provider, strategy, session_before, location, qs):
    secrets = [provider.client_secret, qs(location)["code"], qs(location)["state"]]
    secrets += [strategy._flow_key.derive(e["pkce"]) for e in session_before]
    for token in provider.tokens:
        secrets.append(token)
    return [s for s in secrets if s]


def test_a_full_login_logs_no_secret(make_strategy, provider, browser, qs, debug_logs):
    provider.extra_token_fields = {"refresh_token": "refresh-canary-1234"}
    seen = {}

    def verify(access_token, refresh_token, profile):
        seen["tokens"] = (access_token, refresh_token)
        return {"id": 1}

    strategy = make_strategy(verify)
    session = {}
    first = browser.start(strategy, session)
    pending = list(session[SESSION_KEY]["pending"])
    location = browser.consent(first.url)
    debug_logs.clear()  # only what our side logged from here on (the consent page is the browser)
    result = browser.callback(strategy, location, session)
    assert result.action == "success"
    secrets = collect_secrets(provider, strategy, pending, location, qs) + list(seen["tokens"])
    text = our_log_text(debug_logs)
    assert any(r.name.startswith("urllib3") for r in debug_logs.records)  # the HTTP client did log
    for secret in secrets:
        assert secret not in text


def test_failures_log_and_report_no_secret(make_strategy, provider, browser, qs, debug_logs):
    passport = Passport()
    strategy = make_strategy(client_secret="wrong-client-secret-canary")
    passport.use(strategy)
    session = {}
    start = passport.authenticate("oauth2").run(make_request(url="http://app.test/auth/provider", session=session))
    pending = list(session[SESSION_KEY]["pending"])
    location = browser.consent(start.header("Location"))
    debug_logs.clear()
    guard = passport.authenticate("oauth2", failure_redirect="/login")
    outcome = guard.attempt(make_request(url=location, session=session))
    assert outcome.action == "error"
    secrets = collect_secrets(provider, strategy, pending, location, qs) + ["wrong-client-secret-canary"]
    exported = our_log_text(debug_logs) + "".join(traceback.format_exception(outcome.error)) + repr(outcome.error)
    for secret in secrets:
        assert secret not in exported


def test_a_state_mismatch_response_carries_no_secret(make_strategy, provider, browser, qs, debug_logs):
    passport = Passport()
    passport.use(make_strategy())
    session = {}
    start = passport.authenticate("oauth2").run(make_request(url="http://app.test/auth/provider", session=session))
    location = browser.consent(start.header("Location"))
    debug_logs.clear()  # the browser's own visit to the provider is not ours
    guard = passport.authenticate("oauth2", failure_redirect="/login", failure_flash=True)
    request = make_request(url=location, session={})  # another browser
    response = guard.run(request)
    assert response.status == 302
    assert response.header("Location") == "/login"
    text = repr(response.headers) + response.body + repr(request.flashes) + our_log_text(debug_logs)
    for secret in (qs(location)["code"], qs(location)["state"], provider.client_secret):
        assert secret not in text


def test_the_strategy_logger_is_quiet_at_debug_on_success(make_strategy, browser, debug_logs):
    browser.login(make_strategy(), {})
    assert [r for r in debug_logs.records if r.name.startswith("passport")] == []


def test_requests_oauthlib_and_oauthlib_loggers_are_captured_too(debug_logs):
    assert logging.getLogger("requests_oauthlib").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("oauthlib").getEffectiveLevel() == logging.DEBUG
