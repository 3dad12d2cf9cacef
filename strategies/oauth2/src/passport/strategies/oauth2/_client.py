"""The strategy's back-channel API for applications and subclasses: bounded GETs, refresh, hooks, OpenAPI.

:class:`BackChannelMethods` is a base of :class:`~passport.strategies.oauth2.OAuth2Strategy`
(these are its public methods, documented there and in the README); it only reads the
configuration the strategy's ``__init__`` sets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ._backchannel import BackChannel
from ._backchannel import Document
from ._backchannel import Hook
from ._backchannel import hook_types
from ._tokens import TokenSet
from ._urls import check_endpoint

__all__ = ["BackChannelMethods"]


class BackChannelMethods:
    """``fetch_document`` / ``fetch_json`` (and async twins), ``refresh``, compliance hooks, ``openapi_scheme``."""

    _back: BackChannel
    _compliance_hooks: dict[str, list[Hook]]
    _authorization_url: str
    _token_url: str
    _scope: str | Sequence[str] | None
    _scope_separator: str
    token_types: frozenset[str]
    parse_error_response: Callable[[str, int], BaseException | None]  # OAuth2Strategy's hook

    def fetch_document(
        self,
        url: str,
        access_token: str | None = None,
        *,
        what: str = "user profile",
        headers: Mapping[str, str] | None = None,
    ) -> Document:
        """GET ``url`` and return its JSON as a :class:`Document` (``data``, ``text``, ``headers``).

        With ``access_token``, it is sent as ``Authorization: Bearer <access_token>``; without,
        nothing is (a JWKS or a discovery document). Blocking, with the strategy's limits:
        connect and read timeouts and an overall deadline, the size cap, no redirects, TLS
        verified, https only (http on loopback), no secret logged, ``custom_headers`` and
        ``headers`` sent. A 2xx answer in UTF-8 JSON is required.

        :raises InternalOAuthError: ``Failed to fetch <what>`` (502), for any failure.
        """
        check_endpoint("url", url)
        extra = dict(headers or {})
        for key, value in extra.items():
            if not isinstance(key, str) or not isinstance(value, str) or any(c in key + value for c in "\r\n"):
                raise ValueError("headers must map header names to single-line strings")
        return self._back.get_document(url, access_token, f"Failed to fetch {what}", extra)

    async def afetch_document(
        self,
        url: str,
        access_token: str | None = None,
        *,
        what: str = "user profile",
        headers: Mapping[str, str] | None = None,
    ) -> Document:
        """:meth:`fetch_document` in a worker thread: the event loop keeps running meanwhile."""
        return await asyncio.to_thread(self.fetch_document, url, access_token, what=what, headers=headers)

    def fetch_json(
        self,
        url: str,
        access_token: str | None = None,
        *,
        what: str = "user profile",
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """:meth:`fetch_document`, returning only the decoded JSON. For :meth:`user_profile` overrides."""
        return self.fetch_document(url, access_token, what=what, headers=headers).data

    async def afetch_json(
        self,
        url: str,
        access_token: str | None = None,
        *,
        what: str = "user profile",
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """:meth:`fetch_json` in a worker thread: for ``async def`` profile loaders."""
        return (await self.afetch_document(url, access_token, what=what, headers=headers)).data

    # -- compliance, refresh, OpenAPI ------------------------------------------------------------

    def register_compliance_hook(self, hook_type: str, hook: Callable[..., Any]) -> None:
        """Adapt the token requests to a provider that departs from RFC 6749, as requests-oauthlib does.

        ``hook_type`` is one of requests-oauthlib's (``OAuth2Session.register_compliance_hook``):
        ``access_token_response`` and ``refresh_token_response`` hooks get the
        ``requests.Response`` and return it (fixed: requests-oauthlib's ``compliance_fixes``
        rewrite ``response._content``); they run in registration order, after a 5xx has been
        refused and before the strategy's own checks of the answer. Request hooks
        (``access_token_request``, ``refresh_token_request`` with requests-oauthlib 2) are
        handed to requests-oauthlib as they are. Call it while configuring, not per request.

        :raises ValueError: a hook type the installed requests-oauthlib does not know.
        :raises TypeError: ``hook`` is not callable.
        """
        known = hook_types() - {"protected_request"}
        if hook_type not in known:
            raise ValueError(f"unknown compliance hook type {hook_type!r} (one of {sorted(known)})")
        if not callable(hook):
            raise TypeError("a compliance hook must be callable")
        self._compliance_hooks.setdefault(hook_type, []).append(hook)

    def refresh(
        self, refresh_token: str, *, scope: str | Sequence[str] | None = None, params: Mapping[str, str] | None = None
    ) -> TokenSet:
        """Exchange ``refresh_token`` for a new token set (RFC 6749 §6); blocking.

        Through ``OAuth2Session.refresh_token``, with the client authentication, limits,
        compliance hooks and checks of the login's token request. ``scope`` narrows the
        scope (a string or a list, joined with ``scope_separator``); ``params`` adds fields.
        The result's ``refresh_token`` is the new one, or ``refresh_token`` when the provider
        issued none. In async code use :meth:`arefresh`.

        :raises TokenError: the provider refused (``invalid_grant``: revoked or expired).
        :raises InternalOAuthError: the exchange failed (502).
        :raises ValueError: ``refresh_token`` is not a non-empty string.
        """
        if not isinstance(refresh_token, str) or not refresh_token or any(c in refresh_token for c in "\r\n"):
            raise ValueError("refresh() needs the refresh token (a non-empty string)")
        joined = scope if scope is None or isinstance(scope, str) else self._scope_separator.join(map(str, scope))
        extra = {k: str(v) for k, v in (params or {}).items() if v is not None}
        return self._back.refresh(
            refresh_token, joined, extra, self.parse_error_response, self.token_types, self._compliance_hooks
        )

    async def arefresh(
        self, refresh_token: str, *, scope: str | Sequence[str] | None = None, params: Mapping[str, str] | None = None
    ) -> TokenSet:
        """:meth:`refresh` in a worker thread: the event loop keeps running meanwhile."""
        return await asyncio.to_thread(self.refresh, refresh_token, scope=scope, params=params)

    @property
    def openapi_scheme(self) -> dict[str, Any]:
        """This strategy as an OpenAPI 3 Security Scheme Object (``type: oauth2``, authorization code).

        ``scopes`` maps each configured scope to an empty description.
        """
        scope = self._scope
        if scope is None:
            names: list[str] = []
        elif isinstance(scope, str):
            names = [s for s in scope.split(self._scope_separator) if s] if self._scope_separator else [scope]
        else:
            names = [str(s) for s in scope]
        return {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": self._authorization_url,
                    "tokenUrl": self._token_url,
                    "scopes": {name: "" for name in names},
                }
            },
        }
