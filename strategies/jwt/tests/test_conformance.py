"""passport-strategy-runner's conformance kit on JWTStrategy: one action, hostile input, no echoes."""

from __future__ import annotations

import json

from jwt_helpers import AUDIENCE
from jwt_helpers import SECRET
from jwt_helpers import public_jwk
from jwt_helpers import rsa_key
from jwt_helpers import token
from jwt_helpers import verify

from passport.strategies.jwt import JWKS
from passport.strategies.jwt import JWTStrategy
from passport.strategies.jwt import bearer_header
from passport.strategies.jwt import body_field
from passport.strategies.jwt import cookie
from passport.strategies.jwt import query_param
from passport.strategy_runner import check_strategy


def test_the_hmac_strategy_conforms() -> None:
    good, expired = token(), token(exp=1)
    report = check_strategy(
        JWTStrategy(verify, key=SECRET, algorithms=["HS256"], audience=AUDIENCE),
        requests={
            "valid": {"headers": {"Authorization": f"Bearer {good}"}},
            "expired": {"headers": {"Authorization": f"Bearer {expired}"}},
        },
        secrets=[SECRET, good],
    )
    assert report.results["valid"].action == "success"
    assert report.results["expired"].action == "fail"


def test_the_jwks_strategy_with_every_extractor_conforms() -> None:
    document = json.dumps({"keys": [public_jwk(rsa_key(), "a")]})
    keys = JWKS("https://issuer.test/jwks", fetch=lambda url: document)
    good = token(key=rsa_key(), alg="RS256", kid="a")
    strategy = JWTStrategy(
        verify,
        key=keys,
        algorithms=["RS256"],
        audience=AUDIENCE,
        extract=[bearer_header(), cookie("jwt"), body_field("token"), query_param("token")],
    )
    report = check_strategy(
        strategy,
        requests={
            "valid": {"headers": {"Authorization": f"Bearer {good}"}},
            "cookie": {"cookies": {"jwt": good}},
            "unknown kid": {"headers": {"Authorization": f"Bearer {token(key=rsa_key(), alg='RS256', kid='zz')}"}},
        },
        secrets=[good],
    )
    assert report.results["valid"].action == "success"
    assert report.results["cookie"].action == "success"
    assert report.results["unknown kid"].action == "fail"
