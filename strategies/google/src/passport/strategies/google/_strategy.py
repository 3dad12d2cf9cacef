"""GoogleStrategy: Sign in with Google, OIDCStrategy with Google's issuer, scopes and hosted domains."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from passport.strategies.oauth2 import TokenSet
from passport.strategies.oidc import IDTokenError
from passport.strategies.oidc import OIDCLogin
from passport.strategies.oidc import OIDCStrategy

from ._profile import google_profile

if TYPE_CHECKING:
    from passport.core import Request

__all__ = ["GOOGLE_ISSUER", "GoogleStrategy"]

GOOGLE_ISSUER: Final = "https://accounts.google.com"
# Google documents both spellings of its issuer in ID tokens.
GOOGLE_ID_TOKEN_ISSUERS: Final = ("accounts.google.com",)
PASSED_THROUGH: Final = ("access_type", "include_granted_scopes")


class GoogleStrategy(OIDCStrategy):
    """Sign in with Google (OpenID Connect, Google's discovery document).

    ``verify(access_token, refresh_token, profile)`` as in passport-google-oauth20 (the request
    first with ``pass_request=True``), ``def`` or ``async def``; ``profile`` is a
    :class:`passport.strategies.oauth2.Profile` (``provider="google"``, ``id`` = the ``sub``),
    built from the ID token's validated claims (and UserInfo with ``userinfo=True``); every
    claim is in ``profile.json``.

    :param hosted_domain: a Google Workspace domain, or several, the account must belong to.
        Checked against the ID token's ``hd`` claim (the ``hd`` authorization parameter Google
        also receives only shapes its account chooser: anyone can edit a URL).
    :param issuer: Google's issuer; a test points it at a fake Google on 127.0.0.1.
    :param options: everything :class:`OIDCStrategy` takes (``userinfo``, ``leeway``, ...).
    """

    name = "google"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        client_id: str,
        client_secret: str,
        callback_url: str,
        scope: str | Sequence[str] = ("openid", "email", "profile"),
        hosted_domain: str | Sequence[str] | None = None,
        issuer: str = GOOGLE_ISSUER,
        **options: Any,
    ) -> None:
        domains = (hosted_domain,) if isinstance(hosted_domain, str) else tuple(hosted_domain or ())
        if not all(isinstance(d, str) and d and d == d.strip().lower() for d in domains):
            raise ValueError("hosted_domain must be lower-case domain names")
        self.hosted_domains: frozenset[str] = frozenset(domains)
        self._hd_hint = domains[0] if len(domains) == 1 else ("*" if domains else None)
        if issuer == GOOGLE_ISSUER:
            options.setdefault("id_token_issuers", GOOGLE_ID_TOKEN_ISSUERS)
        super().__init__(
            verify,
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
            callback_url=callback_url,
            scope=scope,
            **options,
        )

    def authorization_params(self, options: Mapping[str, Any]) -> Mapping[str, Any]:
        """OIDC's route options, Google's ``access_type`` / ``include_granted_scopes``, and ``hd``."""
        params = dict(super().authorization_params(options))
        params.update({k: str(options[k]) for k in PASSED_THROUGH if options.get(k) is not None})
        if self._hd_hint is not None:
            params["hd"] = self._hd_hint
        return params

    def check_tokens(self, request: Request, tokens: TokenSet, flow_params: Mapping[str, str]) -> TokenSet:
        """The OIDC checks, then the hosted domain: the token's ``hd`` must be an allowed one."""
        checked = super().check_tokens(request, tokens, flow_params)
        if self.hosted_domains:
            hd = checked.extra["claims"].get("hd")
            if not isinstance(hd, str) or hd.lower() not in self.hosted_domains:
                raise IDTokenError("The Google account is not in an allowed hosted domain", "hd")
        return checked

    def verify_args(self, login: OIDCLogin) -> tuple[Any, ...]:
        """``(access_token, refresh_token, profile)``, passport-google-oauth20's arguments."""
        profile = google_profile(login.claims, login.userinfo)
        return (login.tokens.access_token, login.tokens.refresh_token, profile)
