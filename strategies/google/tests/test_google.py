"""GoogleStrategy against the fake Google: issuer, scopes, profile shape, hosted domains."""

from __future__ import annotations

import pytest
from conftest import google_login

from passport.strategies.google import GOOGLE_ISSUER
from passport.strategies.google import GoogleStrategy
from passport.strategies.oauth2 import Profile
from passport.strategies.oauth2 import ProfileEmail
from passport.strategies.oauth2 import ProfileName
from passport.strategies.oauth2 import ProfilePhoto
from passport.strategies.oidc import DiscoveryError
from passport.strategies.oidc import IDTokenError


def test_sign_in_with_google_gives_passports_profile(make_google, google):
    result = google_login(make_google())
    assert result.action == "success", result.error
    profile = result.user
    assert isinstance(profile, Profile)
    assert (profile.provider, profile.id, profile.display_name) == ("google", "110169484474386276334", "Jane Doe")
    assert profile.name == ProfileName(family_name="Doe", given_name="Jane")
    assert profile.emails == (ProfileEmail("jane@example.com", primary=True, verified=True),)
    assert profile.photos == (ProfilePhoto("https://lh3.googleusercontent.com/a/ACg8ocJ=s96-c"),)
    assert profile.json["azp"].endswith(".apps.googleusercontent.com")
    assert profile.email == "jane@example.com"


def test_google_scopes_and_the_authorization_request(make_google, google):
    google_login(make_google(), {"access_type": "offline", "prompt": "consent"})
    sent = google.auth_requests[0]
    assert sent["scope"] == "openid email profile"
    assert (sent["access_type"], sent["prompt"], sent["code_challenge_method"]) == ("offline", "consent", "S256")
    assert sent["nonce"] and "hd" not in sent


def test_userinfo_on_top_of_the_claims(make_google, google):
    result = google_login(make_google(userinfo=True))
    assert result.action == "success", result.error
    assert result.user.json["locale"] == "en"


def test_hosted_domain_accepts_its_accounts(make_google, google):
    google.account["hd"] = "example.com"
    result = google_login(make_google(hosted_domain="example.com"))
    assert result.action == "success", result.error
    assert google.auth_requests[0]["hd"] == "example.com"


def test_hosted_domain_refuses_personal_accounts(make_google, google):
    result = google_login(make_google(hosted_domain="example.com"))  # no hd claim: a gmail.com account
    assert result.action == "error"
    assert isinstance(result.error, IDTokenError) and result.error.reason == "hd"
    assert result.error.status == 401


def test_hosted_domain_refuses_other_domains_whatever_the_url_said(make_google, google):
    google.account["hd"] = "evil.test"
    result = google_login(make_google(hosted_domain=["example.com", "example.org"]))
    assert result.error.reason == "hd"
    assert google.auth_requests[0]["hd"] == "*"


def test_defaults_name_google_itself():
    """Google's issuer by default (its configuration given here: tests never leave 127.0.0.1)."""
    metadata = {
        "issuer": "https://accounts.google.com",
        "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_endpoint": "https://oauth2.googleapis.com/token",
        "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
    }
    strategy = GoogleStrategy(
        lambda *a: None, client_id="x", client_secret="y", callback_url="https://app.test/cb", metadata=metadata
    )
    assert strategy.name == "google" and GOOGLE_ISSUER == "https://accounts.google.com"
    assert strategy.openapi_scheme["openIdConnectUrl"] == "https://accounts.google.com/.well-known/openid-configuration"
    with pytest.raises(DiscoveryError):  # a configuration for another issuer is still refused
        GoogleStrategy(
            lambda *a: None,
            client_id="x",
            client_secret="y",
            callback_url="https://app.test/cb",
            metadata={**metadata, "issuer": "https://evil.test"},
        )


def test_hosted_domain_must_be_lower_case(make_google):
    with pytest.raises(ValueError, match="hosted_domain"):
        make_google(hosted_domain="Example.com")


async def test_an_async_verify_in_async_mode(make_google, google):
    import asyncio

    import requests

    from passport.strategy_runner import arun_strategy
    from passport.strategy_runner import make_request

    async def verify(access_token, refresh_token, profile):
        return {"id": profile.id, "token_is_googles": access_token.startswith("ya29.")}

    strategy = make_google(verify)
    session: dict = {}
    first = await arun_strategy(strategy, make_request(url="http://app.test/auth/google", session=session))
    answer = await asyncio.to_thread(requests.get, first.url, allow_redirects=False, timeout=5)
    result = await arun_strategy(strategy, make_request(url=answer.headers["Location"], session=session))
    assert result.user == {"id": "110169484474386276334", "token_is_googles": True}


def test_pass_request(make_google, google):
    seen = []

    def verify(request, access_token, refresh_token, profile):
        seen.append((request.path, profile.provider))
        return profile

    assert google_login(make_google(verify, pass_request=True)).action == "success"
    assert seen == [("/auth/google/callback", "google")]


def test_a_personal_account_without_a_restriction_is_accepted(make_google, google):
    google.account.pop("name")
    google.account["email_verified"] = False
    profile = google_login(make_google()).user
    assert profile.display_name is None
    assert profile.emails[0].verified is False
