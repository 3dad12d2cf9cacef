"""``PassportMiddleware``: the user restored from the session on every request."""

from __future__ import annotations

import logging
from typing import Any

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from passport.core import Passport
from passport.core import SessionError
from passport.starlette._identity import ANONYMOUS_USER
from passport.starlette._identity import NO_CREDENTIALS
from passport.starlette._identity import Scopes
from passport.starlette._identity import _auth_setting
from passport.starlette._request import RESPONSE_HEADERS
from passport.starlette._request import _view
from passport.starlette._server_sessions import STORE_UNAVAILABLE
from passport.starlette._server_sessions import load_server_session
from passport.starlette._server_sessions import saving_send
from passport.starlette._server_sessions import served_by_starsessions
from passport.starlette._settings import SETTINGS_KEY
from passport.starlette._settings import Regenerate
from passport.starlette._settings import RequestSettings

logger = logging.getLogger("passport.starlette")


def insecure_session_cookie(app: Any) -> bool:
    """Whether ``app`` (a Starlette or FastAPI app) keeps its ``SessionMiddleware`` cookie off
    https (``https_only`` not set) outside debug mode."""
    if getattr(app, "debug", False):
        return False
    for middleware in getattr(app, "user_middleware", ()):
        if getattr(middleware, "cls", None) is SessionMiddleware:
            return not getattr(middleware, "kwargs", {}).get("https_only", False)
    return False


class PassportMiddleware:
    """Restore the user from Starlette's session and set ``scope["user"]``/``scope["auth"]``.

    :param passport: the configured authenticator.
    :param session: ``False`` for an app without sessions (users come from guards only).
    :param scopes: the ``scope["auth"]`` scopes of a logged-in user, or ``fn(user) -> scopes``.
    :param regenerate_session: ``fn(connection)`` giving the session a new identifier, for
        server-side session backends (the session is cleared after it either way).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        passport: Passport,
        session: bool = True,
        scopes: Scopes = ("authenticated",),
        regenerate_session: Regenerate | None = None,
    ) -> None:
        self.app = app
        self._restore = passport.session() if session else None
        self.scopes = scopes
        self.regenerate_session = regenerate_session
        # Handed to the request views of later steps (guards, alogin) through the scope.
        self._settings = RequestSettings(
            _auth_setting(scopes), regenerate_session, response_headers=passport.remember_me is not None
        )
        self._checked_app = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not self._checked_app:  # once: the app is known only from the first request's scope
            self._checked_app = True
            if insecure_session_cookie(scope.get("app")):
                logger.warning(
                    "passport: SessionMiddleware sends the session cookie without https_only=True; "
                    "set it for https deployments (a cookie sent over http can be stolen and replayed)"
                )
        scope[SETTINGS_KEY] = self._settings
        # Anonymous until restored: request.user and @requires need scope["user"].
        scope["user"], scope["auth"] = ANONYMOUS_USER, NO_CREDENTIALS
        server_sessions = served_by_starsessions(scope)
        if server_sessions and not await load_server_session(scope):
            await STORE_UNAVAILABLE(scope, receive, send)
            return
        if self._restore is not None:
            if scope.get("session") is None:
                raise SessionError(
                    "PassportMiddleware restores users from request.session: install Starlette's "
                    "SessionMiddleware outside it (list it first), or pass session=False"
                )
            await self._restore.arun(_view(scope))  # only ever passes, or raises (a deserializer failed)
        if self._settings.response_headers:  # remember-me's cookie goes out through send
            send = _headers_added(scope, send)
        if server_sessions:
            send = saving_send(scope, receive, send)
        await self.app(scope, receive, send)


def _headers_added(scope: Scope, send: Send) -> Send:
    """``send`` that adds the headers passport recorded for the response (remember-me's cookie)."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            extra = scope.pop(RESPONSE_HEADERS, None)
            if extra:
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
        await send(message)

    return send_with_headers
