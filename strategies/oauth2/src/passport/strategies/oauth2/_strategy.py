"""OAuth2Strategy: the OAuth 2.0 authorization-code flow, Passport-oauth2 style, secure by default."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import math
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlsplit

from passport.core import Strategy
from passport.core import call_function
from passport.core import call_verify

from . import _http
from ._backchannel import BackChannel
from ._backchannel import Hook
from ._client import BackChannelMethods
from ._errors import AuthorizationError
from ._errors import OAuthError
from ._errors import clean_text
from ._issuer import issuer_problem
from ._pkce import FlowKey
from ._pkce import FlowKeyError
from ._state import UNABLE_TO_VERIFY
from ._state import NullStateStore
from ._state import SessionStateStore
from ._state import StateStore
from ._token import oauth_error
from ._tokens import TokenSet
from ._urls import UntrustedHost
from ._urls import allowed_host_set
from ._urls import authorization_redirect
from ._urls import check_endpoint
from ._urls import resolve_callback

if TYPE_CHECKING:
    from passport.core import Request

__all__ = ["OAuth2Strategy"]

PKCE_METHODS = ("S256", "plain")
CLIENT_AUTH_METHODS = ("client_secret_post", "client_secret_basic")
MAX_CODE = 2048
INVALID_CODE = "Invalid authorization code."
UNKNOWN_HOST = "Unknown host."

log = logging.getLogger("passport.strategies.oauth2")


def _challenge(verifier: str, method: str) -> str:
    if method == "plain":
        return verifier
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _good_code(code: object) -> bool:
    return isinstance(code, str) and 0 < len(code) <= MAX_CODE and all(" " <= c <= "~" for c in code)


def _async_mode() -> bool:
    """True when an event loop runs in this thread: then ``call_function`` hands back real awaitables."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _drive(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine that never suspends in sync mode (every await in it is already resolved)."""
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise RuntimeError("OAuth2Strategy suspended in sync mode")  # pragma: no cover - a bug if reached


def _callback_params(request: Any) -> Mapping[str, Any] | None:
    """The mapping the provider answered in: the query, or the body for ``response_mode=form_post``."""
    for source in (getattr(request, "query", None), getattr(request, "body", None)):
        if isinstance(source, Mapping) and ("code" in source or "error" in source):
            return source
    return None


class OAuth2Strategy(Strategy, BackChannelMethods):
    """Log users in with an OAuth 2.0 provider (authorization-code grant).

    A request without ``code`` (or ``error``) in its query is sent to ``authorization_url`` (302)
    with ``response_type=code``, ``client_id``, ``redirect_uri``, ``scope``, a fresh ``state``
    and a PKCE ``code_challenge``. The provider sends the browser back to ``callback_url``; there
    the state is checked and consumed first (403 when missing, wrong, replayed or expired), then
    the code is exchanged for tokens at ``token_url``, the profile is loaded, and ``verify`` is
    called with ``(access_token, refresh_token, profile)``.

    :param verify: ``verify(access_token, refresh_token, profile)`` -> user | None | False |
        ``(user_or_false, info)``; with ``verify_params=True`` ``verify(access_token,
        refresh_token, params, profile)`` (``params``: the token response without
        ``refresh_token``); with ``pass_request=True`` the request comes first. ``def`` or
        ``async def``.
    :param authorization_url: the provider's authorization endpoint (https; http only on loopback).
    :param token_url: the provider's token endpoint (same rule).
    :param client_id: the client identifier.
    :param client_secret: the client secret; ``None`` for a public client.
    :param callback_url: the ``redirect_uri``: absolute (recommended), or relative to the request
        URL when ``allowed_hosts`` names the hosts it may resolve against.
    :param scope: a string, or a list joined with ``scope_separator``; a route's ``scope`` option wins.
    :param state: send and check a ``state`` bound to the session (default on; turning it off
        removes CSRF protection and requires ``pkce=False``).
    :param pkce: ``"S256"`` (default), ``"plain"``, ``True`` (= S256) or ``False``/``None``.
    :param flow_key: the secret PKCE verifiers are derived with (``str`` or ``bytes``, at least 32
        bytes, e.g. ``secrets.token_urlsafe(32)``), so a pending flow keeps no verifier, only a
        reference useless without the key. With several app instances give every instance the
        same one, like a session secret; ``None`` (default) uses a random key made once per
        process, and a callback reaching another process than the one that started its flow is
        then a :class:`FlowKeyError` (500) naming this option.
    :param previous_flow_keys: keys ``flow_key`` replaced (a list, newest first): flows started
        under one of them still complete, none starts under them. To rotate, deploy
        ``flow_key=new, previous_flow_keys=[old]`` everywhere, and drop ``old`` once the pending
        flows it started have expired (10 minutes by default).
    :param session_key: the session slot (default ``"oauth2:<authorization host>"``).
    :param store: a custom state store (see ``passport.strategies.oauth2.StateStore``); default a
        :class:`SessionStateStore`.
    :param proxy: trust ``X-Forwarded-Proto``/``X-Forwarded-Host`` for a relative ``callback_url``.
    :param allowed_hosts: the hosts (``host`` or ``host:port``) a relative ``callback_url`` may be
        resolved against; required for one, since the request's host is the client's word. A
        request for any other host fails with 400.
    :param skip_user_profile: ``True`` to skip loading the profile (verify gets ``None``), or
        ``skip(access_token) -> bool``, ``def`` or ``async def``.
    :param timeout: seconds for each back-channel exchange: connect, each read, and overall.
    :param custom_headers: extra headers for back-channel requests (never for the browser redirect).
    :param max_response_bytes: largest body accepted from the provider (default 1 MiB).
    :param client_auth: ``"client_secret_post"`` (default: id and secret in the form body) or
        ``"client_secret_basic"`` (HTTP Basic, RFC 6749 §2.3.1).
    :param issuer: the provider's issuer identifier (its metadata's ``issuer``). An ``iss`` in the
        authorization response must then equal it exactly, or the callback fails with 403 before
        any token request (RFC 9207 mix-up defence).
    :param require_iss: refuse a response without ``iss`` (for providers whose metadata has
        ``authorization_response_iss_parameter_supported``); needs ``issuer``.
    :raises ValueError: an invalid option (insecure endpoint, unknown PKCE method, PKCE without
        state, ``require_iss`` without ``issuer``, a ``flow_key`` shorter than 32 bytes).
    :raises TypeError: ``verify`` is not callable; ``flow_key`` is neither ``str`` nor ``bytes``.
    """

    name = "oauth2"
    token_types: frozenset[str] = frozenset({"bearer"})
    """Accepted ``token_type`` values (lower case); a response without one is accepted."""

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        authorization_url: str,
        token_url: str,
        client_id: str,
        client_secret: str | None = None,
        callback_url: str | None = None,
        scope: str | Sequence[str] | None = None,
        scope_separator: str = " ",
        state: bool = True,
        pkce: str | bool | None = "S256",
        flow_key: str | bytes | None = None,
        previous_flow_keys: Sequence[str | bytes] = (),
        session_key: str | None = None,
        store: StateStore | None = None,
        proxy: bool = False,
        allowed_hosts: Sequence[str] | None = None,
        pass_request: bool = False,
        verify_params: bool = False,
        skip_user_profile: bool | Callable[[str], Any] = False,
        timeout: float = 10.0,
        custom_headers: Mapping[str, str] | None = None,
        max_response_bytes: int = 1 << 20,
        client_auth: str = "client_secret_post",
        issuer: str | None = None,
        require_iss: bool = False,
    ) -> None:
        super().__init__()
        if not callable(verify):
            raise TypeError("OAuth2Strategy requires a verify function")
        self._authorization_url = check_endpoint("authorization_url", authorization_url)
        self._token_url = check_endpoint("token_url", token_url)
        if not isinstance(client_id, str) or not client_id:
            raise ValueError("OAuth2Strategy requires a client_id option")
        if client_secret is not None and not isinstance(client_secret, str):
            raise TypeError("client_secret must be a string or None")
        if pkce is True:
            pkce = "S256"
        if pkce not in (False, None) and pkce not in PKCE_METHODS:
            raise ValueError(f"Unsupported code verifier transformation method: {pkce!r} (use 'S256' or 'plain')")
        if client_auth not in CLIENT_AUTH_METHODS:
            raise ValueError(f"client_auth must be one of {CLIENT_AUTH_METHODS}")
        if not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        if not isinstance(max_response_bytes, int) or max_response_bytes < 1:
            raise ValueError("max_response_bytes must be a positive integer")
        if issuer is not None and (not isinstance(issuer, str) or not issuer):
            raise ValueError("issuer must be the provider's issuer identifier (a non-empty string) or None")
        if require_iss and issuer is None:
            raise ValueError("require_iss needs the issuer to compare with: pass issuer=")
        headers = dict(custom_headers or {})
        for key, value in headers.items():
            if not isinstance(key, str) or not isinstance(value, str) or any(c in key + value for c in "\r\n"):
                raise ValueError("custom_headers must map header names to single-line strings")
        if store is None and state:
            store = SessionStateStore(session_key or "oauth2:" + (urlsplit(authorization_url).hostname or ""))
        if store is None and pkce:
            raise ValueError("OAuth2Strategy requires `state=True` when PKCE is enabled (or pass pkce=False)")
        self._verify = verify
        self._client_id = client_id
        self._allowed_hosts = allowed_host_set(allowed_hosts)
        if callback_url is not None and not urlsplit(callback_url).scheme and self._allowed_hosts is None:
            raise ValueError(
                "a relative callback_url is resolved against the request's Host header, which the client "
                "writes: give an absolute callback_url, or the hosts it may resolve against (allowed_hosts=)"
            )
        self._callback_url = callback_url
        self._scope = scope
        self._scope_separator = scope_separator
        self._pkce: str | None = pkce or None
        self._flow_key = FlowKey(flow_key, previous_flow_keys)
        self._store: Any = store if store is not None else NullStateStore()
        self._builtin_store = isinstance(self._store, (SessionStateStore, NullStateStore))
        if isinstance(self._store, SessionStateStore):
            # Flows started in other tabs wait in this slot: the login this strategy leads to
            # keeps it through the session's regeneration (security item 22).
            self.session_keys = (self._store.key,)
        self._proxy = proxy
        self._pass_request = pass_request
        self._verify_params = verify_params
        self._skip_user_profile = skip_user_profile
        self._issuer = issuer
        self._require_iss = bool(require_iss)
        self._compliance_hooks: dict[str, list[Hook]] = {}
        self._back = BackChannel(
            token_url=self._token_url,
            client_id=client_id,
            client_secret=client_secret,
            client_auth=client_auth,
            headers=headers,
            limits=_http.Limits(float(timeout), float(timeout), float(timeout), max_response_bytes),
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} client_id={self._client_id!r}>"

    # -- subclass hooks ------------------------------------------------------------------------

    def authorization_params(self, options: Mapping[str, Any]) -> Mapping[str, Any]:
        """Extra authorization-request parameters (``prompt``, ``access_type``...); default none.

        The strategy's own parameters (``response_type``, ``client_id``, ``redirect_uri``,
        ``scope``, ``state``, PKCE) always win over these.
        """
        return {}

    def token_params(self, options: Mapping[str, Any]) -> Mapping[str, Any]:
        """Extra token-request parameters; default none. The grant's own parameters win."""
        return {}

    def flow_params(self, options: Mapping[str, Any]) -> Mapping[str, str]:
        """Per-flow authorization parameters, remembered with the pending flow; default none.

        Called once per authorization request (an OIDC strategy returns a fresh ``nonce``). Each
        value is sent in the authorization request, like :meth:`authorization_params`, and kept
        with the flow by the state store (``meta["flow_params"]``); the callback of that flow
        hands them back to :meth:`check_tokens`. Values must be strings; the strategy's own
        parameters win over these.
        """
        return {}

    def check_tokens(self, request: Request, tokens: TokenSet, flow_params: Mapping[str, str]) -> Any:
        """Runs between the token exchange and the profile and verify; ``def`` or ``async def``.

        ``tokens`` is the whole token response (``tokens.raw``, ``tokens.id_token``);
        ``flow_params`` the values :meth:`flow_params` gave for this flow (``{}`` when a custom
        store does not carry them). Return ``None`` to go on with ``tokens``, or a
        :class:`TokenSet` to go on with instead (e.g. ``dataclasses.replace(tokens,
        extra={"claims": claims})``). Raise an :class:`OAuthError` (its ``status`` is the
        answer: e.g. ``InternalOAuthError`` 502 for a provider answering nonsense) to end the
        attempt with the error action; neither the profile nor verify runs then.
        """
        return None

    def load_profile(self, tokens: TokenSet) -> Any:
        """The profile step; ``def`` or ``async def``. Default: :meth:`user_profile` with the access token.

        Override it instead of :meth:`user_profile` when the profile needs more of the token
        response than the access token (an OIDC ID token's claims, a granted ``scope``).
        """
        return self.user_profile(tokens.access_token)

    def user_profile(self, access_token: str) -> Any:
        """Load the user's profile with ``access_token``; ``def`` or ``async def``. Default ``{}``.

        Override it for a provider, typically with :meth:`fetch_json`. In async apps a plain
        ``def`` override runs in a worker thread, so blocking HTTP is fine. Raising makes the
        attempt an error (verify is not called).
        """
        return {}

    def parse_error_response(self, body: str, status: int) -> BaseException | None:
        """Turn a token endpoint's error answer into an exception; ``None`` means "not OAuth".

        The default reads an RFC 6749 §5.2 JSON body into a :class:`TokenError`. When this
        returns ``None`` or raises, the error is an :class:`InternalOAuthError`.
        """
        return oauth_error(body)

    # -- authenticate --------------------------------------------------------------------------

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> None | Awaitable[None]:
        """Redirect to the provider, or handle its callback (see the class docstring)."""
        flow = self._flow(request, options)
        if _async_mode():
            return flow
        _drive(flow)
        return None

    async def _flow(self, request: Request, options: Mapping[str, Any]) -> None:
        try:
            callback_url = resolve_callback(
                options.get("callback_url") or self._callback_url, request, self._proxy, self._allowed_hosts
            )
        except UntrustedHost:
            self.fail({"message": UNKNOWN_HOST}, 400)
            return
        meta = {
            "authorization_url": self._authorization_url,
            "token_url": self._token_url,
            "client_id": self._client_id,
            "callback_url": callback_url,
        }
        params = _callback_params(request)
        if params is None:
            await self._authorize(request, options, callback_url, meta)
        elif "error" in params:
            await self._provider_error(request, params, meta)
        else:
            await self._callback(request, options, params, callback_url, meta)

    async def _store_call(self, method: str, *args: Any) -> Any:
        fn = getattr(self._store, method)
        if self._builtin_store:
            return fn(*args)
        return await call_function(fn, *args)

    async def _authorize(
        self, request: Request, options: Mapping[str, Any], callback_url: str | None, meta: dict[str, Any]
    ) -> None:
        params: dict[str, Any] = dict(self.authorization_params(options))
        flow_params = dict(self.flow_params(options))
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in flow_params.items()):
            raise TypeError("flow_params() must return a mapping of strings to strings")
        params.update(flow_params)
        params["response_type"] = "code"
        if callback_url:
            params["redirect_uri"] = callback_url
        scope = options.get("scope")
        scope = self._scope if scope is None else scope
        if scope is not None:
            params["scope"] = scope if isinstance(scope, str) else self._scope_separator.join(map(str, scope))
        reference = None
        if self._pkce:
            # The store keeps the reference; the verifier is derived again at the callback.
            reference, verifier = self._flow_key.new_flow()
            params["code_challenge"] = _challenge(verifier, self._pkce)
            params["code_challenge_method"] = self._pkce
        app_state = options.get("state")
        handle = await self._store_call(
            "store",
            request,
            {
                **meta,
                "code_verifier": reference,
                "state": None if app_state is False else app_state,
                "flow_params": flow_params,
            },
        )
        if handle is not None:
            if not isinstance(handle, str) or not handle:
                raise TypeError("a state store's store() must return a non-empty string or None")
            params["state"] = handle
        self.redirect(authorization_redirect(self._authorization_url, params, self._client_id))

    async def _consume_state(self, request: Request, params: Mapping[str, Any], meta: dict[str, Any]) -> Any:
        """Check and consume the flow's state, then the issuer: the first step of every callback.

        :returns: ``(verifier_reference, app_state, flow_params)`` for a callback of a flow this
            browser started with this provider, or ``None`` after failing the request with a 403.
        """
        state = params.get("state")
        answer = await self._store_call("verify", request, state if isinstance(state, str) else None, meta)
        if not (isinstance(answer, tuple) and len(answer) in (3, 4)):
            raise TypeError("a state store's verify() must return (ok, code_verifier_or_None, info[, flow_params])")
        ok, verifier, app_state = answer[:3]
        flow_params = answer[3] if len(answer) == 4 and isinstance(answer[3], Mapping) else {}
        if not ok:
            self.fail(app_state, 403)
            return None
        problem = issuer_problem(params, self._issuer, self._require_iss)
        if problem is not None:  # another issuer's answer (or an attacker's) is not this provider's
            self.fail({"message": problem}, 403)
            return None
        return verifier, app_state, flow_params

    async def _provider_error(self, request: Request, params: Mapping[str, Any], meta: dict[str, Any]) -> None:
        # An error answer must belong to a flow this browser started, as a code does (security
        # items 29 and 35): without that check anyone could link a victim to
        # /callback?error=access_denied&error_description=<text> and plant <text> in their
        # session; and consuming the state here means the flow cannot be completed afterwards.
        state = params.get("state")
        if not (isinstance(state, str) and state) and not isinstance(self._store, NullStateStore):
            # It names no flow: refused, and the flows this browser has pending are left alone
            # (a link to /callback?error=x must not cancel a login in progress either).
            self.fail({"message": UNABLE_TO_VERIFY}, 403)
            return
        if await self._consume_state(request, params, meta) is None:
            return
        code = clean_text(params.get("error"))
        description = clean_text(params.get("error_description"))
        if code == "access_denied":
            self.fail({"message": description} if description else {})
            return
        uri = clean_text(params.get("error_uri"))
        self.error(AuthorizationError(description, code[:64] if code else None, uri))

    async def _callback(
        self,
        request: Request,
        options: Mapping[str, Any],
        params: Mapping[str, Any],
        callback_url: str | None,
        meta: dict[str, Any],
    ) -> None:
        checked = await self._consume_state(request, params, meta)
        if checked is None:
            return
        reference, app_state, flow_params = checked
        verifier = None
        if self._pkce:
            try:
                verifier = self._flow_key.derive(reference)
            except FlowKeyError as exc:
                # Not the user's doing: the deployment runs instances with different keys.
                log.error("OAuth 2.0 callback refused: %s", exc.message)
                self.error(exc)
                return
            if verifier is None:  # no reference kept with the flow, or not one of ours
                self.fail({"message": UNABLE_TO_VERIFY}, 403)
                return
        code = params.get("code")
        if not _good_code(code):
            self.fail({"message": INVALID_CODE}, 400)
            return
        extra = {k: str(v) for k, v in self.token_params(options).items() if v is not None}
        try:
            tokens: TokenSet = await call_function(
                self._back.exchange_code,
                str(code),
                callback_url,
                verifier,
                extra,
                self.parse_error_response,
                self.token_types,
                self._compliance_hooks,
            )
            checked_tokens = await call_function(self.check_tokens, request, tokens, dict(flow_params))
        except OAuthError as exc:
            self.error(exc)
            return
        if checked_tokens is not None:
            if not isinstance(checked_tokens, TokenSet):
                raise TypeError("check_tokens() must return None or a TokenSet")
            tokens = checked_tokens
        skip = self._skip_user_profile
        if callable(skip):
            skip = await call_function(skip, tokens.access_token)
        profile = None
        if not skip:
            if type(self).load_profile is OAuth2Strategy.load_profile:
                # user_profile is called as before: an async def one is awaited on this loop.
                profile = await call_function(self.user_profile, tokens.access_token)
            else:
                profile = await call_function(self.load_profile, tokens)
        args: list[Any] = [tokens.access_token, tokens.refresh_token]
        if self._verify_params:
            args.append(tokens.params)
        args.append(profile)
        if self._pass_request:
            args.insert(0, request)
        user, info = await call_verify(self._verify, *args)
        if user is not None:  # Passport-oauth2: success info is at least {}, with the app's state
            if info is None:
                info = {}
            if app_state is not None and isinstance(info, Mapping):
                info = {**info, "state": app_state}
        self.verified((user, info))
