"""Recipe: Starlette (or FastAPI) behind a load balancer, sessions in Redis with starsessions.

Every app instance points at the same Redis. Passport loads the session itself (no
``SessionAutoloadMiddleware`` needed), rotates the session id on login and logout *and* removes
the old id from Redis, so a copied cookie stops working; while Redis is down every request gets
a 503 with ``Retry-After``, never a 500. Run one instance with::

    REDIS_URL=redis://127.0.0.1:6379/0 uvicorn starlette_redis_sessions:app --port 8001
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.responses import Response
from starlette.routing import Route
from starsessions import SessionMiddleware
from starsessions.stores.redis import RedisStore

from passport.core import Passport
from passport.core import RedisRememberStore
from passport.core import RememberMe
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.strategies.local import LocalStrategy

# Your user table; every instance must see the same one (here: fixed demo users).
USERS = {"ann": {"id": "ann", "password": "correct horse"}}


def verify(username: str, password: str) -> dict[str, str] | None:
    user = USERS.get(username)
    return user if user is not None and user["password"] == password else None  # use Argon2 for real


HTTPS_ONLY = os.environ.get("COOKIE_HTTPS_ONLY", "1") == "1"  # production is https: keep it on there

# "Remember me": single-use tokens whose digests live in the same Redis, so any instance can
# restore the login and none can be tricked into accepting a token twice.
passport = Passport(remember_me=RememberMe(RedisRememberStore(os.environ["REDIS_URL"]), secure=HTTPS_ONLY))
passport.use(LocalStrategy(verify))


@passport.serializer
def serialize(user: dict[str, str]) -> str:
    return user["id"]


@passport.deserializer
def deserialize(user_id: str) -> dict[str, str] | None:
    return USERS.get(user_id)


auth = PassportStarlette(passport)


async def login(request: Request) -> Response:
    return JSONResponse({"user": request.user.identity})


async def me(request: Request) -> Response:
    if not request.user.is_authenticated:
        return JSONResponse({"user": None}, status_code=401)
    return JSONResponse({"user": request.user.identity})


async def settings(request: Request) -> Response:
    # Changing a password needs a recent login: not a remembered one, nor one older than 5 minutes.
    user = await auth.fresh_login_required(max_age=300)(request)
    return JSONResponse({"user": user["id"], "fresh": True})


async def logout(request: Request) -> Response:
    await auth.alogout(request)
    return JSONResponse({"user": None})


app = Starlette(
    routes=[
        # A ticked "remember" box in the login form also issues a remember-me token.
        Route("/login", auth.authenticate("local", remember="remember").protect(login), methods=["POST"]),
        Route("/settings", settings),
        Route("/me", me),
        Route("/logout", logout, methods=["POST"]),
    ],
    middleware=[
        Middleware(
            SessionMiddleware,
            store=RedisStore(url=os.environ["REDIS_URL"]),
            lifetime=3600,
            cookie_https_only=HTTPS_ONLY,
        ),
        Middleware(PassportMiddleware, passport=passport),  # inside starsessions: listed after it
    ],
)
