"""Remember-me: a long-lived, single-use, rotating login token that restores an expired login.

The scheme is Barry Jaspan's "improved persistent login cookie": the cookie holds a random token;
the store keeps only its SHA-256 digest, under a *series* that lives as long as the remembered
login. Every use consumes the token and issues the next one of the same series. A consumed token
leaves a tombstone: if it ever comes back, someone holds a copy (the browser's or the thief's),
so the whole series is revoked and both copies stop working. Logout revokes the series; "log
out everywhere" is the session version (``Passport.session_version``), which remembered logins
are checked against too.

Store calls are user code for the flows: a store's methods may be ``def`` (run in a worker thread
by async apps, unless marked :func:`~passport.core.nonblocking`) or ``async def``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING
from typing import Any
from typing import Final
from typing import Protocol
from typing import final
from typing import runtime_checkable

from ._async import nonblocking
from ._errors import SessionError
from ._flows import result_of
from ._logging import IntervalWarning

if TYPE_CHECKING:
    from ._flows import Flow
    from ._request import Request

logger = logging.getLogger("passport.core")

TRUTHY: Final = frozenset({"1", "on", "true", "yes"})
"""Form values that tick a "remember me" box (``remember="<field>"`` route option)."""


@runtime_checkable
class RememberStore(Protocol):
    """Where remember-me records live: a key-value store with expiry and an atomic pop.

    ``pop`` must read and delete in one step (two instances must never both get the same
    record): that is what makes a token single-use across app processes.
    """

    def put(self, key: str, record: dict[str, Any], ttl: int) -> None | Awaitable[None]: ...
    def pop(self, key: str) -> dict[str, Any] | None | Awaitable[dict[str, Any] | None]: ...
    def delete(self, key: str) -> None | Awaitable[None]: ...


@final
class MemoryRememberStore:
    """The in-process default: one app process only (tokens do not survive a restart).

    :param max_entries: the most records kept; the oldest go first, so memory stays bounded
        whatever the number of logins.
    """

    def __init__(self, max_entries: int = 100_000) -> None:
        self._records: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    @nonblocking
    def put(self, key: str, record: dict[str, Any], ttl: int) -> None:
        with self._lock:
            self._records.pop(key, None)
            self._records[key] = (time.monotonic() + ttl, dict(record))
            while len(self._records) > self.max_entries:
                self._records.popitem(last=False)

    @nonblocking
    def pop(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._records.pop(key, None)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    @nonblocking
    def delete(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)


@final
class RedisRememberStore:
    """Records in Redis, shared by every app instance (``redis`` package; Redis 6.2 or newer).

    :param url: a ``redis://`` URL, or pass ``client`` (a ``redis.Redis``) instead.
    :param prefix: the key prefix of every record.
    """

    def __init__(self, url: str | None = None, *, client: Any = None, prefix: str = "passport:remember:") -> None:
        if client is None:
            if url is None:
                raise TypeError("RedisRememberStore needs a url or a client")
            import redis  # an optional dependency: only this store needs it

            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.client = client
        self.prefix = prefix

    def put(self, key: str, record: dict[str, Any], ttl: int) -> None:
        self.client.set(self.prefix + key, json.dumps(record, separators=(",", ":")), ex=max(ttl, 1))

    def pop(self, key: str) -> dict[str, Any] | None:
        raw = self.client.getdel(self.prefix + key)  # atomic: one instance wins
        if raw is None:
            return None
        record = json.loads(raw)
        return record if isinstance(record, dict) else None

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)


@final
class RememberMe:
    """Remember-me settings: ``Passport(remember_me=RememberMe(...))``.

    :param store: where token digests live (default :class:`MemoryRememberStore`, one process;
        :class:`RedisRememberStore` for many).
    :param max_age: how long a remembered login lasts without use (default 30 days); every use
        starts it again.
    :param cookie_name: the cookie's name (default ``__Host-remember_token``, or
        ``remember_token`` when ``secure`` is off or a ``domain`` or another ``path`` is set: the
        ``__Host-`` prefix makes browsers refuse the cookie from anywhere but this host over https).
    :param secure: send the cookie over https only (keep it on in production).
    :param samesite: the cookie's ``SameSite`` (``"Lax"`` or ``"Strict"``).
    :param path: the cookie's path.
    :param domain: the cookie's domain (default: the host only).
    """

    def __init__(
        self,
        store: RememberStore | None = None,
        *,
        max_age: timedelta | int = timedelta(days=30),
        cookie_name: str | None = None,
        secure: bool = True,
        samesite: str = "Lax",
        path: str = "/",
        domain: str | None = None,
    ) -> None:
        seconds = int(max_age.total_seconds()) if isinstance(max_age, timedelta) else max_age
        if type(seconds) is not int or seconds <= 0:
            raise TypeError(f"max_age must be a positive number of seconds or a timedelta, got {max_age!r}")
        if samesite not in {"Lax", "Strict"}:
            raise ValueError(f'samesite must be "Lax" or "Strict", got {samesite!r}')
        host_only = secure and domain is None and path == "/"
        if cookie_name is None:
            cookie_name = "__Host-remember_token" if host_only else "remember_token"
        if not cookie_name or any(c in cookie_name for c in ' \t\r\n=;,"'):
            raise ValueError(f"{cookie_name!r} is not a cookie name")
        if cookie_name.startswith("__Host-") and not host_only:
            raise ValueError("a __Host- cookie needs secure=True, path='/' and no domain")
        self.store: RememberStore = MemoryRememberStore() if store is None else store
        self.max_age = seconds
        self.cookie_name = cookie_name
        attributes = [f"Path={path}", "HttpOnly", f"SameSite={samesite}"]
        if domain is not None:
            attributes.append(f"Domain={domain}")
        if secure:
            attributes.append("Secure")
        self._attributes = "; ".join(attributes)

    # -- the cookie ------------------------------------------------------------------------------

    def presented(self, request: Request) -> str | None:
        """The token the request carries, if it looks like one of ours."""
        cookies = request.cookies
        token = cookies.get(self.cookie_name) if cookies else None
        if type(token) is not str or not 20 <= len(token) <= 128:
            return None
        return token

    def _send_cookie(self, request: Request, token: str | None) -> None:
        value = f"{token}; Max-Age={self.max_age}" if token else "; Max-Age=0"
        add_header = getattr(request, "add_response_header", None)  # optional capability: see Request
        if add_header is None:
            raise SessionError(
                "remember-me sets a cookie on the response, and this request type cannot "
                "(it has no add_response_header); use an adapter that supports it"
            )
        add_header("Set-Cookie", f"{self.cookie_name}={value}; {self._attributes}")

    # -- the flows -------------------------------------------------------------------------------

    def issue(self, request: Request, value: Any, version: Any, series: str | None = None) -> Flow:
        """Store a new token for the serialized user ``value`` and set its cookie."""
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        series = series or secrets.token_urlsafe(16)
        record = {"s": series, "u": value, "v": version, "e": time.time() + self.max_age}
        store = self.store
        yield [store.put, (f"t:{digest}", record, self.max_age)]
        yield [store.put, (f"s:{series}", {"t": digest}, self.max_age)]
        self._send_cookie(request, token)

    def consume(self, request: Request, token: str) -> Flow:
        """Take the presented token: its record (single use), or ``None``.

        A token that was used before revokes its series (theft); an unknown or expired one
        clears the cookie. While the store cannot be reached the request goes on anonymous and
        the cookie is kept, so nothing is lost that the store still has.
        """
        digest = _digest(token)
        store = self.store
        try:
            record = yield from result_of(store.pop, f"t:{digest}")
            if record is None:
                used = yield from result_of(store.pop, f"u:{digest}")
                if isinstance(used, Mapping) and type(used.get("s")) is str:
                    logger.warning("passport: a used remember-me token came back; its series is revoked")
                    yield from self._revoke(used["s"])
                self._send_cookie(request, None)
                return None
            if not isinstance(record, Mapping):
                return None
            yield [store.put, (f"u:{digest}", {"s": record.get("s")}, self.max_age)]
        except SessionError:
            raise
        except Exception:
            _store_down.warn()
            return None
        if type(record.get("e")) not in (int, float) or record["e"] < time.time():
            self._send_cookie(request, None)
            return None
        return record

    def forget(self, request: Request, series: str | None = None) -> Flow:
        """Revoke the presented token's series (logout, or a restore that found no user)."""
        token = self.presented(request)
        if series is None and token is not None:
            try:
                record = yield from result_of(self.store.pop, f"t:{_digest(token)}")
            except Exception:
                _store_down.warn()
                record = None
            series = record.get("s") if isinstance(record, Mapping) else None
        if type(series) is str:
            try:
                yield from self._revoke(series)
            except Exception:
                _store_down.warn()
        if token is not None:
            self._send_cookie(request, None)

    def _revoke(self, series: str) -> Flow:
        current = yield from result_of(self.store.pop, f"s:{series}")
        if isinstance(current, Mapping) and type(current.get("t")) is str:
            yield [self.store.delete, (f"t:{current['t']}",)]


def wants_remember(request: Request, option: bool | str) -> bool:
    """The ``remember`` route option: ``True``, or the name of a form field that must be ticked."""
    if option is True:
        return True
    if type(option) is not str:
        return False
    value = request.body.get(option)
    return type(value) is str and value.strip().lower() in TRUTHY


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_store_down = IntervalWarning(
    logger, "passport: the remember-me store cannot be reached; remembered logins wait for it"
)
