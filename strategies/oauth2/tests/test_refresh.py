"""strategy.refresh() / arefresh(): the refresh grant (RFC 6749 §6) through OAuth2Session, and compliance hooks."""

from __future__ import annotations

import asyncio
import json
import traceback
from urllib.parse import parse_qs

import pytest
import requests

from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import TokenError
from passport.strategies.oauth2 import TokenSet
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

SECRET = "client-secret-canary-7"
REFRESH = "refresh-canary-3141"


def first_tokens(make_strategy, provider, browser, **options):
    """A real login; returns the strategy and the refresh token it handed to verify."""
    provider.extra_token_fields = {"refresh_token": REFRESH}
    seen = {}

    def verify(access_token, refresh_token, profile):
        seen["refresh"] = refresh_token
        return {"id": 1}

    strategy = make_strategy(verify, **options)
    assert browser.login(strategy, {}).action == "success"
    return strategy, seen["refresh"]


def test_refresh_returns_the_new_token_set_from_the_real_provider(make_strategy, provider, browser):
    strategy, refresh_token = first_tokens(make_strategy, provider, browser)
    assert refresh_token == REFRESH
    provider.extra_token_fields = {"refresh_token": "refresh-canary-2"}
    tokens = strategy.refresh(refresh_token)
    assert isinstance(tokens, TokenSet)
    assert tokens.access_token in provider.tokens
    assert tokens.refresh_token == "refresh-canary-2"
    assert tokens.token_type == "Bearer"
    form = provider.token_requests[-1].form
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == REFRESH
    assert form["client_id"] == "client-abc123"
    assert form["client_secret"] == provider.client_secret


def test_refresh_keeps_the_old_refresh_token_when_none_is_issued(make_strategy, provider, browser):
    strategy, refresh_token = first_tokens(make_strategy, provider, browser)
    provider.extra_token_fields = {}
    tokens = strategy.refresh(refresh_token)
    assert tokens.refresh_token == REFRESH
    assert "refresh_token" not in tokens.raw  # raw is what the provider sent


def test_refresh_with_client_secret_basic(make_strategy, provider, browser):
    provider.auth_method = "client_secret_basic"
    strategy, refresh_token = first_tokens(make_strategy, provider, browser, client_auth="client_secret_basic")
    tokens = strategy.refresh(refresh_token)
    assert tokens.access_token
    last = provider.token_requests[-1]
    assert "client_secret" not in last.form
    assert last.headers["Authorization"].startswith("Basic ")


def test_a_refused_refresh_is_a_token_error(make_strategy, provider, browser):
    strategy, _ = first_tokens(make_strategy, provider, browser)
    with pytest.raises(TokenError) as caught:
        strategy.refresh("not-a-refresh-token")
    assert caught.value.code == "invalid_grant"
    assert caught.value.status == 500


def test_arefresh_returns_the_same_from_async_code(make_strategy, provider, browser):
    strategy, refresh_token = first_tokens(make_strategy, provider, browser)
    tokens = asyncio.run(strategy.arefresh(refresh_token))
    assert tokens.access_token in provider.tokens


@pytest.mark.parametrize("bad", ["", None, 5, "a\r\nb"])
def test_refresh_needs_a_refresh_token(make_strategy, bad):
    with pytest.raises(ValueError, match="refresh token"):
        make_strategy().refresh(bad)


def scripted(faults, **options):
    return OAuth2Strategy(
        lambda *a: {"id": 1},
        authorization_url=faults.url + "/authorize",
        token_url=faults.url + "/token",
        client_id="c",
        client_secret=SECRET,
        timeout=0.6,
        **options,
    )


def sent_form(faults):
    body = faults.received[-1].partition(b"\r\n\r\n")[2].decode()
    return {k: v[0] for k, v in parse_qs(body).items()}


def test_refresh_sends_scope_and_params_but_params_cannot_replace_the_grant(faults):
    faults.respond("200 OK", json.dumps({"access_token": "a2", "token_type": "bearer"}).encode())
    scripted(faults).refresh(REFRESH, scope=["a", "b"], params={"resource": "r", "refresh_token": "evil"})
    form = sent_form(faults)
    assert form["scope"] == "a b"
    assert form["resource"] == "r"
    assert form["refresh_token"] == REFRESH


@pytest.mark.parametrize(
    ("status", "body"),
    [("502 Bad Gateway", b"{}"), ("200 OK", b"<html>"), ("302 Found", b"")],
)
def test_refresh_faults_are_internal_oauth_errors_without_secrets(faults, debug_logs, status, body):
    faults.respond(status, body, {"Location": faults.url + "/x"})
    with pytest.raises(InternalOAuthError) as caught:
        scripted(faults).refresh(REFRESH)
    assert caught.value.status == 502
    text = "".join(traceback.format_exception(caught.value)) + "\n".join(
        f"{r.getMessage()} {r.args!r}" for r in debug_logs.records
    )
    for secret in (REFRESH, SECRET):
        assert secret not in text
    assert faults.connections == 1


def test_refresh_logs_no_secret_at_debug(faults, debug_logs):
    faults.respond("200 OK", json.dumps({"access_token": "access-canary-9", "refresh_token": "new-canary-1"}).encode())
    scripted(faults).refresh(REFRESH)
    assert any(r.name.startswith("requests_oauthlib") for r in debug_logs.records)  # it did log, redacted
    text = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in debug_logs.records)
    for secret in (REFRESH, SECRET, "access-canary-9", "new-canary-1"):
        assert secret not in text


# -- compliance hooks -----------------------------------------------------------------------------


def wrapped_answer(response: requests.Response) -> requests.Response:
    """A provider that wraps its token answer: {"data": {...}} (the kind of fix compliance_fixes make)."""
    data = json.loads(response.content)
    response._content = json.dumps(data["data"]).encode()
    return response


def login(strategy, faults):
    session = {}
    first = run_strategy(strategy, make_request(url="http://app.test/login", session=session))
    state = first.url.split("state=")[1].split("&")[0]
    return run_strategy(strategy, make_request(url=f"http://app.test/cb?code=c1&state={state}", session=session))


def test_an_access_token_response_hook_fixes_a_non_compliant_answer(faults):
    faults.respond("200 OK", json.dumps({"data": {"access_token": "a1", "token_type": "bearer"}}).encode())
    strategy = scripted(faults)
    assert login(strategy, faults).action == "error"  # unusable as it comes
    strategy.register_compliance_hook("access_token_response", wrapped_answer)
    result = login(strategy, faults)
    assert result.action == "success", result.error


def test_response_hooks_run_in_registration_order_and_the_checks_still_run_after_them(faults):
    faults.respond("200 OK", json.dumps({"data": {"access_token": "a1", "token_type": "mac"}}).encode())
    order = []
    strategy = scripted(faults)

    def first(response):
        order.append("first")
        return wrapped_answer(response)

    def second(response):
        order.append("second")
        return response

    strategy.register_compliance_hook("access_token_response", first)
    strategy.register_compliance_hook("access_token_response", second)
    result = login(strategy, faults)
    assert order == ["first", "second"]
    assert result.action == "error"
    assert str(result.error) == "Failed to obtain access token (unsupported token_type)"


def test_a_refresh_token_response_hook_applies_to_refresh_only(faults):
    faults.respond("200 OK", json.dumps({"data": {"access_token": "a1", "token_type": "bearer"}}).encode())
    strategy = scripted(faults)
    strategy.register_compliance_hook("refresh_token_response", wrapped_answer)
    assert strategy.refresh(REFRESH).access_token == "a1"
    assert login(strategy, faults).action == "error"


def test_a_5xx_never_reaches_a_compliance_hook(faults):
    faults.respond("503 Service Unavailable", b"{}")
    strategy = scripted(faults)
    called = []
    strategy.register_compliance_hook("access_token_response", lambda r: called.append(r) or r)
    result = login(strategy, faults)
    assert isinstance(result.error, InternalOAuthError)
    assert result.error.upstream_status == 503
    assert called == []


def test_compliance_hook_registration_is_checked(faults):
    strategy = scripted(faults)
    with pytest.raises(ValueError, match="unknown compliance hook type"):
        strategy.register_compliance_hook("protected_request", wrapped_answer)
    with pytest.raises(ValueError, match="unknown compliance hook type"):
        strategy.register_compliance_hook("token", wrapped_answer)
    with pytest.raises(TypeError):
        strategy.register_compliance_hook("access_token_response", "not callable")
