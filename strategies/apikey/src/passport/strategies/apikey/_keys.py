"""Generating, storing and comparing API keys without timing leaks.

Never compare a presented key with ``==``, ``in`` or a dict keyed by the raw key: those stop at
the first differing character, and the time they take tells an attacker how much of a guess was
right. Compare SHA-256 digests with :func:`hmac.compare_digest` instead (digests always have the
same length), and store only digests, so a leaked database holds no usable key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Final
from typing import Generic
from typing import TypeVar
from typing import final

from passport.core import nonblocking

U = TypeVar("U")

MIN_KEY_BYTES: Final = 16  # 128 bits

_sha256: Final = hashlib.sha256


def _digest(key: str | bytes) -> bytes:
    # "surrogatepass" keeps lone surrogates (from undecodable bytes) comparable instead of raising.
    data = key if isinstance(key, bytes) else key.encode("utf-8", "surrogatepass")
    return _sha256(data).digest()


def hash_key(key: str | bytes) -> str:
    """The SHA-256 digest of ``key`` as 64 hex characters: what to store instead of the key."""
    return _digest(key).hex()


def keys_match(candidate: object, expected: str | bytes) -> bool:
    """Compare a presented key with the expected one in constant time.

    Both are hashed with SHA-256 and the digests compared with :func:`hmac.compare_digest`, so
    the time taken does not depend on how many leading characters match, nor on the lengths.
    Any ``str`` works, non-ASCII and lone surrogates included; a candidate that is not ``str``
    or ``bytes`` never matches.
    """
    if not isinstance(candidate, (str, bytes)):
        return False
    return hmac.compare_digest(_digest(candidate), _digest(expected))


def generate_key(nbytes: int = 32) -> str:
    """A new random key: ``nbytes`` from the OS CSPRNG (at least 16), URL-safe base64 (no ``=``)."""
    if type(nbytes) is not int or nbytes < MIN_KEY_BYTES:
        raise ValueError(f"nbytes must be an int of at least {MIN_KEY_BYTES}, got {nbytes!r}")
    return secrets.token_urlsafe(nbytes)


@final
class KeyStore(Generic[U]):
    """API keys and their owners, held as SHA-256 digests only; usable as a verify function.

    ::

        store = KeyStore()
        store.add(os.environ["REPORTS_API_KEY"], reports_service)   # or store.add_digest(hex, owner)
        passport.use(APIKeyStrategy(store))                          # store(key) -> owner | None

    A presented key is hashed, then its digest is looked up: neither the raw key nor any prefix
    of it is ever compared or used as a dict key, so lookup time reveals nothing about stored
    keys. Owners must be truthy (a falsy owner would read as "no user"). A lookup takes about a
    microsecond and never blocks, so it is :func:`~passport.core.nonblocking`: async apps call it
    on the event loop, not in a worker thread.
    """

    __slots__ = ("_owners",)

    def __init__(self, keys: Iterable[tuple[str | bytes, U]] = ()) -> None:
        self._owners: dict[bytes, U] = {}
        for key, owner in keys:
            self.add(key, owner)

    def add(self, key: str | bytes, owner: U) -> str:
        """Remember ``key`` (as its digest) for ``owner``; returns the hex digest to persist."""
        if not isinstance(key, (str, bytes)) or not key:
            raise ValueError("an API key must be a non-empty str or bytes")
        if not owner:
            raise ValueError("an API key's owner must be truthy")
        digest = _digest(key)
        self._owners[digest] = owner
        return digest.hex()

    def add_digest(self, hex_digest: str, owner: U) -> None:
        """Remember a key by the hex digest :func:`hash_key` gave (keys persisted hashed)."""
        try:
            digest = bytes.fromhex(hex_digest)
        except (TypeError, ValueError):
            digest = b""
        if len(digest) != hashlib.sha256().digest_size:
            raise ValueError("hex_digest must be a SHA-256 digest as 64 hex characters")
        if not owner:
            raise ValueError("an API key's owner must be truthy")
        self._owners[digest] = owner

    def remove(self, key: str | bytes) -> bool:
        """Forget ``key``; returns whether it was known."""
        return self._owners.pop(_digest(key), None) is not None

    @nonblocking
    def find(self, key: object) -> U | None:
        """The owner of ``key``, or ``None`` (also for anything but ``str`` or ``bytes``)."""
        # Inlined _digest: this runs on every API call.
        if type(key) is str:
            return self._owners.get(_sha256(key.encode("utf-8", "surrogatepass")).digest())
        if isinstance(key, (str, bytes)):
            return self._owners.get(_digest(key))
        return None

    __call__ = find

    def __len__(self) -> int:
        return len(self._owners)

    def __repr__(self) -> str:
        return f"<KeyStore keys={len(self._owners)}>"
