"""Errors of the JWT strategy and its key set.

::

    passport.core.PassportError
     +-- JWTError             base of this distribution's errors
          +-- JWKSError       the key set could not be fetched or read (status 502); the strategy
          |                   hands it to ``error()``, so the app answers 502, never a bare 500
          +-- UnknownKeyError no key of the set fits the token's ``kid`` and ``alg``, even after
                              the one refetch allowed (the strategy answers it as a 401)

Messages name the key set's origin and path, never a token, a key or a query string.
"""

from __future__ import annotations

from typing import Final

from passport.core import PassportError

__all__ = ["JWKSError", "JWTError", "UnknownKeyError"]


class JWTError(PassportError):
    """Base class of the errors of ``passport-strategy-jwt`` (a :class:`passport.core.PassportError`)."""


class JWKSError(JWTError):
    """The JWKS could not be fetched or is not a usable key set.

    :ivar message: what went wrong (timed out, too large, redirected, not JSON, ...).
    :ivar url: the key set's address without its query (never a secret).
    :ivar status: 502: the key provider failed, so the application answers Bad Gateway.
    """

    status: Final = 502

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(f"{message}: {url}" if url else message)
        self.message = message
        self.url = url

    def __repr__(self) -> str:
        return f"JWKSError(message={self.message!r}, url={self.url!r})"


class UnknownKeyError(JWTError):
    """No key of the set can check a token with this ``kid`` and ``alg``.

    :ivar kid: the token's key id (``None`` when the token has none).
    :ivar alg: the token's algorithm.
    """

    def __init__(self, kid: str | None, alg: str) -> None:
        shown = kid if kid is None or len(kid) <= 64 else kid[:64] + "..."  # a kid is the client's text
        super().__init__(f"no key for kid={shown!r} and alg={alg!r}")
        self.kid = kid
        self.alg = alg

    def __repr__(self) -> str:
        return f"UnknownKeyError(kid={self.kid!r}, alg={self.alg!r})"
