"""The production path: an https token endpoint (self-signed CA trusted via REQUESTS_CA_BUNDLE)."""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

BODY = json.dumps({"access_token": "tls-token", "token_type": "Bearer"}).encode()
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)


def read_request(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(v) for k, _, v in (h.partition(b":") for h in head.split(b"\r\n")) if k.lower() == b"content-length"), 0
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return
        body += chunk


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
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
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_server(certificate):
    """An https endpoint on 127.0.0.1; ``server.interval`` > 0 trickles the answer byte by byte."""
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    server = type("Server", (), {"url": f"https://127.0.0.1:{listener.getsockname()[1]}", "interval": 0.0})()

    def serve(conn):
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(5)
                read_request(tls)  # all of it: closing with unread data would reset the connection
                answer = HEAD + BODY
                if server.interval:
                    for i in range(len(answer)):
                        if stop.wait(server.interval):
                            return
                        tls.sendall(answer[i : i + 1])
                else:
                    tls.sendall(answer)
        except OSError:
            pass

    def loop():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield server
    stop.set()
    thread.join(5)
    listener.close()


def run(server, **options):
    strategy = OAuth2Strategy(
        lambda access_token, refresh_token, profile: {"token": access_token},
        authorization_url=server.url + "/authorize",
        token_url=server.url + "/token",
        client_id="client",
        state=False,
        pkce=False,
        **options,
    )
    return run_strategy(strategy, make_request(url="https://app.test/cb?code=abc"))


def test_an_https_token_endpoint_works(tls_server, certificate, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    result = run(tls_server)
    assert result.action == "success", result.error
    assert result.user == {"token": "tls-token"}


def test_an_untrusted_certificate_is_refused(tls_server, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    result = run(tls_server)
    assert isinstance(result.error, InternalOAuthError)
    assert "connection failed" in str(result.error)


def test_a_trickling_https_endpoint_is_cut_at_the_deadline(tls_server, certificate, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    tls_server.interval = 0.2
    start = time.monotonic()
    result = run(tls_server, timeout=0.6)
    assert isinstance(result.error, InternalOAuthError)
    assert "timed out" in str(result.error)
    assert time.monotonic() - start < 1.6
