"""OIDCStrategy: OpenID Connect login on OAuth2Strategy's public extension points and the jwt JWKS."""

from __future__ import annotations

import dataclasses
import inspect
import re
import secrets
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from passport.strategies.jwt import JWKS
from passport.strategies.jwt import JWKSError
from passport.strategies.jwt import UnknownKeyError
from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import TokenSet

from ._discovery import ProviderMetadata
from ._discovery import discover
from ._discovery import discovery_url
from ._discovery import read_metadata
from ._errors import IDTokenError
from ._errors import UserInfoError
from ._idtoken import ASYMMETRIC
from ._idtoken import HMAC
from ._idtoken import check_auth_time
from ._idtoken import validate_id_token
from ._logout import end_session_url
from ._logout import origin

if TYPE_CHECKING:
    from passport.core import Request

__all__ = ["OIDCLogin", "OIDCStrategy"]

TENANT: Final = "{tenantid}"
_TENANT_ID: Final = re.compile(r"[A-Za-z0-9._-]{1,128}")
PASSED_THROUGH: Final = ("prompt", "login_hint", "ui_locales", "acr_values")


@dataclass(frozen=True, slots=True)
class OIDCLogin:
    """What one login produced, before verify: the validated claims, the UserInfo and the tokens."""

    claims: Mapping[str, Any]
    userinfo: Mapping[str, Any] | None
    tokens: TokenSet


def _is_async(fn: Callable[..., Any]) -> bool:
    """An ``async def`` function, method or partial, or an object whose ``__call__`` is one."""
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(type(fn).__call__)


def _default_algorithms(metadata: ProviderMetadata) -> tuple[str, ...]:
    advertised = tuple(a for a in metadata.id_token_signing_alg_values_supported if a in ASYMMETRIC)
    return advertised or ("RS256",)


def _client_auth(metadata: ProviderMetadata, client_secret: str | None, given: str | None) -> str:
    if given is not None:
        return given
    supported = metadata.token_endpoint_auth_methods_supported
    if client_secret is not None and "client_secret_basic" not in supported and "client_secret_post" in supported:
        return "client_secret_post"
    return "client_secret_basic"  # Discovery §3's default, and RFC 6749 §2.3.1's MUST


class OIDCStrategy(OAuth2Strategy):
    """Log users in with an OpenID Connect provider (authorization code flow, Core §3.1).

    At construction the provider configuration is fetched from
    ``{issuer}/.well-known/openid-configuration`` (or taken from ``metadata=``); its ``issuer``
    must equal ``issuer`` exactly. Every login sends ``state``, PKCE S256 and a fresh ``nonce``
    (kept with the pending flow); at the callback the ID token is validated as Core §3.1.3.7
    says, its signature always checked against the provider's JWKS; with ``userinfo=True`` the
    UserInfo endpoint is read and its ``sub`` must equal the ID token's. Then
    ``verify(claims, userinfo, tokens)`` (``verify(request, claims, userinfo, tokens)`` with
    ``pass_request=True``), ``def`` or ``async def``: ``claims`` the validated ID token claims,
    ``userinfo`` the UserInfo claims or ``None``, ``tokens`` the :class:`TokenSet`.

    :param issuer: the provider's issuer identifier (https; http only on loopback hosts).
    :param client_id, client_secret, callback_url: the registered client.
    :param scope: must contain ``openid``.
    :param algorithms: accepted ID token ``alg`` values. Default: the asymmetric ones the
        provider advertises (RS256 when it says nothing). HS256/384/512 (keyed with the client
        secret, Core §10.1) only when listed here; ``none`` never.
    :param leeway: seconds of clock skew allowed for ``exp`` and ``iat``.
    :param userinfo: fetch the UserInfo endpoint after the ID token checks.
    :param issuer_template: for a multi-tenant provider, the issuer its configuration names,
        with ``{tenantid}`` for the tenant (``https://login.microsoftonline.com/{tenantid}/v2.0``);
        an ID token's ``iss`` must then be that template with its own ``tid`` claim filled in.
    :param tenants: with ``issuer_template``, the tenant ids accepted (default: any).
    :param id_token_issuers: other exact ``iss`` values the provider's ID tokens may carry
        (Google's ``accounts.google.com`` besides ``https://accounts.google.com``); the
        configuration's own ``issuer`` still has to match exactly.
    :param metadata: the provider configuration as a mapping, instead of fetching it.
    :param jwks_options: keyword options for the :class:`~passport.strategies.jwt.JWKS`
        (``ttl``, ``min_refetch_interval``, ``max_stale``, ``max_keys``).
    :param client_auth: ``client_secret_basic`` or ``client_secret_post``; default chosen from
        the provider's ``token_endpoint_auth_methods_supported`` (basic when both are offered).
    :param options: passed on to :class:`OAuth2Strategy` (``session_key``, ``store``,
        ``allowed_hosts``, ``proxy``, ``timeout``, ``custom_headers``, ``max_response_bytes``).
    :raises DiscoveryError: the configuration cannot be fetched, names another issuer, or lacks
        an endpoint. :raises ValueError: an invalid option.
    """

    name = "oidc"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        issuer: str,
        client_id: str,
        client_secret: str | None = None,
        callback_url: str,
        scope: str | Sequence[str] = ("openid", "profile", "email"),
        algorithms: Sequence[str] | None = None,
        leeway: float = 60.0,
        userinfo: bool = False,
        issuer_template: str | None = None,
        tenants: Iterable[str] | None = None,
        id_token_issuers: Iterable[str] = (),
        metadata: Mapping[str, Any] | None = None,
        jwks_options: Mapping[str, Any] | None = None,
        client_auth: str | None = None,
        pass_request: bool = False,
        timeout: float = 10.0,
        **options: Any,
    ) -> None:
        if not callable(verify):
            raise TypeError("OIDCStrategy requires a verify function")
        if not isinstance(issuer, str) or not issuer:
            raise ValueError("OIDCStrategy requires the provider's issuer identifier")
        scopes = scope.split() if isinstance(scope, str) else list(scope)
        if "openid" not in scopes:
            raise ValueError("an OpenID Connect scope must contain 'openid'")
        if issuer_template is not None and (issuer_template.count(TENANT) != 1):
            raise ValueError("issuer_template must contain '{tenantid}' exactly once")
        if tenants is not None and issuer_template is None:
            raise ValueError("tenants needs issuer_template")
        if isinstance(leeway, bool) or not isinstance(leeway, int | float) or not 0 <= leeway <= 600:
            raise ValueError("leeway must be a number of seconds in [0, 600]")
        for option in ("authorization_url", "token_url", "verify_params", "skip_user_profile", "pkce", "state"):
            if option in options:
                raise TypeError(f"OIDCStrategy sets {option} itself")
        expected = issuer_template or issuer
        if metadata is not None:
            self.metadata: ProviderMetadata = read_metadata(metadata, expected)
        else:
            self.metadata = discover(discovery_url(issuer), expected, timeout=timeout)
        chosen = tuple(algorithms) if algorithms is not None else _default_algorithms(self.metadata)
        unknown = [a for a in chosen if a not in ASYMMETRIC | HMAC]
        if not chosen or unknown:
            raise ValueError(f"algorithms must be JWS algorithms other than 'none'; refused: {unknown}")
        if any(a in HMAC for a in chosen) and not client_secret:
            raise ValueError("HS* ID tokens are keyed with the client secret: pass client_secret")
        self._rp_client_id = client_id  # our own copy: OAuth2Strategy's attributes are its own
        self._algorithms = chosen
        self._leeway = float(leeway)
        self._fetch_userinfo = bool(userinfo)
        if self._fetch_userinfo and self.metadata.userinfo_endpoint is None:
            raise ValueError("userinfo=True, but the provider has no userinfo_endpoint")
        self._issuer_id = issuer
        self._issuer_template = issuer_template
        self._tenants = None if tenants is None else frozenset(tenants)
        self._other_issuers = frozenset(id_token_issuers)
        if not all(isinstance(i, str) and i for i in self._other_issuers):
            raise ValueError("id_token_issuers must be non-empty strings")
        self._client_secret_key = client_secret.encode("utf-8") if client_secret else None
        self._app_origin = origin(callback_url)
        super().__init__(
            self._make_adapter(verify),
            authorization_url=self.metadata.authorization_endpoint,
            token_url=self.metadata.token_endpoint,
            client_id=client_id,
            client_secret=client_secret,
            callback_url=callback_url,
            scope=scopes,
            pkce="S256",
            state=True,
            pass_request=pass_request,
            timeout=timeout,
            client_auth=_client_auth(self.metadata, client_secret, client_auth),
            # RFC 9207: an `iss` in the callback must be the issuer (multi-tenant: the template
            # is no single value, so the ID token's iss rule does that job).
            issuer=None if issuer_template else issuer,
            **options,
        )
        self.jwks: JWKS = JWKS(self.metadata.jwks_uri, fetch=self._fetch_jwks, **dict(jwks_options or {}))

    # -- verify --------------------------------------------------------------------------------

    def verify_args(self, login: OIDCLogin) -> tuple[Any, ...]:
        """The arguments verify gets (after the request with ``pass_request``); presets override it."""
        return (login.claims, login.userinfo, login.tokens)

    def _make_adapter(self, verify: Callable[..., Any]) -> Callable[..., Any]:
        # OAuth2Strategy calls verify(access_token, refresh_token, profile); the profile step
        # returns the OIDCLogin, and this turns it into the arguments documented above. It is
        # an `async def` exactly when verify is, so the core runs it the same way.
        def arguments(args: tuple[Any, ...]) -> tuple[Any, ...]:
            *head, login = args
            request = head[:-2]  # [request] with pass_request, else []
            return (*request, *self.verify_args(login))

        if _is_async(verify):

            async def adapter_async(*args: Any) -> Any:
                return await verify(*arguments(args))

            return adapter_async

        def adapter(*args: Any) -> Any:
            return verify(*arguments(args))

        return adapter

    # -- the OAuth2Strategy extension points ------------------------------------------------------

    def flow_params(self, options: Mapping[str, Any]) -> Mapping[str, str]:
        """A fresh ``nonce`` per login (Core §3.1.2.1), and the route's ``max_age``, kept with the flow."""
        params = {"nonce": secrets.token_urlsafe(32)}
        max_age = options.get("max_age")
        if max_age is not None:
            if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
                raise ValueError("max_age must be a non-negative int of seconds")
            params["max_age"] = str(max_age)  # its auth_time rule is checked at the callback
        return params

    def authorization_params(self, options: Mapping[str, Any]) -> Mapping[str, Any]:
        """Route options ``prompt``, ``login_hint``, ``max_age``, ``ui_locales``, ``acr_values``."""
        return {k: str(options[k]) for k in PASSED_THROUGH if options.get(k) is not None}

    def check_tokens(self, request: Request, tokens: TokenSet, flow_params: Mapping[str, str]) -> TokenSet:
        """Validate the ID token (Core §3.1.3.7) and attach its claims as ``tokens.extra["claims"]``."""
        claims = validate_id_token(
            tokens.id_token,
            key_for=self._key_for,
            algorithms=self._algorithms,
            client_id=self._rp_client_id,
            issuer_ok=self._issuer_ok,
            nonce=flow_params.get("nonce"),
            access_token=tokens.access_token,
            leeway=self._leeway,
        )
        max_age = flow_params.get("max_age")
        if max_age is not None:
            check_auth_time(claims, int(max_age), self._leeway)
        return dataclasses.replace(tokens, extra={**tokens.extra, "claims": claims})

    def load_profile(self, tokens: TokenSet) -> OIDCLogin:
        """Read UserInfo when configured (Core §5.3.2: its ``sub`` must be the ID token's)."""
        claims = tokens.extra["claims"]
        userinfo = None
        if self._fetch_userinfo and self.metadata.userinfo_endpoint is not None:
            userinfo = self.fetch_json(self.metadata.userinfo_endpoint, tokens.access_token, what="UserInfo")
            if not isinstance(userinfo, Mapping):
                raise UserInfoError("The UserInfo response is not a JSON object")
            if userinfo.get("sub") != claims["sub"]:  # a substituted response (Core §16.11)
                raise UserInfoError("The UserInfo response is for another subject")
        return OIDCLogin(claims, userinfo, tokens)

    # -- keys and issuers -------------------------------------------------------------------------

    def _fetch_jwks(self, url: str) -> bytes:
        # The JWKS goes through the oauth2 back channel: its deadline, size cap, TLS and headers.
        return self.fetch_document(url, what="JWKS").text.encode("utf-8")

    def _key_for(self, kid: str | None, alg: str) -> Any:
        if alg in HMAC:
            return self._client_secret_key  # Core §10.1: the client secret's octets
        try:
            return self.jwks.get_key(kid, alg).key
        except UnknownKeyError:
            raise IDTokenError("The ID token's signing key is unknown", "key") from None
        except JWKSError as exc:
            raise InternalOAuthError("Failed to fetch JWKS", status=exc.status) from None

    def _issuer_ok(self, iss: object, claims: Mapping[str, Any]) -> bool:
        if self._issuer_template is None:
            return iss == self._issuer_id or iss in self._other_issuers
        tenant = claims.get("tid")
        if not isinstance(tenant, str) or not _TENANT_ID.fullmatch(tenant):
            return False
        if self._tenants is not None and tenant not in self._tenants:
            return False
        return iss == self._issuer_template.replace(TENANT, tenant)

    # -- logout and OpenAPI -----------------------------------------------------------------------

    def logout_url(
        self, id_token_hint: str, post_logout_redirect_uri: str | None = None, *, state: str | None = None
    ) -> str:
        """The provider's ``end_session_endpoint`` to redirect the browser to (RP-Initiated Logout §2).

        :param id_token_hint: the ID token of the login (``tokens.id_token``, keep it in the session).
        :param post_logout_redirect_uri: where the provider sends the browser back; must be on
            the origin of ``callback_url`` (and registered with the provider).
        :raises ValueError: the provider has no ``end_session_endpoint``, or the redirect is on
            another origin.
        """
        endpoint = self.metadata.end_session_endpoint
        if endpoint is None:
            raise ValueError("the provider publishes no end_session_endpoint")
        return end_session_url(
            endpoint,
            client_id=self._rp_client_id,
            id_token_hint=id_token_hint,
            post_logout_redirect_uri=post_logout_redirect_uri,
            app_origin=self._app_origin,
            state=state,
        )

    @property
    def openapi_scheme(self) -> dict[str, Any]:
        """This strategy as an OpenAPI 3 Security Scheme Object (``type: openIdConnect``)."""
        return {"type": "openIdConnect", "openIdConnectUrl": discovery_url(self._issuer_id)}
