"""``LoginThrottle``: 429 with ``Retry-After`` after too many failed attempts per client and per account."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final
from typing import Literal
from typing import final

import limits
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.storage import Storage

from passport.core import Outcome
from passport.core import Refusal
from passport.core import Request
from passport.core import hookimpl

from ._accounts import account_key
from ._accounts import field_reader
from ._accounts import normalize_account
from ._clients import UNKNOWN_CLIENT
from ._clients import ClientResolver
from ._store import Bucket
from ._store import Buckets
from ._store import logger
from ._store import open_storage

DEFAULT_PER_ACCOUNT: Final = "5 per 5 minutes"
DEFAULT_PER_CLIENT: Final = "20 per minute"
UNAVAILABLE_RETRY_AFTER: Final = 5
"""Seconds a fail-closed 503 tells the client to wait: the store is usually back soon."""

Taken = tuple[Request, list[Bucket], list[Bucket]]


def _limit(name: str, value: str | None) -> limits.RateLimitItem | None:
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError(f"{name} must be a limits string such as '5 per 5 minutes', or None")
    try:
        items = limits.parse_many(value)
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not a limit such as '5 per 5 minutes': {exc}") from exc
    if len(items) != 1:
        raise ValueError(f"{name}={value!r}: give exactly one limit")
    return items[0]


MAX_OPEN_ATTEMPTS: Final = 10_000
"""How many attempts in flight (slots taken, outcome not known yet) one throttle remembers."""


@final
class LoginThrottle:
    """A plugin that refuses attempts after too many failures, with 429 and ``Retry-After``.

    ::

        passport.register_plugin(LoginThrottle())                        # memory, one process
        passport.register_plugin(LoginThrottle(storage="redis://redis:6379/0"))   # shared

    Two counts, both of *failed* attempts only (a success, a redirect or an error costs
    nothing), each refusing when full:

    - **per account and client** (``per_account``, default 5 per 5 minutes): the account as the
      request names it (the body field ``username`` unless ``account`` says otherwise),
      normalised, for this client. Keyed by client too, so an attacker elsewhere can never lock
      the real user out; a success clears it.
    - **per client** (``per_client``, default 20 per minute): every failure from one client
      (an IPv4 address, an IPv6 /64), whatever the account: one address trying many accounts.

    The client is the peer address; ``X-Forwarded-For`` (or ``Forwarded``) is read only when the
    peer is one of ``trusted_proxies``, taking the rightmost address that is not a trusted proxy.

    A refusal is a failure of the route: ``failure_redirect`` and ``failure_flash`` apply, and
    without a redirect the answer is 429 with ``Retry-After`` (seconds until the fullest count
    has room again).

    :param per_account: a ``limits`` string, or ``None`` for no per-account count.
    :param per_client: a ``limits`` string, or ``None`` for no per-client count.
    :param storage: ``"memory://"`` (the default: this process only) or a ``limits`` storage URI
        (``"redis://host:6379/0"``) shared by every app instance, or a ``limits`` ``Storage``.
    :param storage_options: keyword arguments for the storage (for Redis: ``redis.Redis``'s,
        over the defaults of 0.5 s socket timeouts and no retry loop).
    :param on_storage_error: ``"closed"`` (default): while the storage is unreachable, refuse
        every attempt with 503 and ``Retry-After``; ``"open"``: let attempts through uncounted.
        Either way the outage is logged once on ``passport.plugins.throttle``, never per request.
    :param account: the body field naming the account (bracket paths such as ``user[name]``
        work), or ``fn(request) -> str | None``.
    :param strategies: the strategy names whose attempts are counted (default: every guard's
        but ``passport.session()``'s).
    :param trusted_proxies: networks whose ``forwarded_header`` is believed (default: none).
    :param forwarded_header: ``"X-Forwarded-For"`` (default) or ``"Forwarded"``: the one your
        proxies write.
    :param ipv6_prefix: IPv6 clients are counted per network of this size (default 64).
    :param key_prefix: namespace of the keys in the storage (apps sharing one Redis differ here).
    :param clear_on_success: a success clears the account's count for that client (default True).
    """

    __slots__ = (
        "_account",
        "_buckets",
        "_clients",
        "_no_client_logged",
        "_prefix",
        "_strategies",
        "_taken",
        "_taken_lock",
        "clear_on_success",
        "fail_open",
        "per_account",
        "per_client",
    )

    def __init__(
        self,
        *,
        per_account: str | None = DEFAULT_PER_ACCOUNT,
        per_client: str | None = DEFAULT_PER_CLIENT,
        storage: str | Storage = "memory://",
        storage_options: Mapping[str, Any] | None = None,
        on_storage_error: Literal["open", "closed"] = "closed",
        account: str | Callable[[Request], str | None] = "username",
        strategies: Collection[str] | None = None,
        trusted_proxies: Iterable[str] = (),
        forwarded_header: str = "X-Forwarded-For",
        ipv6_prefix: int = 64,
        key_prefix: str = "passport-throttle",
        clear_on_success: bool = True,
    ) -> None:
        self.per_account = _limit("per_account", per_account)
        self.per_client = _limit("per_client", per_client)
        if on_storage_error not in ("open", "closed"):
            raise ValueError(f"on_storage_error must be 'open' or 'closed', not {on_storage_error!r}")
        self.fail_open = on_storage_error == "open"
        self._account = account if callable(account) else field_reader(account)
        if strategies is not None and (isinstance(strategies, str) or not all(type(s) is str for s in strategies)):
            raise TypeError("strategies must be a collection of strategy names, or None")
        self._strategies = None if strategies is None else frozenset(strategies)
        self._clients = ClientResolver(trusted_proxies, forwarded_header, ipv6_prefix)
        if type(key_prefix) is not str or not key_prefix:
            raise TypeError("key_prefix must be a non-empty string")
        self._prefix = key_prefix
        self.clear_on_success = bool(clear_on_success)
        self._buckets = Buckets(open_storage(storage, storage_options or {}))
        self._no_client_logged = False
        # The slots an attempt took, until its outcome is known: keyed by the request's id and
        # checked against the request object itself (an id can be reused once a request is
        # freed). Not a context variable: in async apps with a networked storage the two hooks
        # run in worker threads, whose context changes never come back. Bounded, because an
        # attempt that raises never reaches the finished hook. One table per throttle.
        self._taken: OrderedDict[int, Taken] = OrderedDict()
        self._taken_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"LoginThrottle(per_account={self.per_account}, per_client={self.per_client}, "
            f"storage={type(self._buckets.storage).__name__}, "
            f"on_storage_error={'open' if self.fail_open else 'closed'!r})"
        )

    @property
    def passport_blocking(self) -> bool:
        """True with a networked storage (Redis): async guards call this plugin's hooks in a
        worker thread, so a round trip never holds the event loop (the core reads it)."""
        return not isinstance(self._buckets.storage, MemoryStorage)

    @property
    def storage(self) -> Storage:
        """The ``limits`` storage the counts live in."""
        return self._buckets.storage

    # -- deciding what counts ------------------------------------------------------------------

    def _applies(self, strategies: Sequence[str]) -> bool:
        if self._strategies is None:
            return list(strategies) != ["session"]
        return any(name in self._strategies for name in strategies)

    def client_key(self, request: Request) -> str:
        """The name the request's client is counted under (an address, an IPv6 network, ``"unknown"``)."""
        key = self._clients.key(request)
        if key == UNKNOWN_CLIENT and not self._no_client_logged:
            self._no_client_logged = True  # once: a misconfiguration, not an event
            logger.warning(
                "the server gave no client address: all such clients share one count; "
                "behind a proxy, set trusted_proxies"
            )
        return key

    def buckets(self, request: Request) -> tuple[list[Bucket], list[Bucket]]:
        """``(account buckets, client buckets)`` this request is counted in."""
        client = self.client_key(request)
        account_buckets: list[Bucket] = []
        client_buckets: list[Bucket] = []
        if self.per_account is not None:
            raw = self._account(request)
            account = normalize_account(raw) if type(raw) is str else None
            if account is not None:
                account_buckets.append((self.per_account, (self._prefix, "account", account_key(account), client)))
        if self.per_client is not None:
            client_buckets.append((self.per_client, (self._prefix, "client", client)))
        return account_buckets, client_buckets

    # -- hooks ---------------------------------------------------------------------------------

    @hookimpl
    def passport_refuse_attempt(self, request: Request, strategies: Sequence[str]) -> Refusal | None:
        if not self._applies(strategies):
            return None
        account_buckets, client_buckets = self.buckets(request)
        try:
            taken, retry_after = self._buckets.take([*account_buckets, *client_buckets])
        except StorageError as exc:
            self._buckets.storage_failed(exc)
            if self.fail_open:
                return None
            return Refusal(
                503,
                "Sign-in is temporarily unavailable. Try again shortly.",
                [("Retry-After", str(UNAVAILABLE_RETRY_AFTER))],
            )
        self._buckets.storage_ok()
        if retry_after:
            return Refusal(
                429,
                f"Too many failed attempts. Try again in {retry_after} seconds.",
                [("Retry-After", str(retry_after))],
            )
        with self._taken_lock:
            self._taken[id(request)] = (request, account_buckets, taken)
            while len(self._taken) > MAX_OPEN_ATTEMPTS:
                self._taken.popitem(last=False)
        return None

    @hookimpl
    def passport_attempt_finished(self, request: Request, outcome: Outcome) -> None:
        with self._taken_lock:
            taken = self._taken.pop(id(request), None)
        if taken is None or taken[0] is not request:
            return
        _, account_buckets, slots = taken
        if outcome.action == "fail" and outcome.refusal is None:
            return  # a failure: its slots stay counted
        try:
            self._buckets.give_back(slots)
            if outcome.action == "success" and self.clear_on_success:
                self._buckets.clear(account_buckets)
        except StorageError as exc:  # the slot stays counted: at worst one failure too many
            self._buckets.storage_failed(exc)


login_throttle: Final = LoginThrottle()
"""The instance the ``passport.plugins`` entry point names (every default: memory storage)."""
