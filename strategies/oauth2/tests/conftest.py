"""Fixtures: a real authorization server (Authlib on Flask) and a raw-socket fault server, both on 127.0.0.1.

``provider`` is a small OAuth 2.0 provider built on Authlib's ``AuthorizationServer`` with the
authorization-code grant and ``CodeChallenge(required=True)``: PKCE, redirect_uri and client
authentication are checked by it, not by us. It records every request it receives.

``faults`` is a bare TCP server whose answer each test scripts (silence, trickle, huge bodies,
garbage, resets, redirects): the failures a real server cannot be made to produce reliably.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import struct
import threading
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask
from flask import jsonify
from flask import request as flask_request
from oauth2_helpers import CALLBACK
from oauth2_helpers import CLIENT_ID
from oauth2_helpers import USER
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

# ----------------------------------------------------------------------------------------------
# The authorization server
# ----------------------------------------------------------------------------------------------


class _Client(ClientMixin):
    def __init__(self, client_id: str, secret: str | None, auth_method: str) -> None:
        self.client_id = client_id
        self.client_secret = secret
        self.auth_method = auth_method
        self.redirect_uris = [CALLBACK, "http://app.test/other/callback", "https://app.test/auth/provider/callback"]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return self.client_secret is not None and secrets.compare_digest(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.auth_method if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class _Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_auth_time(self):
        return None


class _Refresh(dict):
    """A refresh token record, in the shape Authlib's RefreshTokenGrant asks of one."""

    def __init__(self, token: str, user: dict[str, Any], scope: str) -> None:
        super().__init__(refresh_token=token, user=user, scope=scope)

    def check_client(self, client):
        return True

    def get_scope(self):
        return self["scope"]

    def get_expires_in(self):
        return 3600

    def is_revoked(self):
        return False

    def is_expired(self):
        return False


@dataclass
class Recorded:
    method: str
    path: str
    args: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class Provider:
    """The running provider: its base URL, what it received, and knobs a test may turn."""

    url: str
    client_secret: str
    requests: list[Recorded] = field(default_factory=list)
    codes: dict[str, _Code] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    auth_method: str = "client_secret_post"
    extra_token_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def authorization_url(self) -> str:
        return self.url + "/authorize"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def userinfo_url(self) -> str:
        return self.url + "/userinfo"

    @property
    def token_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/token"]


def _build_app(provider: Provider, clients: dict[str, _Client]) -> Flask:
    app = Flask("provider")

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def save_authorization_code(self, code, request):
            data = request.payload.data
            provider.codes[code] = _Code(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope or "",
                user=request.user,
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code, client):
            item = provider.codes.get(code)
            return item if item is not None and item.client_id == client.get_client_id() else None

        def delete_authorization_code(self, authorization_code):
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    def query_client(client_id):
        client = clients.get("client")
        if client is None or client.client_id != client_id:
            return None
        client.auth_method = provider.auth_method
        return client

    class RefreshGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
        INCLUDE_NEW_REFRESH_TOKEN = True

        def authenticate_refresh_token(self, refresh_token):
            return provider.refresh_tokens.get(refresh_token)

        def authenticate_user(self, credential):
            return credential["user"]

        def revoke_old_credential(self, credential):
            provider.refresh_tokens.pop(credential["refresh_token"], None)

    def save_token(token, request):
        token.update(provider.extra_token_fields)
        provider.tokens[token["access_token"]] = request.user
        if "refresh_token" in token:
            provider.refresh_tokens[token["refresh_token"]] = _Refresh(token["refresh_token"], request.user, "")

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_grant(CodeGrant, [CodeChallenge(required=True)])
    server.register_grant(RefreshGrant)

    @app.before_request
    def record():
        provider.requests.append(
            Recorded(
                flask_request.method,
                flask_request.path,
                dict(flask_request.args),
                dict(flask_request.form),
                dict(flask_request.headers),
            )
        )

    @app.route("/authorize")
    def authorize():
        user = None if flask_request.args.get("deny") else dict(USER)
        request = server.create_oauth2_request(None)
        grant = server.get_authorization_grant(request)
        return server.create_authorization_response(request, grant_user=user, grant=grant)

    @app.route("/token", methods=["POST"])
    def token():
        return server.create_token_response()

    @app.route("/userinfo")
    def userinfo():
        header = flask_request.headers.get("Authorization", "")
        user = provider.tokens.get(header.removeprefix("Bearer "))
        if not header.startswith("Bearer ") or user is None:
            return jsonify(error="invalid_token"), 401
        return jsonify(user)

    @app.route("/user")
    def github_style_user():  # the shape of GitHub's GET /user, for the README's example
        user = provider.tokens.get(flask_request.headers.get("Authorization", "").removeprefix("Bearer "))
        if user is None:
            return jsonify(message="Bad credentials"), 401
        return jsonify(id=12345, login="ann", name=user["name"])

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # the provider's access log is not ours
        pass


@pytest.fixture(scope="session")
def _provider_server() -> Iterator[tuple[Provider, dict[str, _Client]]]:
    clients: dict[str, _Client] = {}
    provider = Provider(url="", client_secret="")
    app = _build_app(provider, clients)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider, clients
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def provider(_provider_server: tuple[Provider, dict[str, _Client]]) -> Provider:
    """The provider, reset for this test, with a fresh client secret (a canary)."""
    provider, clients = _provider_server
    provider.client_secret = "secret-" + secrets.token_hex(12)
    provider.requests.clear()
    provider.codes.clear()
    provider.tokens.clear()
    provider.refresh_tokens.clear()
    provider.auth_method = "client_secret_post"
    provider.extra_token_fields = {}
    clients["client"] = _Client(CLIENT_ID, provider.client_secret, "client_secret_post")
    return provider


@pytest.fixture
def make_strategy(provider: Provider) -> Callable[..., OAuth2Strategy]:
    """``make_strategy(verify=..., **options)``: an OAuth2Strategy wired to the provider."""

    def make(verify: Callable[..., Any] | None = None, cls: type[OAuth2Strategy] = OAuth2Strategy, **options: Any):
        options.setdefault("authorization_url", provider.authorization_url)
        options.setdefault("token_url", provider.token_url)
        options.setdefault("client_id", CLIENT_ID)
        options.setdefault("client_secret", provider.client_secret)
        options.setdefault("callback_url", CALLBACK)
        return cls(verify or (lambda access_token, refresh_token, profile: {"id": "u-1"}), **options)

    return make


@dataclass
class Browser:
    """Plays the user agent: first leg, the provider's consent page, the callback leg."""

    def start(self, strategy: OAuth2Strategy, session: dict[str, Any] | None, options: dict[str, Any] | None = None):
        return run_strategy(strategy, make_request(url="http://app.test/auth/provider", session=session), options)

    def consent(self, authorize_url: str, **extra: str) -> str:
        if extra:
            authorize_url += "&" + "&".join(f"{k}={v}" for k, v in extra.items())
        answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def callback(self, strategy: OAuth2Strategy, url: str, session: dict[str, Any] | None, options=None, **fields):
        return run_strategy(strategy, make_request(url=url, session=session, **fields), options)

    def login(self, strategy: OAuth2Strategy, session: dict[str, Any], options: dict[str, Any] | None = None):
        first = self.start(strategy, session, options)
        assert first.action == "redirect", first.error
        return self.callback(strategy, self.consent(first.url), session, options)


@pytest.fixture
def browser() -> Browser:
    return Browser()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


@pytest.fixture
def qs() -> Callable[[str], dict[str, str]]:
    """``qs(url)``: the URL's query as a dict of single values (lists for repeated keys)."""

    def parse(url: str) -> dict[str, Any]:
        return {k: v[0] if len(v) == 1 else v for k, v in query_of(url).items()}

    return parse


# ----------------------------------------------------------------------------------------------
# The fault server: a raw socket whose behaviour each test scripts
# ----------------------------------------------------------------------------------------------


@dataclass
class Faults:
    """``faults.behave(fn)``: ``fn(conn, request_bytes)`` answers each connection."""

    url: str
    connections: int = 0
    received: list[bytes] = field(default_factory=list)
    behaviour: Callable[[socket.socket, bytes], None] | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def behave(self, fn: Callable[[socket.socket, bytes], None]) -> None:
        self.behaviour = fn

    def respond(self, status: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        """Answer every request with this status line, headers and body."""
        all_headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), "Connection": "close"}
        all_headers.update(headers or {})

        def answer(conn: socket.socket, _request: bytes) -> None:
            head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in all_headers.items()) + "\r\n"
            conn.sendall(head.encode("latin-1") + body)

        self.behave(answer)

    def reset(self, conn: socket.socket, _request: bytes) -> None:
        """Close with an RST (SO_LINGER 0)."""
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def silence(self, conn: socket.socket, _request: bytes) -> None:
        """Accept, read the request, never answer."""
        self.stop.wait(10)

    def trickle(self, head: bytes, body: bytes, interval: float) -> None:
        """Send ``head`` at once, then ``body`` one byte per ``interval`` seconds."""

        def send(conn: socket.socket, _request: bytes) -> None:
            conn.sendall(head)
            for i in range(len(body)):
                if self.stop.wait(interval):
                    return
                conn.sendall(body[i : i + 1])

        self.behave(send)


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


@pytest.fixture
def faults() -> Iterator[Faults]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    state = Faults(url=f"http://127.0.0.1:{listener.getsockname()[1]}")
    workers: list[threading.Thread] = []

    def serve(conn: socket.socket) -> None:
        with contextlib.closing(conn):
            try:
                conn.settimeout(10)
                request = _read_request(conn)
                state.received.append(request)
                if state.behaviour is not None:
                    state.behaviour(conn, request)
            except OSError:
                pass

    def accept_loop() -> None:
        while not state.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            state.connections += 1
            worker = threading.Thread(target=serve, args=(conn,), daemon=True)
            workers.append(worker)
            worker.start()

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        thread.join(5)
        listener.close()
        for worker in workers:
            worker.join(5)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every logger at DEBUG (requests, urllib3, oauthlib, requests_oauthlib, passport...)."""
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "requests", "oauthlib", "requests_oauthlib", "passport"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog
