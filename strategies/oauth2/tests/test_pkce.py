"""Security items 10 and 24: the PKCE verifier is derived with the strategy's ``flow_key``, never kept.

Real Flask and Starlette (FastAPI) apps with their cookie sessions sign users in at the Authlib
provider on 127.0.0.1. While a flow is pending the test base64-decodes the session cookie, as
anyone holding it could, and finds neither the verifier nor anything that computes it; the
provider, which checks PKCE itself, receives a verifier of the right form whose S256 is the
challenge. Instances sharing a ``flow_key`` complete each other's flows; instances that do not
fail the callback before any token request, with an explained error and log line.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import secrets
import zlib
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import Depends
from fastapi import FastAPI
from flask import Flask
from oauth2_helpers import CALLBACK
from oauth2_helpers import SESSION_KEY
from starlette.middleware.sessions import SessionMiddleware

from passport.core import Passport
from passport.flask import PassportFlask
from passport.flask import current_user
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.strategies.oauth2 import FlowKeyError
from passport.strategies.oauth2 import OAuth2Strategy

UNRESERVED_43_128 = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
MISMATCH_HINT = "set OAuth2Strategy(flow_key=...) to the same value on every instance"
FLASK_SECRET = "flask-session-secret-for-tests"
STARLETTE_SECRET = "starlette-session-secret-for-tests"


def s256(value: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(value.encode()).digest()).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_flask_cookie(value: str) -> Any:
    """What anyone holding a Flask session cookie reads in it, without the secret key."""
    compressed = value.startswith(".")
    payload = b64decode(value.lstrip(".").split(".")[0])
    return json.loads(zlib.decompress(payload) if compressed else payload)


def read_starlette_cookie(value: str) -> Any:
    """What anyone holding a Starlette session cookie reads in it, without the secret key."""
    return json.loads(base64.b64decode(value.split(".")[0]))


def strings_in(value: Any) -> list[str]:
    """Every string in a decoded session, keys included, and each dot-separated piece of it."""
    found: list[str] = []
    if isinstance(value, str):
        found += [value, *value.split(".")]
    elif isinstance(value, dict):
        for k, v in value.items():
            found += strings_in(k) + strings_in(v)
    elif isinstance(value, list):
        for item in value:
            found += strings_in(item)
    return found


def assert_nothing_computes_the_verifier(session: Any, verifier: str, challenge: str) -> None:
    text = json.dumps(session)
    assert verifier not in text
    assert "code_verifier" not in text
    for piece in strings_in(session):
        assert piece != verifier
        assert s256(piece) != challenge  # no stored value is a verifier of this flow
        for candidate in (piece.encode(), *raw_bytes(piece)):
            digest = base64.urlsafe_b64encode(hashlib.sha256(candidate).digest()).rstrip(b"=").decode()
            assert digest != verifier  # nor hashes to it without a key


def raw_bytes(piece: str) -> list[bytes]:
    """The bytes a base64url piece of the cookie stands for (none when it is not base64url)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", piece) or len(piece) % 4 == 1:
        return []
    return [b64decode(piece)]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def callback_path(location: str) -> str:
    return "/auth/provider/callback?" + urlsplit(location).query


def make_passport(provider, **options: Any) -> Passport:
    passport = Passport()
    passport.use(
        OAuth2Strategy(
            lambda access_token, refresh_token, profile: {"id": "u-1"},
            authorization_url=provider.authorization_url,
            token_url=provider.token_url,
            client_id="client-abc123",
            client_secret=provider.client_secret,
            callback_url=CALLBACK,
            **options,
        )
    )
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda user_id: {"id": user_id})
    return passport


def flask_app(provider, **options: Any) -> Flask:
    app = Flask(f"pkce-{secrets.token_hex(4)}")
    app.secret_key = FLASK_SECRET
    auth = PassportFlask(make_passport(provider, **options), app)

    @app.get("/auth/provider")
    @auth.authenticate("oauth2")
    def login() -> str:
        return ""

    @app.get("/auth/provider/callback")
    @auth.authenticate("oauth2", failure_redirect="/login", success_redirect="/")
    def callback() -> str:
        return ""

    @app.get("/")
    def home() -> str:
        return f"user {current_user['id']}" if current_user else "anonymous"

    return app


def starlette_app(provider, **options: Any) -> FastAPI:
    passport = make_passport(provider, **options)
    api = FastAPI()
    api.add_middleware(PassportMiddleware, passport=passport)
    api.add_middleware(SessionMiddleware, secret_key=STARLETTE_SECRET, same_site="lax")
    auth = PassportStarlette(passport)

    @api.get("/auth/provider")
    async def login(user: Any = Depends(auth.authenticate("oauth2"))) -> None: ...

    @api.get("/auth/provider/callback")
    async def callback(
        user: Any = Depends(auth.authenticate("oauth2", failure_redirect="/login", success_redirect="/")),
    ) -> None: ...

    return api


def starlette_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test")


# -- the cookie while a flow is pending -------------------------------------------------------------


def test_10_24_a_flask_cookie_session_holds_no_verifier_while_a_flow_is_pending(provider, browser):
    client = flask_app(provider).test_client()
    start = client.get("/auth/provider")
    assert start.status_code == 302
    location = start.headers["Location"]
    challenge = query(location)["code_challenge"]
    pending = read_flask_cookie(client.get_cookie("session").value)
    assert pending[SESSION_KEY]["pending"]  # the flow is in the cookie, readable

    done = client.get(callback_path(browser.consent(location)))
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert client.get("/").text == "user u-1"
    verifier = provider.token_requests[-1].form["code_verifier"]
    assert UNRESERVED_43_128.fullmatch(verifier)
    assert s256(verifier) == challenge
    assert verifier not in location
    assert_nothing_computes_the_verifier(pending, verifier, challenge)


async def test_10_24_a_starlette_cookie_session_holds_no_verifier_while_a_flow_is_pending(provider, browser):
    async with starlette_client(starlette_app(provider)) as client:
        start = await client.get("/auth/provider")
        assert start.status_code == 302
        location = start.headers["location"]
        challenge = query(location)["code_challenge"]
        pending = read_starlette_cookie(client.cookies["session"])
        assert pending[SESSION_KEY]["pending"]

        consented = await asyncio.to_thread(browser.consent, location)
        done = await client.get(callback_path(consented))
        assert (done.status_code, done.headers["location"]) == (302, "/")
    verifier = provider.token_requests[-1].form["code_verifier"]
    assert UNRESERVED_43_128.fullmatch(verifier)
    assert s256(verifier) == challenge
    assert verifier not in location
    assert_nothing_computes_the_verifier(pending, verifier, challenge)
