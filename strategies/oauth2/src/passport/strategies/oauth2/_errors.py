"""Errors the OAuth 2.0 strategy hands to ``error()``.

::

    passport.core.PassportError
     +-- OAuthError                 base: message, code, uri, status (default 500)
          +-- AuthorizationError    the provider answered the authorization request with ``error=``
          |                         (status by code: server_error 502, temporarily_unavailable 503)
          +-- TokenError            the token endpoint answered with an OAuth JSON error (RFC 6749 5.2)
          |                         (500; the same codes as above say the provider failed: 502, 503)
          +-- InternalOAuthError    the exchange itself failed: network, timeout, 5xx, redirect,
                                    a body that is not a usable token response, too big... (502)

They derive from :class:`passport.core.PassportError`, so ``except PassportError`` catches them
with the core's own errors. ``status`` is the HTTP status the application should answer with, an
``int`` in 400..599: adapters answer an error that carries one with that status, so an upstream
fault is a 502 or 503, never a bare 500. Messages never contain the client secret, the
authorization code, the PKCE verifier, the state or a token, and never embed an upstream
response body: only the provider's ``error_description`` (cleaned of control characters,
shortened, and with any of those secrets masked) or a fixed text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar
from typing import Final

from passport.core import PassportError

__all__ = ["AuthorizationError", "InternalOAuthError", "OAuthError", "TokenError"]

UPSTREAM_STATUS: Final = {"server_error": 502, "temporarily_unavailable": 503}
"""OAuth error codes that say the provider itself failed, and the status they stand for."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
MAX_TEXT = 512


def clean_text(value: object, secrets: Iterable[str | None] = ()) -> str | None:
    """Make an untrusted provider string safe to keep in an error: one line, capped, secrets masked."""
    if not isinstance(value, str) or not value:
        return None
    text = _CONTROL.sub(" ", value)[:MAX_TEXT]
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, "[redacted]")
    return text


class OAuthError(PassportError):
    """Base class of the strategy's errors (a :class:`~passport.core.PassportError`).

    :ivar message: a human-readable text (``None`` when there is none).
    :ivar code: the OAuth error code (``"invalid_grant"``...), or ``None``.
    :ivar uri: the provider's ``error_uri`` (untrusted: never follow or render it as a link).
    :ivar status: the HTTP status the application should answer with (an ``int``, 400..599);
        500 unless a subclass or the caller says otherwise.
    """

    default_code: str | None = None

    def __init__(
        self,
        message: str | None = None,
        code: str | None = None,
        uri: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(*([message] if message is not None else []))
        self.message = message
        self.code = code if code is not None else self.default_code
        self.uri = uri
        self.status = status if status is not None else self._default_status()

    def _default_status(self) -> int:
        return 500

    def __str__(self) -> str:
        return self.message or ""

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, code={self.code!r}, "
            f"uri={self.uri!r}, status={self.status!r})"
        )


class AuthorizationError(OAuthError):
    """The provider redirected back with an ``error`` other than ``access_denied``.

    ``code`` defaults to ``"server_error"``; ``status`` follows the code: ``access_denied`` 403,
    ``server_error`` 502, ``temporarily_unavailable`` 503, anything else 500 (an explicit
    ``status`` wins).
    """

    default_code = "server_error"
    _STATUS: ClassVar[dict[str, int]] = {"access_denied": 403, **UPSTREAM_STATUS}

    def __init__(
        self,
        message: str | None = None,
        code: str | None = None,
        uri: str | None = None,
        status: int | None = None,
    ) -> None:
        self._given_code = code
        super().__init__(message, code, uri, status)

    def _default_status(self) -> int:
        # Passport's asymmetry: no code at all means server_error, but status 500.
        return self._STATUS.get(self._given_code or "", 500)


class TokenError(OAuthError):
    """The token endpoint refused the exchange with an RFC 6749 §5.2 JSON error.

    ``message`` is the ``error_description``, ``code`` the ``error`` (default
    ``"invalid_request"``). ``status`` is 500 unless given (the provider's HTTP status is not
    ours: ``invalid_grant`` or ``invalid_client`` is this application's problem), except for
    the codes that say the provider itself failed: ``server_error`` 502,
    ``temporarily_unavailable`` 503.
    """

    default_code = "invalid_request"

    def _default_status(self) -> int:
        return UPSTREAM_STATUS.get(self.code or "", 500)


class InternalOAuthError(OAuthError):
    """The exchange with the provider failed below the OAuth level.

    Network failures, timeouts, a 5xx answer, a redirect, a body that is too big, not JSON, or
    has no usable ``access_token``. ``status`` is 502 (bad gateway) unless given;
    ``upstream_status`` is the provider's HTTP status when there was one. The original
    exception, if any, is the ``__cause__``.
    """

    def __init__(
        self, message: str | None = None, *, upstream_status: int | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, None, None, status)
        self.upstream_status = upstream_status

    def _default_status(self) -> int:
        return 502

    def __repr__(self) -> str:
        return (
            f"InternalOAuthError(message={self.message!r}, upstream_status={self.upstream_status!r}, "
            f"status={self.status!r})"
        )
