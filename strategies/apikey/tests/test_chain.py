"""apikey and bearer together in one guard, as the README shows them."""

from __future__ import annotations

import pytest

from passport.core import Passport
from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy
from passport.strategies.apikey import KeyStore
from passport.strategies.apikey import keys_match
from passport.strategy_runner import make_request

KEY = "reports-key-0123456789"
TOKEN = "admin.token-42"


@pytest.fixture
def passport() -> Passport:
    passport = Passport()
    passport.use(APIKeyStrategy(KeyStore([(KEY, {"id": "reports"})])))
    passport.use(BearerStrategy(lambda t: {"id": "admin"} if keys_match(t, TOKEN) else None, realm="api"))
    return passport


def test_either_credential_passes_the_guard(passport: Passport) -> None:
    guard = passport.authenticate(["apikey", "bearer"], session=False)
    by_key = make_request(headers={"X-API-Key": KEY})
    by_token = make_request(headers={"Authorization": f"Bearer {TOKEN}"})
    assert guard.run(by_key) is None and by_key.user == {"id": "reports"}
    assert guard.run(by_token) is None and by_token.user == {"id": "admin"}


def test_no_credential_answers_401_with_the_bearer_challenge_only(passport: Passport) -> None:
    response = passport.authenticate(["apikey", "bearer"], session=False).run(make_request())
    assert response is not None and response.status == 401
    assert response.header_list("WWW-Authenticate") == ['Bearer realm="api"']


def test_a_malformed_credential_anywhere_in_the_chain_answers_400(passport: Passport) -> None:
    guard = passport.authenticate(["apikey", "bearer"], session=False)
    response = guard.run(make_request(headers={"X-API-Key": f"{KEY}, {KEY}"}))
    assert response is not None and response.status == 400
    outcome = guard.attempt(make_request(headers={"X-API-Key": f"{KEY}, {KEY}"}))
    assert outcome.status == [400, None]


def test_51_the_strategies_say_when_a_request_carries_their_credentials() -> None:
    from passport.strategy_runner import make_request

    key = APIKeyStrategy(lambda k: None)
    bearer = BearerStrategy(lambda t: None)
    assert key.has_credentials(make_request(headers={"X-API-Key": "k"})) == "header:x-api-key"
    assert key.has_credentials(make_request(headers={"Authorization": "Bearer t"})) is False
    assert bearer.has_credentials(make_request(headers={"Authorization": "Bearer t"})) == "header:authorization"
    assert bearer.has_credentials(make_request(headers={"Authorization": "Basic dTpw"})) is False
    assert bearer.has_credentials(make_request(url="/?access_token=t")) is False  # not read: not counted
    assert BearerStrategy(lambda t: None, allow_query=True).has_credentials(make_request(url="/?access_token=t"))
