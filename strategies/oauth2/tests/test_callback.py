"""The callback leg: provider errors, code hygiene, profile loading and the subclass hooks."""

from __future__ import annotations

import pytest
from oauth2_helpers import SESSION_KEY

from passport.strategies.oauth2 import AuthorizationError
from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import TokenError


def test_a_denied_consent_is_a_401_failure_with_the_description(make_strategy, provider, browser, qs):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url, deny="1")
    assert qs(location)["error"] == "access_denied"
    result = browser.callback(strategy, location, session)
    assert result.action == "fail"
    assert result.status is None
    assert result.message == qs(location).get("error_description")
    assert provider.token_requests == []
    assert SESSION_KEY not in session  # the denied flow's state is consumed


def error_callback(strategy, browser, qs, query, session=None):
    """An error answer to a flow this browser started: the state is the real one."""
    session = {} if session is None else session
    first = browser.start(strategy, session)
    state = qs(first.url)["state"]
    return browser.callback(strategy, f"http://app.test/cb?{query}&state={state}", session)


def test_access_denied_without_a_description_fails_without_a_message(make_strategy, browser, qs):
    result = error_callback(make_strategy(), browser, qs, "error=access_denied")
    assert (result.action, result.status, result.challenge) == ("fail", None, {})


def test_access_denied_with_a_description_uses_it(make_strategy, browser, qs):
    result = error_callback(make_strategy(), browser, qs, "error=access_denied&error_description=Not%20now")
    assert result.message == "Not now"


@pytest.mark.parametrize(
    ("query", "code", "message", "uri", "status"),
    [
        ("error=invalid_scope", "invalid_scope", None, None, 500),
        ("error=invalid_scope&error_description=Bad%20scope", "invalid_scope", "Bad scope", None, 500),
        (
            "error=invalid_scope&error_description=Bad&error_uri=https%3A%2F%2Fp.test%2Fe",
            "invalid_scope",
            "Bad",
            "https://p.test/e",
            500,
        ),
        ("error=server_error", "server_error", None, None, 502),
        ("error=temporarily_unavailable", "temporarily_unavailable", None, None, 503),
    ],
)
def test_other_provider_errors_are_authorization_errors(
    make_strategy, provider, browser, qs, query, code, message, uri, status
):
    result = error_callback(make_strategy(), browser, qs, "code=abc&" + query)
    assert result.action == "error"
    assert isinstance(result.error, AuthorizationError)
    assert (result.error.code, result.error.message, result.error.uri, result.error.status) == (
        code,
        message,
        uri,
        status,
    )
    assert provider.token_requests == []


PLANTED = "error=access_denied&error_description=Your%20account%20is%20locked%20-%20call%20%2B1%20555%200100"


@pytest.mark.parametrize("session", [None, {}], ids=["no session", "a fresh session"])
def test_29_an_error_callback_without_state_is_refused_and_its_text_is_never_shown(make_strategy, browser, session):
    result = browser.callback(make_strategy(), f"http://app.test/cb?{PLANTED}", session)
    assert (result.action, result.status) == ("fail", 403)
    assert "locked" not in repr(result.message) and "555" not in repr(result.challenge)


def test_29_an_error_callback_with_a_forged_state_is_refused_and_its_text_is_never_shown(make_strategy, browser):
    session = {}
    browser.start(make_strategy(), session)
    result = browser.callback(make_strategy(), f"http://app.test/cb?{PLANTED}&state=forged", session)
    assert (result.action, result.status) == ("fail", 403)
    assert "locked" not in repr(result.message)


def test_an_error_callback_consumes_its_state(make_strategy, provider, browser, qs):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    state = qs(location)["state"]
    browser.callback(strategy, f"http://app.test/cb?error=server_error&state={state}", session)
    assert browser.callback(strategy, location, session).status == 403
    assert provider.token_requests == []


def test_an_error_description_is_cleaned_of_control_characters_and_capped(make_strategy, browser, qs):
    query = "error=access_denied&error_description=line1%0D%0ALocation:%20x" + "y" * 2000
    message = error_callback(make_strategy(), browser, qs, query).message
    assert "\r" not in message and "\n" not in message
    assert len(message) <= 512


def test_an_error_callback_without_state_checking_is_reported_as_the_providers(make_strategy, browser):
    strategy = make_strategy(state=False, pkce=False)
    result = browser.callback(strategy, "http://app.test/cb?error=access_denied&error_description=No", None)
    assert (result.action, result.message) == ("fail", "No")


@pytest.mark.parametrize(
    "code",
    ["", ["a", "b"], "x" * 2049, "caf\u00e9", "a\x00b", "tab\there"],
    ids=["empty", "repeated", "overlong", "non-ascii", "nul", "control"],
)
def test_a_malformed_code_is_a_400_without_a_token_request(make_strategy, provider, browser, qs, code):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    state = qs(first.url)["state"]
    result = browser.callback(strategy, "http://app.test/cb", session, query={"code": code, "state": state})
    assert (result.action, result.status) == ("fail", 400)
    assert provider.token_requests == []


def test_a_json_body_code_of_the_wrong_type_is_a_400(make_strategy, provider, browser, qs):
    strategy = make_strategy()
    session = {}
    state = qs(browser.start(strategy, session).url)["state"]
    result = browser.callback(
        strategy, "http://app.test/cb", session, method="POST", body={"code": {"$ne": 1}, "state": state}
    )
    assert (result.action, result.status) == ("fail", 400)


# -- profile ----------------------------------------------------------------------------------


class ProfileStrategy(OAuth2Strategy):
    def user_profile(self, access_token):
        return {"token_seen": bool(access_token)}


class FailingProfile(OAuth2Strategy):
    def user_profile(self, access_token):
        raise InternalOAuthError("Failed to fetch user profile")


class AsyncProfile(OAuth2Strategy):
    async def user_profile(self, access_token):
        return {"async": True}


def recorder():
    seen = []

    def verify(access_token, refresh_token, profile):
        seen.append(profile)
        return {"id": 1}

    return verify, seen


def test_a_user_profile_override_reaches_verify(make_strategy, browser):
    verify, seen = recorder()
    assert browser.login(make_strategy(verify, cls=ProfileStrategy), {}).action == "success"
    assert seen == [{"token_seen": True}]


def test_an_async_user_profile_works_in_a_sync_app(make_strategy, browser):
    verify, seen = recorder()
    browser.login(make_strategy(verify, cls=AsyncProfile), {})
    assert seen == [{"async": True}]


def test_a_profile_error_is_an_error_and_verify_is_not_called(make_strategy, browser):
    verify, seen = recorder()
    result = browser.login(make_strategy(verify, cls=FailingProfile), {})
    assert result.action == "error"
    assert str(result.error) == "Failed to fetch user profile"
    assert seen == []


@pytest.mark.parametrize("skip", [True, lambda token: True])
def test_skip_user_profile_gives_verify_none(make_strategy, browser, skip):
    verify, seen = recorder()
    browser.login(make_strategy(verify, cls=ProfileStrategy, skip_user_profile=skip), {})
    assert seen == [None]


def test_an_async_skip_user_profile_is_awaited(make_strategy, browser):
    async def skip(access_token):
        return False

    verify, seen = recorder()
    browser.login(make_strategy(verify, cls=ProfileStrategy, skip_user_profile=skip), {})
    assert seen == [{"token_seen": True}]


def test_a_skip_user_profile_that_raises_is_an_error(make_strategy, browser):
    def skip(access_token):
        raise RuntimeError("boom")

    assert browser.login(make_strategy(skip_user_profile=skip), {}).action == "error"


def test_fetch_json_failures_are_internal_oauth_errors(make_strategy, provider, browser):
    class BadToken(OAuth2Strategy):
        def user_profile(self, access_token):
            return self.fetch_json(provider.userinfo_url, "not-a-token")

    result = browser.login(make_strategy(cls=BadToken), {})
    assert isinstance(result.error, InternalOAuthError)
    assert result.error.upstream_status == 401
    assert str(result.error) == "Failed to fetch user profile"


def test_fetch_json_refuses_an_insecure_url(make_strategy, browser):
    class Insecure(OAuth2Strategy):
        def user_profile(self, access_token):
            return self.fetch_json("http://api.example.com/user", access_token)

    result = browser.login(make_strategy(cls=Insecure), {})
    assert isinstance(result.error, ValueError)


# -- subclass hooks ---------------------------------------------------------------------------


class TokenParams(OAuth2Strategy):
    def token_params(self, options):
        return {"type": options.get("type"), "code": "cannot-override", "grant_type": "password"}


def test_token_params_add_fields_but_cannot_override_the_grant(make_strategy, provider, browser):
    result = browser.login(make_strategy(cls=TokenParams), {}, options={"type": "web_server"})
    assert result.action == "success", result.error
    form = provider.token_requests[0].form
    assert form["type"] == "web_server"
    assert form["grant_type"] == "authorization_code"
    assert form["code"] != "cannot-override"


class CustomError(Exception):
    def __init__(self, body, status):
        super().__init__("custom")
        self.body, self.status = body, status


class CustomParse(OAuth2Strategy):
    def parse_error_response(self, body, status):
        return CustomError(body, status)


class RaisingParse(OAuth2Strategy):
    def parse_error_response(self, body, status):
        raise ValueError("nope")


def test_a_parse_error_response_override_is_delivered(make_strategy, browser):
    result = browser.login(make_strategy(cls=CustomParse, client_secret="wrong"), {})
    assert isinstance(result.error, CustomError)
    assert result.error.status == 401
    assert "invalid_client" in result.error.body


def test_a_parse_error_response_override_that_raises_falls_back(make_strategy, browser):
    result = browser.login(make_strategy(cls=RaisingParse, client_secret="wrong"), {})
    assert isinstance(result.error, InternalOAuthError)
    assert result.error.upstream_status == 401


def test_a_token_error_carries_the_providers_code_and_description(make_strategy, browser):
    result = browser.login(make_strategy(client_secret="wrong"), {})
    assert isinstance(result.error, TokenError)
    assert result.error.code == "invalid_client"
    assert result.error.status == 500
