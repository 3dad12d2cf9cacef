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


def test_both_read_a_bearer_header_so_the_chain_refuses_it_by_default() -> None:
    guard = make_passport().authenticate(["jwt", "bearer"], session=False)
    response = guard.run(make_request(headers={"Authorization": f"Bearer {token()}"}))
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
