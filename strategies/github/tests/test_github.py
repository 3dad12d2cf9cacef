"""GitHubStrategy end to end against the fake GitHub (conftest.py): endpoints, scopes, profile, errors."""

from __future__ import annotations

import logging
import traceback

import pytest
from conftest import CALLBACK
from conftest import CLIENT_ID
from conftest import query

from passport.core import Passport
from passport.core import available_strategies
from passport.core import load_strategy
from passport.strategies.github import GitHubStrategy
from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import Profile
from passport.strategies.oauth2 import ProfileEmail
from passport.strategies.oauth2 import ProfilePhoto
from passport.strategies.oauth2 import TokenError
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy


def test_the_first_leg_goes_to_githubs_authorize_endpoint_with_state_pkce_and_scopes():
    strategy = GitHubStrategy(lambda *a: None, client_id=CLIENT_ID, client_secret="s", callback_url=CALLBACK)
    result = run_strategy(strategy, make_request(url="http://app.test/auth/github", session={}))
    assert result.url.startswith("https://github.com/login/oauth/authorize?")
    sent = query(result.url)
    assert sent["client_id"] == CLIENT_ID
    assert sent["redirect_uri"] == CALLBACK
    assert sent["scope"] == "read:user user:email"
    assert sent["code_challenge_method"] == "S256"
    assert len(sent["state"]) >= 43


def test_a_login_gives_verify_the_normalised_profile(make_github, github, browser):
    result = browser.login(make_github())
    assert result.action == "success", result.error
    profile = result.user
    assert isinstance(profile, Profile)
    assert profile.provider == "github"
    assert profile.id == "583231"
    assert profile.username == "octocat"
    assert profile.display_name == "The Octocat"
    assert profile.photos == (ProfilePhoto("https://avatars.githubusercontent.com/u/583231?v=4"),)
    assert profile.emails == (
        ProfileEmail("octocat@github.example", primary=True, verified=True),
        ProfileEmail("old@example.test", primary=False, verified=False),
    )
    assert profile.email == "octocat@github.example"
    assert profile.json["login"] == "octocat"
    assert '"login"' in profile.raw
    assert github.paths == ["/login/oauth/authorize", "/login/oauth/access_token", "/user", "/user/emails"]


def test_the_token_request_is_githubs_with_json_accept_and_pkce(make_github, github, browser):
    browser.login(make_github())
    _method, _path, headers, form = github.requests[1]
    assert headers["Accept"] == "application/json"
    assert form["client_id"] == CLIENT_ID
    assert form["client_secret"] == github.client_secret
    assert form["grant_type"] == "authorization_code"
    assert len(form["code_verifier"]) >= 43
    _m, _p, api_headers, _f = github.requests[2]
    assert api_headers["Authorization"].startswith("Bearer gho_")
    assert api_headers["Accept"] == "application/vnd.github+json"
    assert api_headers["X-Github-Api-Version"] == "2022-11-28"


def test_githubs_comma_separated_scope_reaches_verify_space_separated(make_github, browser):
    seen = {}

    def verify(access_token, refresh_token, params, profile):
        seen["params"] = params
        return profile

    assert browser.login(make_github(verify, verify_params=True)).action == "success"
    assert seen["params"]["scope"] == "read:user user:email"


def test_without_user_email_granted_emails_is_not_fetched_and_the_public_address_is_unverified(
    make_github, github, browser
):
    github.grant = "read:user"
    profile = browser.login(make_github()).user
    assert "/user/emails" not in github.paths
    assert profile.emails == (ProfileEmail("octocat@github.example", verified=None),)


def test_without_any_address_emails_is_empty(make_github, github, browser):
    github.grant = "read:user"
    github.user["email"] = None
    profile = browser.login(make_github(scope=["read:user"])).user
    assert profile.emails == ()
    assert profile.email is None


def test_the_user_scope_also_grants_the_email_listing(make_github, github, browser):
    github.grant = "user"
    profile = browser.login(make_github(scope="user")).user
    assert "/user/emails" in github.paths
    assert profile.emails[0].verified is True


@pytest.mark.parametrize(
    ("break_it", "code"),
    [
        ("code", "bad_verification_code"),
        ("secret", "incorrect_client_credentials"),
        ("redirect", "redirect_uri_mismatch"),
    ],
)
def test_githubs_200_with_error_token_answers_are_token_errors(make_github, github, browser, break_it, code):
    strategy = make_github(client_secret="wrong-secret-canary") if break_it == "secret" else make_github()
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    if break_it == "code":
        location = location.replace("code=", "code=0")
    if break_it == "redirect":
        github.codes[query(location)["code"]]["redirect_uri"] = "http://elsewhere.test/cb"
    result = run_strategy(strategy, make_request(url=location, session=session))
    assert result.action == "error"
    assert isinstance(result.error, TokenError)
    assert result.error.code == code
    assert result.error.status == 500
    assert "/user" not in github.paths
    text = "".join(traceback.format_exception(result.error)) + repr(result.error)
    for secret in (github.client_secret, "wrong-secret-canary", query(location)["code"]):
        assert secret not in text


def test_a_denied_consent_fails_401_with_githubs_description(make_github, browser):
    result = browser.login(make_github(), deny="1")
    assert result.action == "fail"
    assert result.message == "The user has denied your application access."


@pytest.mark.parametrize(
    "user",
    [{"login": "x"}, {"id": "583231"}, {"id": True}, {"id": -1}],
)
def test_an_unexpected_user_answer_is_a_502(make_github, github, browser, user):
    github.user = user
    result = browser.login(make_github())
    assert isinstance(result.error, InternalOAuthError)
    assert result.error.status == 502
    assert str(result.error) == "Failed to fetch user profile (unexpected answer)"


@pytest.mark.parametrize("emails", [{"email": "x"}, [{"primary": True}], ["x@example.test"]])
def test_an_unexpected_emails_answer_is_a_502(make_github, github, browser, emails):
    github.emails = emails
    result = browser.login(make_github())
    assert isinstance(result.error, InternalOAuthError)
    assert str(result.error) == "Failed to fetch user emails (unexpected answer)"


def test_a_revoked_token_at_the_api_is_a_502(make_github, github, browser):
    class Revoking(GitHubStrategy):
        def load_profile(self, tokens):
            github.tokens.clear()
            return super().load_profile(tokens)

    strategy = Revoking(
        lambda *a: None,
        client_id=CLIENT_ID,
        client_secret=github.client_secret,
        callback_url=CALLBACK,
        authorization_url=github.url + "/login/oauth/authorize",
        token_url=github.url + "/login/oauth/access_token",
        api_url=github.url,
    )
    result = browser.login(strategy)
    assert isinstance(result.error, InternalOAuthError)
    assert result.error.upstream_status == 401


async def test_async_apps_log_in_too(make_github, github, browser):
    strategy = make_github()
    session = {}
    first = await arun_strategy(strategy, make_request(url="http://app.test/auth/github", session=session))
    location = browser.consent(first.url)
    result = await arun_strategy(strategy, make_request(url=location, session=session))
    assert result.action == "success", result.error
    assert result.user.username == "octocat"


def test_user_profile_alone_reads_the_scope_github_reports(make_github, github, browser):
    seen = {}

    def verify(access_token, refresh_token, profile):
        seen["token"] = access_token
        return profile

    strategy = make_github(verify)
    browser.login(strategy)
    github.requests.clear()
    profile = strategy.user_profile(seen["token"])
    assert profile.id == "583231"
    assert github.paths == ["/user", "/user/emails"]  # X-OAuth-Scopes named user:email


def test_a_full_login_logs_no_secret_at_debug(make_github, github, browser, caplog):
    caplog.set_level(logging.DEBUG)
    seen = {}

    def verify(access_token, refresh_token, profile):
        seen["token"] = access_token
        return profile

    strategy = make_github(verify)
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    caplog.clear()
    assert run_strategy(strategy, make_request(url=location, session=session)).action == "success"
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("werkzeug"))
    for secret in (github.client_secret, seen["token"], query(location)["code"]):
        assert secret not in text


def test_endpoints_are_checked_like_oauth2s(github):
    with pytest.raises(ValueError, match="https"):
        GitHubStrategy(lambda *a: None, client_id="c", client_secret="s", api_url="http://github.example.com")
    with pytest.raises(ValueError, match="https"):
        GitHubStrategy(lambda *a: None, client_id="c", client_secret="s", token_url="http://github.example.com/t")
    enterprise = GitHubStrategy(
        lambda *a: None,
        client_id="c",
        client_secret="s",
        authorization_url="https://ghe.example/login/oauth/authorize",
        token_url="https://ghe.example/login/oauth/access_token",
        api_url="https://ghe.example/api/v3/",
    )
    assert enterprise.openapi_scheme["flows"]["authorizationCode"]["tokenUrl"].startswith("https://ghe.example/")


def test_it_is_an_oauth2_strategy_registered_as_github():
    assert issubclass(GitHubStrategy, OAuth2Strategy)
    assert GitHubStrategy.name == "github"
    info = available_strategies()["github"]
    assert info.distribution == "passport-strategy-github"
    assert info.target == "passport.strategies.github:GitHubStrategy"
    assert load_strategy("github") is GitHubStrategy


def test_it_serves_a_guard_with_the_default_name(make_github, browser):
    passport = Passport()
    passport.use(make_github())
    session = {}
    start = passport.authenticate("github").run(make_request(url="http://app.test/auth/github", session=session))
    assert start.status == 302
    location = browser.consent(start.header("Location"))
    outcome = passport.authenticate("github").attempt(make_request(url=location, session=session))
    assert outcome.action == "success", outcome.error


def test_profile_requires_a_provider_and_an_id():
    with pytest.raises(ValueError, match="id"):
        Profile(provider="github", id="")
    with pytest.raises(ValueError, match="provider"):
        Profile(provider="", id="1")
    assert Profile(provider="p", id="1").email is None
