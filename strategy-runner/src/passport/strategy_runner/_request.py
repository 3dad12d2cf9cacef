"""A test request that satisfies ``passport.core.Request`` and records what passport did to it."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import Any
from typing import final
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

from passport.core import Headers
from passport.core import fields_from_pairs

_UNSET: Any = object()


@final
class TestRequest:
    """A framework-free request for strategies and guards under test.

    ``flashes`` records ``(category, message)`` pairs in order (Flask's ``with_categories``
    shape); ``session_regenerations`` counts ``regenerate_session()`` calls, each of which
    replaces ``session`` with a new dict (the old one is kept in ``previous_sessions``).
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        *,
        method: str = "GET",
        url: str | None = None,
        path: str | None = None,
        headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        cookies: Mapping[str, str] | None = None,
        session: MutableMapping[str, Any] | None = _UNSET,
        user: Any = None,
        auth_info: Any = None,
        **extra: Any,
    ) -> None:
        if url is None:
            url = "http://testserver" + (path or "/")
        parts = urlsplit(url)
        if not parts.scheme:  # a bare path: make it absolute, as adapters do
            url = "http://testserver" + (url if url.startswith("/") else "/" + url)
            parts = urlsplit(url)
        self.method = method.upper()
        self.url = url
        self.path = path if path is not None else (parts.path or "/")
        self.headers = headers if isinstance(headers, Headers) else Headers(headers or ())
        self.query: Mapping[str, Any] = (
            dict(query) if query is not None else fields_from_pairs(parse_qsl(parts.query, keep_blank_values=True))
        )
        self.body: Mapping[str, Any] = body if body is not None else {}
        self.cookies: Mapping[str, str] = dict(cookies or {})
        self.session: MutableMapping[str, Any] | None = {} if session is _UNSET else session
        self.user = user
        self.auth_info = auth_info
        self.flashes: list[tuple[str, str]] = []
        self.session_regenerations = 0
        self.previous_sessions: list[MutableMapping[str, Any]] = []
        for name, value in extra.items():
            setattr(self, name, value)

    def flash(self, message: str, category: str = "message") -> None:
        """Record a flash message (``passport.core`` calls this for ``*_flash`` options)."""
        self.flashes.append((category, message))

    def regenerate_session(self) -> None:
        """Swap in a fresh, empty session, as a server-side session store would."""
        if self.session is not None:
            self.previous_sessions.append(self.session)
        self.session = {}
        self.session_regenerations += 1

    def __repr__(self) -> str:
        return f"<TestRequest {self.method} {self.path}>"


REQUEST_KEYS = frozenset({"method", "url", "path", "headers", "query", "body", "cookies", "session", "user"})


def make_request(**fields: Any) -> TestRequest:
    """Build a :class:`TestRequest` from keyword fields.

    Keys: ``method`` (default ``"GET"``), ``url`` (absolute, or a path), ``path`` (derived from
    ``url`` when absent), ``headers``, ``query`` (parsed from ``url`` when absent), ``body``
    (``{}``), ``cookies``, ``session`` (``{}``; pass ``None`` for a request without session
    support), ``user``. Any other keyword becomes an attribute.
    """
    return TestRequest(**fields)


def coerce_request(request: TestRequest | Mapping[str, Any] | Any | None) -> Any:
    """Accept a dict of request fields, a made request, or any ``Request``-shaped object."""
    if request is None:
        return TestRequest()
    if isinstance(request, Mapping):
        unknown = set(request) - REQUEST_KEYS
        if unknown:
            raise TypeError(f"unknown request keys {sorted(unknown)}; use {sorted(REQUEST_KEYS)} or make_request(...)")
        return TestRequest(**request)
    return request
