"""Key helpers: constant-time comparison, digests, generation, and the digest-only key store."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from passport.strategies.apikey import KeyStore
from passport.strategies.apikey import generate_key
from passport.strategies.apikey import hash_key
from passport.strategies.apikey import keys_match

KEY = "k3y-canary-9b1d2f"


def test_keys_match_accepts_the_same_key_and_refuses_any_other() -> None:
    assert keys_match(KEY, KEY)
    assert keys_match(KEY.encode(), KEY)
    assert keys_match(KEY, KEY.encode())
    assert not keys_match(KEY + "x", KEY)
    assert not keys_match(KEY[:-1], KEY)
    assert not keys_match(KEY.upper(), KEY)
    assert not keys_match("", KEY)


@pytest.mark.parametrize("candidate", ["ключ", "\udcff\udcfe", "\ud800", "\x00", "🔑" * 100, "x" * 1_000_000])
def test_keys_match_never_raises_on_odd_strings(candidate: str) -> None:
    assert not keys_match(candidate, KEY)
    assert keys_match(candidate, candidate)


@pytest.mark.parametrize("candidate", [None, 123, ["k"], {"k": 1}, 1.5])
def test_keys_match_refuses_non_strings(candidate: Any) -> None:
    assert not keys_match(candidate, KEY)


def test_keys_match_compares_sha256_digests_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    keys_match("short", "a much longer expected key")
    assert seen == [(hashlib.sha256(b"short").digest(), hashlib.sha256(b"a much longer expected key").digest())]


def test_hash_key_is_the_hex_sha256_of_the_utf8_key() -> None:
    assert hash_key(KEY) == hashlib.sha256(KEY.encode()).hexdigest()
    assert hash_key(KEY.encode()) == hash_key(KEY)
    assert len(hash_key("\udcff")) == 64


def test_generate_key_gives_distinct_url_safe_keys_of_at_least_128_bits() -> None:
    keys = {generate_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(len(k) == 43 and k.replace("-", "").replace("_", "").isalnum() for k in keys)
    assert len(generate_key(16)) == 22


@pytest.mark.parametrize("nbytes", [0, 8, 15, -1, 16.0, "32"])
def test_generate_key_refuses_weak_or_odd_sizes(nbytes: Any) -> None:
    with pytest.raises(ValueError):
        generate_key(nbytes)


def test_a_key_store_finds_owners_by_key() -> None:
    store: KeyStore[str] = KeyStore([(KEY, "svc-a")])
    digest = store.add("other-key", "svc-b")
    assert digest == hash_key("other-key")
    assert store.find(KEY) == "svc-a"
    assert store("other-key") == "svc-b"
    assert store.find(KEY.encode()) == "svc-a"
    assert store.find("unknown") is None
    assert len(store) == 2


def test_a_key_store_accepts_digests_of_keys_persisted_hashed() -> None:
    store: KeyStore[str] = KeyStore()
    store.add_digest(hash_key(KEY), "svc-a")
    store.add_digest(hash_key("upper").upper(), "svc-b")
    assert store.find(KEY) == "svc-a"
    assert store.find("upper") == "svc-b"


def test_a_key_store_forgets_removed_keys() -> None:
    store: KeyStore[str] = KeyStore([(KEY, "svc-a")])
    assert store.remove(KEY) is True
    assert store.remove(KEY) is False
    assert store.find(KEY) is None


def test_a_key_store_holds_no_raw_key() -> None:
    store: KeyStore[str] = KeyStore([(KEY, "svc-a")])
    assert KEY not in repr(store)
    assert KEY.encode() not in b"".join(store._owners)
    assert all(KEY not in repr(k) for k in store._owners)
    assert repr(store) == "<KeyStore keys=1>"


@pytest.mark.parametrize("key", [None, 123, ["k"], "\udcff", "", b"\xff"])
def test_a_key_store_never_raises_on_odd_candidates(key: Any) -> None:
    assert KeyStore([(KEY, "svc-a")]).find(key) is None


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("add", ("", "svc")),
        ("add", (None, "svc")),
        ("add", (KEY, None)),
        ("add", (KEY, "")),
        ("add_digest", ("not hex", "svc")),
        ("add_digest", ("ab" * 16, "svc")),
        ("add_digest", (None, "svc")),
        ("add_digest", (hash_key(KEY), 0)),
    ],
)
def test_a_key_store_refuses_empty_keys_bad_digests_and_falsy_owners(call: str, args: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        getattr(KeyStore(), call)(*args)
