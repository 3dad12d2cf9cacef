"""The demo provider: a small OAuth 2.0 authorization server for development, on Authlib.

It serves one client (the demo app) and one resource owner, whom it approves without asking:
``/authorize`` issues an authorization code bound to the PKCE challenge (S256 required),
``/token`` exchanges it once for a bearer token (client secret in the form body), ``/userinfo``
answers the profile for that token. Everything lives in memory; it is not a production server.

It speaks OpenID Connect too: with the ``openid`` scope, ``/token`` also returns an ID token
(Authlib's ``OpenIDCode`` grant extension: ``nonce``, ``at_hash``, RS256 with a key made at
start), published at ``/jwks`` and described by ``/.well-known/openid-configuration``.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any
from typing import Final

from authlib.integrations.flask_oauth2 import AuthorizationServer  # type: ignore[import-untyped]
from authlib.oauth2 import OAuth2Error  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749 import ClientMixin  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge  # type: ignore[import-untyped]
from authlib.oidc.core import AuthorizationCodeMixin  # type: ignore[import-untyped]  # OIDC: nonce, acr, amr
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode  # type: ignore[import-untyped]
from flask import Flask
from flask import jsonify
from flask import request
from joserfc.jwk import RSAKey

PROVIDER_USER: Final = {"sub": "ada-1815", "name": "Ada Lovelace", "email": "ada@provider.test"}
"""The resource owner the demo provider signs in (its ``/userinfo`` answer)."""


@dataclass(frozen=True)
class DemoClient(ClientMixin):  # type: ignore[misc]  # Authlib ships no type information
    """The one registered client: a confidential web app with one exact redirect URI."""

    client_id: str
    client_secret: str
    redirect_uri: str
    other_redirect_uris: tuple[str, ...] = ()  # the OpenID Connect sign-in's callback

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in ("openid", "profile", "email"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri or redirect_uri in self.other_redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(self.client_secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_post" if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class _Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, str]
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None = None

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_auth_time(self) -> None:
        return None


def _issuer() -> str:
    """The provider's URL as this request reached it (it binds its port after being built)."""
    return request.url_root.rstrip("/")


def openid_configuration(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (OpenID Connect Discovery 1.0 §3) for ``issuer``."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email"],
    }


def create_provider(client: DemoClient) -> Flask:
    """Build the provider's Flask app for ``client``."""
    app = Flask("passport_demo.provider")
    codes: dict[str, _Code] = {}
    tokens: dict[str, dict[str, str]] = {}
    lock = threading.Lock()

    class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post"]

        def save_authorization_code(self, code: str, oauth_request: Any) -> None:
            data = oauth_request.payload.data
            with lock:
                codes[code] = _Code(
                    code,
                    oauth_request.client.get_client_id(),
                    oauth_request.payload.redirect_uri,
                    oauth_request.payload.scope or "",
                    oauth_request.user,
                    data.get("code_challenge"),
                    data.get("code_challenge_method"),
                    data.get("nonce"),
                )

        def query_authorization_code(self, code: str, oauth_client: Any) -> _Code | None:
            item = codes.get(code)
            return item if item is not None and item.client_id == oauth_client.get_client_id() else None

        def delete_authorization_code(self, authorization_code: _Code) -> None:
            with lock:
                codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: _Code) -> dict[str, str]:
            return authorization_code.user

    def query_client(client_id: str) -> DemoClient | None:
        return client if client_id == client.client_id else None

    def save_token(token: dict[str, Any], oauth_request: Any) -> None:
        with lock:
            tokens[token["access_token"]] = oauth_request.user

    signing_key = RSAKey.generate_key(2048, parameters={"kid": "demo-1"}, private=True)

    class IDToken(OpenIDCode):  # type: ignore[misc]
        def resolve_client_private_key(self, oauth_client: Any) -> RSAKey:
            return signing_key

        def get_client_algorithm(self, oauth_client: Any) -> str:
            return "RS256"

        def get_client_claims(self, oauth_client: Any) -> dict[str, Any]:
            return {"iss": _issuer(), "aud": [oauth_client.get_client_id()]}

        def get_encode_header(self, oauth_client: Any) -> dict[str, str]:
            return {"alg": "RS256", "kid": "demo-1"}

        def exists_nonce(self, nonce: str, oauth_request: Any) -> bool:
            return any(c.nonce == nonce for c in codes.values())

        def generate_user_info(self, user: dict[str, str], scope: str) -> Any:
            return UserInfo(sub=user["sub"], name=user["name"], email=user["email"])

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_grant(CodeGrant, [CodeChallenge(required=True), IDToken(require_nonce=True)])

    @app.get("/.well-known/openid-configuration")
    def configuration() -> Any:
        return jsonify(openid_configuration(_issuer()))

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(keys=[{**signing_key.as_dict(private=False), "use": "sig"}])

    @app.get("/")
    def index() -> str:
        return "passport demo provider: an OAuth 2.0 authorization server for development"

    @app.get("/authorize")
    def authorize() -> Any:
        oauth_request = server.create_oauth2_request(None)
        try:
            grant = server.get_authorization_grant(oauth_request)
        except OAuth2Error as error:
            return server.handle_error_response(oauth_request, error)
        # A real provider would sign the user in and ask for consent here; the demo approves.
        return server.create_authorization_response(oauth_request, grant_user=dict(PROVIDER_USER), grant=grant)

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    @app.get("/userinfo")
    def userinfo() -> Any:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        user = tokens.get(value) if scheme.lower() == "bearer" else None
        if user is None:
            return jsonify(error="invalid_token"), 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return jsonify(user)

    return app
