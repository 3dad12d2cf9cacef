"""TokenSet: what the token endpoint answered, for verify, refresh and the subclass hooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

__all__ = ["TokenSet"]


@dataclass(frozen=True, slots=True)
class TokenSet:
    """One successful token response (RFC 6749 §5.1), checked.

    :ivar access_token: a non-empty string.
    :ivar refresh_token: the refresh token, or ``None``. After :meth:`OAuth2Strategy.refresh`
        it is the new one the provider issued, or the one passed in when it issued none.
    :ivar raw: the whole response as the provider sent it (after any compliance hook), every
        member kept: ``id_token``, ``scope``, ``expires_in``, provider extras.
    :ivar extra: values a subclass's :meth:`OAuth2Strategy.check_tokens` attached (an OIDC
        strategy: the validated ID token claims); empty otherwise.
    """

    access_token: str
    refresh_token: str | None
    raw: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, Any]:
        """Passport-oauth2's ``params``: the response without ``refresh_token``."""
        return {k: v for k, v in self.raw.items() if k != "refresh_token"}

    @property
    def token_type(self) -> str | None:
        value = self.raw.get("token_type")
        return value if isinstance(value, str) else None

    @property
    def scope(self) -> str | None:
        """The granted scope as sent (``None`` when the response has none: the requested one)."""
        value = self.raw.get("scope")
        return value if isinstance(value, str) else None

    @property
    def expires_in(self) -> float | None:
        value = self.raw.get("expires_in")
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return None

    @property
    def id_token(self) -> str | None:
        value = self.raw.get("id_token")
        return value if isinstance(value, str) else None

    def __repr__(self) -> str:  # never the tokens themselves
        return f"TokenSet(token_type={self.token_type!r}, scope={self.scope!r}, members={sorted(self.raw)!r})"
