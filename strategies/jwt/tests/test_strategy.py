"""JWTStrategy through the strategy runner: success, each failed check, verify's answers."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from jwt_helpers import AUDIENCE
from jwt_helpers import ISSUER
from jwt_helpers import SECRET
from jwt_helpers import bearer
from jwt_helpers import ec_key
from jwt_helpers import public_pem
from jwt_helpers import raw_token
from jwt_helpers import rsa_key
from jwt_helpers import token
from jwt_helpers import verify

from passport.strategies.jwt import JWTStrategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import run_strategy

INVALID = 'Bearer realm="Users", error="invalid_token"'


def hs256(**options: Any) -> JWTStrategy:
    options.setdefault("issuer", ISSUER)
    options.setdefault("audience", AUDIENCE)
    return JWTStrategy(options.pop("verify", verify), key=SECRET, algorithms=["HS256"], **options)


def described(description: str) -> str:
    return f'{INVALID}, error_description="{description}"'


def test_a_valid_token_succeeds_with_the_user_verify_returns() -> None:
    result = run_strategy(hs256(), request=bearer(token()))
    assert (result.action, result.user) == ("success", {"id": "ann"})


def test_verify_receives_the_validated_claims() -> None:
    seen: list[dict[str, Any]] = []
    run_strategy(hs256(verify=lambda claims: seen.append(claims) or {"id": 1}), request=bearer(token(role="admin")))
    assert seen[0]["sub"] == "ann" and seen[0]["role"] == "admin" and seen[0]["iss"] == ISSUER


def test_no_token_is_the_bare_challenge() -> None:
    result = run_strategy(hs256(), request={})
    assert (result.action, result.challenge, result.status) == ("fail", 'Bearer realm="Users"', None)


def test_the_realm_is_configurable_and_quoted() -> None:
    result = run_strategy(hs256(realm='my "api"'), request={})
    assert result.challenge == 'Bearer realm="my \\"api\\""'


@pytest.mark.parametrize(
    ("make", "description"),
    [
        pytest.param(lambda: token(exp=1), "The token has expired", id="expired"),
        pytest.param(lambda: token(nbf=4_000_000_000), "The token is not yet valid", id="nbf"),
        pytest.param(lambda: token(iat=4_000_000_000), "The token is not yet valid", id="iat"),
        pytest.param(
            lambda: token(key="another-secret-of-at-least-32-bytes!"),
            "The token's signature is invalid",
            id="signature",
        ),
        pytest.param(lambda: token(iss="https://evil.test/"), "The token's issuer is not accepted", id="issuer"),
        pytest.param(lambda: token(iss=None), "The token is missing the iss claim", id="no issuer"),
        pytest.param(lambda: token(aud="https://other.test/"), "The token's audience is not accepted", id="audience"),
        pytest.param(lambda: token(exp=None), "The token is missing the exp claim", id="no exp"),
        pytest.param(lambda: "not.a.jwt", "The token is malformed", id="garbage"),
        pytest.param(lambda: "abc", "The token is malformed", id="one segment"),
        pytest.param(lambda: token() + "x" * 20000, "The token is malformed", id="too long"),
        pytest.param(lambda: token(exp="soon"), "The token is malformed", id="exp not a number"),
        pytest.param(lambda: token(key=rsa_key(), alg="RS256"), "The token's algorithm is not accepted", id="alg"),
    ],
)
def test_each_failed_check_is_named_in_the_challenge(make: Any, description: str) -> None:
    result = run_strategy(hs256(), request=bearer(make()))
    assert (result.action, result.status) == ("fail", None)  # 401
    assert result.challenge == described(description)


def test_a_none_token_is_refused_as_a_wrong_algorithm() -> None:
    unsigned = jwt.encode({"sub": "ann", "exp": 4_000_000_000}, None, algorithm="none")
    result = run_strategy(hs256(issuer=None, audience=None), request=bearer(unsigned))
    assert result.challenge == described("The token's algorithm is not accepted")


def test_an_hs256_token_signed_with_the_rsa_public_key_as_secret_is_refused() -> None:
    # The classic confusion attack: the public key is public, so anyone can "sign" HS256 with it.
    pem = public_pem(rsa_key())
    forged = raw_token({"alg": "HS256", "typ": "JWT"}, {"sub": "ann", "exp": 4_000_000_000}, pem.encode())
    strategy = JWTStrategy(verify, key=pem, algorithms=["RS256"])
    result = run_strategy(strategy, request=bearer(forged))
    assert result.challenge == described("The token's algorithm is not accepted")


def test_a_token_with_an_audience_is_refused_when_none_is_configured() -> None:
    result = run_strategy(hs256(audience=None), request=bearer(token()))
    assert result.challenge == described("The token's audience is not accepted")


def test_one_of_several_audiences_and_issuers_is_enough() -> None:
    strategy = hs256(issuer=["https://a.test/", ISSUER], audience=["x", AUDIENCE])
    result = run_strategy(strategy, request=bearer(token(aud=["y", AUDIENCE])))
    assert result.action == "success"
    wrong = run_strategy(strategy, request=bearer(token(iss="https://b.test/")))
    assert wrong.challenge == described("The token's issuer is not accepted")
    missing = run_strategy(strategy, request=bearer(token(iss=None)))
    assert missing.challenge == described("The token is missing the iss claim")


def test_leeway_accepts_a_token_that_expired_moments_ago() -> None:
    import time

    just_expired = token(exp=int(time.time()) - 5)
    assert run_strategy(hs256(), request=bearer(just_expired)).action == "fail"
    assert run_strategy(hs256(leeway=60), request=bearer(just_expired)).action == "success"


def test_required_claims_are_configurable() -> None:
    assert run_strategy(hs256(require=["exp", "jti"]), request=bearer(token())).challenge == described(
        "The token is missing the jti claim"
    )
    assert run_strategy(hs256(require=[]), request=bearer(token(exp=None))).action == "success"


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_rsa_tokens_check_against_a_pem_public_key(alg: str) -> None:
    strategy = JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=[alg], audience=AUDIENCE)
    assert run_strategy(strategy, request=bearer(token(key=rsa_key(), alg=alg))).action == "success"
    forged = token(key=rsa_key("other"), alg=alg)
    assert run_strategy(strategy, request=bearer(forged)).challenge == described("The token's signature is invalid")


def test_several_algorithms_of_one_family_pick_the_key_by_the_header() -> None:
    strategy = JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["RS256", "RS512"], audience=AUDIENCE)
    assert run_strategy(strategy, request=bearer(token(key=rsa_key(), alg="RS512"))).action == "success"
    assert run_strategy(strategy, request=bearer(token(key=rsa_key(), alg="RS384"))).challenge == described(
        "The token's algorithm is not accepted"
    )


def test_es256_tokens_check_against_an_ec_key() -> None:
    strategy = JWTStrategy(verify, key=ec_key().public_key(), algorithms=["ES256"], audience=AUDIENCE)
    assert run_strategy(strategy, request=bearer(token(key=ec_key(), alg="ES256"))).action == "success"


def test_a_header_that_is_not_json_is_malformed() -> None:
    strategy = JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["RS256", "RS512"])
    result = run_strategy(strategy, request=bearer("eyJub3QganNvbg.e30.c2ln"))
    assert result.challenge == described("The token is malformed")


def test_a_non_string_kid_is_refused() -> None:
    strategy = JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["RS256", "RS512"], audience=AUDIENCE)
    bad = raw_token({"alg": "RS256", "kid": 7}, {"sub": "ann", "exp": 4_000_000_000})
    assert run_strategy(strategy, request=bearer(bad)).challenge == described("The token is malformed")


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "Bearer  x", "Bearer a, Bearer b", "Bearer t\u00f6ken"])
def test_odd_authorization_headers_are_malformed_or_absent(value: str) -> None:
    result = run_strategy(hs256(), request={"headers": {"Authorization": value}})
    assert result.action == "fail"
    assert result.challenge in ('Bearer realm="Users"', described("The token is malformed"))


def test_another_authorization_scheme_is_no_token() -> None:
    result = run_strategy(hs256(), request={"headers": {"Authorization": "Basic YW5uOnB3"}})
    assert result.challenge == 'Bearer realm="Users"'


# -- verify ----------------------------------------------------------------------------------


def test_verify_saying_no_fails_with_invalid_token() -> None:
    result = run_strategy(hs256(verify=lambda claims: None), request=bearer(token()))
    assert (result.action, result.challenge) == ("fail", INVALID)


def test_verify_message_becomes_the_description_cleaned() -> None:
    strategy = hs256(verify=lambda claims: (False, {"message": 'Account "ann"\r\nlocked'}))
    result = run_strategy(strategy, request=bearer(token()))
    assert result.challenge == f'{INVALID}, error_description="Account \\"ann\\"??locked"'


def test_a_verify_message_holding_the_token_is_left_out() -> None:
    value = token()
    result = run_strategy(hs256(verify=lambda claims: (None, f"bad token {value}")), request=bearer(value))
    assert result.challenge == INVALID


def test_success_info_comes_from_verify() -> None:
    result = run_strategy(hs256(verify=lambda claims: ({"id": 1}, {"scope": "read"})), request=bearer(token()))
    assert (result.user, result.info) == ({"id": 1}, {"scope": "read"})


def test_pass_request_hands_verify_the_request_first() -> None:
    def verify_with_request(request: Any, claims: dict[str, Any]) -> Any:
        return {"id": claims["sub"], "path": request.path}

    result = run_strategy(
        hs256(verify=verify_with_request, pass_request=True), request={**bearer(token()), "url": "http://t/x"}
    )
    assert result.user == {"id": "ann", "path": "/x"}


async def test_an_async_verify_is_awaited_in_async_mode() -> None:
    async def averify(claims: dict[str, Any]) -> Any:
        return {"id": claims["sub"], "async": True}

    result = await arun_strategy(hs256(verify=averify), request=bearer(token()))
    assert result.user == {"id": "ann", "async": True}


def test_an_async_verify_works_in_sync_mode() -> None:
    async def averify(claims: dict[str, Any]) -> Any:
        return {"id": claims["sub"]}

    assert run_strategy(hs256(verify=averify), request=bearer(token())).user == {"id": "ann"}


async def test_a_def_verify_works_in_async_mode() -> None:
    result = await arun_strategy(hs256(), request=bearer(token()))
    assert result.user == {"id": "ann"}


def test_verify_raising_is_the_error_action() -> None:
    def broken(claims: dict[str, Any]) -> Any:
        raise ConnectionError("database down")

    result = run_strategy(hs256(verify=broken), request=bearer(token()))
    assert result.action == "error" and isinstance(result.error, ConnectionError)


def test_has_credentials_looks_without_verifying() -> None:
    strategy = hs256()
    from passport.strategy_runner import make_request

    assert strategy.has_credentials(make_request(**bearer("anything")))
    assert not strategy.has_credentials(make_request(headers={"Authorization": "Basic x"}))


def test_repr_holds_no_key_material() -> None:
    text = repr(hs256())
    assert SECRET not in text and "HS256" in text


@pytest.mark.parametrize(
    "value",
    ["nodots", "!!!.e30.c2ln", "WzEsMl0.e30.c2ln", "e30.e30.c2ln", "eyJhbGciOiJSUzI1NiJ9x.e30.c2ln"],
    ids=["no dots", "not base64", "header is a list", "no alg", "bad padding"],
)
def test_a_header_that_cannot_choose_a_key_is_refused(value: str) -> None:
    strategy = JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["RS256", "RS512"])
    result = run_strategy(strategy, request=bearer(value))
    assert result.action == "fail"
    assert result.challenge in (described("The token is malformed"), described("The token's algorithm is not accepted"))


def test_a_header_read_leniently_is_still_checked_strictly_by_decode() -> None:
    # Junk around a valid header: our quick read may accept it, PyJWT's decode must not.
    value = token(key=rsa_key(), alg="RS256")
    header, rest = value.split(".", 1)
    strategy = JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["RS256", "RS512"], audience=AUDIENCE)
    assert run_strategy(strategy, request=bearer(value)).action == "success"
    result = run_strategy(strategy, request=bearer(header + "~." + rest))
    # PyJWT >= 2.10 refuses the junk itself; older ones decode around it and the signature fails.
    assert result.challenge in (described("The token is malformed"), described("The token's signature is invalid"))


def test_made_up_headers_never_grow_the_header_memo_past_its_bound() -> None:
    from passport.strategies.jwt import _strategy

    strategy = JWTStrategy(verify, key=public_pem(rsa_key()), algorithms=["RS256", "RS512"])
    for i in range(2000):
        run_strategy(strategy, request=bearer(raw_token({"alg": "RS256", "kid": f"k{i}"}, {"sub": "x"})))
    assert len(_strategy._HEADERS) <= _strategy._HEADERS_LIMIT
