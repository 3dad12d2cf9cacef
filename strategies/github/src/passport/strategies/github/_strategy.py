"""GitHubStrategy: Sign in with GitHub, an OAuth2Strategy with GitHub's endpoints and profile."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import Profile
from passport.strategies.oauth2 import TokenSet

from ._compliance import space_separated_scope
from ._profile import emails_from
from ._profile import profile_from

__all__ = ["GitHubStrategy"]

AUTHORIZATION_URL = "https://github.com/login/oauth/authorize"
TOKEN_URL = "https://github.com/login/oauth/access_token"
API_URL = "https://api.github.com"
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
EMAIL_SCOPES = frozenset({"user:email", "user"})
"""Scopes that let the token read ``/user/emails`` (``user`` includes ``user:email``)."""


def _api_url(url: object) -> str:
    """``api_url`` without a trailing slash; https, or http on a loopback host (tests, development)."""
    if not isinstance(url, str) or not url:
        raise ValueError("api_url must be the GitHub API's base URL")
    parts = urlsplit(url)
    host = parts.hostname or ""
    loopback = host == "localhost"
    try:
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ValueError("api_url must use https (plain http is allowed only for localhost, 127.0.0.0/8 and ::1)")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError("api_url must be a base URL without user information, query or fragment")
    return url.rstrip("/")


class GitHubStrategy(OAuth2Strategy):
    """Sign in with GitHub (an OAuth App), or GitHub Enterprise Server with its endpoints.

    ``verify(access_token, refresh_token, profile)`` (the :class:`OAuth2Strategy` variants
    apply: ``pass_request``, ``verify_params``) gets a
    :class:`~passport.strategies.oauth2.Profile`: ``provider="github"``, ``id`` the numeric
    user id as a string (key accounts on it: a login can be renamed, then taken by someone
    else), ``username`` the login, ``display_name``, ``photos`` (the avatar), ``raw`` and
    ``json`` (``GET /user``). ``emails`` come from ``GET /user/emails`` when the granted scope
    allows it (``user:email`` or ``user``), with GitHub's ``primary`` and ``verified`` flags,
    the primary first; otherwise the public address on ``/user``, if any, with
    ``verified=None``.

    :param scope: default ``("read:user", "user:email")``; GitHub joins scopes with spaces.
    :param authorization_url: default ``https://github.com/login/oauth/authorize``.
    :param token_url: default ``https://github.com/login/oauth/access_token``.
    :param api_url: default ``https://api.github.com`` (Enterprise: ``https://HOST/api/v3``).
    :param options: everything else :class:`OAuth2Strategy` takes. State and PKCE S256 are on
        (GitHub supports PKCE for OAuth Apps).
    """

    name = "github"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        client_id: str,
        client_secret: str | None,
        callback_url: str | None = None,
        scope: str | Sequence[str] | None = ("read:user", "user:email"),
        authorization_url: str = AUTHORIZATION_URL,
        token_url: str = TOKEN_URL,
        api_url: str = API_URL,
        **options: Any,
    ) -> None:
        super().__init__(
            verify,
            authorization_url=authorization_url,
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            callback_url=callback_url,
            scope=list(scope) if scope is not None and not isinstance(scope, str) else scope,
            **options,
        )
        self._api_url = _api_url(api_url)
        self.register_compliance_hook("access_token_response", space_separated_scope)
        self.register_compliance_hook("refresh_token_response", space_separated_scope)

    def granted_scopes(self, tokens: TokenSet, reported: str | None = None) -> frozenset[str]:
        """The scopes the token carries: the token answer's ``scope``, else GitHub's ``X-OAuth-Scopes``."""
        text = tokens.scope if tokens.scope is not None else reported
        return frozenset(part.strip() for part in (text or "").replace(",", " ").split() if part.strip())

    def load_profile(self, tokens: TokenSet) -> Profile:
        """``GET /user``, and ``GET /user/emails`` when the granted scope allows; blocking (runs in a thread)."""
        user = self.fetch_document(f"{self._api_url}/user", tokens.access_token, headers=API_HEADERS)
        emails = None
        if self.granted_scopes(tokens, user.headers.get("X-OAuth-Scopes")) & EMAIL_SCOPES:
            listing = self.fetch_document(
                f"{self._api_url}/user/emails", tokens.access_token, what="user emails", headers=API_HEADERS
            )
            emails = emails_from(listing.data)
        return profile_from(user, emails)

    def user_profile(self, access_token: str) -> Profile:
        """The profile for an access token alone (the scope is then what GitHub reports)."""
        return self.load_profile(TokenSet(access_token, None, {"access_token": access_token}))
