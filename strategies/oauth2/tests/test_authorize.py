"""The first leg: the redirect to the provider (Passport-oauth2's tested URLs, adapted)."""

from __future__ import annotations

import pytest

from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

AUTHORIZE = "https://www.example.com/oauth2/authorize"
TOKEN = "https://www.example.com/oauth2/token"
CALLBACK = "https://www.example.net/auth/example/callback"
ENC_CALLBACK = "https%3A%2F%2Fwww.example.net%2Fauth%2Fexample%2Fcallback"


def verify(access_token, refresh_token, profile):
    return {"id": "1"}


def strategy(**options):
    options.setdefault("authorization_url", AUTHORIZE)
    options.setdefault("token_url", TOKEN)
    options.setdefault("client_id", "ABC123")
    options.setdefault("state", False)
    options.setdefault("pkce", False)
    return OAuth2Strategy(verify, **options)


def redirect(s, url="https://www.example.net/login", options=None, **fields):
    result = run_strategy(s, make_request(url=url, **fields), options)
    assert result.action == "redirect", result.error
    assert result.status == 302
    return result.url


def test_without_a_callback_only_response_type_and_client_id_are_sent():
    assert redirect(strategy()) == AUTHORIZE + "?response_type=code&client_id=ABC123"


def test_callback_and_scope_are_sent_in_passports_order():
    url = redirect(strategy(callback_url=CALLBACK, scope="email"))
    assert url == f"{AUTHORIZE}?response_type=code&redirect_uri={ENC_CALLBACK}&scope=email&client_id=ABC123"


def test_a_list_scope_is_joined_with_a_space_encoded_as_percent_20():
    assert "scope=permission_1%20permission_2&" in redirect(strategy(scope=["permission_1", "permission_2"]))


def test_a_custom_scope_separator_is_used():
    url = redirect(strategy(scope=["permission_1", "permission_2"], scope_separator=","))
    assert "scope=permission_1%2Cpermission_2&" in url


def test_the_route_scope_overrides_the_configured_one():
    url = redirect(strategy(scope="email"), options={"scope": ["read", "write"]})
    assert "scope=read%20write&" in url


def test_the_route_callback_url_overrides_the_configured_one():
    url = redirect(strategy(callback_url=CALLBACK), options={"callback_url": "https://www.example.net/other"})
    assert "redirect_uri=https%3A%2F%2Fwww.example.net%2Fother&" in url


def test_existing_query_parameters_are_kept_and_ours_replace_same_named_ones():
    url = redirect(strategy(authorization_url=AUTHORIZE + "?foo=bar&scope=baz", callback_url=CALLBACK, scope="email"))
    assert url == f"{AUTHORIZE}?foo=bar&scope=email&response_type=code&redirect_uri={ENC_CALLBACK}&client_id=ABC123"


def test_a_state_already_in_the_authorization_url_is_replaced(make_strategy):
    s = strategy(authorization_url=AUTHORIZE + "?foo=bar&state=baz", state=True)
    url = redirect(s, session={})
    assert url.startswith(AUTHORIZE + "?foo=bar&state=")
    assert "state=baz" not in url
    assert url.count("state=") == 1


def test_the_incoming_query_cannot_inject_or_duplicate_parameters(qs):
    url = redirect(
        strategy(callback_url=CALLBACK, scope="email"),
        url="https://www.example.net/login?scope=admin&redirect_uri=https://evil.test&response_type=token"
        "&client_id=evil&prompt=none&code_challenge_method=plain",
    )
    assert qs(url) == {"response_type": "code", "redirect_uri": CALLBACK, "scope": "email", "client_id": "ABC123"}


def test_a_relative_callback_is_resolved_against_the_request_url():
    strategy_ = strategy(callback_url="/auth/example/callback", allowed_hosts=["www.example.net"])
    url = redirect(strategy_, url="https://www.example.net/login")
    assert f"redirect_uri={ENC_CALLBACK}&" in url


def test_a_route_relative_callback_is_resolved_too():
    url = redirect(
        strategy(allowed_hosts=["www.example.net"]),
        url="https://www.example.net/login",
        options={"callback_url": "/auth/example/callback"},
    )
    assert f"redirect_uri={ENC_CALLBACK}&" in url


def test_forwarded_headers_are_ignored_without_proxy_trust():
    url = redirect(
        strategy(callback_url="/auth/example/callback", allowed_hosts=["internal:8080"]),
        url="http://internal:8080/login",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "www.example.net"},
    )
    assert "redirect_uri=http%3A%2F%2Finternal%3A8080%2Fauth%2Fexample%2Fcallback&" in url


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Forwarded-Proto": "https"}, "https%3A%2F%2Finternal%3A8080%2F"),
        (
            {"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "www.example.net"},
            "https%3A%2F%2Fwww.example.net%2F",
        ),
        ({"X-Forwarded-Host": "evil.test/path@x"}, "http%3A%2F%2Finternal%3A8080%2F"),
    ],
)
def test_forwarded_headers_are_used_with_proxy_trust(headers, expected):
    allowed = ["internal:8080", "www.example.net"]
    strategy_ = strategy(callback_url="/cb", proxy=True, allowed_hosts=allowed)
    url = redirect(strategy_, url="http://internal:8080/login", headers=headers)
    assert f"redirect_uri={expected}cb&" in url


def test_25_a_relative_callback_url_without_allowed_hosts_is_refused_at_construction():
    with pytest.raises(ValueError, match="allowed_hosts"):
        strategy(callback_url="/auth/example/callback")


@pytest.mark.parametrize(
    ("url", "headers", "proxy"),
    [
        pytest.param("http://evil.test/login", {}, False, id="a forged Host"),
        pytest.param(
            "http://www.example.net/login", {"X-Forwarded-Host": "evil.test"}, True, id="a forged X-Forwarded-Host"
        ),
        pytest.param("http://www.example.net:8443/login", {}, False, id="an allowed host on another port"),
    ],
)
def test_25_a_relative_callback_never_resolves_against_a_host_that_is_not_allowed(url, headers, proxy):
    strategy_ = strategy(callback_url="/cb", allowed_hosts=["www.example.net"], proxy=proxy)
    result = run_strategy(strategy_, make_request(url=url, headers=headers, session={}))
    assert (result.action, result.status, result.message) == ("fail", 400, "Unknown host.")


def test_25_a_route_relative_callback_url_without_allowed_hosts_is_the_routes_bug():
    result = run_strategy(strategy(), make_request(url="http://evil.test/", session={}), {"callback_url": "/cb"})
    assert result.action == "error"
    assert isinstance(result.error, ValueError)


@pytest.mark.parametrize("hosts", ["www.example.net", [""], ["https://www.example.net"], ["a b"], [3]])
def test_allowed_hosts_must_be_host_names(hosts):
    with pytest.raises((TypeError, ValueError)):
        strategy(callback_url="/cb", allowed_hosts=hosts)


class PromptStrategy(OAuth2Strategy):
    def authorization_params(self, options):
        return {"prompt": "mobile", "response_type": "token", "client_id": "evil"}


def test_authorization_params_add_parameters_but_cannot_override_ours():
    s = PromptStrategy(
        verify, authorization_url=AUTHORIZE, token_url=TOKEN, client_id="ABC123", state=False, pkce=False
    )
    assert redirect(s) == AUTHORIZE + "?prompt=mobile&response_type=code&client_id=ABC123"


def test_custom_headers_never_reach_the_browser_redirect():
    url = redirect(strategy(custom_headers={"X-Secret-Header": "value"}))
    assert "X-Secret" not in url and "value" not in url


def test_pkce_s256_sends_a_43_character_challenge(qs):
    s = strategy(state=True, pkce="S256")
    session = {}
    sent = qs(redirect(s, session=session))
    assert sent["code_challenge_method"] == "S256"
    assert len(sent["code_challenge"]) == 43
    (entry,) = session["oauth2:www.example.com"]["pending"]
    assert "code_verifier" not in entry  # a reference only (security items 10, 24)
    verifier = s._flow_key.derive(entry["pkce"])
    assert len(verifier) == 43
    assert set(verifier) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_pkce_true_means_s256(qs):
    assert qs(redirect(strategy(state=True, pkce=True), session={}))["code_challenge_method"] == "S256"


def test_the_rfc7636_appendix_b_example_gives_the_expected_challenge(monkeypatch, qs):
    import passport.strategies.oauth2._pkce as module

    monkeypatch.setattr(module.FlowKey, "new_flow", lambda self: ("ref", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
    sent = qs(redirect(strategy(state=True, pkce="S256"), session={}))
    assert sent["code_challenge"] == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_each_redirect_gets_a_fresh_256_bit_state(qs):
    s = strategy(state=True)
    session = {}
    states = {qs(redirect(s, session=session))["state"] for _ in range(3)}
    assert len(states) == 3
    assert all(len(state) >= 43 for state in states)
