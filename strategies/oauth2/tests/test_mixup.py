"""Mix-up defence: a flow is bound to its provider, and ``iss`` must name the expected issuer (RFC 9207)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from passport.strategies.oauth2 import OAuth2Strategy

OTHER_PROVIDER = "Authorization response is for another provider."
MISMATCH = "Authorization response came from another issuer."
MISSING = "Authorization response does not name its issuer."


def with_iss(location: str, *values: str) -> str:
    return location + "".join(f"&iss={quote(value, safe='')}" for value in values)


# -- a flow belongs to the provider it was sent to -----------------------------------------------


@pytest.mark.parametrize("differs_by", ["client_id", "authorization_url"])
def test_a_flow_started_with_one_provider_fails_at_anothers_callback(make_strategy, provider, browser, differs_by):
    # Both keep their pending flows in the same session slot, as two providers on one host do.
    a = make_strategy(session_key="oauth2:shared")
    other = {"client_id": "another-client"}
    if differs_by == "authorization_url":
        other = {"authorization_url": provider.url + "/other/authorize"}
    b = make_strategy(session_key="oauth2:shared", **other)
    session: dict = {}
    location = browser.consent(browser.start(a, session).url)
    result = browser.callback(b, location, session)
    assert (result.action, result.status, result.message) == ("fail", 403, OTHER_PROVIDER)
    assert provider.token_requests == []
    # The state was consumed there: the answer cannot be replayed at the right callback either.
    assert browser.callback(a, location, session).status == 403
    assert provider.token_requests == []


def test_the_same_provider_completes_its_own_flow(make_strategy, provider, browser):
    a = make_strategy(session_key="oauth2:shared")
    again = make_strategy(session_key="oauth2:shared")  # another instance, same provider and client
    session: dict = {}
    location = browser.consent(browser.start(a, session).url)
    assert browser.callback(again, location, session).action == "success"


# -- iss ------------------------------------------------------------------------------------------


def test_the_expected_iss_is_accepted(make_strategy, provider, browser):
    strategy = make_strategy(issuer=provider.url, require_iss=True)
    session: dict = {}
    location = browser.consent(browser.start(strategy, session).url)
    assert browser.callback(strategy, with_iss(location, provider.url), session).action == "success"


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (["https://b.test"], MISMATCH),
        (["{url}/"], MISMATCH),  # a trailing slash is another issuer: exact comparison
        (["{url}".upper()], MISMATCH),
        (["{url}", "{url}"], MISMATCH),  # repeated
        ([], MISSING),
    ],
    ids=["another issuer", "trailing slash", "other case", "repeated", "missing"],
)
def test_a_wrong_or_missing_iss_fails_before_any_token_request(make_strategy, provider, browser, sent, message):
    strategy = make_strategy(issuer=provider.url, require_iss=True)
    session: dict = {}
    location = browser.consent(browser.start(strategy, session).url)
    values = [v.replace("{url}", provider.url).replace("{URL}", provider.url.upper()) for v in sent]
    result = browser.callback(strategy, with_iss(location, *values), session)
    assert (result.action, result.status, result.message) == ("fail", 403, message)
    assert provider.token_requests == []


def test_without_require_iss_a_missing_iss_is_accepted_but_a_wrong_one_is_not(make_strategy, provider, browser):
    strategy = make_strategy(issuer=provider.url)
    session: dict = {}
    location = browser.consent(browser.start(strategy, session).url)
    assert browser.callback(strategy, location, session).action == "success"
    location = browser.consent(browser.start(strategy, session).url)
    wrong = browser.callback(strategy, with_iss(location, "https://b.test"), session)
    assert (wrong.action, wrong.status, wrong.message) == ("fail", 403, MISMATCH)
    assert len(provider.token_requests) == 1


def test_without_an_issuer_iss_is_not_checked(make_strategy, provider, browser):
    strategy = make_strategy()
    session: dict = {}
    location = browser.consent(browser.start(strategy, session).url)
    assert browser.callback(strategy, with_iss(location, "https://anything.test"), session).action == "success"


def test_an_error_response_from_another_issuer_is_not_reported_as_this_providers(make_strategy, provider, browser):
    strategy = make_strategy(issuer=provider.url)
    session: dict = {}
    denied = browser.consent(browser.start(strategy, session).url, deny="1")
    result = browser.callback(strategy, with_iss(denied, "https://b.test"), session)
    assert (result.action, result.status, result.message) == ("fail", 403, MISMATCH)
    honest = browser.consent(browser.start(strategy, session).url, deny="1")
    result = browser.callback(strategy, with_iss(honest, provider.url), session)
    assert (result.action, result.status) == ("fail", None)  # access_denied, as without iss
    assert provider.token_requests == []


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"require_iss": True}, "require_iss needs the issuer"),
        ({"issuer": ""}, "issuer must be"),
        ({"issuer": 7}, "issuer must be"),
    ],
)
def test_issuer_options_are_checked(provider, options, problem):
    with pytest.raises(ValueError, match=problem):
        OAuth2Strategy(
            lambda *args: None,
            authorization_url=provider.authorization_url,
            token_url=provider.token_url,
            client_id="client",
            **options,
        )
