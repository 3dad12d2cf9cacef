"""A real OpenID provider on 127.0.0.1: Authlib's authorization server with its OpenID Connect grant.

Authlib issues every code and ID token (``OpenIDCode``: nonce, at_hash, iss, aud, iat, exp),
checks PKCE (``CodeChallenge(required=True)``), the redirect URI and the client's authentication.
The provider also serves its discovery document, its JWKS (RS256 and ES256 keys; which are
published and which one signs is the test's choice: rotation), UserInfo and an end-session page.

``op.forge`` is for the Basic/Config RP tests that need a token no correct provider issues
(wrong ``iss``, no ``sub``, a bad signature, ``alg: none``...): Authlib still runs the whole
exchange and issues its token, then the provider's own ``/token`` route, a real HTTP endpoint,
answers with the forged ID token in its place. The strategy under test is never mocked.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import jwt as pyjwt
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask
from flask import jsonify
from flask import request as flask_request
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey
from joserfc.jwk import OctKey
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

CLIENT_ID = "rp-client-1"
CALLBACK = "http://app.test/auth/oidc/callback"
USER = {"sub": "user-248289761001", "name": "Jane Doe", "email": "janedoe@example.com", "email_verified": True}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    auth_method: str

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return CALLBACK

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == CALLBACK

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.auth_method if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return None


@dataclass
class OP:
    """The running provider and the knobs a test turns (reset before each test)."""

    url: str = ""
    client_secret: str = ""
    auth_method: str = "client_secret_basic"
    keys: dict[str, Any] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    signing_kid: str = "rsa-1"
    send_kid: bool = True
    before_sign: Callable[[OP], None] | None = None
    forge: Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], str | None] | None = None
    discovery_overrides: dict[str, Any] = field(default_factory=dict)
    userinfo_override: dict[str, Any] | None = None
    codes: dict[str, Code] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    token_headers: list[dict[str, str]] = field(default_factory=list)
    token_forms: list[dict[str, str]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.url

    def count(self, path: str) -> int:
        return self.paths.count(path)

    def alg_of(self, kid: str) -> str:
        return "ES256" if isinstance(self.keys[kid], ECKey) else "RS256"

    def rotate(self, kid: str, *, keep_old: bool) -> None:
        """Sign with ``kid`` from now on, publishing it (and the old keys too, if ``keep_old``)."""
        self.published = [*self.published, kid] if keep_old else [kid]
        self.signing_kid = kid

    def sign(
        self,
        claims: dict[str, Any],
        *,
        kid: str | None = None,
        alg: str | None = None,
        key: Any = None,
        header: dict[str, Any] | None = None,
    ) -> str:
        """A JWS over ``claims`` with one of the provider's keys (or ``key``), as a real OP signs."""
        kid = kid or self.signing_kid
        alg = alg or self.alg_of(kid)
        head = {"alg": alg, "kid": kid} if header is None else header
        return jose_jwt.encode(head, claims, key if key is not None else self.keys[kid], algorithms=[alg])

    def unsigned(self, claims: dict[str, Any]) -> str:
        """An ``alg: none`` token (RFC 7519 §6), which no library will make for us."""
        return f"{b64(json.dumps({'alg': 'none'}).encode())}.{b64(json.dumps(claims).encode())}."


def _app(op: OP, clients: dict[str, Client]) -> Flask:
    app = Flask("op")

    class IDToken(OpenIDCode):
        def resolve_client_private_key(self, client):
            return op.keys[op.signing_kid]

        def get_client_algorithm(self, client):  # Authlib's first call when it makes an ID token
            if op.before_sign is not None:
                rotate, op.before_sign = op.before_sign, None
                rotate(op)  # a rotation just before this token is signed
            return op.alg_of(op.signing_kid)

        def get_client_claims(self, client):
            return {"iss": op.issuer, "aud": [client.get_client_id()]}

        def get_encode_header(self, client):
            header = {"alg": self.get_client_algorithm(client)}
            if op.send_kid:
                header["kid"] = op.signing_kid
            return header

        def exists_nonce(self, nonce, request):
            return any(c.nonce == nonce for c in op.codes.values())

        def generate_user_info(self, user, scope):
            return UserInfo(sub=user["sub"], name=user["name"], email=user["email"])

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, request):
            data = request.payload.data
            op.codes[code] = Code(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope or "",
                user=request.user,
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                nonce=data.get("nonce"),
            )

        def query_authorization_code(self, code, client):
            item = op.codes.get(code)
            return item if item is not None and item.client_id == client.get_client_id() else None

        def delete_authorization_code(self, authorization_code):
            op.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    def query_client(client_id):
        client = clients.get("client")
        if client is None or client.client_id != client_id:
            return None
        client.auth_method = op.auth_method
        return client

    def save_token(token, request):
        op.tokens[token["access_token"]] = request.user

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_grant(CodeGrant, [CodeChallenge(required=True), IDToken(require_nonce=True)])

    @app.before_request
    def record():
        op.paths.append(flask_request.path)

    @app.get("/.well-known/openid-configuration")
    def configuration():
        document = {
            "issuer": op.issuer,
            "authorization_endpoint": op.url + "/authorize",
            "token_endpoint": op.url + "/token",
            "jwks_uri": op.url + "/jwks",
            "userinfo_endpoint": op.url + "/userinfo",
            "end_session_endpoint": op.url + "/logout?ui=1",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }
        document.update(op.discovery_overrides)
        return jsonify({k: v for k, v in document.items() if v is not None})

    @app.get("/jwks")
    def jwks():
        return jsonify(
            {"keys": [op.keys[kid].as_dict(private=False) | {"kid": kid, "use": "sig"} for kid in op.published]}
        )

    @app.get("/authorize")
    def authorize():
        request = server.create_oauth2_request(None)
        grant = server.get_authorization_grant(request)
        return server.create_authorization_response(request, grant_user=dict(USER), grant=grant)

    @app.post("/token")
    def token():
        op.token_headers.append(dict(flask_request.headers))
        op.token_forms.append(dict(flask_request.form))
        response = server.create_token_response()
        if op.forge is None or response.status_code != 200:
            return response
        body = json.loads(response.get_data())
        header = pyjwt.get_unverified_header(body["id_token"])
        claims = pyjwt.decode(body["id_token"], options={"verify_signature": False})
        forged = op.forge(claims, header, body)
        if forged is None:
            del body["id_token"]
        else:
            body["id_token"] = forged
        return jsonify(body)

    @app.get("/userinfo")
    def userinfo():
        user = op.tokens.get(flask_request.headers.get("Authorization", "").removeprefix("Bearer "))
        if user is None:
            return jsonify(error="invalid_token"), 401
        return jsonify(op.userinfo_override if op.userinfo_override is not None else user)

    return app


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def serve(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def running_op() -> Iterator[tuple[OP, dict[str, Client]]]:
    op = OP()
    clients: dict[str, Client] = {}
    for url in serve(_app(op, clients)):
        op.url = url
        yield op, clients


def fresh_keys() -> dict[str, Any]:
    return {
        "rsa-1": RSAKey.generate_key(2048),
        "rsa-2": RSAKey.generate_key(2048),
        "ec-1": ECKey.generate_key("P-256"),
        "ec-2": ECKey.generate_key("P-256"),
    }


def reset(op: OP, clients: dict[str, Client], keys: dict[str, Any]) -> OP:
    op.client_secret = "secret-" + secrets.token_hex(16)  # 39 bytes: long enough for HS256
    op.auth_method = "client_secret_basic"
    op.keys = dict(keys)
    op.published = ["rsa-1", "ec-1"]
    op.signing_kid = "rsa-1"
    op.send_kid = True
    op.before_sign = None
    op.forge = None
    op.discovery_overrides = {}
    op.userinfo_override = None
    for record in (op.codes, op.tokens):
        record.clear()
    for log in (op.paths, op.token_headers, op.token_forms):
        log.clear()
    clients["client"] = Client(CLIENT_ID, op.client_secret, "client_secret_basic")
    return op


def hs_key(secret: str) -> OctKey:
    return OctKey.import_key(secret.encode())


def now() -> int:
    return int(time.time())
