"""Fixtures: a real JWKS server on 127.0.0.1 that counts the requests it receives.

The server is the standard library's threading HTTP server; each test sets the key set it
publishes and, for the transport tests, how it misbehaves (trickle, huge body, redirect, status).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwt_helpers import public_jwk
from jwt_helpers import rsa_key


@dataclass
class JWKSServer:
    """The running server: its URL, the set it serves, how it answers, and what it saw."""

    base: str
    keys: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "ok"  # ok | trickle | huge | chunked-huge | redirect | status | not-json | slow
    status: int = 200
    hits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Event = field(default_factory=threading.Event)
    trickle_ended: threading.Event = field(default_factory=threading.Event)
    trickle_outcome: str = ""  # "cut" (the client hung up) or "complete"
    gate_opened: list[bool] = field(default_factory=list)  # per held answer: opened (True) or timed out

    @property
    def url(self) -> str:
        return self.base + "/jwks.json"

    def publish(self, *keys: dict[str, Any]) -> None:
        self.keys = list(keys)


def _handler(server: JWKSServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.hits += 1
            mode = server.mode
            body = json.dumps({"keys": server.keys}).encode()
            if mode == "slow":  # holds the answer until the test opens the gate
                server.gate_opened.append(server.gate.wait(10))
            if mode == "redirect":
                self.send_response(302)
                self.send_header("Location", server.base + "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if mode == "status":
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if mode == "not-json":
                body = b"<html>maintenance</html>"
            if mode == "huge":
                body = b" " * (2 * 1024 * 1024)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if mode == "chunked-huge":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b" " * 65536
                try:
                    for _ in range(64):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if mode == "trickle":  # one byte at a time: every read succeeds, the whole takes minutes
                server.trickle_outcome = "complete"
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.05)
                except OSError:
                    server.trickle_outcome = "cut"
                finally:
                    server.trickle_ended.set()
                return
            self.wfile.write(body)

    return Handler


@pytest.fixture
def jwks_server() -> Iterator[JWKSServer]:
    state = JWKSServer(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.gate.set()
        httpd.shutdown()
        httpd.server_close()


class FakeClock:
    """A monotonic clock the test moves by hand: TTLs and intervals without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# -- TLS: a self-signed certificate for 127.0.0.1 and a JWKS server using it ---------------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


TLS_TRICKLE: dict[str, Any] = {}


@pytest.fixture
def tls_url(tls_files: tuple[str, str]) -> Iterator[str]:
    body = json.dumps({"keys": [public_jwk(rsa_key(), "tls")]}).encode()
    TLS_TRICKLE.clear()
    TLS_TRICKLE["ended"] = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.path != "/trickle":
                self.wfile.write(body)
                return
            TLS_TRICKLE["outcome"] = "complete"
            try:  # one encrypted byte at a time: the deadline must cut through TLS too
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                TLS_TRICKLE["outcome"] = "cut"
            finally:
                TLS_TRICKLE["ended"].set()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def tls_trickle(tls_url: str) -> dict[str, Any]:
    """How the TLS server's ``/trickle`` answer ended ("cut" or "complete", and an ``ended`` event)."""
    return TLS_TRICKLE
