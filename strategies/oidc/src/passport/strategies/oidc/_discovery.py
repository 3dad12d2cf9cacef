"""The provider configuration (OpenID Connect Discovery 1.0 §4), fetched once and checked.

The strategy needs its provider's endpoints before it can build its OAuth 2.0 half, so the
document is fetched at construction, through the jwt distribution's bounded ``HTTPFetch``
(deadline, size cap, https only except on loopback, no redirects), and kept for the strategy's
lifetime: endpoints do not move under a running application, keys do (the JWKS has its own
cache and rotation handling).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Final
from urllib.parse import urlsplit

from passport.strategies.jwt import HTTPFetch
from passport.strategies.jwt import JWKSError

from ._errors import DiscoveryError

__all__ = ["ProviderMetadata", "discover", "discovery_url", "read_metadata"]

WELL_KNOWN = "/.well-known/openid-configuration"
_LOOPBACK_V4: Final = re.compile(r"127\.(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){2}")
ENDPOINTS: Final = ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint")


def _secure(url: str) -> bool:
    """https, or plain http on a loopback host spelled as oauth2 and jwt accept it (development)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    if not host or "@" in parts.netloc:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and (host == "localhost" or host == "::1" or bool(_LOOPBACK_V4.fullmatch(host)))


def discovery_url(issuer: str) -> str:
    """Discovery §4: the issuer, its trailing slash removed, plus the well-known path."""
    return issuer.rstrip("/") + WELL_KNOWN


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """The members of the provider configuration the strategy uses; ``raw`` holds them all."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None
    id_token_signing_alg_values_supported: tuple[str, ...]
    token_endpoint_auth_methods_supported: tuple[str, ...]
    raw: Mapping[str, Any]


def _string(document: Mapping[str, Any], name: str, required: bool) -> str | None:
    value = document.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise DiscoveryError(f"The provider configuration has no usable {name}")
    return value


def _strings(document: Mapping[str, Any], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = document.get(name)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DiscoveryError(f"The provider configuration's {name} is not a list of strings")
    return tuple(value)


def read_metadata(document: Any, expected_issuer: str) -> ProviderMetadata:
    """Check a provider configuration and pick its members.

    :param expected_issuer: the value its ``issuer`` must equal exactly (Discovery §4.3); for a
        multi-tenant provider, the issuer template.
    :raises DiscoveryError: not a JSON object, another issuer, or a required member missing.
    """
    if not isinstance(document, Mapping):
        raise DiscoveryError("The provider configuration is not a JSON object")
    issuer = _string(document, "issuer", True)
    if issuer != expected_issuer:
        # An impersonation defence (Discovery §4.3): the document must be the issuer's own.
        raise DiscoveryError("The provider configuration is for another issuer")
    if not _secure(issuer.replace("{tenantid}", "tenant")):
        raise DiscoveryError("The issuer is not an https URL")
    for name in ENDPOINTS:
        value = document.get(name)
        # A provider sending the browser, the code or the client secret over plain http (or to
        # a URL with credentials in it) is refused here, with the member named.
        if isinstance(value, str) and not _secure(value):
            raise DiscoveryError(f"The provider configuration's {name} is not an https URL")
    return ProviderMetadata(
        issuer=expected_issuer,
        authorization_endpoint=str(_string(document, "authorization_endpoint", True)),
        token_endpoint=str(_string(document, "token_endpoint", True)),
        jwks_uri=str(_string(document, "jwks_uri", True)),
        userinfo_endpoint=_string(document, "userinfo_endpoint", False),
        end_session_endpoint=_string(document, "end_session_endpoint", False),
        # Discovery §3: RS256 must be supported; it is the default when the member is absent.
        id_token_signing_alg_values_supported=_strings(document, "id_token_signing_alg_values_supported", ("RS256",)),
        token_endpoint_auth_methods_supported=_strings(
            document, "token_endpoint_auth_methods_supported", ("client_secret_basic",)
        ),
        raw=dict(document),
    )


def discover(url: str, expected_issuer: str, *, timeout: float, max_bytes: int = 256 * 1024) -> ProviderMetadata:
    """Fetch ``url`` (blocking, bounded) and check it with :func:`read_metadata`."""
    try:
        body = HTTPFetch(timeout=min(timeout, 60.0), max_bytes=max_bytes)(url)
    except (JWKSError, ValueError) as exc:
        raise DiscoveryError("Failed to fetch the provider configuration") from exc
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise DiscoveryError("The provider configuration is not JSON") from None
    return read_metadata(document, expected_issuer)
