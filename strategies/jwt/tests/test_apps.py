"""Through real apps: Flask (sync) and FastAPI (async) guarding routes with JWTStrategy and a JWKS."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from conftest import JWKSServer
from fastapi import Depends
from fastapi import FastAPI
from flask import Flask
from jwt_helpers import AUDIENCE
from jwt_helpers import ISSUER
from jwt_helpers import public_jwk
from jwt_helpers import rsa_key
from jwt_helpers import token

from passport.core import Passport
from passport.flask import PassportFlask
from passport.flask import current_user
from passport.starlette import PassportStarlette
from passport.strategies.jwt import JWKS
from passport.strategies.jwt import JWTStrategy
from passport.strategies.jwt import cookie

EXPIRED = 'Bearer realm="api", error="invalid_token", error_description="The token has expired"'


def make_passport(keys: JWKS, verify: Any) -> Passport:
    passport = Passport()
    passport.use(JWTStrategy(verify, key=keys, algorithms=["RS256"], issuer=ISSUER, audience=AUDIENCE, realm="api"))
    return passport


def rs(kid: str = "a", **overrides: Any) -> str:
    return token(key=rsa_key(), alg="RS256", kid=kid, **overrides)


# -- Flask -----------------------------------------------------------------------------------


def flask_app(jwks_server: JWKSServer) -> Flask:
    jwks_server.publish(public_jwk(rsa_key(), "a"))
    passport = make_passport(JWKS(jwks_server.url), lambda claims: {"id": claims["sub"]})
    app = Flask(__name__)
    app.secret_key = "test-only"
    auth = PassportFlask(passport, app)

    @app.get("/api/me")
    @auth.authenticate("jwt", session=False)
    def me() -> Any:
        return {"id": current_user["id"]}

    return app


def test_flask_a_valid_token_reaches_the_view(jwks_server: JWKSServer) -> None:
    client = flask_app(jwks_server).test_client()
    for _ in range(5):
        response = client.get("/api/me", headers={"Authorization": f"Bearer {rs()}"})
        assert (response.status_code, response.get_json()) == (200, {"id": "ann"})
    assert jwks_server.hits == 1


def test_flask_an_expired_token_is_a_401_with_the_reason(jwks_server: JWKSServer) -> None:
    response = flask_app(jwks_server).test_client().get("/api/me", headers={"Authorization": f"Bearer {rs(exp=1)}"})
    assert response.status_code == 401
    assert response.headers.getlist("WWW-Authenticate") == [EXPIRED]


def test_flask_no_token_is_the_bare_challenge(jwks_server: JWKSServer) -> None:
    response = flask_app(jwks_server).test_client().get("/api/me")
    assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, 'Bearer realm="api"')


def test_flask_an_unreachable_jwks_is_a_502_not_a_500(jwks_server: JWKSServer) -> None:
    app = flask_app(jwks_server)
    jwks_server.mode, jwks_server.status = "status", 500
    response = app.test_client().get("/api/me", headers={"Authorization": f"Bearer {rs()}"})
    assert response.status_code == 502
    assert rs() not in response.get_data(as_text=True)


def test_flask_many_threads_share_the_strategy(jwks_server: JWKSServer) -> None:
    app = flask_app(jwks_server)
    statuses: list[int] = []
    tokens = [rs(), rs(exp=1), rs(kid="other")]

    def worker(n: int) -> None:
        client = app.test_client()
        for i in range(20):
            value = tokens[(n + i) % 3]
            status = client.get("/api/me", headers={"Authorization": f"Bearer {value}"}).status_code
            statuses.append(status if value == tokens[0] else -status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [-401, 200]


# -- FastAPI ---------------------------------------------------------------------------------


def fastapi_app(jwks_server: JWKSServer, verify: Any = None) -> FastAPI:
    jwks_server.publish(public_jwk(rsa_key(), "a"))

    async def averify(claims: dict[str, Any]) -> Any:
        return {"id": claims["sub"]}

    passport = make_passport(JWKS(jwks_server.url), verify or averify)
    app = FastAPI()
    auth = PassportStarlette(passport, app)

    guard = auth.authenticate("jwt", session=False)

    @app.get("/api/me")
    async def me(user: Any = Depends(guard)) -> Any:  # noqa: B008 - FastAPI's own idiom
        return {"id": user["id"]}

    return app


async def test_fastapi_a_valid_token_reaches_the_endpoint(jwks_server: JWKSServer) -> None:
    transport = httpx.ASGITransport(app=fastapi_app(jwks_server))
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        for _ in range(5):
            response = await client.get("/api/me", headers={"Authorization": f"Bearer {rs()}"})
            assert (response.status_code, response.json()) == (200, {"id": "ann"})
    assert jwks_server.hits == 1


async def test_fastapi_an_expired_token_is_a_401_with_the_reason(jwks_server: JWKSServer) -> None:
    transport = httpx.ASGITransport(app=fastapi_app(jwks_server))
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        response = await client.get("/api/me", headers={"Authorization": f"Bearer {rs(exp=1)}"})
        missing = await client.get("/api/me")
    assert (response.status_code, response.headers.get_list("www-authenticate")) == (401, [EXPIRED])
    assert (missing.status_code, missing.headers["www-authenticate"]) == (401, 'Bearer realm="api"')


async def test_fastapi_an_unreachable_jwks_is_a_502(jwks_server: JWKSServer) -> None:
    app = fastapi_app(jwks_server)
    jwks_server.mode, jwks_server.status = "status", 503
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        response = await client.get("/api/me", headers={"Authorization": f"Bearer {rs()}"})
    assert response.status_code == 502


@pytest.mark.parametrize("verify_kind", ["async", "def"])
async def test_fastapi_many_concurrent_requests_share_one_fetch(jwks_server: JWKSServer, verify_kind: str) -> None:
    def sync_verify(claims: dict[str, Any]) -> Any:
        return {"id": claims["sub"]}

    app = fastapi_app(jwks_server, sync_verify if verify_kind == "def" else None)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        value = rs()
        responses = await asyncio.gather(
            *[client.get("/api/me", headers={"Authorization": f"Bearer {value}"}) for _ in range(50)]
        )
    assert [r.status_code for r in responses] == [200] * 50
    assert jwks_server.hits == 1


async def test_fastapi_a_cookie_token_works_too(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key(), "a"))
    passport = Passport()
    strategy = JWTStrategy(
        lambda claims: {"id": claims["sub"]},
        key=JWKS(jwks_server.url),
        algorithms=["RS256"],
        audience=AUDIENCE,
        extract=cookie("access_token"),
    )
    passport.use(strategy)
    app = FastAPI()
    auth = PassportStarlette(passport, app)

    guard = auth.authenticate("jwt", session=False)

    @app.get("/api/me")
    async def me(user: Any = Depends(guard)) -> Any:  # noqa: B008 - FastAPI's own idiom
        return {"id": user["id"]}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test", cookies={"access_token": rs()}) as c:
        response = await c.get("/api/me")
    assert response.status_code == 200
