"""The OpenID Foundation's Config RP test plan: discovery, keys from jwks_uri, key rotation."""

from __future__ import annotations

import pytest
from conftest import login
from oidc_provider import CALLBACK
from oidc_provider import CLIENT_ID

from passport.strategies.oidc import DiscoveryError


def test_rp_discovery_openid_configuration(make_oidc, op):
    """rp-discovery-openid-configuration: the endpoints come from the provider configuration."""
    strategy = make_oidc()
    assert op.count("/.well-known/openid-configuration") == 1
    assert strategy.metadata.issuer == op.issuer
    assert strategy.metadata.token_endpoint == op.url + "/token"
    assert login(strategy).action == "success"
    assert op.count("/authorize") == 1 and op.count("/token") == 1


def test_the_configuration_is_fetched_once(make_oidc, op):
    strategy = make_oidc()
    for _ in range(3):
        assert login(strategy).action == "success"
    assert op.count("/.well-known/openid-configuration") == 1


def test_rp_discovery_jwks_uri_keys(make_oidc, op):
    """rp-discovery-jwks_uri-keys: the keys are read from jwks_uri, then cached."""
    op.discovery_overrides = {"jwks_uri": op.url + "/jwks?set=1"}
    strategy = make_oidc()
    assert op.count("/jwks") == 0
    for _ in range(3):
        assert login(strategy).action == "success"
    assert op.count("/jwks") == 1


def test_rp_discovery_issuer_not_matching_config(make_oidc, op):
    """rp-discovery-issuer-not-matching-config: a configuration naming another issuer is refused."""
    op.discovery_overrides = {"issuer": "https://example.com"}
    with pytest.raises(DiscoveryError, match="another issuer") as caught:
        make_oidc()
    assert caught.value.status == 502


def test_a_trailing_slash_is_another_issuer(make_oidc, op):
    with pytest.raises(DiscoveryError):
        make_oidc(issuer=op.issuer + "/")


def test_an_unreachable_provider_is_a_discovery_error(make_oidc, op):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DiscoveryError, match="Failed to fetch"):
        make_oidc(issuer=f"http://127.0.0.1:{port}", timeout=2)


def test_a_configuration_without_endpoints_is_refused(make_oidc, op):
    op.discovery_overrides = {"token_endpoint": None}
    with pytest.raises(DiscoveryError, match="token_endpoint"):
        make_oidc()


def test_plain_http_issuers_are_refused_off_loopback(make_oidc):
    with pytest.raises(DiscoveryError):
        make_oidc(issuer="http://accounts.example.com")


def test_rp_key_rotation_op_sign_key(make_oidc, op):
    """rp-key-rotation-op-sign-key: the provider rotates its signing key; the new one is fetched."""
    strategy = make_oidc()
    assert login(strategy).action == "success"
    op.rotate("rsa-2", keep_old=False)
    assert login(strategy).action == "success"
    assert op.count("/jwks") == 2


def test_rp_key_rotation_just_before_signing(make_oidc, op):
    """rp-key-rotation-op-sign-key-native: the key changes between the JWKS fetch and the signing."""
    strategy = make_oidc()
    assert login(strategy).action == "success"  # the old set is cached now
    op.before_sign = lambda p: p.rotate("ec-2", keep_old=False)
    assert login(strategy).action == "success"
    assert op.count("/jwks") == 2


def test_a_rotation_is_not_refetched_within_the_interval(make_oidc, op):
    """The JWKS refetch on an unknown kid is rate-limited (the default interval): refused, not hammered."""
    strategy = make_oidc(jwks_options={"min_refetch_interval": 3600})
    assert login(strategy).action == "success"
    op.rotate("rsa-2", keep_old=False)
    result = login(strategy)
    assert result.action == "error" and result.error.reason == "key"
    assert op.count("/jwks") == 1


def test_multi_tenant_issuer_template(make_oidc, op):
    """A multi-tenant provider: the configuration names a template, the token its tenant."""
    template = op.url + "/{tenantid}/v2.0"
    metadata = {
        "issuer": template,
        "authorization_endpoint": op.url + "/authorize",
        "token_endpoint": op.url + "/token",
        "jwks_uri": op.url + "/jwks",
    }

    def tenant(tid, iss_tid=None):
        def forged(claims, header, body):
            claims.update(tid=tid, iss=template.replace("{tenantid}", iss_tid or tid))
            return op.sign(claims)

        op.forge = forged

    strategy = make_oidc(issuer=op.url + "/common/v2.0", issuer_template=template, metadata=metadata)
    tenant("9188040d-6c67-4c5b-b112-36a304b66dad")
    assert login(strategy).action == "success"
    tenant("tenant-a", iss_tid="tenant-b")
    assert login(strategy).error.reason == "issuer"
    only_a = make_oidc(issuer=op.url + "/common/v2.0", issuer_template=template, metadata=metadata, tenants=["a"])
    tenant("tenant-b")
    assert login(only_a).error.reason == "issuer"


def test_openapi_scheme(make_oidc, op):
    assert make_oidc().openapi_scheme == {
        "type": "openIdConnect",
        "openIdConnectUrl": op.issuer + "/.well-known/openid-configuration",
    }


def test_invalid_options(make_oidc, op):
    with pytest.raises(ValueError, match="openid"):
        make_oidc(scope=["profile"])
    with pytest.raises(ValueError, match="client secret"):
        make_oidc(client_secret=None, algorithms=["HS256"])
    with pytest.raises(ValueError, match="tenantid"):
        make_oidc(issuer_template=op.url + "/x")
    with pytest.raises(TypeError):
        make_oidc(token_url=op.url + "/token")
    with pytest.raises(TypeError, match="pkce"):
        make_oidc(pkce=False)
    with pytest.raises(DiscoveryError, match="https"):
        make_oidc(issuer="http://op.example", metadata={"issuer": "http://op.example"})
    assert CALLBACK and CLIENT_ID


@pytest.mark.parametrize("name", ["authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"])
@pytest.mark.parametrize("url", ["http://op.example/x", "https://user:pw@op.example/x", "ftp://op.example/x"])
def test_insecure_endpoints_in_the_configuration_are_refused(make_oidc, op, name, url):
    op.discovery_overrides = {name: url}
    with pytest.raises(DiscoveryError, match=name):
        make_oidc()
