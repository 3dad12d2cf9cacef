"""A fake GitHub on 127.0.0.1 that answers in GitHub's documented shapes.

``/login/oauth/authorize`` plays the consent page (it redirects back at once, or with
``error=access_denied`` when asked), ``/login/oauth/access_token`` answers as GitHub does:
JSON when asked with ``Accept: application/json``, a comma-separated ``scope``, and errors as
**200** with ``error``/``error_description``/``error_uri`` (``bad_verification_code``,
``incorrect_client_credentials``, ``redirect_uri_mismatch``). It checks PKCE S256 like GitHub.
``/user`` and ``/user/emails`` need ``Authorization: Bearer``; ``/user/emails`` answers only
when the token was granted ``user:email`` or ``user`` (404 otherwise, as GitHub does), and
every API answer carries ``X-OAuth-Scopes``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask import jsonify
from flask import redirect
from flask import request
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from passport.strategies.github import GitHubStrategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

CLIENT_ID = "Iv1.client-id-1"
CALLBACK = "http://app.test/auth/github/callback"
DOCS = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"
USER = {
    "login": "octocat",
    "id": 583231,
    "node_id": "MDQ6VXNlcjU4MzIzMQ==",
    "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
    "html_url": "https://github.com/octocat",
    "type": "User",
    "name": "The Octocat",
    "email": "octocat@github.example",
}
EMAILS = [
    {"email": "old@example.test", "primary": False, "verified": False, "visibility": None},
    {"email": "octocat@github.example", "primary": True, "verified": True, "visibility": "public"},
]


@dataclass
class FakeGitHub:
    url: str
    client_secret: str = ""
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> granted scope
    requests: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    user: dict[str, Any] = field(default_factory=lambda: dict(USER))
    emails: Any = field(default_factory=lambda: [dict(e) for e in EMAILS])
    grant: str | None = None  # the scope the user grants (None: what was asked)

    @property
    def paths(self) -> list[str]:
        return [path for _method, path, _h, _f in self.requests]


def _token_error(error: str, description: str):
    return jsonify(error=error, error_description=description, error_uri=DOCS)  # GitHub: 200 OK


def _build(fake: FakeGitHub) -> Flask:
    app = Flask("fake-github")

    @app.before_request
    def record():
        fake.requests.append((request.method, request.path, dict(request.headers), dict(request.form)))

    @app.get("/login/oauth/authorize")
    def authorize():
        args = request.args
        target = args["redirect_uri"]
        if args.get("deny"):
            query = {"error": "access_denied", "error_description": "The user has denied your application access."}
        else:
            code = secrets.token_hex(10)
            fake.codes[code] = {
                "redirect_uri": target,
                "scope": fake.grant if fake.grant is not None else args.get("scope", ""),
                "challenge": args.get("code_challenge"),
            }
            query = {"code": code}
        query["state"] = args.get("state", "")
        return redirect(f"{target}?{urlencode(query)}")

    @app.post("/login/oauth/access_token")
    def access_token():
        form = request.form
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != fake.client_secret:
            return _token_error(
                "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect."
            )
        grant = fake.codes.pop(form.get("code", ""), None)
        if grant is None:
            return _token_error("bad_verification_code", "The code passed is incorrect or expired.")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return _token_error("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL.")
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["challenge"] and digest != grant["challenge"]:
            return _token_error("bad_verification_code", "The code passed is incorrect or expired.")
        token = "gho_" + secrets.token_hex(18)
        scope = ",".join(grant["scope"].split())  # GitHub: comma-separated
        fake.tokens[token] = scope
        if "application/json" not in request.headers.get("Accept", ""):
            return urlencode({"access_token": token, "scope": scope, "token_type": "bearer"})
        return jsonify(access_token=token, scope=scope, token_type="bearer")

    def _scope() -> str | None:
        header = request.headers.get("Authorization", "")
        return fake.tokens.get(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None

    def _unauthorized():
        return jsonify(message="Bad credentials", documentation_url="https://docs.github.com/rest"), 401

    @app.get("/user")
    def user():
        scope = _scope()
        if scope is None:
            return _unauthorized()
        response = jsonify(fake.user)
        response.headers["X-OAuth-Scopes"] = scope.replace(",", ", ")
        return response

    @app.get("/user/emails")
    def emails():
        scope = _scope()
        if scope is None:
            return _unauthorized()
        if not {"user:email", "user"} & set(scope.split(",")):
            return jsonify(message="Not Found", documentation_url="https://docs.github.com/rest"), 404
        response = jsonify(fake.emails)
        response.headers["X-OAuth-Scopes"] = scope.replace(",", ", ")
        return response

    return app


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture(scope="session")
def _server() -> Iterator[FakeGitHub]:
    fake = FakeGitHub(url="")
    server = make_server("127.0.0.1", 0, _build(fake), threaded=True, request_handler=_Quiet)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def github(_server: FakeGitHub) -> FakeGitHub:
    _server.client_secret = "gh-secret-" + secrets.token_hex(8)
    _server.codes.clear()
    _server.tokens.clear()
    _server.requests.clear()
    _server.user = dict(USER)
    _server.emails = [dict(e) for e in EMAILS]
    _server.grant = None
    return _server


@pytest.fixture
def make_github(github: FakeGitHub):
    def make(verify=None, **options: Any) -> GitHubStrategy:
        options.setdefault("client_id", CLIENT_ID)
        options.setdefault("client_secret", github.client_secret)
        options.setdefault("callback_url", CALLBACK)
        options.setdefault("authorization_url", github.url + "/login/oauth/authorize")
        options.setdefault("token_url", github.url + "/login/oauth/access_token")
        options.setdefault("api_url", github.url)
        return GitHubStrategy(verify or (lambda access_token, refresh_token, profile: profile), **options)

    return make


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class Browser:
    def start(self, strategy, session, options=None):
        return run_strategy(strategy, make_request(url="http://app.test/auth/github", session=session), options)

    def consent(self, url: str, **extra: str) -> str:
        if extra:
            url += "&" + urlencode(extra)
        answer = requests.get(url, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def login(self, strategy, session=None, options=None, **consent):
        session = {} if session is None else session
        first = self.start(strategy, session, options)
        assert first.action == "redirect", first.error
        location = self.consent(first.url, **consent)
        return run_strategy(strategy, make_request(url=location, session=session), options)


@pytest.fixture
def browser() -> Browser:
    return Browser()
