"""A fake Google on 127.0.0.1 that answers in Google's documented shapes.

``/.well-known/openid-configuration`` is Google's discovery document (its members and values,
the endpoints pointed here), ``/o/oauth2/v2/auth`` plays the account chooser (redirects back at
once with a code), ``/token`` answers as ``oauth2.googleapis.com/token`` does (``expires_in``
3599, Google's scope URLs, ``id_token`` signed RS256 with a ``kid`` from ``/oauth2/v3/certs``),
checking the client secret, the redirect URI and PKCE S256, and ``/v1/userinfo`` as
``openidconnect.googleapis.com/v1/userinfo``. The account (``hd`` for Workspace) is the test's.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask import jsonify
from flask import redirect
from flask import request
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from passport.strategies.google import GoogleStrategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

CLIENT_ID = "1234987819200-0123456789abcdefghijklmnopqrstuv.apps.googleusercontent.com"
CALLBACK = "http://app.test/auth/google/callback"
SCOPES = "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile"


@dataclass
class Google:
    url: str = ""
    client_secret: str = ""
    account: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    auth_requests: list[dict[str, str]] = field(default_factory=list)
    key: Any = None
    kid: str = "a50f6e70ef4b548a5fd9142eecd1fb8f54dce9ee"


def _app(google: Google) -> Flask:
    app = Flask("google")

    @app.get("/.well-known/openid-configuration")
    def configuration():
        return jsonify(
            issuer=google.url,
            authorization_endpoint=google.url + "/o/oauth2/v2/auth",
            device_authorization_endpoint=google.url + "/device/code",
            token_endpoint=google.url + "/token",
            userinfo_endpoint=google.url + "/v1/userinfo",
            revocation_endpoint=google.url + "/revoke",
            jwks_uri=google.url + "/oauth2/v3/certs",
            response_types_supported=["code", "token", "id_token", "code token", "code id_token", "none"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=["openid", "email", "profile"],
            token_endpoint_auth_methods_supported=["client_secret_post", "client_secret_basic"],
            claims_supported=[
                "aud",
                "email",
                "email_verified",
                "exp",
                "family_name",
                "given_name",
                "iat",
                "iss",
                "name",
                "picture",
                "sub",
            ],
            code_challenge_methods_supported=["plain", "S256"],
            grant_types_supported=["authorization_code", "refresh_token"],
        )

    @app.get("/oauth2/v3/certs")
    def certs():
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(google.key.public_key(), as_dict=True)
        return jsonify(keys=[{**jwk, "kid": google.kid, "alg": "RS256", "use": "sig"}])

    @app.get("/o/oauth2/v2/auth")
    def authorize():
        args = request.args.to_dict()
        google.auth_requests.append(args)
        code = "4/0A" + secrets.token_urlsafe(40)
        google.codes[code] = args
        return redirect(
            args["redirect_uri"]
            + "?"
            + urlencode({"state": args["state"], "code": code, "scope": SCOPES, "authuser": "0", "prompt": "none"})
        )

    @app.post("/token")
    def token():
        form = request.form.to_dict()
        auth = request.authorization
        client_id, secret = (
            (auth.username, auth.password) if auth else (form.get("client_id"), form.get("client_secret"))
        )
        if client_id != CLIENT_ID or secret != google.client_secret:
            return jsonify(error="invalid_client", error_description="Unauthorized"), 401
        pending = google.codes.pop(form.get("code", ""), None)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if (
            pending is None
            or pending["redirect_uri"] != form.get("redirect_uri")
            or challenge.rstrip(b"=").decode() != pending.get("code_challenge")
        ):
            return jsonify(error="invalid_grant", error_description="Bad Request"), 400
        access_token = "ya29." + secrets.token_urlsafe(60)
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()[:16]
        claims = {
            "iss": google.url,
            "azp": CLIENT_ID,
            "aud": CLIENT_ID,
            "sub": google.account["sub"],
            "at_hash": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
            "nonce": pending["nonce"],
            "iat": now,
            "exp": now + 3600,
            **{k: v for k, v in google.account.items() if k != "sub"},
        }
        google.tokens[access_token] = google.account
        id_token = jwt.encode(claims, google.key, algorithm="RS256", headers={"kid": google.kid})
        return jsonify(access_token=access_token, expires_in=3599, scope=SCOPES, token_type="Bearer", id_token=id_token)

    @app.get("/v1/userinfo")
    def userinfo():
        account = google.tokens.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if account is None:
            return jsonify(error="invalid_request", error_description="Invalid Credentials"), 401
        return jsonify(
            {k: v for k, v in account.items() if k not in ("hd",)} | ({"hd": account["hd"]} if "hd" in account else {})
        )

    return app


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture(scope="session")
def _google() -> Iterator[Google]:
    google = Google(key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server = make_server("127.0.0.1", 0, _app(google), threaded=True, request_handler=_Quiet)
    google.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield google
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.fixture
def google(_google: Google) -> Google:
    _google.client_secret = "GOCSPX-" + secrets.token_urlsafe(21)
    _google.account = {
        "sub": "110169484474386276334",
        "email": "jane@example.com",
        "email_verified": True,
        "name": "Jane Doe",
        "given_name": "Jane",
        "family_name": "Doe",
        "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ=s96-c",
        "locale": "en",
    }
    for record in (_google.codes, _google.tokens):
        record.clear()
    _google.auth_requests.clear()
    return _google


@pytest.fixture
def make_google(google: Google):
    def make(verify=None, **options):
        options.setdefault("client_id", CLIENT_ID)
        options.setdefault("client_secret", google.client_secret)
        options.setdefault("callback_url", CALLBACK)
        options.setdefault("issuer", google.url)
        return GoogleStrategy(verify or (lambda access_token, refresh_token, profile: profile), **options)

    return make


def google_login(strategy: GoogleStrategy, options: dict[str, Any] | None = None):
    session: dict[str, Any] = {}
    first = run_strategy(strategy, make_request(url="http://app.test/auth/google", session=session), options)
    assert first.action == "redirect", first.error
    back = requests.get(first.url, allow_redirects=False, timeout=5).headers["Location"]
    return run_strategy(strategy, make_request(url=back, session=session), options)
