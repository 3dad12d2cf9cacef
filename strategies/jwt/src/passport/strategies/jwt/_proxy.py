"""An HTTP CONNECT tunnel through an egress proxy, for the default JWKS transport.

Only ``https`` key sets go through the proxy, end to end encrypted: the proxy sees the host and
port, never the request. The tunnel is opened on a socket the transport's watchdog already
watches, so a proxy that stalls or trickles its answer is cut at the same deadline.
"""

from __future__ import annotations

import base64
import socket
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote
from urllib.parse import urlsplit

from ._errors import JWKSError

_MAX_HEAD: Final = 16384  # bytes of the proxy's answer head before giving up


@dataclass(frozen=True, slots=True)
class Proxy:
    """Where the proxy listens, and the ``Proxy-Authorization`` value when it needs credentials."""

    host: str
    port: int
    authorization: str | None

    def __repr__(self) -> str:  # never the credentials
        return f"Proxy({self.host!r}, {self.port!r})"


def parse_proxy(url: object) -> Proxy:
    """Read ``http://[user:password@]host:port``; the proxy is spoken to in plain HTTP."""
    if type(url) is not str or not url:
        raise TypeError(f"proxy must be a URL string, got a {type(url).__name__}")
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or not parts.hostname or port is None or parts.path not in ("", "/"):
        raise ValueError("proxy must be http://[user:password@]host:port")
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        authorization = "Basic " + base64.b64encode(pair).decode("ascii")
    return Proxy(parts.hostname, port, authorization)


def open_tunnel(sock: socket.socket, host: str, port: int, proxy: Proxy, user_agent: str, where: str) -> None:
    """Ask the proxy connected on ``sock`` for a tunnel to ``host:port``; raises unless it answers 200."""
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}", f"User-Agent: {user_agent}"]
    if proxy.authorization is not None:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    # Read the head a byte at a time: nothing after it may be consumed, it belongs to TLS.
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise JWKSError("the proxy closed the connection", where)
        head += byte
        if len(head) > _MAX_HEAD:
            raise JWKSError("the proxy's answer is too large", where)
    status_line = head.split(b"\r\n", 1)[0].split(b" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1.") or not status_line[1].isdigit():
        raise JWKSError("the proxy's answer is not HTTP", where)
    status = int(status_line[1])
    if status != 200:
        raise JWKSError(f"the proxy refused the tunnel (status {status})", where)
