"""A test request that satisfies ``passport.core.Request`` and records what passport did to it."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import Any
from typing import final
from urllib.parse import parse_qsl
from urllib.parse import unquote
from urllib.parse import urlsplit

from passport.core.adapters import BodyError
from passport.core.adapters import Headers
from passport.core.adapters import body_kind
from passport.core.adapters import fields_from_pairs
from passport.core.adapters import iri_to_uri
from passport.core.adapters import parse_body
from passport.core.adapters import read_body

_UNSET: Any = object()


@final
class TestRequest:
    """A framework-free request for strategies and guards under test.

    ``url`` is made absolute (``http://testserver``) and percent-encoded with
    :func:`passport.core.adapters.iri_to_uri`, so it never holds a literal space or non-ASCII
    character; a ``path`` derived from it is percent-decoded (UTF-8, invalid sequences replaced),
    as adapters give it. An explicit ``path`` is taken as given.

    ``raw_body`` is bytes (a ``str`` is encoded as UTF-8), ``b""`` when not given: a ``body``
    given alone is not encoded into bytes. A ``raw_body`` given alone is decoded into ``body``
    as an adapter would, from ``method`` and the ``Content-Type`` header (only a form, JSON or
    multipart body on POST, PUT, PATCH or DELETE gives one). Given both, both are taken as given.
    What an adapter would refuse is refused here, when the request is built (see
    :func:`make_request`).

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
        raw_body: bytes | str | None = None,
        cookies: Mapping[str, str] | None = None,
        client_address: str | None = "127.0.0.1",
        session: MutableMapping[str, Any] | None = _UNSET,
        user: Any = None,
        auth_info: Any = None,
        **extra: Any,
    ) -> None:
        if url is None:
            url = "http://testserver" + (path or "/")
        url = iri_to_uri(url)  # as received: percent-encoded, never a literal space
        parts = urlsplit(url)
        if not parts.scheme:  # a bare path: make it absolute, as adapters do
            url = "http://testserver" + (url if url.startswith("/") else "/" + url)
            parts = urlsplit(url)
        self.method = method.upper()
        self.url = url
        self.path = path if path is not None else (unquote(parts.path, errors="replace") or "/")
        self.headers = headers if isinstance(headers, Headers) else Headers(headers or ())
        self.query: Mapping[str, Any] = (
            dict(query) if query is not None else fields_from_pairs(parse_qsl(parts.query, keep_blank_values=True))
        )
        self.raw_body = b"" if raw_body is None else _read_raw_body(raw_body)
        if body is None and raw_body is not None:
            body = _derive_body(self.method, self.headers.get("Content-Type"), self.raw_body)
        self.body: Mapping[str, Any] = body if body is not None else {}
        self.cookies: Mapping[str, str] = dict(cookies or {})
        self.client_address = client_address
        self.session: MutableMapping[str, Any] | None = {} if session is _UNSET else session
        self.user = user
        self.auth_info = auth_info
        self.flashes: list[tuple[str, str]] = []
        self.session_regenerations = 0
        self.response_headers: list[tuple[str, str]] = []
        self.previous_sessions: list[MutableMapping[str, Any]] = []
        for name, value in extra.items():
            setattr(self, name, value)

    def flash(self, message: str, category: str = "message") -> None:
        """Record a flash message (``passport.core`` calls this for ``*_flash`` options)."""
        self.flashes.append((category, message))

    def add_response_header(self, name: str, value: str) -> None:
        """Record a header for the response (remember-me's ``Set-Cookie``) in ``response_headers``."""
        self.response_headers.append((name, value))

    def regenerate_session(self) -> None:
        """Swap in a fresh, empty session, as a server-side session store would."""
        if self.session is not None:
            self.previous_sessions.append(self.session)
        self.session = {}
        self.session_regenerations += 1

    def __repr__(self) -> str:
        return f"<TestRequest {self.method} {self.path}>"


def _read_raw_body(raw_body: bytes | str) -> bytes:
    """The given bytes, refused over the adapters' cap (413) the way an adapter refuses them."""
    if isinstance(raw_body, str):
        raw_body = raw_body.encode("utf-8")
    elif not isinstance(raw_body, bytes | bytearray | memoryview):
        raise TypeError(f"raw_body must be bytes or str, not {type(raw_body).__name__}")
    try:
        return read_body((bytes(raw_body),))
    except BodyError as exc:
        raise _refused(exc) from exc


def _derive_body(method: str, content_type: str | None, raw_body: bytes) -> dict[str, Any]:
    """``body`` from ``raw_body``, decoded by the core exactly as the adapters decode it."""
    kind, params = body_kind(method, content_type)
    if kind is None:
        return {}
    try:
        return parse_body(kind, params, raw_body)
    except BodyError as exc:
        raise _refused(exc) from exc


def _refused(exc: BodyError) -> BodyError:
    # A body an adapter refuses never reaches a strategy: building such a request is a mistake
    # in the test, so say so now instead of running the strategy on something it cannot see.
    return BodyError(f"raw_body: {exc}; an adapter answers {exc.status} before any strategy runs", exc.status)


REQUEST_KEYS = frozenset(
    {"method", "url", "path", "headers", "query", "body", "raw_body", "cookies", "client_address", "session", "user"}
)


def make_request(**fields: Any) -> TestRequest:
    """Build a :class:`TestRequest` from keyword fields.

    Keys: ``method`` (default ``"GET"``), ``url`` (absolute, or a path; percent-encoded),
    ``path`` (derived from ``url`` and percent-decoded when absent), ``headers``, ``query``
    (parsed from ``url`` when absent), ``body`` (``{}``, or decoded from ``raw_body`` when only
    that is given), ``raw_body`` (bytes or a UTF-8 ``str``; ``b""``), ``cookies``,
    ``client_address`` (the peer's address, ``"127.0.0.1"``; ``None`` for a server that gives
    none), ``session``
    (``{}``; pass ``None`` for a request without session support), ``user``. Any other keyword
    becomes an attribute.

    :raises passport.core.adapters.BodyError: ``raw_body`` is larger than the adapters' cap
        (status 413), or, given without ``body``, is a form, JSON or multipart body an adapter
        would refuse (400, or 415 for another charset): no strategy would ever see it.
    :raises ValueError: ``url`` has a host that cannot be IDNA-encoded, or a lone surrogate.
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
