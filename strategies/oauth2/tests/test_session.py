"""requests-oauthlib's OAuth2Session makes the token request; its DEBUG records keep no secret.

And the loopback story: plain http works on loopback without ``OAUTHLIB_INSECURE_TRANSPORT``,
and setting that variable never makes plain http acceptable anywhere else.
"""

from __future__ import annotations

import logging
import os

import pytest

from passport.strategies.oauth2 import OAuth2Strategy

FETCHED = "Request to fetch token completed with status %s."


def test_oauth2_session_fetch_token_performs_the_token_request(make_strategy, browser, debug_logs):
    assert browser.login(make_strategy(), {}).action == "success"
    records = [r for r in debug_logs.records if r.name == "requests_oauthlib.oauth2_session"]
    assert any(r.msg == FETCHED and r.args == (200,) for r in records)  # numbers are kept


def test_the_redaction_applies_only_during_the_strategys_exchanges(debug_logs):
    logging.getLogger("requests_oauthlib.oauth2_session").debug("someone else's %s", "value-1")
    record = next(r for r in debug_logs.records if r.getMessage().startswith("someone else's"))
    assert record.getMessage() == "someone else's value-1"


def test_requests_oauthlibs_records_during_an_exchange_are_redacted(make_strategy, provider, browser, debug_logs):
    assert browser.login(make_strategy(), {}).action == "success"
    body = [r for r in debug_logs.records if r.name.startswith("requests_oauthlib") and "body was" in r.msg]
    assert body
    assert all(r.getMessage() == "Request body was [redacted]" for r in body)


def test_the_app_setting_oauthlib_insecure_transport_never_allows_http_elsewhere(monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with pytest.raises(ValueError, match="must use https"):
        OAuth2Strategy(
            lambda *a: None,
            authorization_url="https://id.example/authorize",
            token_url="http://id.example/token",
            client_id="c",
        )


def test_a_loopback_login_leaves_the_environment_as_it_was(make_strategy, browser, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    before = dict(os.environ)
    assert browser.login(make_strategy(), {}).action == "success"
    assert dict(os.environ) == before
