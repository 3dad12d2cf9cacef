"""``PassportFlask``: the Flask extension (session restore, guards, login and logout)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from typing import TypeVar

import flask
from flask import current_app
from flask import g

from passport.core import Guard
from passport.core import Outcome
from passport.core import Passport
from passport.core import PassportError
from passport.core import Strategy
from passport.core.adapters import check_fresh
from passport.core.adapters import login_required_response
from passport.flask._request import FlaskRequest
from passport.flask._request import Regenerate
from passport.flask._request import current_user
from passport.flask._responses import http_error
from passport.flask._responses import to_flask

F = TypeVar("F", bound=Callable[..., Any])
Strategies = str | Strategy | Sequence[str | Strategy]

logger = logging.getLogger("passport.flask")  # the public module's name, which users filter on


class _CookieCheck:
    """Warn once about an insecure session cookie, when the app first sends one.

    Not at ``init_app``: an app whose routes all use ``session=False`` never sends a session
    cookie, and must not be told to secure one.
    """

    def __init__(self, app: flask.Flask) -> None:
        self.app = app
        self.done = False

    def __call__(self, response: flask.Response) -> flask.Response:
        if self.done or not flask.session.modified:  # the cookie is sent only when modified
            return response
        self.done = True
        app = self.app
        insecure = [f for f in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY") if not app.config.get(f)]
        if insecure and not (app.debug or app.testing):
            logger.warning(
                "passport: the session cookie lacks %s; set it for https deployments", " and ".join(insecure)
            )
        return response


class PassportFlask:
    """The Flask extension: one per :class:`~passport.core.Passport`, for any number of apps.

    :param passport: the configured authenticator (strategies, serializers).
    :param app: initialise this app at once (else call :meth:`init_app`).
    :param login_url: where :meth:`login_required` sends anonymous users (else it answers 401).
    :param regenerate_session: ``fn(session)`` giving the session a new identifier on login and
        logout; by default the session interface's ``regenerate`` method, when it has one.
    """

    def __init__(
        self,
        passport: Passport,
        app: flask.Flask | None = None,
        *,
        login_url: str | None = None,
        regenerate_session: Regenerate | None = None,
    ) -> None:
        self.passport = passport
        self.login_url = login_url
        self._regenerate = regenerate_session
        self._restore = passport.session()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: flask.Flask) -> None:
        """Restore the user from the session before every request; expose ``current_user`` to templates."""
        app.extensions["passport"] = self
        app.before_request(self._before_request)
        app.after_request(self._after_request)
        app.context_processor(lambda: {"current_user": current_user})
        app.after_request(_CookieCheck(app))

    def _before_request(self) -> None:
        request = self.request()
        if request.session is not None:
            self._restore.run(request)  # only ever passes, or raises (a deserializer failed)

    def _after_request(self, response: flask.Response) -> flask.Response:
        request: FlaskRequest | None = g.get("_passport_request")
        if request is not None and request.response_headers:  # remember-me's cookie
            for name, value in request.response_headers:
                response.headers.add(name, value)
        return response

    def request(self) -> FlaskRequest:
        """The framework-neutral request passport sees for the current Flask request."""
        request: FlaskRequest | None = g.get("_passport_request")
        if request is None:
            request = g._passport_request = FlaskRequest(flask.request._get_current_object(), self._regenerate)  # type: ignore[attr-defined]
            g.user = None
        return request

    # -- guards --------------------------------------------------------------------------------

    def authenticate(self, strategies: Strategies, **options: Any) -> Callable[[F], F]:
        """Decorate a view with a guard; see :meth:`passport.core.Passport.authenticate` for options.

        The view runs when the guard lets the request through (``current_user`` is set); a
        redirect or a 401/400 with every ``WWW-Authenticate`` challenge is answered instead.
        """
        return self._decorator(self.passport.authenticate(strategies, **options))

    def authorize(self, strategies: Strategies, **options: Any) -> Callable[[F], F]:
        """Like :meth:`authenticate`, but the account lands on ``g.account`` (or ``assign_property``)."""
        return self._decorator(self.passport.authorize(strategies, **options))

    def _decorator(self, guard: Guard) -> Callable[[F], F]:
        prop = guard.opts.assign_property

        def decorate(view: F) -> F:
            @functools.wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                request = self.request()
                request.load_body()
                try:
                    response = guard.run(request)
                except PassportError as exc:
                    error = http_error(exc)
                    if error is None:
                        raise
                    raise error from exc
                g.auth_info = request.auth_info
                if prop is not None:
                    setattr(g, prop, getattr(request, prop, None))
                if response is not None:
                    return to_flask(response)
                return current_app.ensure_sync(view)(*args, **kwargs)

            return guarded  # type: ignore[return-value]

        return decorate

    def attempt(self, strategies: Strategies, **options: Any) -> Outcome:
        """Run strategies on the current request and return the outcome without applying it."""
        request = self.request()
        request.load_body()
        return self.passport.authenticate(strategies, **options).attempt(request)

    def login_required(self, view: F | None = None, /, *, login_url: str | None = None) -> Any:
        """Let only logged-in users reach the view; others are redirected to ``login_url`` (the
        page is remembered in ``session["returnTo"]`` for ``success_return_to_or_redirect``), or
        get a 401 when there is no login URL."""
        return self._login_guard(view, login_url, False)

    def fresh_login_required(
        self, view: F | None = None, /, *, max_age: float | timedelta | None = None, login_url: str | None = None
    ) -> Any:
        """Like :meth:`login_required`, for views that need a recent authentication (changing a
        password, say): a login restored from a remember-me token, or older than ``max_age``
        seconds, is sent to ``login_url`` to authenticate again (Flask-Login's
        ``fresh_login_required``)."""
        return self._login_guard(view, login_url, True if max_age is None else check_fresh(max_age))

    def _login_guard(self, view: F | None, login_url: str | None, fresh: bool | float) -> Any:
        target = login_url or self.login_url

        def decorate(view: F) -> F:
            @functools.wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                response = login_required_response(self.request(), target, fresh)
                if response is not None:
                    return to_flask(response)
                return current_app.ensure_sync(view)(*args, **kwargs)

            return guarded  # type: ignore[return-value]

        return decorate if view is None else decorate(view)

    # -- login and logout ----------------------------------------------------------------------

    def login_user(
        self, user: Any, *, session: bool = True, keep_session_info: bool = False, remember: bool = False
    ) -> None:
        """Log ``user`` in for this request and, with ``session=True``, the following ones;
        ``remember=True`` also issues a remember-me token (``Passport(remember_me=...)``).

        In an ``async def`` view, ``await`` :meth:`alogin_user` instead.
        """
        self.passport.login(
            self.request(), user, session=session, keep_session_info=keep_session_info, remember=remember
        )

    async def alogin_user(
        self, user: Any, *, session: bool = True, keep_session_info: bool = False, remember: bool = False
    ) -> None:
        """:meth:`login_user` for ``async def`` views (async serializers are awaited)."""
        await self.passport.alogin(
            self.request(), user, session=session, keep_session_info=keep_session_info, remember=remember
        )

    def logout_user(self, *, keep_session_info: bool = False) -> None:
        """Log the current user out and start a fresh session (also fine in ``async def`` views)."""
        self.passport.logout(self.request(), keep_session_info=keep_session_info)

    async def alogout_user(self, *, keep_session_info: bool = False) -> None:
        """:meth:`logout_user`, awaitable, for symmetry with :meth:`alogin_user`."""
        await self.passport.alogout(self.request(), keep_session_info=keep_session_info)

    @property
    def current_user(self) -> Any:
        """The logged-in user, or ``None``."""
        return self.request().user
