"""Conformance kit, logs, and the provider failing: bounded, typed answers, never a secret."""

from __future__ import annotations

import logging
import socket

import pytest
from conftest import login

from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oidc import DiscoveryError
from passport.strategy_runner import check_strategy


def test_oidc_strategy_conforms(make_oidc, op):
    strategy = make_oidc()
    report = check_strategy(
        strategy,
        requests={
            "first leg": {"url": "http://app.test/auth/oidc"},
            "provider said no": {"url": "http://app.test/auth/oidc/callback?error=access_denied&state=x"},
            "code with a forged state": {"url": "http://app.test/auth/oidc/callback?code=c0de-c0de&state=forged"},
        },
        secrets=[op.client_secret, "c0de-c0de"],
    )
    assert report.results["first leg"].action == "redirect"
    assert report.results["code with a forged state"].action == "fail"
    assert op.count("/token") == 0


def test_no_token_or_secret_in_any_log_record(make_oidc, op, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "requests", "oauthlib", "requests_oauthlib", "passport"):
        caplog.set_level(logging.DEBUG, logger=name)
    result = login(make_oidc(userinfo=True))
    assert result.action == "success"
    # The provider runs in this process too: Authlib's own DEBUG records are the server's, not ours.
    ours = [r for r in caplog.records if not r.name.startswith(("authlib", "werkzeug"))]
    assert any(r.name.startswith("requests_oauthlib") for r in ours)
    text = "\n".join(r.getMessage() for r in ours)
    id_token = result.user["id_token"]
    for secret in (op.client_secret, id_token, id_token.split(".")[2]):
        assert secret not in text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_jwks_is_a_502(make_oidc, op):
    op.discovery_overrides = {"jwks_uri": f"http://127.0.0.1:{_closed_port()}/jwks"}
    result = login(make_oidc(timeout=2))
    assert result.action == "error"
    assert isinstance(result.error, InternalOAuthError) and result.error.status == 502


def test_a_jwks_that_is_not_a_key_set_is_a_502(make_oidc, op):
    op.discovery_overrides = {"jwks_uri": op.url + "/.well-known/openid-configuration"}
    result = login(make_oidc())
    assert isinstance(result.error, InternalOAuthError) and result.error.status == 502


def test_a_configuration_that_is_not_an_object_is_refused(make_oidc, op):
    with pytest.raises(DiscoveryError, match="not a JSON object"):
        make_oidc(metadata=["not", "a", "document"])


def test_the_userinfo_endpoint_failing_is_a_502(make_oidc, op):
    op.discovery_overrides = {"userinfo_endpoint": op.url + "/nowhere"}
    result = login(make_oidc(userinfo=True))
    assert isinstance(result.error, InternalOAuthError) and result.error.status == 502
