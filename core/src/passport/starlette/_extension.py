"""``PassportStarlette``: guards, login and logout for an app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.requests import Request

from passport.core import Outcome
from passport.core import Passport
from passport.core import Response
from passport.core import Strategy
from passport.core import is_safe_redirect
from passport.starlette._guard import StarletteGuard
from passport.starlette._request import _view
from passport.starlette._responses import PassportHTTPException

Strategies = str | Strategy | Sequence[str | Strategy]


class PassportStarlette:
    """Guards, login and logout for Starlette and FastAPI apps using :class:`PassportMiddleware`.

    :param passport: the configured authenticator.
    :param login_url: where :meth:`login_required` sends anonymous users (else 401).
    """

    def __init__(self, passport: Passport, *, login_url: str | None = None) -> None:
        self.passport = passport
        self.login_url = login_url

    def authenticate(self, strategies: Strategies, **options: Any) -> StarletteGuard:
        """A guard with Passport's route options (see :meth:`passport.core.Passport.authenticate`)."""
        return StarletteGuard(self.passport.authenticate(strategies, **options))

    def authorize(self, strategies: Strategies, **options: Any) -> StarletteGuard:
        """Like :meth:`authenticate`, but the account goes to ``request.state.account``."""
        return StarletteGuard(self.passport.authorize(strategies, **options))

    async def attempt(self, request: Request, strategies: Strategies, **options: Any) -> Outcome:
        """Run strategies on ``request`` and return the outcome without applying it."""
        passport_request = _view(request.scope)
        await passport_request.load_body(request)
        return await self.passport.authenticate(strategies, **options).aattempt(passport_request)

    async def alogin(
        self, request: HTTPConnection, user: Any, *, session: bool = True, keep_session_info: bool = False
    ) -> None:
        """Log ``user`` in (the session is regenerated); ``request.user`` is updated at once."""
        await self.passport.alogin(_view(request.scope), user, session=session, keep_session_info=keep_session_info)

    async def alogout(self, request: HTTPConnection, *, keep_session_info: bool = False) -> None:
        """Log the current user out and start a fresh session."""
        await self.passport.alogout(_view(request.scope), keep_session_info=keep_session_info)

    async def current_user(self, request: Request) -> Any:
        """The app's user object, or ``None`` (also a FastAPI dependency)."""
        return _view(request.scope).user

    async def login_required(self, request: Request) -> Any:
        """A FastAPI dependency returning the user; anonymous requests are redirected to ``login_url``
        (the page is remembered in ``session["returnTo"]``) or get a 401."""
        passport_request = _view(request.scope)
        if passport_request.user is not None:
            return passport_request.user
        if self.login_url is None:
            raise HTTPException(401)
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if passport_request.session is not None and is_safe_redirect(wanted):
            passport_request.session["returnTo"] = wanted
        raise PassportHTTPException(Response(302, [("Location", self.login_url), ("Cache-Control", "no-store")]))
