"""URL helpers: endpoint transport checks, callback resolution, authorization URL assembly."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

__all__ = [
    "UntrustedHost",
    "allowed_host_set",
    "authorization_redirect",
    "check_endpoint",
    "is_loopback_host",
    "resolve_callback",
]


class UntrustedHost(ValueError):
    """A relative ``callback_url`` met a request whose host is not in ``allowed_hosts``."""


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``127.0.0.0/8`` or ``::1`` exactly; look-alikes (``localhost.evil``) are not."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(option: str, url: object) -> str:
    """Return ``url`` if it is a usable provider endpoint, else raise ``ValueError``.

    ``https`` is required; plain ``http`` only on a loopback host (development and tests). User
    info (``user@host``), fragments, whitespace and control characters are refused.
    """
    if not isinstance(url, str) or not url:
        raise ValueError(f"OAuth2Strategy requires a {option} option (an absolute https URL)")
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise ValueError(f"{option} must not contain whitespace or control characters")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise ValueError(f"{option} has an invalid port") from exc
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise ValueError(f"{option} must be an absolute https URL")
    if "@" in parts.netloc:
        raise ValueError(f"{option} must not contain user information (user@host)")
    if parts.fragment or url.endswith("#"):
        raise ValueError(f"{option} must not contain a fragment")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise ValueError(f"{option} must use https (plain http is allowed only for localhost, 127.0.0.0/8 and ::1)")
    return url


def _first(value: str | None) -> str:
    return (value or "").split(",")[0].strip()


def allowed_host_set(hosts: Sequence[str] | None) -> frozenset[str] | None:
    """``allowed_hosts`` as compared: lower-case ``host`` or ``host:port`` strings.

    :raises TypeError: not a list of non-empty strings.
    :raises ValueError: an entry holds a scheme, a path, user information or whitespace.
    """
    if hosts is None:
        return None
    if isinstance(hosts, str) or not all(isinstance(h, str) and h for h in hosts):
        raise TypeError("allowed_hosts must be a list of host names (host or host:port)")
    for host in hosts:
        if any(c in host for c in "/\\@?# \t\r\n"):
            raise ValueError(f"allowed_hosts takes host names (host or host:port), got {host!r}")
    return frozenset(h.lower() for h in hosts)


def resolve_callback(
    callback_url: str | None, request: Any, proxy: bool, allowed_hosts: frozenset[str] | None
) -> str | None:
    """Make a relative ``callback_url`` absolute against the request's own URL.

    The host comes from the request (``Host``; with ``proxy=True`` the first ``X-Forwarded-Host``,
    and the scheme from ``X-Forwarded-Proto``), which the client writes: it is used only when it
    is one of ``allowed_hosts`` (security item 25), so a forged ``Host`` can never send the
    authorization code to another site.

    :raises UntrustedHost: the request's host is not allowed.
    :raises ValueError: a relative ``callback_url`` without ``allowed_hosts``.
    """
    if not callback_url:
        return None
    if urlsplit(callback_url).scheme:
        return callback_url
    if allowed_hosts is None:
        raise ValueError("a relative callback_url needs allowed_hosts (or give an absolute callback_url)")
    base = urlsplit(str(request.url))
    scheme, netloc = base.scheme, base.netloc
    if proxy:
        headers = request.headers
        proto = _first(headers.get("X-Forwarded-Proto")).lower()
        if proto in ("http", "https"):
            scheme = proto
        host = _first(headers.get("X-Forwarded-Host"))
        if host and not any(c in host for c in "/\\@?# \t"):
            netloc = host
    if netloc.lower() not in allowed_hosts:
        raise UntrustedHost(netloc)
    return urljoin(urlunsplit((scheme, netloc, base.path, base.query, "")), callback_url)


def _encode(pairs: Sequence[tuple[str, str]]) -> str:
    # Node querystring style, as Passport: space -> %20, and the RFC 3986 unreserved set kept.
    return urlencode(pairs, quote_via=quote, safe="")


def authorization_redirect(base_url: str, params: Mapping[str, Any], client_id: str) -> str:
    """Merge ``params`` into ``base_url``'s query; ``client_id`` goes last.

    A key already in the URL keeps its position and takes the new value; new keys are
    appended in order; a list value repeats the key; ``None`` values are left out.
    """
    parts = urlsplit(base_url)
    ours: dict[str, list[str]] = {}
    for key, value in [*params.items(), ("client_id", client_id)]:
        if value is None:
            continue
        values = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        ours.pop(key, None)
        ours[key] = values
    pairs: list[tuple[str, str]] = []
    placed: set[str] = set()
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in ours:
            if key not in placed and key != "client_id":
                pairs.extend((key, v) for v in ours[key])
                placed.add(key)
            continue
        pairs.append((key, value))
    for key, values in ours.items():
        if key not in placed:
            pairs.extend((key, v) for v in values)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, _encode(pairs), ""))
