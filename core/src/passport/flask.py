"""Flask integration: restore the user on every request, guard views, log users in and out.

::

    from flask import Flask
    from passport.flask import PassportFlask, current_user

    app = Flask(__name__)
    app.secret_key = "..."
    auth = PassportFlask(passport, app)           # or PassportFlask(passport); auth.init_app(app)

    @app.post("/login")
    @auth.authenticate("local", success_redirect="/", failure_redirect="/login", failure_flash=True)
    def login(): ...                               # reached only when no redirect was chosen

    @app.get("/api/me")
    @auth.authenticate(["bearer", "apikey"], session=False)
    def me(): return {"id": current_user.id}

    @app.get("/profile")
    @auth.login_required
    def profile(): return render_template("profile.html", user=current_user)

``current_user`` (also ``g.user``) is the user, or ``None`` behind the proxy: test it with
``if current_user:``. Sessions are Flask's: the cookie session cannot change an identifier, so
login and logout *clear* it (a copied cookie stays valid until it expires; see ``regenerate``
below). A server-side session interface with a ``regenerate(session)`` method (Flask-Session
0.6+) is used automatically and gives a new session id on every login and logout. To revoke copied
cookies, serialize a per-user session version with the id and return ``None`` from the
deserializer once it changed. ``init_app`` logs a warning when the session cookie lacks
``Secure`` or ``HttpOnly`` outside debug and testing.

``fail_with_error=True`` raises :class:`passport.core.AuthenticationError` as an ``HTTPException``
for its status: ``@app.errorhandler(401)`` and ``@app.errorhandler(AuthenticationError)``
handlers both see it; without either, the answer is the status, every ``WWW-Authenticate``
challenge and a generic body. A strategy's own error goes to Flask's error handling unchanged.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import MutableMapping
from collections.abc import Sequence
from functools import cached_property
from typing import Any
from typing import TypeVar
from typing import final

import flask
from flask import current_app
from flask import g
from flask.sessions import NullSession
from flask.sessions import SessionMixin
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import default_exceptions
from werkzeug.local import LocalProxy

from passport.core import AuthenticationError
from passport.core import Guard
from passport.core import Headers
from passport.core import Outcome
from passport.core import Passport
from passport.core import Response
from passport.core import Strategy
from passport.core import fields_from_pairs
from passport.core import is_safe_redirect
from passport.core._body import MULTIPART
from passport.core._body import BodyError
from passport.core._body import body_kind
from passport.core._body import check_body
from passport.core._body import parse_body

__all__ = ["FlaskRequest", "PassportFlask", "current_user"]

F = TypeVar("F", bound=Callable[..., Any])
Strategies = str | Strategy | Sequence[str | Strategy]
Regenerate = Callable[[SessionMixin], None]

logger = logging.getLogger(__name__)

current_user: Any = LocalProxy(lambda: g.get("user"))
"""The logged-in user of the current request (``None`` behind the proxy when anonymous)."""


@final
class FlaskRequest:
    """The :class:`passport.core.Request` of the current Flask request (one per request, on ``g``).

    ``user`` is mirrored to ``g.user``. The body is read only by guards, for POST/PUT/PATCH/DELETE
    with a form or JSON body; a malformed one is a 400 before any strategy runs.
    """

    def __init__(self, request: flask.Request, regenerate: Regenerate | None = None) -> None:
        self._request = request
        self._regenerate = regenerate
        self.method = request.method
        self.path = request.path
        session = flask.session._get_current_object()  # type: ignore[attr-defined]
        # No secret key: Flask hands out a NullSession that raises on write; say "no sessions".
        self.session: MutableMapping[str, Any] | None = None if isinstance(session, NullSession) else session
        self.body: Mapping[str, Any] = {}
        self.auth_info: Any = None
        self._user: Any = None

    @property
    def user(self) -> Any:
        return self._user

    @user.setter
    def user(self, value: Any) -> None:
        self._user = g.user = value

    @cached_property
    def url(self) -> str:
        return self._request.url

    @cached_property
    def headers(self) -> Headers:
        return Headers(self._request.headers.items())

    @cached_property
    def query(self) -> dict[str, Any]:
        return fields_from_pairs(self._request.args.items(multi=True))

    @cached_property
    def cookies(self) -> Mapping[str, str]:
        return self._request.cookies

    def load_body(self) -> None:
        """Decode the form or JSON body into ``body`` (strict; 400/413/415 on bad input)."""
        request = self._request
        kind, params = body_kind(self.method, request.headers.get("Content-Type"))
        if kind is None:
            return
        try:
            check_body(kind, params, request.content_length)
            if kind == MULTIPART or "form" in vars(request):  # already parsed (a CSRF hook): raw bytes gone
                self.body = fields_from_pairs(request.form.items(multi=True))
            else:
                self.body = parse_body(kind, params, request.get_data())
        except BodyError as exc:
            raise default_exceptions.get(exc.status, BadRequest)(str(exc)) from None

    def flash(self, message: str, category: str = "message") -> None:
        flask.flash(message, category)

    def regenerate_session(self) -> None:
        """Start a fresh session: a new id where the session interface can issue one, else cleared."""
        session = self.session
        if session is None:
            return
        hook = self._regenerate or getattr(current_app.session_interface, "regenerate", None)
        if hook is not None:
            hook(session)  # type: ignore[arg-type]
        session.clear()
        session.modified = True  # type: ignore[attr-defined]


_AUTH_ERRORS: dict[int, type[_AuthenticationHTTPError]] = {}


class _AuthenticationHTTPError(AuthenticationError, HTTPException):
    """An ``AuthenticationError`` that Flask also treats as the ``HTTPException`` of its status."""

    def __init__(self, error: AuthenticationError) -> None:
        AuthenticationError.__init__(self, error.message, error.status, error.challenges, error.headers)
        self.description = error.message
        self.response = None

    def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
        return [("Content-Type", "text/plain; charset=utf-8"), *self.headers, ("Cache-Control", "no-store")]

    def get_body(self, environ: Any = None, scope: Any = None) -> str:
        return self.message


def _authentication_http_error(error: AuthenticationError) -> HTTPException:
    cls = _AUTH_ERRORS.get(error.status)
    if cls is None:
        # Also a subclass of werkzeug's class for that status, so @app.errorhandler(401) matches.
        base = default_exceptions.get(error.status, HTTPException)
        cls = type(f"AuthenticationError{error.status}", (_AuthenticationHTTPError, base), {"code": error.status})
        cls.__module__ = __name__
        _AUTH_ERRORS[error.status] = cls
    return cls(error)


def _to_flask(response: Response) -> flask.Response:
    return current_app.response_class(response.body, status=response.status, headers=response.headers)


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
        app.context_processor(lambda: {"current_user": current_user})
        insecure = [f for f in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY") if not app.config.get(f)]
        if insecure and not (app.debug or app.testing):
            logger.warning(
                "passport: the session cookie lacks %s; set it for https deployments", " and ".join(insecure)
            )

    def _before_request(self) -> None:
        request = self.request()
        if request.session is not None:
            self._restore.run(request)  # only ever passes, or raises (a deserializer failed)

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
                except AuthenticationError as exc:
                    raise _authentication_http_error(exc) from exc
                g.auth_info = request.auth_info
                if prop is not None:
                    setattr(g, prop, getattr(request, prop, None))
                if response is not None:
                    return _to_flask(response)
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
        target = login_url or self.login_url

        def decorate(view: F) -> F:
            @functools.wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                request = self.request()
                if request.user is not None:
                    return current_app.ensure_sync(view)(*args, **kwargs)
                if target is None:
                    flask.abort(401)
                wanted = flask.request.full_path.rstrip("?")
                if request.session is not None and is_safe_redirect(wanted):
                    request.session["returnTo"] = wanted
                response = flask.redirect(target)
                response.headers["Cache-Control"] = "no-store"
                return response

            return guarded  # type: ignore[return-value]

        return decorate if view is None else decorate(view)

    # -- login and logout ----------------------------------------------------------------------

    def login_user(self, user: Any, *, session: bool = True, keep_session_info: bool = False) -> None:
        """Log ``user`` in for this request and, with ``session=True``, the following ones."""
        self.passport.login(self.request(), user, session=session, keep_session_info=keep_session_info)

    def logout_user(self, *, keep_session_info: bool = False) -> None:
        """Log the current user out and start a fresh session."""
        self.passport.logout(self.request(), keep_session_info=keep_session_info)

    @property
    def current_user(self) -> Any:
        """The logged-in user, or ``None``."""
        return self.request().user
