"""The app the many-instances tests start in separate processes: one Starlette app (uvicorn), one
Flask app (waitress), the same local login on both, counting on the storage named in the environment.

``THROTTLE_STORAGE`` (a limits URI, default memory), ``THROTTLE_ON_STORAGE_ERROR`` (open/closed).
"""

from __future__ import annotations

import os
from typing import Any
from typing import Literal

import flask
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from passport.core import Passport
from passport.flask import PassportFlask
from passport.flask import current_user
from passport.plugins.throttle import LoginThrottle
from passport.starlette import PassportStarlette
from passport.strategies.local import LocalStrategy

PASSWORDS = {"ann": "correct horse battery staple", "bob": "tr0ub4dor&3"}


def verify(username: str, password: str) -> Any:
    if PASSWORDS.get(username) == password:
        return {"id": username}
    return None, {"message": "Incorrect username or password."}


def make_passport() -> Passport:
    passport = Passport()
    passport.use(LocalStrategy(verify))
    mode: Literal["open", "closed"] = "open" if os.environ.get("THROTTLE_ON_STORAGE_ERROR") == "open" else "closed"
    passport.register_plugin(
        LoginThrottle(storage=os.environ.get("THROTTLE_STORAGE", "memory://"), on_storage_error=mode)
    )
    return passport


# -- ASGI (uvicorn) ---------------------------------------------------------------------------

_asgi_auth = PassportStarlette(make_passport())


@_asgi_auth.authenticate("local", session=False).protect
async def _asgi_login(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


asgi_app = Starlette(routes=[Route("/login", _asgi_login, methods=["POST"])])

# -- WSGI (waitress) --------------------------------------------------------------------------

wsgi_app = flask.Flask(__name__)
_wsgi_auth = PassportFlask(make_passport(), wsgi_app)


@wsgi_app.post("/login")
@_wsgi_auth.authenticate("local", session=False)
def _wsgi_login() -> Any:
    return {"ok": bool(current_user)}
