"""The OpenID Foundation's Basic RP test plan (Code flow), one named test per test of the plan.

Each docstring names the conformance-suite test. Tokens the plan calls malformed are made by the
real provider's ``/token`` endpoint (``op.forge``) after Authlib has run the whole exchange.
"""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from conftest import login
from conftest import refused
from oidc_provider import CLIENT_ID
from oidc_provider import hs_key
from oidc_provider import now

from passport.strategies.oidc import IDTokenError
from passport.strategies.oidc import UserInfoError
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy


def forge(op, mutate=None, **sign):
    """Make the provider answer with its ID token's claims changed by ``mutate``, re-signed."""

    def forged(claims, header, body):
        if mutate is not None:
            mutate(claims)
        return op.sign(claims, **sign)

    op.forge = forged


def test_rp_response_type_code_valid_code_flow(make_oidc, op):
    """rp-response_type-code: the authorization request, and a valid code flow end to end."""
    strategy = make_oidc()
    session = {}
    first = run_strategy(strategy, make_request(url="http://app.test/auth/oidc", session=session))
    query = {k: v[0] for k, v in parse_qs(urlsplit(first.url).query).items()}
    assert query["response_type"] == "code"
    assert query["scope"] == "openid profile email"
    assert query["code_challenge_method"] == "S256"
    assert len(query["nonce"]) >= 43 and len(query["state"]) >= 20
    from conftest import consent

    result = run_strategy(strategy, make_request(url=consent(first.url), session=session))
    assert result.action == "success", result.error
    assert result.user["sub"] == "user-248289761001"
    assert result.user["userinfo"] is None
    assert op.token_forms[0]["code_verifier"]


def test_rp_id_token_issuer_mismatch(make_oidc, op):
    """rp-id_token-issuer-mismatch: an ID token from another issuer is refused."""
    forge(op, lambda c: c.update(iss="https://example.com"))
    refused(login(make_oidc()), "issuer")


def test_an_extra_issuer_spelling_is_accepted_only_when_listed(make_oidc, op):
    forge(op, lambda c: c.update(iss="accounts.example"))
    assert login(make_oidc(id_token_issuers=["accounts.example"])).action == "success"
    refused(login(make_oidc()), "issuer")


def test_rp_id_token_sub_missing(make_oidc, op):
    """rp-id_token-sub: an ID token without sub is refused."""
    forge(op, lambda c: c.pop("sub"))
    refused(login(make_oidc()), "sub")


def test_rp_id_token_aud_wrong(make_oidc, op):
    """rp-id_token-aud: an ID token for another client is refused."""
    forge(op, lambda c: c.update(aud=["another-client"]))
    refused(login(make_oidc()), "audience")


def test_rp_id_token_iat_missing(make_oidc, op):
    """rp-id_token-iat: an ID token without iat is refused."""
    forge(op, lambda c: c.pop("iat"))
    refused(login(make_oidc()), "iat")


def test_rp_id_token_kid_absent_single_jwks(make_oidc, op):
    """rp-id_token-kid-absent-single-jwks: no kid, one key in the JWKS: that key checks it."""
    op.send_kid = False
    op.published = ["rsa-1"]
    assert login(make_oidc()).action == "success"


def test_rp_id_token_kid_absent_multiple_jwks(make_oidc, op):
    """rp-id_token-kid-absent-multiple-jwks: no kid, several fitting keys: refused, never guessed."""
    op.send_kid = False
    op.published = ["rsa-1", "rsa-2"]
    refused(login(make_oidc()), "key")


def test_rp_id_token_sig_rs256(make_oidc, op):
    """rp-id_token-sig-rs256: an RS256-signed ID token is accepted."""
    captured = {}
    forge(op, lambda c: captured.update(c))
    result = login(make_oidc(algorithms=["RS256"]))
    assert result.action == "success", result.error
    assert captured["sub"] == result.user["sub"]


def test_rp_id_token_sig_none(make_oidc, op):
    """rp-id_token-sig-none: an unsigned (alg none) ID token is refused."""
    op.forge = lambda claims, header, body: op.unsigned(claims)
    refused(login(make_oidc()), "algorithm")


def test_none_cannot_be_configured(make_oidc):
    with pytest.raises(ValueError, match="none"):
        make_oidc(algorithms=["none"])


def test_rp_id_token_bad_sig_rs256(make_oidc, op):
    """rp-id_token-bad-sig-rs256: an RS256 token with a wrong signature is refused."""

    def tampered(claims, header, body):
        head, payload, signature = op.sign(claims).split(".")
        return f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"

    op.forge = tampered
    refused(login(make_oidc()), "signature")


def test_rp_id_token_signed_by_an_unpublished_key(make_oidc, op):
    """A token signed with a key the JWKS does not hold under its kid: refused."""
    forge(op, kid="rsa-1", key=op.keys["rsa-2"])
    refused(login(make_oidc()), "signature")


def test_rp_userinfo_bad_sub_claim(make_oidc, op):
    """rp-userinfo-bad-sub-claim: UserInfo naming another subject is refused."""
    op.userinfo_override = {"sub": "someone-else", "name": "Mallory"}
    result = login(make_oidc(userinfo=True))
    assert result.action == "error"
    assert isinstance(result.error, UserInfoError)
    assert result.error.status == 401


def test_userinfo_claims_reach_verify(make_oidc, op):
    result = login(make_oidc(userinfo=True))
    assert result.action == "success", result.error
    assert result.user["userinfo"]["email"] == "janedoe@example.com"
    assert op.count("/userinfo") == 1


def test_rp_nonce_invalid(make_oidc, op):
    """rp-nonce-invalid: an ID token whose nonce is not the one sent is refused."""
    forge(op, lambda c: c.update(nonce="another-nonce"))
    refused(login(make_oidc()), "nonce")


def test_rp_nonce_missing(make_oidc, op):
    forge(op, lambda c: c.pop("nonce"))
    refused(login(make_oidc()), "nonce")


def test_rp_token_endpoint_client_secret_basic(make_oidc, op):
    """rp-token_endpoint-client_secret_basic: the client authenticates with HTTP Basic."""
    op.auth_method = "client_secret_basic"
    assert login(make_oidc()).action == "success"
    assert op.token_headers[0]["Authorization"].startswith("Basic ")
    assert "client_secret" not in op.token_forms[0]


def test_client_secret_post_when_the_provider_offers_only_that(make_oidc, op):
    op.auth_method = "client_secret_post"
    op.discovery_overrides = {"token_endpoint_auth_methods_supported": ["client_secret_post"]}
    assert login(make_oidc()).action == "success"
    assert op.token_forms[0]["client_secret"] == op.client_secret


def test_rp_id_token_sig_es256(make_oidc, op):
    """rp-id_token-sig-es256: an ES256-signed ID token is accepted."""
    op.signing_kid = "ec-1"
    assert login(make_oidc()).action == "success"


def test_rp_id_token_bad_sig_es256(make_oidc, op):
    """rp-id_token-bad-sig-es256: an ES256 token signed by another EC key is refused."""
    forge(op, kid="ec-1", key=op.keys["ec-2"])
    refused(login(make_oidc()), "signature")


def test_rp_id_token_sig_hs256(make_oidc, op):
    """rp-id_token-sig-hs256: HS256 keyed with the client secret, when configured, is accepted."""
    forge(op, header={"alg": "HS256"}, alg="HS256", key=hs_key(op.client_secret))
    assert login(make_oidc(algorithms=["RS256", "HS256"])).action == "success"


def test_rp_id_token_bad_sig_hs256(make_oidc, op):
    """rp-id_token-bad-sig-hs256: HS256 with another secret is refused."""
    forge(op, header={"alg": "HS256"}, alg="HS256", key=hs_key("x" * 40))
    refused(login(make_oidc(algorithms=["RS256", "HS256"])), "signature")


def test_hs256_is_refused_unless_configured(make_oidc, op):
    """Key confusion: HS256 over the provider's public key as a secret never gets checked."""
    forge(op, header={"alg": "HS256"}, alg="HS256", key=hs_key(op.client_secret))
    refused(login(make_oidc()), "algorithm")


def test_rp_id_token_bad_at_hash(make_oidc, op):
    """rp-id_token-bad-at_hash: an at_hash that is not the access token's is refused."""
    forge(op, lambda c: c.update(at_hash="AAAAAAAAAAAAAAAAAAAAAA"))
    refused(login(make_oidc()), "at_hash")


def test_the_at_hash_authlib_issues_is_checked_and_accepted(make_oidc, op):
    seen = {}
    forge(op, lambda c: seen.update(c))
    assert login(make_oidc()).action == "success"
    assert seen["at_hash"]


def test_an_expired_id_token_is_refused(make_oidc, op):
    forge(op, lambda c: c.update(exp=now() - 120, iat=now() - 300))
    refused(login(make_oidc(leeway=0)), "expired")


def test_an_id_token_issued_in_the_future_is_refused_beyond_the_leeway(make_oidc, op):
    forge(op, lambda c: c.update(iat=now() + 600, exp=now() + 900))
    refused(login(make_oidc(leeway=60)), "iat")


def test_several_audiences_need_azp(make_oidc, op):
    forge(op, lambda c: c.update(aud=[CLIENT_ID, "other"]))
    refused(login(make_oidc()), "azp")


def test_several_audiences_with_our_azp_are_accepted(make_oidc, op):
    forge(op, lambda c: c.update(aud=[CLIENT_ID, "other"], azp=CLIENT_ID))
    assert login(make_oidc()).action == "success"


def test_an_azp_naming_another_party_is_refused(make_oidc, op):
    forge(op, lambda c: c.update(azp="other"))
    refused(login(make_oidc()), "azp")


def test_a_token_response_without_an_id_token_is_refused(make_oidc, op):
    op.forge = lambda claims, header, body: None
    refused(login(make_oidc()), "missing")


def test_refusals_never_carry_the_token(make_oidc, op):
    tokens = []

    def forged(claims, header, body):
        claims["iss"] = "https://evil.test"
        tokens.append(op.sign(claims))
        return tokens[-1]

    op.forge = forged
    result = login(make_oidc())
    assert isinstance(result.error, IDTokenError)
    for text in (str(result.error), repr(result.error)):
        assert tokens[0] not in text and tokens[0].split(".")[1] not in text


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("onlytwo.segments", "malformed"),
        ("!!!.e30.sig", "malformed"),
        ("WyJub3QiLCJhbiIsIm9iamVjdCJd.e30.c2ln", "malformed"),  # the header is a JSON array
        ("eyJhbGciOiJSUzI1NiJ9.not-json.c2ln", "signature"),  # checked before the payload is read
        ("x" * 20000, "malformed"),
    ],
)
def test_malformed_id_tokens(make_oidc, op, token, reason):
    op.forge = lambda claims, header, body: token
    refused(login(make_oidc()), reason)


def test_an_unknown_crit_extension_is_refused(make_oidc, op):
    import jwt

    def forged(claims, header, body):  # joserfc will not sign an unknown crit; PyJWT will
        key = op.keys["rsa-1"].raw_value
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "rsa-1", "crit": ["x-ext"], "x-ext": 1})

    op.forge = forged
    refused(login(make_oidc()), "crit")


def test_keys_named_by_the_token_itself_are_never_used(make_oidc, op):
    """A ``jku`` pointing at the attacker's key set, and the token signed with that set's key."""
    forge(op, alg="RS256", key=op.keys["rsa-2"], header={"alg": "RS256", "kid": "evil", "jku": op.url + "/evil"})
    refused(login(make_oidc()), "key")
    assert op.count("/evil") == 0


def test_a_refused_id_token_means_userinfo_is_never_called(make_oidc, op):
    forge(op, lambda c: c.update(iss="https://evil.test"))
    refused(login(make_oidc(userinfo=True)), "issuer")
    assert op.count("/userinfo") == 0


def test_a_store_that_keeps_no_flow_params_fails_closed(make_oidc, op):
    from passport.strategies.oauth2 import SessionStateStore

    class ThreeItemStore(SessionStateStore):
        def verify(self, request, handle, meta):
            return super().verify(request, handle, meta)[:3]  # an older custom store: no flow_params

    refused(login(make_oidc(store=ThreeItemStore("oidc-test"))), "nonce")
