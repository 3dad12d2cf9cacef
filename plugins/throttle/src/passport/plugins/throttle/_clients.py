"""Which client an attempt comes from: the peer address, or a forwarded one through trusted proxies only.

A forwarded header is written by whoever sent the request, so any hop of it can be forged,
except those appended by a proxy the app trusts. Reading from the right (nearest hop first) and
skipping the trusted proxies, the first address that is not one of them is the last one a
trusted proxy saw connect to it: the client, as far as anyone can tell. A forged prefix sits
further left and is never reached.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import Final
from typing import final

from passport.core import Request

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

FORWARDED_HEADERS: Final = ("X-Forwarded-For", "Forwarded")
UNKNOWN_CLIENT: Final = "unknown"


_LONGEST_ADDRESS: Final = 64  # a bracketed IPv6 with zone and port fits; anything longer is not one


def parse_address(text: str) -> IPAddress | None:
    """An address from a header hop or a peer: ``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, ``"[::1]"``."""
    # Checked before the cache, so a long forged hop is neither parsed nor kept in memory.
    return None if len(text) > _LONGEST_ADDRESS else _parse_address(text)


@functools.lru_cache(maxsize=4096)  # a pure function of a short string; parsing is most of a key's cost
def _parse_address(text: str) -> IPAddress | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # [v6] or [v6]:port
        end = text.find("]")
        text = text[1:end] if end > 0 else ""
    elif text.count(":") == 1:  # v4:port (a bare v6 has several colons)
        text = text.split(":", 1)[0]
    if "%" in text:  # a zone index (fe80::1%eth0) names a local interface, not a client
        text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
    return address


def _hops(header: str, value: str) -> list[str]:
    """The hops of a forwarded header, nearest last (as proxies append)."""
    if header == "X-Forwarded-For":
        return [hop for hop in (part.strip() for part in value.split(",")) if hop]
    hops = []  # RFC 7239: "for=192.0.2.60;proto=http, for=\"[2001:db8::1]\""
    for element in value.split(","):
        for pair in element.split(";"):
            name, _, found = pair.partition("=")
            if name.strip().lower() == "for":
                hops.append(found.strip())
    return hops


@final
class ClientResolver:
    """Turns a request into the key its client is counted under.

    :param trusted_proxies: networks (``"10.0.0.0/8"``, ``"127.0.0.1"``) whose forwarded header
        is believed. Empty (the default): the header is ignored and the peer is the client.
    :param header: the header those proxies write: ``"X-Forwarded-For"`` or ``"Forwarded"``. Only
        that one is read: a header the proxy does not write is the client's to forge.
    :param ipv6_prefix: IPv6 clients are counted per network of this size (default ``/64``, what
        one subscriber is usually given), so an attacker cannot take a fresh address per attempt.
    """

    __slots__ = ("header", "ipv6_prefix", "trusted")

    def __init__(self, trusted_proxies: Iterable[str], header: str, ipv6_prefix: int) -> None:
        if isinstance(trusted_proxies, str):
            raise TypeError("trusted_proxies must be a list of networks, not one string")
        try:
            self.trusted: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(n, strict=False) for n in trusted_proxies)
        except ValueError as exc:
            raise ValueError(f"trusted_proxies: {exc}") from exc
        if header not in FORWARDED_HEADERS:
            raise ValueError(f"forwarded_header must be one of {FORWARDED_HEADERS}, not {header!r}")
        if type(ipv6_prefix) is not int or not 0 < ipv6_prefix <= 128:
            raise ValueError(f"ipv6_prefix must be an int from 1 to 128, not {ipv6_prefix!r}")
        self.header = header
        self.ipv6_prefix = ipv6_prefix

    def _is_trusted(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.trusted)

    def client_address(self, request: Request) -> IPAddress | None:
        """The client's address, or ``None`` when the server gave no usable peer address."""
        peer = request.client_address
        address = None if peer is None else parse_address(peer)
        if address is None or not self.trusted or not self._is_trusted(address):
            return address
        value = request.headers.get(self.header)
        if not value:
            return address
        for hop in reversed(_hops(self.header, value)):
            found = parse_address(hop)
            if found is None:
                # A trusted proxy passed on a hop it could not name ("unknown", garbage): the
                # nearest address we could read is the best we have.
                return address
            address = found
            if not self._is_trusted(address):
                return address
        return address  # every hop is a trusted proxy: the leftmost is the origin

    def key(self, request: Request) -> str:
        """The client's bucket name: its IPv4 address, its IPv6 network, or ``"unknown"``."""
        address = self.client_address(request)
        if address is None:
            return UNKNOWN_CLIENT
        if isinstance(address, ipaddress.IPv6Address) and self.ipv6_prefix < 128:
            return str(ipaddress.IPv6Network((address, self.ipv6_prefix), strict=False))
        return str(address)
