"""Back-channel HTTP with hard limits: timeouts, an overall deadline, a size cap, no redirects.

requests (the transport requests-oauthlib is built on) gives connect and read timeouts, but a
read timeout restarts with every byte, so a server that trickles one byte a second never trips
it. Each exchange here therefore also runs under a deadline: a watchdog timer shuts the
exchange's sockets down when it passes, which ends any blocked read at once. Bodies are
streamed and abandoned past ``max_bytes``; a 3xx is never followed (it could carry the code or
the client secret elsewhere).
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

from ._version import __version__

log = logging.getLogger("passport.strategies.oauth2")

USER_AGENT = f"passport-strategy-oauth2/{__version__}"


class Timeout(Exception):
    """The exchange did not finish before its deadline."""


class TooLarge(Exception):
    """The response body is larger than allowed."""


class Redirected(Exception):
    """The endpoint answered with a redirect, which is never followed."""


class Transport(Exception):
    """The connection failed (refused, reset, TLS, malformed HTTP...)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits for one exchange: seconds to connect, per read, overall; and the body cap."""

    connect: float
    read: float
    deadline: float
    max_bytes: int


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete (bounded) response."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class _Watch:
    """The sockets of one exchange, and the watchdog that shuts them when the deadline passes.

    It keeps a duplicate of each socket (``sock.dup()``): TLS wrapping detaches the original
    socket object, but a shutdown through any descriptor of the connection ends it, handshake
    and encrypted reads included. The duplicates are closed when the exchange ends.
    """

    def __init__(self) -> None:
        self.expired = False
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            if self._closed:
                return
            duplicate = sock.dup()
            self._sockets.append(duplicate)
            if self.expired:
                _shutdown(duplicate)

    def expire(self) -> None:
        with self._lock:
            if self._closed:
                return
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv at once, unlike close()
    except OSError:
        pass


# What requests, urllib3 and http.client raise for trouble on the wire (ValueError: bad framing).
_WIRE_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError)

_WATCH: ContextVar[_Watch | None] = ContextVar("passport_oauth2_watch", default=None)


def _attach(sock: socket.socket) -> socket.socket:
    watch = _WATCH.get()
    if watch is not None:
        watch.attach(sock)
    return sock


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _attach(super()._new_conn())


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _attach(super()._new_conn())


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """An adapter whose connections (proxied ones too) register their sockets with the watch."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def _read(response: requests.Response, limits: Limits, deadline_at: float, watch: _Watch) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limits.max_bytes:
        raise TooLarge()
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=16384):
        size += len(chunk)
        if size > limits.max_bytes:
            raise TooLarge()
        if time.monotonic() > deadline_at:
            raise Timeout()
        chunks.append(chunk)
    if watch.expired:  # a close-delimited body cut by the watchdog ends like a complete one
        raise Timeout()
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if declared.strip().isdigit() and encoding == "identity" and size != int(declared):
        raise Transport()  # a body shorter than announced (urllib3 1.x does not check this itself)
    return b"".join(chunks)


def exchange(
    method: str,
    url: str,
    *,
    limits: Limits,
    headers: Mapping[str, str],
    data: bytes | None = None,
    auth: tuple[str, str] | None = None,
) -> Answer:
    """Send one request and read the whole (bounded) answer; blocking, so call it off the loop.

    ``data`` is sent as it is: the caller gives its ``Content-Type`` in ``headers``.

    :raises Timeout: the deadline passed (connect, headers, or a trickling body).
    :raises TooLarge: the body is over ``limits.max_bytes`` (announced or counted).
    :raises Redirected: the answer is a 3xx.
    :raises Transport: anything else on the wire; the requests/urllib3 error is the cause.
    """
    watch = _Watch()
    timer = threading.Timer(limits.deadline, watch.expire)
    timer.daemon = True
    deadline_at = time.monotonic() + limits.deadline
    token = _WATCH.set(watch)
    timer.start()
    try:
        with requests.Session() as session:
            adapter = _WatchedAdapter(max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers.clear()
            # Proxies and CA bundle from the environment, but never ~/.netrc credentials.
            env = session.merge_environment_settings(url, {}, True, None, None)
            session.trust_env = False
            all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "identity"}
            all_headers.update(headers)
            response = session.request(
                method,
                url,
                headers=all_headers,
                data=data,
                auth=auth,
                timeout=(limits.connect, limits.read),
                allow_redirects=False,
                stream=True,
                proxies=env["proxies"],
                verify=env["verify"],
            )
            try:
                if 300 <= response.status_code < 400:
                    raise Redirected()
                body = _read(response, limits, deadline_at, watch)
            finally:
                response.close()
        return Answer(response.status_code, response.headers, body)
    except (Timeout, TooLarge, Redirected):
        raise
    except _WIRE_ERRORS as exc:
        if watch.expired:
            raise Timeout() from exc
        if isinstance(exc, requests.Timeout):
            raise Timeout() from exc
        raise Transport() from exc
    finally:
        timer.cancel()
        watch.close()
        _WATCH.reset(token)
        if watch.expired:
            log.debug("back-channel request to %s ran past its %.1fs deadline", _origin(url), limits.deadline)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
