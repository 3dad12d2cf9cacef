"""JWTStrategy in a chain beside passport-strategy-apikey's BearerStrategy (the same header)."""

from __future__ import annotations

from jwt_helpers import AUDIENCE
from jwt_helpers import SECRET
from jwt_helpers import token
from jwt_helpers import verify

from passport.core import Passport
from passport.strategies.apikey import BearerStrategy
from passport.strategies.jwt import JWTStrategy
from passport.strategy_runner import make_request


def make_passport() -> Passport:
    passport = Passport()
    passport.use(JWTStrategy(verify, key=SECRET, algorithms=["HS256"], audience=AUDIENCE))
    passport.use(BearerStrategy(lambda value: {"id": "opaque"} if value == "opaque-token" else None))
    return passport


def test_one_bearer_header_is_one_credential_for_both_so_the_chain_tries_them_in_turn() -> None:
    guard = make_passport().authenticate(["jwt", "bearer"], session=False)
    jwt_request = make_request(headers={"Authorization": f"Bearer {token()}"})
    opaque_request = make_request(headers={"Authorization": "Bearer opaque-token"})
    assert guard.run(jwt_request) is None and jwt_request.user == {"id": "ann"}
    assert guard.run(opaque_request) is None and opaque_request.user == {"id": "opaque"}


def test_a_bearer_header_beside_an_api_key_is_still_two_credentials() -> None:
    from passport.strategies.apikey import APIKeyStrategy

    passport = make_passport()
    passport.use(APIKeyStrategy(lambda key: {"id": "key"} if key == "k" else None))
    guard = passport.authenticate(["jwt", "apikey"], session=False)
    response = guard.run(make_request(headers={"Authorization": f"Bearer {token()}", "X-API-Key": "k"}))
    assert response is not None and response.status == 400


def test_with_multiple_credentials_allowed_a_jwt_and_an_opaque_token_both_pass() -> None:
    guard = make_passport().authenticate(["jwt", "bearer"], session=False, allow_multiple_credentials=True)
    jwt_request = make_request(headers={"Authorization": f"Bearer {token()}"})
    opaque_request = make_request(headers={"Authorization": "Bearer opaque-token"})
    assert guard.run(jwt_request) is None and jwt_request.user == {"id": "ann"}
    assert guard.run(opaque_request) is None and opaque_request.user == {"id": "opaque"}


def test_when_both_fail_both_challenges_are_sent() -> None:
    guard = make_passport().authenticate(["jwt", "bearer"], session=False, allow_multiple_credentials=True)
    response = guard.run(make_request(headers={"Authorization": f"Bearer {token(exp=1)}"}))
    assert response is not None and response.status == 401
    challenges = [value for name, value in response.headers if name == "WWW-Authenticate"]
    assert challenges == [
        'Bearer realm="Users", error="invalid_token", error_description="The token has expired"',
        'Bearer realm="Users", error="invalid_token"',
    ]
