"""HTTPFetch through an egress proxy: a real CONNECT proxy on 127.0.0.1 tunnelling to the TLS JWKS."""

from __future__ import annotations

import select
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

import pytest

from passport.strategies.jwt import JWKS
from passport.strategies.jwt import HTTPFetch
from passport.strategies.jwt import JWKSError


@dataclass
class ProxyState:
    port: int = 0
    mode: str = "ok"  # ok | refuse | trickle | garbage
    requests: list[bytes] = field(default_factory=list)


def _pipe(a: socket.socket, b: socket.socket) -> None:
    sockets = [a, b]
    while True:
        readable, _, _ = select.select(sockets, [], [], 5)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (b if sock is a else a).sendall(data)


@pytest.fixture
def proxy() -> Iterator[ProxyState]:
    state = ProxyState()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = self.request.recv(4096)
                if not chunk:
                    return
                head += chunk
            state.requests.append(head)
            if state.mode == "refuse":
                self.request.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                return
            if state.mode == "garbage":
                self.request.sendall(b"SSH-2.0-OpenSSH\r\n\r\n")
                return
            if state.mode == "trickle":
                try:
                    for byte in b"HTTP/1.1 200 Connection established\r\n" + b"X-Pad: " + b"x" * 200:
                        self.request.sendall(bytes([byte]))
                        time.sleep(0.05)
                except OSError:
                    pass
                return
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
            host, _, port = target.rpartition(":")
            with socket.create_connection((host, int(port)), timeout=5) as upstream:
                self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _pipe(self.request, upstream)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def fetch_via(
    proxy: ProxyState, tls_files: tuple[str, str], proxy_url: str | None = None, **options: float
) -> HTTPFetch:
    context = ssl.create_default_context(cafile=tls_files[0])
    return HTTPFetch(ssl_context=context, proxy=proxy_url or f"http://127.0.0.1:{proxy.port}", **options)


def test_an_https_jwks_is_fetched_through_the_proxy_tunnel(
    proxy: ProxyState, tls_url: str, tls_files: tuple[str, str]
) -> None:
    keys = JWKS(tls_url, fetch=fetch_via(proxy, tls_files))
    assert keys.get_key("tls", "RS256").key_id == "tls"
    (request,) = proxy.requests
    port = tls_url.split(":")[2].split("/")[0]
    assert request.startswith(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\n".encode())
    assert b"Proxy-Authorization" not in request


def test_proxy_credentials_go_in_proxy_authorization_and_nowhere_else(
    proxy: ProxyState, tls_url: str, tls_files: tuple[str, str]
) -> None:
    fetch = fetch_via(proxy, tls_files, f"http://ann:s%40cret@127.0.0.1:{proxy.port}")
    fetch(tls_url)
    assert b"Proxy-Authorization: Basic YW5uOnNAY3JldA==\r\n" in proxy.requests[0]  # ann:s@cret
    assert "cret" not in repr(fetch) and "ann" not in repr(fetch)


def test_a_proxy_that_refuses_is_an_error_naming_its_status(
    proxy: ProxyState, tls_url: str, tls_files: tuple[str, str]
) -> None:
    proxy.mode = "refuse"
    with pytest.raises(JWKSError, match=r"the proxy refused the tunnel \(status 407\)"):
        fetch_via(proxy, tls_files)(tls_url)


def test_a_proxy_that_does_not_speak_http_is_an_error(
    proxy: ProxyState, tls_url: str, tls_files: tuple[str, str]
) -> None:
    proxy.mode = "garbage"
    with pytest.raises(JWKSError, match="not HTTP"):
        fetch_via(proxy, tls_files)(tls_url)


def test_a_trickling_proxy_is_cut_at_the_deadline(proxy: ProxyState, tls_url: str, tls_files: tuple[str, str]) -> None:
    proxy.mode = "trickle"
    with pytest.raises(JWKSError, match="took longer than 0.3s"):
        fetch_via(proxy, tls_files, timeout=0.3)(tls_url)


def test_loopback_http_never_goes_through_the_proxy(proxy: ProxyState, jwks_server: object) -> None:
    url = jwks_server.url  # type: ignore[attr-defined]
    HTTPFetch(proxy=f"http://127.0.0.1:{proxy.port}")(url)
    assert proxy.requests == []


@pytest.mark.parametrize(
    "bad", ["https://proxy.test:3128", "http://proxy.test", "proxy.test:3128", "http://proxy.test:3128/path", ""]
)
def test_a_proxy_must_be_an_http_url_with_a_port(bad: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        HTTPFetch(proxy=bad)
