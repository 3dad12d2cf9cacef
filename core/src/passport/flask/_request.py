"""``FlaskRequest``: the :class:`passport.core.Request` of the current Flask request, and ``current_user``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import MutableMapping
from functools import cached_property
from typing import Any
from typing import final

import flask
from flask import current_app
from flask import g
from flask.sessions import NullSession
from flask.sessions import SessionMixin
from werkzeug.local import LocalProxy

from passport.core.adapters import MAX_QUEUED_MESSAGES
from passport.core.adapters import BodyError
from passport.core.adapters import Headers
from passport.core.adapters import body_kind
from passport.core.adapters import check_body
from passport.core.adapters import fields_from_pairs
from passport.core.adapters import iri_to_uri
from passport.core.adapters import parse_body
from passport.core.adapters import read_body
from passport.flask._responses import http_error

Regenerate = Callable[[SessionMixin], None]

current_user: Any = LocalProxy(lambda: g.get("user"))
"""The logged-in user of the current request (``None`` behind the proxy when anonymous)."""


@final
class FlaskRequest:
    """The :class:`passport.core.Request` of the current Flask request (one per request, on ``g``).

    ``user`` is mirrored to ``g.user``. The body is read only by guards, for POST/PUT/PATCH/DELETE
    with a form, JSON or multipart body, streamed under the core's size cap; a malformed one is
    a 400 (413 too large, 415 bad charset) before any strategy runs. The view can still read
    the body afterwards (``request.get_json()``, ``request.form``).
    """

    _READ_SIZE = 64 * 1024

    def __init__(self, request: flask.Request, regenerate: Regenerate | None = None) -> None:
        self._request = request
        self._regenerate = regenerate
        self.method = request.method
        self.path = request.path
        self.client_address: str | None = request.remote_addr
        session = flask.session._get_current_object()  # type: ignore[attr-defined]
        # No secret key: Flask hands out a NullSession that raises on write; say "no sessions".
        self.session: MutableMapping[str, Any] | None = None if isinstance(session, NullSession) else session
        self.body: Mapping[str, Any] = {}
        self.raw_body = b""
        self.auth_info: Any = None
        self._user: Any = None
        self.response_headers: list[tuple[str, str]] = []

    @property
    def user(self) -> Any:
        return self._user

    @user.setter
    def user(self, value: Any) -> None:
        self._user = g.user = value

    @cached_property
    def url(self) -> str:
        return iri_to_uri(self._request.url)  # Werkzeug's url is an IRI: /кл, not /%D0%BA%D0%BB

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
        """Decode the form, JSON or multipart body into ``body`` (strict; 400/413/415 on bad input)."""
        request = self._request
        kind, params = body_kind(self.method, request.headers.get("Content-Type"))
        if kind is None:
            return
        try:
            check_body(kind, params, request.content_length)
            if "form" in vars(request):  # already parsed (a CSRF hook): the raw bytes are gone
                self.body = fields_from_pairs(request.form.items(multi=True))
                return
            data = getattr(request, "_cached_data", None)  # read already by get_data()
            if data is None:
                data = read_body(iter(functools.partial(request.stream.read, self._READ_SIZE), b""))
                # Werkzeug's own cache: get_data(), get_json() and form parsing in the view read it.
                request._cached_data = data
            self.body = parse_body(kind, params, data)
            self.raw_body = data
        except BodyError as exc:
            raise http_error(exc) from None  # type: ignore[misc]  # a BodyError always has a status

    def flash(self, message: str, category: str = "message") -> None:
        """Flask's ``flash``; of the flashes not read yet, the session keeps the newest
        ``MAX_QUEUED_MESSAGES``."""
        flask.flash(message, category)
        session = self.session
        if session is not None:
            flashes = session.get("_flashes")
            if isinstance(flashes, list) and len(flashes) > MAX_QUEUED_MESSAGES:
                session["_flashes"] = flashes[-MAX_QUEUED_MESSAGES:]

    def add_response_header(self, name: str, value: str) -> None:
        """Add a header to this request's response, whichever view makes it (remember-me's cookie)."""
        self.response_headers.append((name, value))

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
