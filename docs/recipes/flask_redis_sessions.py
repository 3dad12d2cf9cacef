"""Recipe: Flask behind a load balancer, sessions in Redis with Flask-Session.

Every app instance points at the same Redis. Passport finds Flask-Session's ``regenerate`` and
uses it on login and logout: the session gets a new id and the old one is deleted from Redis,
so a copied cookie stops working. While Redis is down, requests get a 503 with ``Retry-After``
(the error handler below), never a 500. Run one instance with::

    REDIS_URL=redis://127.0.0.1:6379/0 SECRET_KEY=... waitress-serve --port 8001 flask_redis_sessions:app
"""

from __future__ import annotations

import os
from typing import Any

import redis
from flask import Flask
from flask import jsonify
from flask_session import Session
from werkzeug.exceptions import InternalServerError

from passport.core import Passport
from passport.core import RedisRememberStore
from passport.core import RememberMe
from passport.flask import PassportFlask
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


app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["SECRET_KEY"],
    SESSION_TYPE="redis",
    SESSION_REDIS=redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2),
    SESSION_PERMANENT=False,
    SESSION_COOKIE_SECURE=HTTPS_ONLY,
    SESSION_COOKIE_SAMESITE="Lax",
)
Session(app)
auth = PassportFlask(passport, app)


@app.errorhandler(InternalServerError)
def session_store_down(error: InternalServerError) -> Any:
    # Flask-Session opens the session before any view runs; a Redis fault there is not the app's bug.
    if isinstance(error.original_exception, redis.RedisError):
        return "Service Unavailable: the session store cannot be reached", 503, {"Retry-After": "5"}
    return error


@app.post("/login")
@auth.authenticate("local", remember="remember")  # a ticked "remember" box: a remember-me token too
def login() -> Any:
    return jsonify(user=auth.current_user["id"])


@app.get("/me")
def me() -> Any:
    user = auth.current_user
    return (jsonify(user=user["id"]), 200) if user is not None else (jsonify(user=None), 401)


@app.get("/settings")
@auth.fresh_login_required(max_age=300)  # a recent login: not a remembered one, nor one over 5 minutes old
def settings() -> Any:
    return jsonify(user=auth.current_user["id"], fresh=True)


@app.post("/logout")
def logout() -> Any:
    auth.logout_user()
    return jsonify(user=None)
