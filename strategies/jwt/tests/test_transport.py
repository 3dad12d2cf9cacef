"""HTTPFetch, the default JWKS transport: deadline, size cap, no redirects, verified TLS."""

from __future__ import annotations

import json
import ssl
from typing import Any

import pytest
from conftest import JWKSServer
from jwt_helpers import public_jwk
from jwt_helpers import rsa_key

from passport.strategies.jwt import JWKS
from passport.strategies.jwt import HTTPFetch
from passport.strategies.jwt import JWKSError


def test_a_jwks_is_fetched_over_loopback_http(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key(), "a"))
    assert json.loads(HTTPFetch()(jwks_server.url))["keys"][0]["kid"] == "a"


def test_a_trickling_server_is_cut_at_the_deadline(jwks_server: JWKSServer) -> None:
    # Every byte arrives well within any read timeout; only the overall deadline can end this.
    jwks_server.publish(*[public_jwk(rsa_key(), f"k{i}") for i in range(3)])
    jwks_server.mode = "trickle"
    with pytest.raises(JWKSError, match=r"took longer than 0.3s"):
        HTTPFetch(timeout=0.3)(jwks_server.url)
    assert jwks_server.trickle_ended.wait(30)
    assert jwks_server.trickle_outcome == "cut"  # the client hung up; it did not read to the end


def test_a_silent_server_is_cut_at_the_deadline(jwks_server: JWKSServer) -> None:
    jwks_server.mode = "slow"  # holds the answer until the gate opens (never, here)
    with pytest.raises(JWKSError, match=r"took longer than 0.3s"):
        HTTPFetch(timeout=0.3)(jwks_server.url)


@pytest.mark.parametrize("mode", ["huge", "chunked-huge"])
def test_a_body_over_the_cap_is_refused(jwks_server: JWKSServer, mode: str) -> None:
    jwks_server.mode = mode  # announced by Content-Length, or only counted (chunked)
    with pytest.raises(JWKSError, match="larger than 262144 bytes"):
        HTTPFetch()(jwks_server.url)


def test_a_redirect_is_never_followed(jwks_server: JWKSServer) -> None:
    jwks_server.mode = "redirect"
    with pytest.raises(JWKSError, match="redirect"):
        HTTPFetch()(jwks_server.url)
    assert jwks_server.hits == 1


def test_a_status_other_than_200_is_an_error(jwks_server: JWKSServer) -> None:
    jwks_server.mode, jwks_server.status = "status", 404
    with pytest.raises(JWKSError, match="status 404") as caught:
        HTTPFetch()(jwks_server.url + "?tenant=secret-ish")
    assert "tenant" not in str(caught.value)  # the query never reaches messages


def test_a_refused_connection_is_an_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(JWKSError, match="the connection failed"):
        HTTPFetch()(f"http://127.0.0.1:{port}/jwks")


def test_plain_http_to_another_host_is_refused_before_connecting() -> None:
    with pytest.raises(ValueError, match="https"):
        HTTPFetch()("http://issuer.test/jwks")


@pytest.mark.parametrize(
    ("option", "value"), [("timeout", 0), ("timeout", 61), ("timeout", "5"), ("max_bytes", 10), ("max_bytes", 2.0)]
)
def test_bad_limits_are_refused(option: str, value: Any) -> None:
    with pytest.raises(ValueError):
        HTTPFetch(**{option: value})


def test_a_context_that_does_not_verify_is_refused() -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with pytest.raises(ValueError, match="must verify"):
        HTTPFetch(ssl_context=context)


# -- TLS (fixtures in conftest.py) ---------------------------------------------------------


def test_an_untrusted_certificate_is_refused(tls_url: str) -> None:
    with pytest.raises(JWKSError, match="TLS verification failed"):
        HTTPFetch()(tls_url)


def test_https_works_with_a_trusted_ca(tls_url: str, tls_files: tuple[str, str]) -> None:
    context = ssl.create_default_context(cafile=tls_files[0])
    keys = JWKS(tls_url, fetch=HTTPFetch(ssl_context=context))
    assert keys.get_key("tls", "RS256").key_id == "tls"


def test_a_trickle_over_tls_is_cut_at_the_deadline(
    tls_url: str, tls_files: tuple[str, str], tls_trickle: dict[str, Any]
) -> None:
    context = ssl.create_default_context(cafile=tls_files[0])
    with pytest.raises(JWKSError, match=r"took longer than 0.3s"):
        HTTPFetch(timeout=0.3, ssl_context=context)(tls_url.replace("/jwks.json", "/trickle"))
    assert tls_trickle["ended"].wait(60)
    assert tls_trickle["outcome"] == "cut"
