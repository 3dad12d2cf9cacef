"""What requests cannot do for the back channel: an overall deadline, a size cap, no 3xx, loopback http.

requests (and requests-oauthlib's ``OAuth2Session``, a ``requests.Session``) gives connect and
read timeouts, but a read timeout restarts with every byte, so a server that trickles one byte a
second never trips it. Each exchange therefore runs under :func:`bounded`: a watchdog timer shuts
the exchange's sockets down at the deadline, which ends any blocked read at once. The
:class:`BoundedAdapter` mounted on the session registers those sockets, refuses a 3xx (it could
carry the code or the client secret elsewhere) and an announced or counted body over the cap.

Loopback ``http`` (development and tests): ``OAuth2Session`` refuses any URL that does not start
with ``https://`` unless the process sets ``OAUTHLIB_INSECURE_TRANSPORT``. Rather than setting
that process-wide switch, a loopback ``http`` endpoint is handed to the session under its
``https://`` spelling (:func:`session_url`) and a :class:`BoundedAdapter` with ``plain_http=True``
is mounted for exactly that origin: it sends the request over plain http to the loopback address
the application configured. ``check_endpoint`` has already refused ``http`` anywhere else.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
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
BASE_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "identity"}


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

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline_at = time.monotonic() + limits.deadline
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


class _CappedBody:
    """The response's ``raw``, read through a counter: over the cap or past the deadline, it stops.

    requests reads a non-streamed body through ``raw.stream()``; everything else is delegated.
    """

    def __init__(self, raw: Any, watch: _Watch, declared: int | None, identity: bool) -> None:
        self._raw = raw
        self._watch = watch
        self._declared = declared
        self._identity = identity

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def stream(self, amt: int = 65536, decode_content: bool | None = None) -> Iterator[bytes]:
        size = 0
        for chunk in self._raw.stream(amt, decode_content=decode_content):
            size += len(chunk)
            if size > self._watch.limits.max_bytes:
                raise TooLarge()
            if time.monotonic() > self._watch.deadline_at:
                raise Timeout()
            yield chunk
        if self._watch.expired:  # a close-delimited body cut by the watchdog ends like a complete one
            raise Timeout()
        if self._declared is not None and self._identity and size != self._declared:
            raise Transport()  # a body shorter than announced (urllib3 1.x does not check this itself)


class BoundedAdapter(HTTPAdapter):
    """requests' adapter, with the exchange's sockets watched, 3xx refused and the body capped.

    With ``plain_http=True`` (mounted only for a loopback origin the application configured as
    ``http``), a request the session addresses to ``https://`` goes out over plain http.
    """

    def __init__(self, *, plain_http: bool = False) -> None:
        super().__init__(max_retries=0)
        self._plain_http = plain_http

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if self._plain_http and request.url and request.url.lower().startswith("https://"):
            request.url = "http://" + request.url[len("https://") :]
        return super().send(request, *args, **kwargs)

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        response = super().build_response(req, resp)
        watch = _WATCH.get()
        if watch is None:  # pragma: no cover - every request runs inside bounded()
            raise RuntimeError("BoundedAdapter used outside bounded()")
        if 300 <= response.status_code < 400:
            response.close()
            raise Redirected()
        declared_text = response.headers.get("Content-Length", "").strip()
        declared = int(declared_text) if declared_text.isdigit() else None
        if declared is not None and declared > watch.limits.max_bytes:
            response.close()
            raise TooLarge()
        identity = response.headers.get("Content-Encoding", "identity").strip().lower() == "identity"
        response.raw = _CappedBody(response.raw, watch, declared, identity)
        return response


def session_url(url: str) -> str:
    """The URL a session is given: a loopback ``http`` endpoint under its ``https://`` spelling."""
    if url.lower().startswith("http://"):
        return "https://" + url[len("http://") :]
    return url


def prepare(session: requests.Session, urls: list[str]) -> dict[str, Any]:
    """Mount the bounded adapters on ``session`` and return the ``proxies``/``verify`` to send with.

    Proxies and the CA bundle come from the environment (``HTTPS_PROXY``, ``REQUESTS_CA_BUNDLE``),
    but never ``~/.netrc`` credentials; requests' default headers are dropped.
    """
    adapter = BoundedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    for url in urls:
        if url.lower().startswith("http://"):  # check_endpoint allowed it: a loopback host
            parts = urlsplit(url)
            session.mount(f"https://{parts.netloc}/", BoundedAdapter(plain_http=True))
    session.headers.clear()
    env = session.merge_environment_settings(urls[0], {}, True, None, None)
    session.trust_env = False
    return {"proxies": env["proxies"], "verify": env["verify"]}


@contextmanager
def bounded(limits: Limits, url: str) -> Iterator[None]:
    """Run one exchange under the deadline; its failures come out as our four exceptions.

    Exceptions that are not the wire's (an :class:`OAuthError` a hook raised) pass unchanged.

    :raises Timeout: the deadline passed (connect, headers, or a trickling body).
    :raises TooLarge: the body is over ``limits.max_bytes`` (announced or counted).
    :raises Redirected: the answer is a 3xx.
    :raises Transport: anything else on the wire; the requests/urllib3 error is the cause.
    """
    watch = _Watch(limits)
    timer = threading.Timer(limits.deadline, watch.expire)
    timer.daemon = True
    token = _WATCH.set(watch)
    timer.start()
    try:
        yield
    except (Timeout, TooLarge, Redirected, Transport):
        raise
    except _WIRE_ERRORS as exc:
        if watch.expired or isinstance(exc, requests.Timeout):
            raise Timeout() from exc
        raise Transport() from exc
    finally:
        timer.cancel()
        watch.close()
        _WATCH.reset(token)
        if watch.expired:
            log.debug("back-channel request to %s ran past its %.1fs deadline", _origin(url), limits.deadline)


def get(url: str, *, limits: Limits, headers: Mapping[str, str]) -> Answer:
    """A bounded GET (profile, JWKS, discovery...); blocking, so call it off the event loop."""
    with bounded(limits, url), requests.Session() as session:
        env = prepare(session, [url])
        response = session.get(
            url,
            headers={**BASE_HEADERS, **headers},
            timeout=(limits.connect, limits.read),
            allow_redirects=False,
            **env,
        )
        with response:
            return Answer(response.status_code, response.headers, response.content)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
