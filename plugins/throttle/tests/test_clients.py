"""Which client is counted: the peer, or a forwarded address only through trusted proxies."""

from __future__ import annotations

import pytest

from passport.plugins.throttle import ClientResolver
from passport.strategy_runner import make_request


def key(peer: str | None, headers: dict[str, str] | None = None, **options: object) -> str:
    resolver = ClientResolver(
        options.get("trusted", ()),  # type: ignore[arg-type]
        options.get("header", "X-Forwarded-For"),  # type: ignore[arg-type]
        options.get("ipv6_prefix", 64),  # type: ignore[arg-type]
    )
    return resolver.key(make_request(client_address=peer, headers=headers or {}))


def test_the_peer_is_the_client_without_trusted_proxies() -> None:
    assert key("203.0.113.7", {"X-Forwarded-For": "198.51.100.1"}) == "203.0.113.7"


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored() -> None:
    assert key("203.0.113.7", {"X-Forwarded-For": "198.51.100.1"}, trusted=["10.0.0.0/8"]) == "203.0.113.7"


def test_the_rightmost_untrusted_hop_is_the_client() -> None:
    headers = {"X-Forwarded-For": "6.6.6.6, 198.51.100.9, 10.0.0.2"}  # 6.6.6.6: forged by the client
    assert key("10.0.0.1", headers, trusted=["10.0.0.0/8"]) == "198.51.100.9"


def test_a_forged_leftmost_hop_cannot_be_chosen() -> None:
    headers = {"X-Forwarded-For": "10.0.0.3, 198.51.100.9"}
    assert key("10.0.0.1", headers, trusted=["10.0.0.0/8"]) == "198.51.100.9"


def test_only_the_configured_header_is_read() -> None:
    headers = {"Forwarded": "for=198.51.100.9"}
    assert key("10.0.0.1", headers, trusted=["10.0.0.0/8"]) == "10.0.0.1"
    assert key("10.0.0.1", headers, trusted=["10.0.0.0/8"], header="Forwarded") == "198.51.100.9"


def test_the_forwarded_header_with_quoted_ipv6_and_ports() -> None:
    headers = {"Forwarded": 'for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.2:80'}
    assert key("10.0.0.1", headers, trusted=["10.0.0.0/8"], header="Forwarded") == "2001:db8:cafe::/64"


def test_an_unreadable_hop_stops_at_the_nearest_readable_address() -> None:
    headers = {"X-Forwarded-For": "198.51.100.9, unknown, 10.0.0.2"}
    assert key("10.0.0.1", headers, trusted=["10.0.0.0/8"]) == "10.0.0.2"


def test_all_trusted_hops_give_the_leftmost() -> None:
    assert key("10.0.0.1", {"X-Forwarded-For": "10.0.0.3, 10.0.0.2"}, trusted=["10.0.0.0/8"]) == "10.0.0.3"


def test_ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() -> None:
    assert key("2001:db8::1") == key("2001:db8::ffff:1") == "2001:db8::/64"
    assert key("2001:db8::1", ipv6_prefix=128) == "2001:db8::1"
    assert key("::ffff:203.0.113.7") == "203.0.113.7"


@pytest.mark.parametrize("peer", [None, "", "testclient", "not-an-ip"])
def test_no_usable_peer_is_the_unknown_client(peer: str | None) -> None:
    assert key(peer) == "unknown"


def test_a_long_forged_hop_is_not_an_address() -> None:
    headers = {"X-Forwarded-For": "1" * 100_000 + ", 10.0.0.2"}
    assert key("10.0.0.1", headers, trusted=["10.0.0.0/8"]) == "10.0.0.2"


def test_bad_configuration_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        ClientResolver(["10.0.0.0/33"], "X-Forwarded-For", 64)
    with pytest.raises(TypeError, match="list of networks"):
        ClientResolver("10.0.0.0/8", "X-Forwarded-For", 64)
    with pytest.raises(ValueError, match="forwarded_header"):
        ClientResolver((), "X-Real-IP", 64)
    with pytest.raises(ValueError, match="ipv6_prefix"):
        ClientResolver((), "X-Forwarded-For", 0)
