"""The extension points a strategy built on OAuth2Strategy uses (an OIDC one, the presets).

The whole token response (``TokenSet``) reaches ``check_tokens`` and ``load_profile``;
``flow_params`` travel with the pending flow through ``SessionStateStore`` and custom stores;
``check_tokens`` can end the attempt with a typed error or hand on a new ``TokenSet``;
``fetch_document`` / ``afetch_document`` are the bounded back-channel GET.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading

import pytest
from oauth2_helpers import SESSION_KEY

from passport.strategies.oauth2 import Document
from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import SessionStateStore
from passport.strategies.oauth2 import TokenSet
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy


class NonceStrategy(OAuth2Strategy):
    """What an OIDC strategy does with the extension points, minus the cryptography."""

    def flow_params(self, options):
        return {"nonce": secrets.token_urlsafe(16)}

    def check_tokens(self, request, tokens, flow_params):
        if tokens.raw.get("id_token") != "id-token-for-" + flow_params.get("nonce", "<none>"):
            raise InternalOAuthError("ID token nonce mismatch")
        return dataclasses.replace(tokens, extra={"claims": {"nonce": flow_params["nonce"]}})

    def load_profile(self, tokens):
        return {"claims": dict(tokens.extra["claims"]), "id_token": tokens.id_token}


def nonce_of(qs, url):
    return qs(url)["nonce"]


def test_flow_params_are_sent_kept_with_the_flow_and_handed_to_check_tokens(make_strategy, provider, browser, qs):
    seen = {}

    def verify(access_token, refresh_token, params, profile):
        seen["params"], seen["profile"] = params, profile
        return {"id": 1}

    strategy = make_strategy(verify, cls=NonceStrategy, verify_params=True)
    session = {}
    first = browser.start(strategy, session)
    nonce = nonce_of(qs, first.url)
    assert session[SESSION_KEY]["pending"][0]["flow_params"] == {"nonce": nonce}
    provider.extra_token_fields = {"id_token": "id-token-for-" + nonce}
    result = browser.callback(strategy, browser.consent(first.url), session)
    assert result.action == "success", result.error
    assert seen["profile"] == {"claims": {"nonce": nonce}, "id_token": "id-token-for-" + nonce}
    assert seen["params"]["id_token"] == "id-token-for-" + nonce  # the whole token response


def test_check_tokens_raising_a_typed_error_ends_the_attempt_before_profile_and_verify(
    make_strategy, provider, browser
):
    calls = []

    class Strict(NonceStrategy):
        def load_profile(self, tokens):
            calls.append("profile")
            return {}

    strategy = make_strategy(lambda *a: calls.append("verify") or {"id": 1}, cls=Strict)
    provider.extra_token_fields = {"id_token": "id-token-for-someone-else"}
    result = browser.login(strategy, {})
    assert result.action == "error"
    assert isinstance(result.error, InternalOAuthError)
    assert result.error.status == 502
    assert str(result.error) == "ID token nonce mismatch"
    assert calls == []


def test_flow_params_of_one_flow_never_serve_another(make_strategy, provider, browser, qs):
    strategy = make_strategy(cls=NonceStrategy)
    session = {}
    first, second = browser.start(strategy, session), browser.start(strategy, session)
    assert nonce_of(qs, first.url) != nonce_of(qs, second.url)
    provider.extra_token_fields = {"id_token": "id-token-for-" + nonce_of(qs, first.url)}
    assert browser.callback(strategy, browser.consent(second.url), session).action == "error"
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"


def test_the_strategys_own_parameters_win_over_flow_params(make_strategy, qs):
    class Greedy(OAuth2Strategy):
        def flow_params(self, options):
            return {"state": "mine", "response_type": "token", "nonce": "n"}

    first = run_strategy(make_strategy(cls=Greedy), make_request(url="http://app.test/x", session={}))
    sent = qs(first.url)
    assert sent["response_type"] == "code"
    assert sent["state"] != "mine"
    assert sent["nonce"] == "n"


def test_flow_params_must_be_strings(make_strategy):
    class Bad(OAuth2Strategy):
        def flow_params(self, options):
            return {"nonce": 5}

    result = run_strategy(make_strategy(cls=Bad), make_request(url="http://app.test/x", session={}))
    assert result.action == "error"
    assert isinstance(result.error, TypeError)


class ThreeItemStore:
    """A custom store written before flow_params: it returns three items and keeps none."""

    def __init__(self):
        self.inner = SessionStateStore("custom")
        self.meta_seen = []

    def store(self, request, meta):
        self.meta_seen.append(dict(meta))
        return self.inner.store(request, meta)

    def verify(self, request, handle, meta):
        return self.inner.verify(request, handle, meta)[:3]


def test_a_custom_store_receives_flow_params_and_one_that_drops_them_fails_a_strategy_that_needs_them(
    make_strategy, provider, browser, qs
):
    store = ThreeItemStore()
    strategy = make_strategy(cls=NonceStrategy, store=store)
    session = {}
    first = browser.start(strategy, session)
    assert store.meta_seen[0]["flow_params"] == {"nonce": nonce_of(qs, first.url)}
    provider.extra_token_fields = {"id_token": "id-token-for-" + nonce_of(qs, first.url)}
    result = browser.callback(strategy, browser.consent(first.url), session)
    assert result.action == "error"  # check_tokens got {}: no nonce, no login
    assert str(result.error) == "ID token nonce mismatch"


def test_the_default_load_profile_calls_user_profile_with_the_access_token(make_strategy, provider, browser):
    class Profiled(OAuth2Strategy):
        def user_profile(self, access_token):
            return {"token_known": access_token in provider.tokens}

    result = browser.login(make_strategy(lambda a, r, profile: profile, cls=Profiled), {})
    assert result.user == {"token_known": True}


def test_check_tokens_must_return_none_or_a_token_set(make_strategy, browser):
    class Wrong(OAuth2Strategy):
        def check_tokens(self, request, tokens, flow_params):
            return {"access_token": "x"}

    result = browser.login(make_strategy(cls=Wrong), {})
    assert result.action == "error"
    assert isinstance(result.error, TypeError)


async def test_async_check_tokens_and_load_profile_are_awaited(make_strategy, provider, browser, qs):
    class AsyncNonce(NonceStrategy):
        async def check_tokens(self, request, tokens, flow_params):
            return NonceStrategy.check_tokens(self, request, tokens, flow_params)

        async def load_profile(self, tokens):
            return {"nonce": tokens.extra["claims"]["nonce"]}

    strategy = make_strategy(lambda a, r, profile: profile, cls=AsyncNonce)
    session = {}
    first = await arun_strategy(strategy, make_request(url="http://app.test/auth/provider", session=session))
    nonce = nonce_of(qs, first.url)
    provider.extra_token_fields = {"id_token": "id-token-for-" + nonce}
    location = browser.consent(first.url)
    result = await arun_strategy(strategy, make_request(url=location, session=session))
    assert result.action == "success", result.error
    assert result.user == {"nonce": nonce}


def test_a_token_set_never_shows_its_tokens():
    tokens = TokenSet("access-canary-1", "refresh-canary-2", {"access_token": "access-canary-1", "scope": "a b"})
    text = repr(tokens) + str(tokens)
    assert "access-canary-1" not in text
    assert "refresh-canary-2" not in text
    assert tokens.scope == "a b"
    assert tokens.params == {"access_token": "access-canary-1", "scope": "a b"}


@pytest.mark.parametrize(
    ("value", "seconds"), [(3600, 3600.0), ("60", 60.0), (True, None), ("soon", None), (None, None)]
)
def test_token_set_expires_in_reads_numbers_only(value, seconds):
    assert TokenSet("a", None, {"expires_in": value}).expires_in == seconds


# -- the bounded back-channel GET -------------------------------------------------------------


def plain(faults, **options):
    options.setdefault("timeout", 0.6)
    return OAuth2Strategy(
        lambda *a: None,
        authorization_url=faults.url + "/authorize",
        token_url=faults.url + "/token",
        client_id="c",
        **options,
    )


def test_fetch_document_returns_data_text_and_headers_without_a_token_when_none_is_given(faults):
    body = b'{"keys": []}'
    faults.respond("200 OK", body, {"X-Extra": "1"})
    doc = plain(faults, custom_headers={"X-App": "a"}).fetch_document(faults.url + "/jwks", what="JWKS")
    assert isinstance(doc, Document)
    assert doc.data == {"keys": []}
    assert doc.text == body.decode()
    assert doc.headers["X-Extra"] == "1"
    sent = faults.received[0].decode().lower()
    assert "authorization:" not in sent
    assert "x-app: a" in sent


def test_fetch_document_sends_the_bearer_token_and_extra_headers(faults):
    faults.respond("200 OK", b"{}")
    plain(faults).fetch_json(faults.url + "/userinfo", "tok-1", headers={"Accept": "application/json"})
    assert b"Authorization: Bearer tok-1" in faults.received[0]


@pytest.mark.parametrize(
    ("behaviour", "text"),
    [
        ("silence", "Failed to fetch JWKS (timed out)"),
        ("redirect", "Failed to fetch JWKS (redirects are not followed)"),
        ("huge", "Failed to fetch JWKS (response too large)"),
        ("notjson", "Failed to fetch JWKS (not JSON)"),
        ("status", "Failed to fetch JWKS"),
    ],
)
def test_fetch_document_keeps_the_limits(faults, behaviour, text):
    if behaviour == "silence":
        faults.behave(faults.silence)
    elif behaviour == "redirect":
        faults.respond("302 Found", b"", {"Location": faults.url + "/elsewhere"})
    elif behaviour == "huge":
        faults.respond("200 OK", b"[" + b"0," * 600 + b"0]")
    elif behaviour == "notjson":
        faults.respond("200 OK", b"<html>")
    else:
        faults.respond("404 Not Found", b"{}")
    with pytest.raises(InternalOAuthError) as caught:
        plain(faults, max_response_bytes=1000).fetch_document(faults.url + "/jwks", what="JWKS")
    assert str(caught.value) == text
    assert caught.value.status == 502
    assert faults.connections == 1  # a redirect is never followed


def test_fetch_document_refuses_insecure_urls_and_header_injection(faults):
    strategy = plain(faults)
    with pytest.raises(ValueError, match="https"):
        strategy.fetch_document("http://example.com/jwks")
    with pytest.raises(ValueError, match="single-line"):
        strategy.fetch_document(faults.url + "/x", headers={"X": "a\r\nInjected: 1"})


async def test_afetch_json_runs_off_the_event_loop(faults):
    import asyncio

    release = threading.Event()

    def slow(conn, _request):
        release.wait(5)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")

    faults.behave(slow)
    task = asyncio.create_task(plain(faults, timeout=5).afetch_json(faults.url + "/userinfo", "t"))
    await asyncio.sleep(0.05)
    assert not task.done()  # the loop runs this coroutine while the GET waits in a thread
    release.set()
    assert await task == {}


# -- OpenAPI --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "separator", "scopes"),
    [
        (["openid", "profile"], " ", {"openid": "", "profile": ""}),
        ("read:user user:email", " ", {"read:user": "", "user:email": ""}),
        ("a,b", ",", {"a": "", "b": ""}),
        (None, " ", {}),
    ],
)
def test_openapi_scheme_is_an_oauth2_security_scheme_object(scope, separator, scopes):
    strategy = OAuth2Strategy(
        lambda *a: None,
        authorization_url="https://id.example/authorize?audience=api",
        token_url="https://id.example/token",
        client_id="c",
        scope=scope,
        scope_separator=separator,
    )
    assert strategy.openapi_scheme == {
        "type": "oauth2",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": "https://id.example/authorize?audience=api",
                "tokenUrl": "https://id.example/token",
                "scopes": scopes,
            }
        },
    }
    json.dumps(strategy.openapi_scheme)  # serialisable as it is
