"""Construction: required options, secure defaults, refused configurations."""

from __future__ import annotations

import pytest

from passport.core import available_strategies
from passport.core import load_strategy
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import SessionStateStore

GOOD = {
    "authorization_url": "https://www.example.com/oauth2/authorize",
    "token_url": "https://www.example.com/oauth2/token",
    "client_id": "ABC123",
}


def verify(access_token, refresh_token, profile):
    return None


def build(**changes):
    options = {**GOOD, **changes}
    return OAuth2Strategy(verify, **{k: v for k, v in options.items() if v is not ...})


def test_the_strategy_is_named_oauth2():
    assert build().name == "oauth2"


def test_the_entry_point_loads_the_strategy():
    assert available_strategies()["oauth2"].distribution == "passport-strategy-oauth2"
    assert load_strategy("oauth2") is OAuth2Strategy


def test_a_verify_function_is_required():
    with pytest.raises(TypeError, match="verify"):
        OAuth2Strategy(None, **GOOD)


@pytest.mark.parametrize("option", ["authorization_url", "token_url", "client_id"])
def test_each_endpoint_and_the_client_id_are_required(option):
    with pytest.raises((TypeError, ValueError), match=option):
        build(**{option: ...})


def test_a_missing_client_secret_is_allowed():
    build(client_secret=None)


def test_the_default_session_key_is_oauth2_and_the_authorization_host():
    assert build()._store.key == "oauth2:www.example.com"
    assert build(session_key="oauth2:example")._store.key == "oauth2:example"


def test_state_and_pkce_s256_are_on_by_default():
    strategy = build()
    assert isinstance(strategy._store, SessionStateStore)
    assert strategy._pkce == "S256"


def test_pkce_without_state_is_refused_with_passports_message():
    with pytest.raises(ValueError, match="requires `state=True` when PKCE is enabled"):
        build(state=False)


def test_state_off_and_pkce_off_is_allowed():
    build(state=False, pkce=False)


def test_an_unknown_pkce_method_is_refused_at_construction():
    with pytest.raises(ValueError, match="Unsupported code verifier transformation method: 'unknown'"):
        build(pkce="unknown")


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.com/authorize",
        "http://localhost.attacker.test/authorize",
        "http://localhost@attacker.test/authorize",
        "http://127.0.0.1@attacker.test/authorize",
        "http://attacker.test#@127.0.0.1/authorize",
        "http://127.0.0.1.attacker.test/authorize",
        "http://[::2]/authorize",
        "http://0x7f000001/authorize",
        "https://user:pass@www.example.com/authorize",
        "ftp://www.example.com/authorize",
        "//www.example.com/authorize",
        "/authorize",
        "https:///authorize",
        "https://www.example.com/authorize#fragment",
        "https://www.example.com/author ize",
        "https://www.example.com:99999/authorize",
        "",
    ],
)
@pytest.mark.parametrize("option", ["authorization_url", "token_url"])
def test_insecure_or_malformed_endpoints_are_refused(option, url):
    with pytest.raises(ValueError, match=option):
        build(**{option: url})


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/authorize",
        "http://localhost:8080/authorize",
        "http://127.0.0.1:5000/authorize",
        "http://127.1.2.3/authorize",
        "http://[::1]:9000/authorize",
        "https://www.example.com/authorize?audience=api",
    ],
)
def test_https_and_loopback_http_endpoints_are_accepted(url, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    build(authorization_url=url, token_url=url)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", 0),
        ("timeout", -1),
        ("timeout", float("inf")),
        ("max_response_bytes", 0),
        ("client_auth", "private_key_jwt"),
        ("custom_headers", {"X-A": "a\r\nInjected: 1"}),
    ],
)
def test_invalid_limits_and_options_are_refused(option, value):
    with pytest.raises(ValueError):
        build(**{option: value})


def test_the_repr_names_the_client_but_not_the_secret():
    strategy = build(client_secret="very-secret-canary")
    assert "very-secret-canary" not in repr(strategy)
    assert "ABC123" in repr(strategy)


# Security item 27: which spellings of "this machine" allow plain http, decided deliberately.
# Accepted: the name localhost in any case, 127.0.0.0/8 in dotted-quad form, and ::1 (bracketed,
# with or without a port). Refused: everything a resolver or a browser might also read as
# loopback but a reviewer cannot see at a glance, because each is also a way to smuggle a host past
# a check (shortened, hexadecimal, octal or decimal IPv4, IPv4-mapped IPv6, a trailing dot,
# subdomains of localhost).
LOOPBACK_ACCEPTED = [
    "http://localhost/authorize",
    "HTTP://LOCALHOST/authorize",
    "http://LocalHost:8080/authorize",
    "http://127.0.0.1/authorize",
    "http://127.1.2.3/authorize",
    "http://127.255.255.254:9000/authorize",
    "http://[::1]/authorize",
    "http://[::1]:8080/authorize",
    "http://[0:0:0:0:0:0:0:1]:8080/authorize",
]
LOOPBACK_REFUSED = [
    "http://127.1/authorize",
    "http://2130706433/authorize",
    "http://0x7f.0.0.1/authorize",
    "http://0177.0.0.1/authorize",
    "http://[::ffff:127.0.0.1]/authorize",
    "http://localhost./authorize",
    "http://app.localhost/authorize",
    "http://[::]/authorize",
    "http://0.0.0.0/authorize",
    "http://128.0.0.1/authorize",
]


@pytest.mark.parametrize("url", LOOPBACK_ACCEPTED)
def test_27_these_loopback_spellings_allow_plain_http(url, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    build(authorization_url=url, token_url=url)


@pytest.mark.parametrize("url", LOOPBACK_REFUSED)
def test_27_every_other_spelling_of_this_machine_needs_https(url):
    with pytest.raises(ValueError, match="must use https|invalid|authorization_url"):
        build(authorization_url=url)
