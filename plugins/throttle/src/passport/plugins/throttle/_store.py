"""Counting on ``limits``: a slot is taken atomically before the attempt, and given back unless it failed.

Why the fixed window: its counter is one atomic increment (``INCRBY`` in a Lua script on Redis,
a locked ``+=`` in memory), so of N concurrent attempts the k-th sees exactly k, and exactly
``limit`` of them are let through, however many app processes share the store. Taking the slot
*before* the strategy runs is what makes that hold: testing first and counting the failure
afterwards would let every concurrent attempt pass the test. Only failures may stay counted, so
a slot is given back (a decrement, also atomic) when the attempt did not fail. The moving window
is atomic too, but cannot give a slot back, so it could only count every attempt, or test and
count separately and over-admit under concurrency.

The window of a bucket starts at its first counted failure (the store's key expires then), so
``Retry-After`` is the time left until that key expires.
"""

from __future__ import annotations

import importlib
import logging
import math
import threading
import time
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final
from typing import final

import limits
from limits.errors import StorageError
from limits.storage import Storage
from limits.storage import storage_from_string

logger = logging.getLogger("passport.plugins.throttle")

Bucket = tuple[limits.RateLimitItem, tuple[str, ...]]

# A login must not wait on a store that is gone: short socket timeouts and no client-side retry
# loop (redis-py's default retries with backoff for seconds), so an outage costs two refused connects.
_REDIS_DEFAULTS: Final[Mapping[str, Any]] = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def _redis_no_retry() -> Any:
    # Imported by name: the Redis client is an optional extra, absent where only memory is used.
    try:
        backoff = importlib.import_module("redis.backoff")
        retry = importlib.import_module("redis.retry")
    except ImportError:  # limits reports the missing client itself, with the extra to install
        return None
    return retry.Retry(backoff.NoBackoff(), 1)  # one immediate reconnect: a pooled socket may predate a restart


def open_storage(storage: str | Storage, options: Mapping[str, Any]) -> Storage:
    """A ``limits`` storage from a URI (``memory://``, ``redis://...``) or an existing one."""
    if isinstance(storage, Storage):
        return storage
    if type(storage) is not str:
        raise TypeError(f"storage must be a limits storage URI or a limits Storage, not {type(storage).__name__}")
    extra: dict[str, Any] = {}
    if storage.startswith(("redis://", "rediss://", "redis+unix://", "valkey://", "valkeys://")):
        extra.update(_REDIS_DEFAULTS)
        retry = _redis_no_retry()
        if retry is not None:
            extra["retry"] = retry
    extra.update(options)
    opened = storage_from_string(storage, wrap_exceptions=True, **extra)
    if not isinstance(opened, Storage):  # an async+... URI: hooks are called synchronously
        raise ValueError(f"storage {type(opened).__name__} is asynchronous; use the URI without 'async+'")
    return opened


@final
class Buckets:
    """The counts, on one storage, and what to do when that storage fails."""

    __slots__ = ("_down", "_lock", "limiter", "storage")

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.limiter = limits.strategies.FixedWindowRateLimiter(storage)
        self._down = False
        self._lock = threading.Lock()

    def storage_failed(self, exc: BaseException) -> None:
        """Log an outage once, when it starts (never per request, never the URI: it may hold a password)."""
        with self._lock:
            if self._down:
                return
            self._down = True
        cause = getattr(exc, "storage_error", exc)  # limits' wrapper keeps the driver's error
        logger.error("login throttle storage unreachable (%s); following on_storage_error", type(cause).__name__)

    def storage_ok(self) -> None:
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                logger.warning("login throttle storage reachable again")

    def take(self, buckets: Sequence[Bucket]) -> tuple[list[Bucket], int]:
        """Take one slot in every bucket; ``(taken, 0)`` when all had room, else ``([], retry_after)``.

        A bucket without room keeps nothing of this attempt, and neither do the others.

        :raises StorageError: the storage failed (slots already taken are given back when possible).
        """
        taken: list[Bucket] = []
        full: list[Bucket] = []
        try:
            for item, ids in buckets:
                (taken if self.limiter.hit(item, *ids) else full).append((item, ids))
        except StorageError:
            self.give_back(taken, quiet=True)
            raise
        if not full:
            return taken, 0
        self.give_back([*taken, *full])  # a refused attempt counts nowhere: it never ran
        return [], self.retry_after(full)

    def retry_after(self, buckets: Sequence[Bucket]) -> int:
        """Whole seconds until every full bucket has room: never early, at most about 1 s late
        (Redis reports a key's time to live in whole seconds), never more than the window."""
        now = time.time()
        waits = [
            min(math.ceil(self.limiter.get_window_stats(item, *ids).reset_time - now), item.get_expiry())
            for item, ids in buckets
        ]
        return max(1, *waits)

    def give_back(self, buckets: Sequence[Bucket], *, quiet: bool = False) -> None:
        """Return one slot to each bucket; the count never goes below zero."""
        try:
            for item, ids in buckets:
                key = item.key_for(*ids)
                # incr with a negative amount: limits' public storage call, one atomic step on
                # every backend. Below zero means the window expired in between: put it back.
                if self.storage.incr(key, item.get_expiry(), amount=-1) < 0:
                    self.storage.incr(key, item.get_expiry(), amount=1)
        except StorageError:
            if not quiet:
                raise

    def clear(self, buckets: Sequence[Bucket]) -> None:
        for item, ids in buckets:
            self.limiter.clear(item, *ids)
