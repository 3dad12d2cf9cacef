"""starsessions without glue: passport loads the session, rotates ids and removes the old entry."""

from __future__ import annotations

from typing import Any

import pytest
from _testclient import TestClient
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starsessions import InMemoryStore
from starsessions import SessionMiddleware

from passport.core import Passport
from passport.core import SessionError
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.strategies.local import LocalStrategy

USERS = {"ann": {"id": "ann"}}


def make_app(store: InMemoryStore, *, passport_middleware: bool = True) -> Starlette:
    passport = Passport()
    passport.use(LocalStrategy(lambda u, p: USERS.get(u) if p == "pw" else None))
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda user_id: USERS.get(user_id))
    auth = PassportStarlette(passport)

    async def login(request: Request) -> JSONResponse:
        return JSONResponse({"user": request.user.identity})

    async def me(request: Request) -> JSONResponse:
        return JSONResponse({"user": request.user.identity if request.user.is_authenticated else None})

    async def logout(request: Request) -> JSONResponse:
        await auth.alogout(request)
        return JSONResponse({})

    middleware = [Middleware(SessionMiddleware, store=store, cookie_https_only=False)]
    if passport_middleware:
        middleware.append(Middleware(PassportMiddleware, passport=passport))
    routes = [
        Route("/login", auth.authenticate("local").protect(login), methods=["POST"]),
        Route("/me", me),
        Route("/logout", logout, methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=middleware)


def stored(store: InMemoryStore) -> dict[str, Any]:
    return dict(store.data)


def test_login_and_logout_rotate_the_id_and_remove_the_old_entry() -> None:
    store = InMemoryStore()
    client = TestClient(make_app(store))
    first = client.post("/login", data={"username": "ann", "password": "pw"})
    assert first.status_code == 200
    first_id = client.cookies["session"]
    assert list(stored(store)) == [first_id]

    client.post("/login", data={"username": "ann", "password": "pw"})
    second_id = client.cookies["session"]
    assert second_id != first_id
    assert list(stored(store)) == [second_id], "the id the user had before login must leave the store"
    assert TestClient(make_app(store), cookies={"session": first_id}).get("/me").json() == {"user": None}

    client.post("/logout")
    assert second_id not in stored(store)
    assert TestClient(make_app(store), cookies={"session": second_id}).get("/me").json() == {"user": None}


def test_rotation_without_passport_middleware_is_an_error_not_a_kept_old_id() -> None:
    from starsessions import SessionAutoloadMiddleware

    store = InMemoryStore()
    app = make_app(store, passport_middleware=False)
    app.user_middleware.append(Middleware(SessionAutoloadMiddleware))
    client = TestClient(app, raise_server_exceptions=True)
    with pytest.raises(SessionError, match="needs PassportMiddleware"):
        client.post("/login", data={"username": "ann", "password": "pw"})
