"""Configuration: algorithms required, never none, no key-type confusion, keys parsed once."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt_helpers import AUDIENCE
from jwt_helpers import SECRET
from jwt_helpers import bearer
from jwt_helpers import ec_key
from jwt_helpers import ed_key
from jwt_helpers import public_jwk
from jwt_helpers import public_pem
from jwt_helpers import rsa_key
from jwt_helpers import token
from jwt_helpers import verify

from passport.strategies.jwt import JWKS
from passport.strategies.jwt import JWTStrategy
from passport.strategy_runner import run_strategy


def test_algorithms_is_required() -> None:
    with pytest.raises(TypeError, match="algorithms"):
        JWTStrategy(verify, key=SECRET)  # type: ignore[call-arg]


@pytest.mark.parametrize("algorithms", [[], "HS256", None, [256]])
def test_algorithms_must_be_a_non_empty_list_of_names(algorithms: Any) -> None:
    with pytest.raises(TypeError, match="algorithms"):
        JWTStrategy(verify, key=SECRET, algorithms=algorithms)


@pytest.mark.parametrize("none", ["none", "None", "NONE"])
def test_the_none_algorithm_is_refused(none: str) -> None:
    with pytest.raises(ValueError, match="'none' algorithm is never accepted"):
        JWTStrategy(verify, key=SECRET, algorithms=["HS256", none])


def test_an_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown algorithm 'HS1'"):
        JWTStrategy(verify, key=SECRET, algorithms=["HS1"])


def test_hmac_and_asymmetric_algorithms_never_mix() -> None:
    with pytest.raises(ValueError, match="key-type confusion"):
        JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["RS256", "HS256"])


def test_an_rsa_public_key_is_refused_as_an_hmac_secret() -> None:
    with pytest.raises(ValueError, match="HS256 needs a shared secret, but key is a public key"):
        JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["HS256"])


def test_a_key_object_is_refused_as_an_hmac_secret() -> None:
    with pytest.raises(TypeError, match="HS256 needs a secret"):
        JWTStrategy(verify, key=rsa_key().public_key(), algorithms=["HS256"])


def test_a_secret_is_refused_as_a_public_key() -> None:
    with pytest.raises(ValueError, match="RS256 needs a public key"):
        JWTStrategy(verify, key=SECRET, algorithms=["RS256"])


@pytest.mark.parametrize(
    ("key", "alg"),
    [
        pytest.param(lambda: ec_key().public_key(), "RS256", id="ec key for RS256"),
        pytest.param(lambda: rsa_key().public_key(), "ES256", id="rsa key for ES256"),
        pytest.param(lambda: ec.generate_private_key(ec.SECP384R1()).public_key(), "ES256", id="P-384 for ES256"),
        pytest.param(lambda: ed_key().public_key(), "ES256", id="ed25519 for ES256"),
    ],
)
def test_a_public_key_of_another_family_or_curve_is_refused(key: Any, alg: str) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        JWTStrategy(verify, key=key(), algorithms=[alg])


def test_a_short_hmac_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        JWTStrategy(verify, key="short", algorithms=["HS256"])
    with pytest.raises(ValueError, match="at least 64 bytes"):
        JWTStrategy(verify, key=SECRET, algorithms=["HS512"])


def test_a_small_rsa_key_is_refused() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ValueError, match="at least 2048 bits"):
        JWTStrategy(verify, key=small.public_key(), algorithms=["RS256"])


def test_a_private_key_is_reduced_to_its_public_half() -> None:
    pem = rsa_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    strategy = JWTStrategy(verify, key=pem, algorithms=["RS256"], audience=AUDIENCE)
    assert isinstance(strategy._static["RS256"], rsa.RSAPublicKey)
    assert run_strategy(strategy, request=bearer(token(key=rsa_key(), alg="RS256"))).action == "success"


def test_a_jwk_dict_and_a_pyjwk_are_keys_too() -> None:
    jwk = public_jwk(ec_key(), kid="k1")
    for key in (jwk, jwt.PyJWK(jwk)):
        strategy = JWTStrategy(verify, key=key, algorithms=["ES256"], audience=AUDIENCE)
        assert run_strategy(strategy, request=bearer(token(key=ec_key(), alg="ES256"))).action == "success"


def test_an_eddsa_key_checks_eddsa_tokens() -> None:
    strategy = JWTStrategy(verify, key=ed_key().public_key(), algorithms=["EdDSA"], audience=AUDIENCE)
    assert run_strategy(strategy, request=bearer(token(key=ed_key(), alg="EdDSA"))).action == "success"


def test_exactly_one_of_key_and_jwks_url() -> None:
    with pytest.raises(TypeError, match="exactly one of key= and jwks_url="):
        JWTStrategy(verify, algorithms=["RS256"])
    with pytest.raises(TypeError, match="exactly one of key= and jwks_url="):
        JWTStrategy(verify, key=SECRET, jwks_url="https://issuer.test/jwks", algorithms=["HS256"])


def test_a_jwks_never_serves_hmac_algorithms() -> None:
    with pytest.raises(ValueError, match="never a published JWKS"):
        JWTStrategy(verify, jwks_url="https://issuer.test/jwks", algorithms=["HS256"])


@pytest.mark.parametrize("url", ["http://issuer.test/jwks", "ftp://issuer.test/jwks", "/jwks", "https://u:p@i.test/"])
def test_a_jwks_url_must_be_https_except_on_loopback(url: str) -> None:
    with pytest.raises(ValueError):
        JWTStrategy(verify, jwks_url=url, algorithms=["RS256"])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_http_is_allowed_on_loopback_hosts(host: str) -> None:
    assert JWKS(f"http://{host}:8080/jwks").url == f"http://{host}:8080/jwks"


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("leeway", -1, ValueError),
        ("leeway", True, ValueError),
        ("issuer", "", TypeError),
        ("issuer", [1], TypeError),
        ("audience", 5, TypeError),
        ("require", "exp", TypeError),
        ("require", ['e"xp'], TypeError),
        ("pass_request", 1, TypeError),
        ("realm", "a\r\nb", ValueError),
        ("extract", "authorization", TypeError),
        ("extract", [], TypeError),
    ],
)
def test_bad_options_are_refused(option: str, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        JWTStrategy(verify, key=SECRET, algorithms=["HS256"], **{option: value})


@pytest.mark.parametrize("bad", [None, "verify", 3])
def test_a_missing_or_uncallable_verify_is_a_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="^JWTStrategy requires a verify function$"):
        JWTStrategy(bad, key=SECRET, algorithms=["HS256"])
