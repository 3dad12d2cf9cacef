"""The whole authorization-code flow against a real Authlib provider on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib

import pytest
from oauth2_helpers import CALLBACK
from oauth2_helpers import CLIENT_ID
from oauth2_helpers import SESSION_KEY
from oauth2_helpers import USER
from oauth2_helpers import pending_verifier

from passport.core import Passport
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategy_runner import make_request


class ProviderStrategy(OAuth2Strategy):
    """A named provider, the documented way: fixed endpoints and a user_profile override."""

    name = "provider"

    def __init__(self, verify, *, userinfo_url, **options):
        super().__init__(verify, **options)
        self.userinfo_url = userinfo_url

    def user_profile(self, access_token):
        data = self.fetch_json(self.userinfo_url, access_token)
        return {"provider": "provider", "id": data["sub"], "display_name": data["name"]}


def test_a_full_login_succeeds_with_pkce_checked_by_the_provider(make_strategy, provider, browser, qs):
    seen = []

    def verify(access_token, refresh_token, profile):
        seen.append((access_token, refresh_token, profile))
        return {"id": "u-1"}

    strategy = make_strategy(verify)
    session = {}
    first = browser.start(strategy, session)
    sent = qs(first.url)
    assert sent["code_challenge_method"] == "S256"
    verifier = pending_verifier(strategy, session[SESSION_KEY]["pending"][0])
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert sent["code_challenge"] == digest

    result = browser.callback(strategy, browser.consent(first.url), session)

    assert result.action == "success", result.error
    assert result.user == {"id": "u-1"}
    assert result.info == {}
    access_token, refresh_token, profile = seen[0]
    assert access_token in provider.tokens
    assert refresh_token is None
    assert profile == {}
    (token_request,) = provider.token_requests
    assert token_request.form["code_verifier"] == verifier
    assert token_request.form["redirect_uri"] == CALLBACK
    assert token_request.form["client_id"] == CLIENT_ID
    assert token_request.form["grant_type"] == "authorization_code"
    assert SESSION_KEY not in session  # the flow's entry is consumed


def test_the_redirect_uri_is_identical_in_both_legs(make_strategy, provider, browser, qs):
    strategy = make_strategy(callback_url="/auth/provider/callback", allowed_hosts=["app.test"])
    session = {}
    first = browser.start(strategy, session)
    assert qs(first.url)["redirect_uri"] == CALLBACK
    result = browser.callback(strategy, browser.consent(first.url), session)
    assert result.action == "success", result.error
    assert provider.token_requests[0].form["redirect_uri"] == CALLBACK


def test_a_subclass_loads_the_profile_from_the_userinfo_endpoint(make_strategy, provider, browser):
    seen = []

    def verify(access_token, refresh_token, profile):
        seen.append(profile)
        return {"id": profile["id"]}

    strategy = make_strategy(verify, cls=ProviderStrategy, userinfo_url=provider.userinfo_url)
    result = browser.login(strategy, {})
    assert result.action == "success", result.error
    assert seen == [{"provider": "provider", "id": USER["sub"], "display_name": USER["name"]}]
    userinfo = [r for r in provider.requests if r.path == "/userinfo"]
    assert userinfo[0].headers["Authorization"].startswith("Bearer ")


def test_verify_params_passes_the_token_response_without_the_refresh_token(make_strategy, provider, browser):
    provider.extra_token_fields = {"refresh_token": "rt-1", "example_parameter": "example_value"}
    seen = []

    def verify(access_token, refresh_token, params, profile):
        seen.append((refresh_token, params))
        return {"id": "u-1"}

    result = browser.login(make_strategy(verify, verify_params=True), {})
    assert result.action == "success", result.error
    refresh_token, params = seen[0]
    assert refresh_token == "rt-1"
    assert params["example_parameter"] == "example_value"
    assert params["token_type"].lower() == "bearer"
    assert "refresh_token" not in params
    assert params["access_token"]


def test_pass_request_puts_the_request_first(make_strategy, browser):
    seen = []

    def verify(request, access_token, refresh_token, profile):
        seen.append(request.method)
        return {"id": "u-1"}

    assert browser.login(make_strategy(verify, pass_request=True), {}).action == "success"
    assert seen == ["GET"]


def test_pass_request_with_verify_params_takes_five_arguments(make_strategy, browser):
    seen = []

    def verify(request, access_token, refresh_token, params, profile):
        seen.append((request.path, sorted(params)))
        return {"id": "u-1"}

    assert browser.login(make_strategy(verify, pass_request=True, verify_params=True), {}).action == "success"
    assert seen[0][0] == "/auth/provider/callback"


def test_an_async_verify_works_in_a_sync_app(make_strategy, browser):
    async def verify(access_token, refresh_token, profile):
        return {"id": "async"}

    assert browser.login(make_strategy(verify), {}).user == {"id": "async"}


def test_verify_returning_none_is_a_401_failure(make_strategy, browser):
    result = browser.login(make_strategy(lambda a, r, p: None), {})
    assert result.action == "fail"
    assert result.status is None
    assert result.challenge is None


def test_verify_returning_false_with_info_fails_with_that_info(make_strategy, browser):
    result = browser.login(make_strategy(lambda a, r, p: (False, {"message": "Account disabled."})), {})
    assert result.action == "fail"
    assert result.message == "Account disabled."


@pytest.mark.parametrize("message", ["Account disabled.", "No account for\r\nann"])
def test_verify_rejecting_with_a_string_fails_with_that_message_never_a_challenge(make_strategy, browser, message):
    result = browser.login(make_strategy(lambda a, r, p: (None, message)), {})
    assert (result.action, result.status, result.message) == ("fail", None, message)
    assert result.challenge is None  # a message, not a WWW-Authenticate value (where CR/LF is refused)


def test_verify_info_is_kept_on_success(make_strategy, browser):
    result = browser.login(make_strategy(lambda a, r, p: ({"id": 1}, {"scope": "read"})), {})
    assert result.info == {"scope": "read"}


def test_a_verify_that_raises_is_an_error(make_strategy, browser):
    def verify(access_token, refresh_token, profile):
        raise RuntimeError("database down")

    result = browser.login(make_strategy(verify), {})
    assert result.action == "error"
    assert str(result.error) == "database down"


def test_application_state_comes_back_as_info_state(make_strategy, browser):
    strategy = make_strategy()
    result = browser.login(strategy, {}, options={"state": {"return_to": "/settings"}})
    assert result.action == "success", result.error
    assert result.info == {"state": {"return_to": "/settings"}}


def test_application_state_is_added_to_verify_info(make_strategy, browser):
    strategy = make_strategy(lambda a, r, p: ({"id": 1}, {"message": "Welcome"}))
    result = browser.login(strategy, {}, options={"state": "from-route"})
    assert result.info == {"message": "Welcome", "state": "from-route"}


def test_client_secret_basic_authenticates_with_http_basic(make_strategy, provider, browser):
    provider.auth_method = "client_secret_basic"
    result = browser.login(make_strategy(client_auth="client_secret_basic"), {})
    assert result.action == "success", result.error
    request = provider.token_requests[0]
    assert request.headers["Authorization"].startswith("Basic ")
    assert "client_secret" not in request.form


def test_the_provider_refuses_a_wrong_client_secret_as_a_token_error(make_strategy, browser):
    result = browser.login(make_strategy(client_secret="wrong-secret-value"), {})
    assert result.action == "error"
    assert result.error.code == "invalid_client"
    assert "wrong-secret-value" not in repr(result.error)


def test_pkce_plain_is_used_only_when_asked(make_strategy, browser, qs):
    strategy = make_strategy(pkce="plain")
    session = {}
    first = browser.start(strategy, session)
    verifier = pending_verifier(strategy, session[SESSION_KEY]["pending"][0])
    assert qs(first.url)["code_challenge"] == verifier
    assert qs(first.url)["code_challenge_method"] == "plain"
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"


def test_the_provider_checks_the_verifier_so_a_wrong_one_is_refused(make_strategy, provider, browser):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    slot = session[SESSION_KEY]
    version, fingerprint, _seed = slot["pending"][0]["pkce"].split(".")
    slot["pending"][0]["pkce"] = f"{version}.{fingerprint}.{'x' * 43}"  # another flow's seed, same key
    result = browser.callback(strategy, browser.consent(first.url), session)
    assert result.action == "error"
    assert result.error.code == "invalid_grant"
    assert len(provider.token_requests) == 1


def test_without_pkce_no_challenge_is_sent(make_strategy, provider, browser):
    strategy = make_strategy(pkce=False)
    session = {}
    first = browser.start(strategy, session)
    assert "code_challenge" not in first.url
    assert "code_verifier" not in session[SESSION_KEY]["pending"][0]
    assert "pkce" not in session[SESSION_KEY]["pending"][0]
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"
    assert "code_verifier" not in provider.token_requests[0].form


def test_a_code_reused_at_the_provider_is_a_token_error(make_strategy, provider, browser, qs):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    assert browser.callback(strategy, location, session).action == "success"
    # Replay the same code with a fresh, valid state: the provider says invalid_grant.
    again = browser.start(strategy, session)
    replay = location.replace(qs(location)["state"], qs(again.url)["state"])
    result = browser.callback(strategy, replay, session)
    assert result.action == "error"
    assert result.error.code == "invalid_grant"
    assert result.error.status == 500


def test_form_post_callbacks_read_code_and_state_from_the_body(make_strategy, provider, browser, qs):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    answer = qs(browser.consent(first.url))
    request = make_request(method="POST", url=CALLBACK, body={"code": answer["code"], "state": answer["state"]})
    request.session = session
    from passport.strategy_runner import run_strategy

    result = run_strategy(strategy, request)
    assert result.action == "success", result.error


def test_a_guard_redirects_then_logs_the_user_in(make_strategy, browser):
    passport = Passport()
    passport.use(make_strategy())

    @passport.serializer
    def serialize(user):
        return user["id"]

    session = {}
    start = passport.authenticate("oauth2").run(make_request(url="http://app.test/auth/provider", session=session))
    assert start.status == 302
    location = browser.consent(start.header("Location"))
    request = make_request(url=location, session=session)
    response = passport.authenticate("oauth2", success_redirect="/", failure_redirect="/login").run(request)
    assert response.status == 302
    assert response.header("Location") == "/"
    assert request.session["passport"]["user"] == "u-1"
    # Security item 32: the page the callback leads to never learns the callback URL (code, state).
    assert response.header("Referrer-Policy") == "no-referrer"


@pytest.mark.parametrize("scope", ["read write", ["read", "write"]])
def test_scope_reaches_the_provider(make_strategy, provider, browser, scope):
    assert browser.login(make_strategy(scope=scope), {}).action == "success"
    assert provider.requests[0].args["scope"] == "read write"


def test_without_a_callback_url_no_redirect_uri_is_sent_in_either_leg(make_strategy, provider, browser, qs):
    strategy = make_strategy(callback_url=None)
    session = {}
    first = browser.start(strategy, session)
    assert "redirect_uri" not in qs(first.url)
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"
    assert "redirect_uri" not in provider.token_requests[0].form


def test_a_route_callback_url_is_used_in_both_legs(make_strategy, provider, browser, qs):
    options = {"callback_url": "http://app.test/other/callback"}
    result = browser.login(make_strategy(), {}, options=options)
    assert result.action == "success", result.error
    assert provider.requests[0].args["redirect_uri"] == "http://app.test/other/callback"
    assert provider.token_requests[0].form["redirect_uri"] == "http://app.test/other/callback"


def test_a_relative_callback_follows_the_scheme_of_an_https_request(make_strategy, provider, browser, qs):
    strategy = make_strategy(callback_url="/auth/provider/callback", allowed_hosts=["app.test"])
    session = {}
    first = browser.callback(strategy, "https://app.test/auth/provider", session)
    location = browser.consent(first.url)
    assert location.startswith("https://app.test/auth/provider/callback?")
    assert browser.callback(strategy, location, session).action == "success"
    assert provider.token_requests[0].form["redirect_uri"] == "https://app.test/auth/provider/callback"


def test_loopback_endpoints_need_no_insecure_transport_variable(make_strategy, browser, monkeypatch):
    import os

    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    assert browser.login(make_strategy(), {}).action == "success"
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ


@pytest.mark.parametrize(("state", "info"), [(True, {"state": True}), (False, {}), (None, {}), (0, {"state": 0})])
def test_route_state_values_are_kept_as_passport_does(make_strategy, browser, state, info):
    assert browser.login(make_strategy(), {}, options={"state": state}).info == info


def test_a_route_string_state_is_application_state_never_the_literal_state_parameter(make_strategy, browser, qs):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session, {"state": "foo123"})
    assert qs(first.url)["state"] != "foo123"
    result = browser.callback(strategy, browser.consent(first.url), session, {"state": "foo123"})
    assert result.info == {"state": "foo123"}


def test_a_form_post_callback_without_a_callback_url_succeeds(make_strategy, browser, qs):
    strategy = make_strategy(callback_url=None, state=False, pkce=False)
    first = browser.start(strategy, {})
    code = qs(browser.consent(first.url))["code"]
    result = browser.callback(strategy, "http://app.test/cb", {}, method="POST", body={"code": code})
    assert result.action == "success", result.error


def test_concurrent_logins_in_threads_through_one_strategy_stay_separate(make_strategy, provider, browser):
    from concurrent.futures import ThreadPoolExecutor

    strategy = make_strategy(lambda access_token, refresh_token, profile: {"token": access_token})
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: browser.login(strategy, {}), range(8)))
    assert all(r.action == "success" for r in results)
    assert len({r.user["token"] for r in results}) == 8
    verifiers = {r.form["code_verifier"] for r in provider.token_requests}
    assert len(verifiers) == 8
