"""``PassportStarlette``: guards, login and logout for an app."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import HTTPConnection
from starlette.requests import Request

from passport.core import AuthenticationError
from passport.core import Guard
from passport.core import Outcome
from passport.core import Passport
from passport.core import Strategy
from passport.core.adapters import check_fresh
from passport.core.adapters import login_required_response
from passport.starlette._guard import StarletteGuard
from passport.starlette._request import _view
from passport.starlette._responses import PassportHTTPException
from passport.starlette._responses import send_passport_response

Strategies = str | Strategy | Sequence[str | Strategy]


class PassportStarlette:
    """Guards, login and logout for Starlette and FastAPI apps using :class:`PassportMiddleware`.

    :param passport: the configured authenticator.
    :param app: install the exception handlers at once (else call :meth:`init_app`).
    :param login_url: where :meth:`login_required` sends anonymous users (else 401).
    """

    def __init__(self, passport: Passport, app: Starlette | None = None, *, login_url: str | None = None) -> None:
        self.passport = passport
        self.login_url = login_url
        self._scheme_names: Any = None  # the SchemeNames of this app's OpenAPI document, made when first needed
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Starlette) -> None:
        """Send passport's responses raised from dependencies exactly as passport made them.

        FastAPI renders an ``HTTPException`` as JSON (``{"detail": "See Other"}`` for a redirect);
        with these handlers a dependency's redirect has an empty body and an error its plain
        reason phrase, as on ``.protect`` and on Flask. Handlers the app registered for the same
        classes are kept.
        """
        for cls in (PassportHTTPException, AuthenticationError):
            if cls not in app.exception_handlers:
                app.add_exception_handler(cls, send_passport_response)

    def authenticate(self, strategies: Strategies, *, openapi: bool = True, **options: Any) -> StarletteGuard:
        """A guard with Passport's route options (see :meth:`passport.core.Passport.authenticate`).

        As a FastAPI dependency it declares the OpenAPI security scheme of each strategy in
        ``strategies`` that has an ``openapi_scheme`` (see ``docs/authoring.md``), as
        alternatives, named after the strategy's registered name in
        ``components.securitySchemes``. The strategies are looked up when the route is
        declared: register them first.

        :param openapi: ``False`` declares nothing for this guard: FastAPI solves every declared
            scheme as a sub-dependency on every request (about 15 µs each), which a hot internal
            route may rather not pay. The guard authenticates exactly the same either way.
        """
        guard = self.passport.authenticate(strategies, **options)
        return self._guard(guard, strategies, openapi)

    def authorize(self, strategies: Strategies, *, openapi: bool = True, **options: Any) -> StarletteGuard:
        """Like :meth:`authenticate`, but the account goes to ``request.state.account``."""
        guard = self.passport.authorize(strategies, **options)
        return self._guard(guard, strategies, openapi)

    def _guard(self, guard: Guard, strategies: Strategies, openapi: bool) -> StarletteGuard:
        if type(openapi) is not bool:
            raise TypeError(f"openapi must be True or False, got {openapi!r}")
        security = functools.partial(self._security, strategies, guard) if openapi else None
        return StarletteGuard(guard, security=security)

    def _security(self, strategies: Strategies, guard: Guard) -> list[inspect.Parameter]:
        """The ``Security`` parameters declaring the schemes of ``guard``'s strategies (FastAPI only)."""
        from passport.starlette import _security  # imports FastAPI: only FastAPI apps get here

        if self._scheme_names is None:
            self._scheme_names = _security.SchemeNames()
        entries = list(strategies) if isinstance(strategies, (list, tuple)) else [strategies]
        registered = self.passport.strategies
        declared = []
        for entry, name in zip(entries, guard.names, strict=True):
            # Not registered (yet): nothing to describe; the guard answers for it at run time.
            strategy = registered.get(name) if isinstance(entry, str) else entry
            scheme = getattr(strategy, "openapi_scheme", None)
            if scheme is not None:
                declared.append((name, self._scheme_names.claim(name, scheme), scheme))
        return _security.security_parameters(declared, guard.options)

    async def attempt(self, request: Request, strategies: Strategies, **options: Any) -> Outcome:
        """Run strategies on ``request`` and return the outcome without applying it."""
        passport_request = _view(request.scope)
        await passport_request.load_body(request)
        return await self.passport.authenticate(strategies, **options).aattempt(passport_request)

    async def alogin(
        self,
        request: HTTPConnection,
        user: Any,
        *,
        session: bool = True,
        keep_session_info: bool = False,
        remember: bool = False,
    ) -> None:
        """Log ``user`` in (the session is regenerated); ``request.user`` is updated at once.
        ``remember=True`` also issues a remember-me token (``Passport(remember_me=...)``)."""
        await self.passport.alogin(
            _view(request.scope), user, session=session, keep_session_info=keep_session_info, remember=remember
        )

    async def alogout(self, request: HTTPConnection, *, keep_session_info: bool = False) -> None:
        """Log the current user out and start a fresh session."""
        await self.passport.alogout(_view(request.scope), keep_session_info=keep_session_info)

    async def current_user(self, request: Request) -> Any:
        """The app's user object, or ``None`` (also a FastAPI dependency)."""
        return _view(request.scope).user

    async def login_required(self, request: Request) -> Any:
        """A FastAPI dependency returning the user; anonymous requests are redirected to ``login_url``
        (the page is remembered in ``session["returnTo"]``) or get a 401."""
        return _required_user(request, self.login_url, False)

    def fresh_login_required(self, max_age: float | timedelta | None = None) -> Callable[[Request], Awaitable[Any]]:
        """A FastAPI dependency like :meth:`login_required`, for endpoints that need a recent
        authentication: a login restored from a remember-me token, or older than ``max_age``
        seconds, is sent to ``login_url`` to authenticate again. ``Depends(auth.fresh_login_required(300))``."""
        fresh = True if max_age is None else check_fresh(max_age)
        login_url = self.login_url

        async def fresh_user(request: Request) -> Any:
            return _required_user(request, login_url, fresh)

        return fresh_user


def _required_user(request: Request, login_url: str | None, fresh: bool | float) -> Any:
    passport_request = _view(request.scope)
    response = login_required_response(passport_request, login_url, fresh)
    if response is not None:
        raise PassportHTTPException(response)
    return passport_request.user
