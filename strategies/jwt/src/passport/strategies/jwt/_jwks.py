"""JWKS: a provider's published key set, fetched once, cached, refetched rarely and never in bursts.

The cache is one immutable snapshot of the set, swapped whole when a fetch succeeds, so lookups
take no lock. Refetches happen when the snapshot is older than ``ttl`` or a token names a key
the snapshot lacks (a rotation), and never more than once per ``min_refetch_interval`` whatever
the cause: a flood of tokens with random ``kid`` values costs the provider one request per
interval. Concurrent lookups that need a fetch share one (threads and event loops alike): the
first starts it, the others wait for its outcome.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import Final
from typing import Literal
from typing import final

from cryptography.hazmat.primitives.asymmetric import rsa

import jwt
from passport.core import call_function

from ._algorithms import ASYMMETRIC
from ._algorithms import RSA_MIN_BITS
from ._algorithms import jwk_fits
from ._algorithms import key_fits
from ._errors import JWKSError
from ._errors import UnknownKeyError
from ._transport import HTTPFetch
from ._transport import check_jwks_url
from ._transport import safe_url

log = logging.getLogger("passport.strategies.jwt")

Fetch = Callable[[str], "bytes | Awaitable[bytes]"]
"""A JWKS transport: ``fetch(url)`` returns the body, ``def`` or ``async def``; raises on failure."""

_WAIT_LIMIT: Final = 60.0  # seconds a lookup waits for another's fetch before giving up
_MAX_DOCUMENT: Final = 1024 * 1024  # also for transports that do not cap their bodies


@final
class _Snapshot:
    """One fetched key set: usable JWKs by ``kid``, and the PyJWK built per (kid, alg) on first use."""

    __slots__ = ("fetched_at", "keys", "memo")

    def __init__(self, keys: list[Mapping[str, Any]], fetched_at: float) -> None:
        self.keys = keys
        self.fetched_at = fetched_at
        self.memo: dict[tuple[str | None, str], jwt.PyJWK | None] = {}

    def find(self, kid: str | None, alg: str) -> jwt.PyJWK | None:
        try:
            return self.memo[kid, alg]
        except KeyError:
            pass
        fitting = [k for k in self.keys if jwk_fits(k, alg) and (kid is None or k.get("kid") == kid)]
        # Without a kid only a lone fitting key is taken: guessing among several is not checking.
        key = _build(fitting[0], alg) if len(fitting) == 1 else None
        if len(self.memo) < 4 * len(self.keys) + 16:  # random kids must not grow the memo
            self.memo[kid, alg] = key
        return key


def _build(jwk: Mapping[str, Any], alg: str) -> jwt.PyJWK | None:
    try:
        key = jwt.PyJWK(dict(jwk), algorithm=alg)
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    if not key_fits(key.key, alg):  # an "alg" that contradicts the key's own curve or type
        return None
    if isinstance(key.key, rsa.RSAPublicKey) and key.key.key_size < RSA_MIN_BITS:
        return None
    return key


def usable_keys(document: Any, max_keys: int) -> list[Mapping[str, Any]]:
    """The signature-checking public keys of a JWKS document (RFC 7517 §5), the others skipped.

    Skipped: symmetric (``oct``) keys, keys for encryption (``use`` other than ``sig``, ``key_ops``
    without ``verify``), keys naming an algorithm we never accept, and private keys.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise ValueError('not a JWKS: no "keys" list')
    entries = document["keys"]
    if len(entries) > max_keys:
        raise ValueError(f"the JWKS holds {len(entries)} keys, more than {max_keys}")
    usable = []
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("kty") not in ("RSA", "EC", "OKP"):
            continue
        if entry.get("use", "sig") != "sig" or "d" in entry:
            continue
        ops = entry.get("key_ops")
        if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
            continue
        if "alg" in entry and entry["alg"] not in ASYMMETRIC:
            continue
        if "kid" in entry and type(entry["kid"]) is not str:
            continue
        usable.append(entry)
    return usable


@final
class JWKS:
    """A JSON Web Key Set fetched from ``url``, cached, with bounded refetching.

    ``get_key(kid, alg)`` (blocking; for sync code and worker threads) and ``await
    aget_key(kid, alg)`` (never blocks the event loop) return the :class:`jwt.PyJWK` that checks a
    token with that ``kid`` header (``None``: a token without one, which only a set with a single
    fitting key can check) and ``alg`` header, built for that algorithm: pass its ``.key`` to
    ``jwt.decode(token, key.key, algorithms=[alg])`` (PyJWT before 2.9 takes no ``PyJWK``), and
    use ``key.Algorithm`` for hashes such as OpenID Connect's ``at_hash``. ``cached_key(kid,
    alg)`` answers from the cache only and never does I/O. A fitting key is one of the family
    of ``alg`` (RSA for RS*/PS*, EC of the right curve for ES*, OKP for EdDSA) whose own
    ``alg``, if it names one, is ``alg``.

    The set is fetched on the first lookup, again when it is older than ``ttl``, and again when
    a token names a key it lacks (a key rotation), but never twice within
    ``min_refetch_interval``. If a refetch fails the keys already known stay in use, for at most
    ``max_stale`` seconds past their ``ttl``; then lookups raise :class:`JWKSError`.

    One instance is safe to share between threads, event loops and strategies (an OIDC client
    and a JWT API guard checking the same provider's tokens).

    :param url: the key set's address (``https``; ``http`` only on loopback hosts).
    :param fetch: the transport, ``fetch(url) -> bytes``, ``def`` or ``async def``, raising on
        failure; it must bound its own time and size. Default: :class:`HTTPFetch` (5 s, 256 KiB).
        A plain ``def`` runs in a worker thread in async apps.
    :param ttl: seconds a fetched set is trusted without refetching.
    :param min_refetch_interval: the least number of seconds between two fetches.
    :param max_stale: seconds past ``ttl`` that known keys stay usable while refetches fail.
    :param max_keys: the most keys a set may hold; a larger one is refused.
    :param clock: a monotonic clock in seconds (tests pass a fake one).
    :raises TypeError, ValueError: an option is out of range, or ``url`` is not https.
    """

    def __init__(
        self,
        url: str,
        *,
        fetch: Fetch | None = None,
        ttl: float = 300.0,
        min_refetch_interval: float = 10.0,
        max_stale: float = 3600.0,
        max_keys: int = 100,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url: Final = check_jwks_url(url)
        if fetch is not None and not callable(fetch):
            raise TypeError(f"fetch must be a callable fetch(url) -> bytes, got {fetch!r}")
        for option, value in (("ttl", ttl), ("min_refetch_interval", min_refetch_interval), ("max_stale", max_stale)):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{option} must be a number of seconds >= 0, got {value!r}")
        if isinstance(max_keys, bool) or not isinstance(max_keys, int) or max_keys < 1:
            raise ValueError(f"max_keys must be a positive int, got {max_keys!r}")
        self.ttl: Final = float(ttl)
        self.min_refetch_interval: Final = float(min_refetch_interval)
        self.max_stale: Final = float(max_stale)
        self.max_keys: Final = max_keys
        self._fetch: Final[Fetch] = fetch if fetch is not None else HTTPFetch()
        self._clock: Final = clock
        self._where: Final = safe_url(url)
        self._snapshot: _Snapshot | None = None
        self._last_attempt: float | None = None
        self._problem: str | None = None  # why the last fetch failed
        self._inflight: concurrent.futures.Future[None] | None = None
        self._lock: Final = threading.Lock()

    def __repr__(self) -> str:
        return f"JWKS({self._where!r}, ttl={self.ttl!r}, min_refetch_interval={self.min_refetch_interval!r})"

    # -- lookups ---------------------------------------------------------------------------------

    def cached_key(self, kid: str | None, alg: str) -> jwt.PyJWK | None:
        """The key from a fresh cache, or ``None`` when a lookup would need to fetch (no I/O)."""
        snapshot = self._snapshot
        if snapshot is None or self._clock() - snapshot.fetched_at >= self.ttl:
            return None
        return snapshot.find(kid, alg)

    def get_key(self, kid: str | None, alg: str) -> jwt.PyJWK:
        """The key for ``kid`` and ``alg``, fetching the set when needed (blocking).

        Do not call it inside a running event loop: use :meth:`aget_key` there.

        :raises UnknownKeyError: no fitting key, even after the refetch the interval allows.
        :raises JWKSError: the set could never be fetched, or its keys are too stale.
        """
        key = self.cached_key(kid, alg)
        if key is not None:
            return key
        _refuse_running_loop("get_key")
        action, future = self._plan()
        if action == "fetch":
            self._fetch_now(future)
        elif action == "wait":
            try:
                future.result(timeout=_WAIT_LIMIT)
            except concurrent.futures.TimeoutError:
                raise JWKSError("timed out waiting for the JWKS fetch in progress", self._where) from None
        return self._answer(kid, alg)

    async def aget_key(self, kid: str | None, alg: str) -> jwt.PyJWK:
        """:meth:`get_key` for async code: the fetch is awaited (or run in a worker thread)."""
        key = self.cached_key(kid, alg)
        if key is not None:
            return key
        action, future = self._plan()
        if action == "fetch":
            await self._afetch_now(future)
        elif action == "wait":
            try:
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), _WAIT_LIMIT)
            except TimeoutError:
                raise JWKSError("timed out waiting for the JWKS fetch in progress", self._where) from None
        return self._answer(kid, alg)

    def refresh(self) -> None:
        """Fetch the set now unless a fetch ran within the interval (blocking); known keys stay on failure."""
        _refuse_running_loop("refresh")
        action, future = self._plan()
        if action == "fetch":
            self._fetch_now(future)

    async def arefresh(self) -> None:
        """:meth:`refresh` for async code."""
        action, future = self._plan()
        if action == "fetch":
            await self._afetch_now(future)

    def _fetch_now(self, future: concurrent.futures.Future[None]) -> None:
        try:
            self._install(_resolved(call_function(self._fetch, self.url)))
        except Exception as exc:  # any transport failure keeps the old keys
            self._failed(exc)
        finally:
            self._finish(future)

    async def _afetch_now(self, future: concurrent.futures.Future[None]) -> None:
        try:
            self._install(await call_function(self._fetch, self.url))
        except Exception as exc:  # any transport failure keeps the old keys
            self._failed(exc)
        finally:  # also when the awaiting task is cancelled: waiters must not hang
            self._finish(future)

    # -- the shared steps of both drivers ------------------------------------------------------

    def _plan(self) -> tuple[Literal["fetch", "wait", "none"], concurrent.futures.Future[None]]:
        """Decide, under the lock, whether this lookup fetches, waits for a fetch, or neither."""
        with self._lock:
            if self._inflight is not None:
                return "wait", self._inflight
            now = self._clock()
            if self._last_attempt is not None and now - self._last_attempt < self.min_refetch_interval:
                return "none", _DONE
            self._last_attempt = now
            self._inflight = concurrent.futures.Future()
            return "fetch", self._inflight

    def _install(self, body: Any) -> None:
        if not isinstance(body, bytes | bytearray | str):
            raise TypeError(f"fetch returned a {type(body).__name__}, not bytes")
        if len(body) > _MAX_DOCUMENT:
            raise JWKSError(f"the JWKS is larger than {_MAX_DOCUMENT} bytes", self._where)
        try:
            keys = usable_keys(json.loads(body), self.max_keys)
        except (ValueError, RecursionError) as exc:
            raise JWKSError(f"the JWKS is not a usable key set ({_first_line(exc)})", self._where) from None
        self._snapshot = _Snapshot(keys, self._clock())
        self._problem = None
        log.debug("fetched the JWKS at %s: %d usable keys", self._where, len(keys))

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, JWKSError):
            self._problem = exc.message
        else:  # an injected transport's own error: its type only, its text may hold anything
            self._problem = f"fetching the JWKS failed ({type(exc).__name__})"
        log.warning("%s: %s (known keys stay in use)", self._problem, self._where)

    def _finish(self, future: concurrent.futures.Future[None]) -> None:
        with self._lock:
            self._inflight = None
        future.set_result(None)

    def _answer(self, kid: str | None, alg: str) -> jwt.PyJWK:
        snapshot = self._snapshot
        if snapshot is None:
            raise JWKSError(self._problem or "the JWKS has not been fetched yet", self._where)
        if self._clock() - snapshot.fetched_at > self.ttl + self.max_stale:
            raise JWKSError(f"the JWKS keys are stale and refetching failed ({self._problem})", self._where)
        key = snapshot.find(kid, alg)
        if key is None:
            raise UnknownKeyError(kid, alg)
        return key


_DONE: Final[concurrent.futures.Future[None]] = concurrent.futures.Future()
_DONE.set_result(None)


def _resolved(awaitable: Awaitable[Any]) -> Any:
    """The value of what ``call_function`` hands back in sync mode (already resolved)."""
    step = awaitable.__await__()
    try:
        step.send(None)
    except StopIteration as done:
        return done.value
    step.close()
    raise RuntimeError("call_function did not resolve in sync mode")  # pragma: no cover - core contract


def _refuse_running_loop(method: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"JWKS.{method}() blocks; inside a running event loop use `await JWKS.a{method}(...)`")


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
