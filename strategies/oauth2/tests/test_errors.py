"""The error classes: Passport-oauth2's fields and defaults, safe to print."""

from __future__ import annotations

import pytest

from passport.core import PassportError
from passport.strategies.oauth2 import AuthorizationError
from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuthError
from passport.strategies.oauth2 import TokenError


def test_authorization_error_defaults():
    err = AuthorizationError()
    assert (err.message, err.code, err.uri, err.status) == (None, "server_error", None, 500)
    assert str(err) == ""


@pytest.mark.parametrize(
    ("code", "status"),
    [("access_denied", 403), ("server_error", 502), ("temporarily_unavailable", 503), ("invalid_scope", 500)],
)
def test_authorization_error_status_follows_the_code(code, status):
    assert AuthorizationError("msg", code).status == status


def test_authorization_error_keeps_explicit_fields():
    err = AuthorizationError("Denied", "invalid_request", "https://p.test/e", 501)
    assert (err.message, err.code, err.uri, err.status) == ("Denied", "invalid_request", "https://p.test/e", 501)
    assert str(err) == "Denied"
    assert repr(err) == (
        "AuthorizationError(message='Denied', code='invalid_request', uri='https://p.test/e', status=501)"
    )


@pytest.mark.parametrize(("code", "status"), [("server_error", 502), ("temporarily_unavailable", 503)])
def test_a_token_error_that_says_the_provider_failed_is_a_gateway_status(code, status):
    assert TokenError("msg", code).status == status
    assert TokenError("msg", code, status=500).status == 500  # an explicit status wins


@pytest.mark.parametrize("code", ["invalid_grant", "invalid_client", "unauthorized_client", None])
def test_a_token_error_that_refuses_our_request_is_a_500(code):
    assert TokenError("msg", code).status == 500


def test_token_error_defaults_and_fields():
    assert (TokenError().code, TokenError().status) == ("invalid_request", 500)
    err = TokenError("Code expired", "invalid_grant", "https://p.test/e", 400)
    assert (err.message, err.code, err.uri, err.status) == ("Code expired", "invalid_grant", "https://p.test/e", 400)
    assert str(err) == "Code expired"


def test_internal_oauth_error_is_a_bad_gateway_with_the_upstream_status():
    err = InternalOAuthError("Failed to obtain access token", upstream_status=503)
    assert (err.status, err.upstream_status, err.code) == (502, 503, None)
    assert str(err) == "Failed to obtain access token"
    assert repr(err) == ("InternalOAuthError(message='Failed to obtain access token', upstream_status=503, status=502)")


def test_all_errors_share_a_base_class():
    assert all(issubclass(cls, OAuthError) for cls in (AuthorizationError, TokenError, InternalOAuthError))
    assert AuthorizationError.__module__ == "passport.strategies.oauth2"


@pytest.mark.parametrize("cls", [OAuthError, AuthorizationError, TokenError, InternalOAuthError])
def test_every_error_is_a_passport_error_with_an_int_http_status(cls):
    err = cls()
    assert isinstance(err, PassportError)
    assert isinstance(err, Exception)
    assert type(err.status) is int and 400 <= err.status <= 599


def test_an_upstream_fault_carries_a_gateway_status():
    assert InternalOAuthError().status == 502
    assert AuthorizationError(None, "server_error").status == 502
    assert AuthorizationError(None, "temporarily_unavailable").status == 503
