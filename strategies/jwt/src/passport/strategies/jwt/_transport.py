"""The default JWKS transport: one bounded HTTPS GET on the standard library, no extra dependency.

A socket timeout restarts with every byte received, so a server that trickles one byte a second
never trips it. Each fetch therefore also runs under an overall deadline: a watchdog timer shuts
the connection's socket down when it passes, which ends any blocked read (TLS handshake, status
line, headers, body) at once. Bodies are read in chunks and abandoned past ``max_bytes``; a 3xx
is never followed; certificates and host names are always verified; plain ``http`` is refused
except on loopback hosts.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from typing import Final
from typing import final
from urllib.parse import urlsplit

from ._errors import JWKSError
from ._proxy import open_tunnel
from ._proxy import parse_proxy
from ._version import __version__

USER_AGENT: Final = f"passport-strategy-jwt/{__version__}"
_ACCEPT: Final = "application/jwk-set+json, application/json"


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``127.0.0.0/8`` or ``::1`` exactly; look-alikes (``localhost.evil``) are not."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_jwks_url(url: object) -> str:
    """Refuse a JWKS address that is not ``https`` (``http`` only on a loopback host)."""
    if type(url) is not str or not url:
        raise TypeError(f"the JWKS URL must be a non-empty string, got {url!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"the JWKS URL must be an absolute https URL, got {safe_url(url)!r}")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(f"the JWKS URL must use https (http only on loopback hosts), got {safe_url(url)!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the JWKS URL must not carry credentials")
    return url


def safe_url(url: str) -> str:
    """The address without its query and fragment, for messages and logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class _Watchdog:
    """Shuts a connection down when the deadline passes; ``expired`` says whether it did.

    It keeps a duplicate of the socket (``sock.dup()``): TLS wrapping detaches the original
    socket object, but a shutdown through any descriptor of the connection ends it, handshake
    and encrypted reads included.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock.dup()
            if self.expired:
                _shutdown(self._sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._sock is not None:
                _shutdown(self._sock)

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv at once, unlike close()
    except OSError:
        pass


@final
class HTTPFetch:
    """Fetch a JWKS document over HTTPS with an overall deadline and a size cap (blocking).

    The key set calls it through ``passport.core.call_function``, so async apps run it in a
    worker thread and never block their event loop. It sends no cookies or credentials and reads
    no environment settings: an egress proxy is named explicitly.

    :param timeout: seconds for the whole exchange (connect, proxy, TLS, headers, body).
    :param max_bytes: the largest body accepted; key sets are a few kilobytes.
    :param ssl_context: the TLS context (a private CA in tests); certificates are always verified.
    :param proxy: ``http://[user:password@]host:port`` of an egress proxy: ``https`` key sets
        are fetched through a CONNECT tunnel, still verified end to end (plain ``http``, only
        allowed on loopback hosts, never goes through it).
    """

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        max_bytes: int = 256 * 1024,
        ssl_context: ssl.SSLContext | None = None,
        proxy: str | None = None,
    ) -> None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 60:
            raise ValueError(f"timeout must be a number of seconds in (0, 60], got {timeout!r}")
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1024:
            raise ValueError(f"max_bytes must be an int of at least 1024, got {max_bytes!r}")
        if ssl_context is not None and (
            not isinstance(ssl_context, ssl.SSLContext)
            or ssl_context.verify_mode != ssl.CERT_REQUIRED
            or not ssl_context.check_hostname
        ):
            raise ValueError("ssl_context must verify certificates and host names")
        self.timeout: Final = float(timeout)
        self.max_bytes: Final = max_bytes
        self._context: Final = ssl_context or ssl.create_default_context()
        self._proxy: Final = None if proxy is None else parse_proxy(proxy)

    def __repr__(self) -> str:
        proxy = "" if self._proxy is None else f", proxy={self._proxy!r}"
        return f"HTTPFetch(timeout={self.timeout!r}, max_bytes={self.max_bytes!r}{proxy})"

    def __call__(self, url: str) -> bytes:
        """GET ``url`` and return the body of its 200 answer.

        :raises JWKSError: refused URL, timeout, too large, redirect, a status other than 200,
            or a connection or TLS failure.
        """
        check_jwks_url(url)
        parts = urlsplit(url)
        host = parts.hostname or ""
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        where = safe_url(url)
        watchdog = _Watchdog(self.timeout)
        watchdog.start()
        conn: http.client.HTTPConnection | None = None
        sock: socket.socket | None = None
        try:
            # Name resolution is the one step the watchdog cannot cut (getaddrinfo blocks in C).
            tunnel = self._proxy if tls else None
            peer = (host, port) if tunnel is None else (tunnel.host, tunnel.port)
            sock = socket.create_connection(peer, timeout=self.timeout)
            watchdog.watch(sock)
            if tunnel is not None:
                open_tunnel(sock, host, port, tunnel, USER_AGENT, where)
            if tls:
                sock = self._context.wrap_socket(sock, server_hostname=host)
            conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
            conn.sock = sock
            headers = {"Accept": _ACCEPT, "Accept-Encoding": "identity", "User-Agent": USER_AGENT}
            conn.request("GET", target, headers={**headers, "Connection": "close"})
            response = conn.getresponse()
            if 300 <= response.status < 400:
                raise JWKSError("the JWKS answered with a redirect, which is never followed", where)
            if response.status != 200:
                raise JWKSError(f"the JWKS answered with status {response.status}", where)
            body = self._read(response, where)
        except JWKSError as exc:
            if watchdog.expired:  # the watchdog's shutdown is what the reader saw ("closed")
                raise JWKSError(f"fetching the JWKS took longer than {self.timeout:g}s", where) from exc
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if watchdog.expired or isinstance(exc, TimeoutError):
                raise JWKSError(f"fetching the JWKS took longer than {self.timeout:g}s", where) from exc
            kind = "TLS verification failed" if isinstance(exc, ssl.SSLError) else "the connection failed"
            raise JWKSError(f"fetching the JWKS failed ({kind}: {type(exc).__name__})", where) from exc
        finally:
            watchdog.stop()
            if conn is not None:
                conn.close()
            elif sock is not None:  # failed before HTTP started (proxy refused, TLS failed)
                sock.close()
        if watchdog.expired:  # a close-delimited body cut by the watchdog ends like a complete one
            raise JWKSError(f"fetching the JWKS took longer than {self.timeout:g}s", where)
        return body

    def _read(self, response: http.client.HTTPResponse, where: str) -> bytes:
        declared = response.getheader("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise JWKSError(f"the JWKS is larger than {self.max_bytes} bytes", where)
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read1(16384)
            if not chunk:
                break
            size += len(chunk)
            if size > self.max_bytes:
                raise JWKSError(f"the JWKS is larger than {self.max_bytes} bytes", where)
            chunks.append(chunk)
        return b"".join(chunks)
