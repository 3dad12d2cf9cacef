"""Starlette and FastAPI integration: an ASGI middleware, route guards and FastAPI dependencies.

::

    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from passport.starlette import PassportMiddleware, PassportStarlette

    auth = PassportStarlette(passport, login_url="/login")
    middleware = [Middleware(SessionMiddleware, secret_key="..."),     # outside: listed first
                  Middleware(PassportMiddleware, passport=passport)]

    @auth.authenticate("local", success_redirect="/", failure_redirect="/login").protect
    async def login(request): ...                     # a Starlette endpoint

    @app.get("/api/me")                               # FastAPI: the dependency returns the user
    async def me(user=Depends(auth.authenticate(["bearer", "apikey"], session=False))): ...

The middleware restores the user from the session on every request and sets ``scope["user"]``
(a :class:`PassportUser`, or one shared, read-only :class:`AnonymousUser`, Starlette's
``UnauthenticatedUser``) and ``scope["auth"]`` (one read-only :class:`SharedCredentials` for
fixed scopes), so ``request.user`` and
``@requires("authenticated")`` work unchanged. The scope holds all per-request state; passport's
request objects are views over it, never stored in it. In async code sync verify
functions and serializers run in worker threads, so they never block the event loop.

Starlette's ``SessionMiddleware`` keeps the session in a signed cookie, with no identifier to
rotate: login and logout *clear* it, and a copied cookie stays valid until ``max_age`` (give it
``https_only=True`` in production). With a server-side session backend, pass
``regenerate_session=fn(connection)`` to issue a new id.
``.protect`` is for Starlette endpoints; FastAPI path operations use ``Depends(guard)``. Flash
messages wait in the session for :func:`get_flashed_messages`. In a FastAPI app a guard also
declares its strategies' ``openapi_scheme`` in ``openapi.json`` (the lock in ``/docs``), a chain
as alternatives; only the document changes, and FastAPI is imported only when it asks. ``fail_with_error`` raises an
``AuthenticationError`` that Starlette also renders as an ``HTTPException`` with every challenge.
"""

from passport.starlette._extension import PassportStarlette
from passport.starlette._guard import StarletteGuard
from passport.starlette._identity import AnonymousUser
from passport.starlette._identity import PassportUser
from passport.starlette._identity import SharedCredentials
from passport.starlette._middleware import PassportMiddleware
from passport.starlette._request import StarletteRequest
from passport.starlette._request import get_flashed_messages
from passport.starlette._responses import PassportHTTPException

__all__ = [
    "AnonymousUser",
    "PassportHTTPException",
    "PassportMiddleware",
    "PassportStarlette",
    "PassportUser",
    "SharedCredentials",
    "StarletteGuard",
    "StarletteRequest",
    "get_flashed_messages",
]
