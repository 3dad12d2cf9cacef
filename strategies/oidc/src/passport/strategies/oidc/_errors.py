"""Errors of the OpenID Connect strategy, all :class:`passport.strategies.oauth2.OAuthError`\\ s.

::

    passport.strategies.oauth2.OAuthError
     +-- OIDCError              base of this distribution's errors
          +-- DiscoveryError    the provider configuration could not be fetched or is unusable (502)
          +-- IDTokenError      the ID token failed a check of OpenID Connect Core §3.1.3.7 (401)
          +-- UserInfoError     the UserInfo answer is unusable, or names another subject (401)

Messages name the failed check and never contain a token, the code, the nonce or a key.
"""

from __future__ import annotations

from passport.strategies.oauth2 import OAuthError

__all__ = ["DiscoveryError", "IDTokenError", "OIDCError", "UserInfoError"]


class OIDCError(OAuthError):
    """Base class of the OpenID Connect strategy's errors."""


class DiscoveryError(OIDCError):
    """``{issuer}/.well-known/openid-configuration`` could not be fetched, or is not usable.

    Raised at construction (the strategy cannot work without its provider's endpoints).
    ``status`` 502: the provider is the one at fault.
    """

    default_code = "discovery_failed"

    def _default_status(self) -> int:
        return 502


class IDTokenError(OIDCError):
    """The ID token was refused. ``reason`` is a short machine-readable name of the check.

    ``status`` 401: the login did not prove who the user is (a forged, replayed or misdirected
    token looks exactly like this, so it is not reported as the provider's fault).
    """

    default_code = "invalid_id_token"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    def _default_status(self) -> int:
        return 401


class UserInfoError(OIDCError):
    """The UserInfo response is not a JSON object with a ``sub`` equal to the ID token's (401)."""

    default_code = "invalid_userinfo"

    def _default_status(self) -> int:
        return 401
