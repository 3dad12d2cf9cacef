"""Where a token is read from: extractors, tried in order by the strategy.

An extractor is any callable ``extractor(request)`` that returns ``None`` when its place holds
no token, and otherwise the value found there: a ``str`` is the token; anything else (a field
sent twice arrives as a list, a JSON body may hold a number) is answered as a malformed token.
The ones here also say how OpenAPI describes them (``openapi_scheme``), for API docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Final
from typing import Protocol
from typing import final

if TYPE_CHECKING:
    from passport.core import Request

BEARER_OPENAPI: Final = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class Extractor(Protocol):
    """Finds the token in a request: ``None`` when absent; a ``str`` token; other values are malformed."""

    def __call__(self, request: Request, /) -> object: ...


def _header_scheme(name: str, scheme: str | None) -> dict[str, str]:
    """OpenAPI's view of a header: an ``http`` scheme for ``Authorization: <scheme>``, else an API key."""
    if name.lower() == "authorization" and scheme is not None:
        if scheme.lower() == "bearer":
            return dict(BEARER_OPENAPI)
        return {"type": "http", "scheme": scheme}
    return {"type": "apiKey", "in": "header", "name": name}


def _check_name(option: str, value: Any) -> str:
    if type(value) is not str or not value or not (value.isascii() and value.isprintable()):
        raise TypeError(f"{option} must be a non-empty printable ASCII string, got {value!r}")
    return value


def _present(value: Any) -> object:
    """An empty value counts as absent, as an unset cookie or an empty form field does."""
    return None if value is None or value == "" else value


@final
class _BearerHeader:
    __slots__ = ()
    openapi_scheme: Final = BEARER_OPENAPI

    def __call__(self, request: Request) -> object:
        value = request.headers.get("authorization")
        if not value or value[:7].lower() != "bearer ":
            return None  # another scheme (Basic ...) is not ours
        return value[7:]  # "Bearer " and nothing after it is there, but malformed

    def __repr__(self) -> str:
        return "bearer_header()"


@final
class _Header:
    __slots__ = ("_prefix", "name", "openapi_scheme", "scheme")

    def __init__(self, name: str, scheme: str | None) -> None:
        self.name: Final = _check_name("header name", name)
        self.scheme: Final = None if scheme is None else _check_name("scheme", scheme)
        self._prefix: Final = None if scheme is None else scheme.lower() + " "
        self.openapi_scheme: Final = _header_scheme(name, scheme)

    def __call__(self, request: Request) -> object:
        value = request.headers.get(self.name)
        if not value:
            return None
        if self._prefix is None:
            return value
        if value[: len(self._prefix)].lower() != self._prefix:
            return None  # without the scheme it is somebody else's header value
        return value[len(self._prefix) :]

    def __repr__(self) -> str:
        return f"header({self.name!r}, scheme={self.scheme!r})"


@final
class _Cookie:
    __slots__ = ("name", "openapi_scheme")

    def __init__(self, name: str) -> None:
        self.name: Final = _check_name("cookie name", name)
        self.openapi_scheme: Final = {"type": "apiKey", "in": "cookie", "name": name}

    def __call__(self, request: Request) -> object:
        cookies = request.cookies
        return _present(cookies.get(self.name)) if isinstance(cookies, Mapping) else None

    def __repr__(self) -> str:
        return f"cookie({self.name!r})"


@final
class _BodyField:
    __slots__ = ("name",)
    openapi_scheme: Final = None  # OpenAPI has no security scheme for a body field

    def __init__(self, name: str) -> None:
        self.name: Final = _check_name("body field", name)

    def __call__(self, request: Request) -> object:
        body = request.body
        return _present(body.get(self.name)) if isinstance(body, Mapping) else None

    def __repr__(self) -> str:
        return f"body_field({self.name!r})"


@final
class _QueryParam:
    __slots__ = ("name", "openapi_scheme")

    def __init__(self, name: str) -> None:
        self.name: Final = _check_name("query parameter", name)
        self.openapi_scheme: Final = {"type": "apiKey", "in": "query", "name": name}

    def __call__(self, request: Request) -> object:
        query = request.query
        return _present(query.get(self.name)) if isinstance(query, Mapping) else None

    def __repr__(self) -> str:
        return f"query_param({self.name!r})"


def bearer_header() -> Extractor:
    """``Authorization: Bearer <token>`` (scheme case-insensitive), the default; other schemes are ignored."""
    return _BearerHeader()


def header(name: str, *, scheme: str | None = None) -> Extractor:
    """The whole value of header ``name``, or with ``scheme`` (``"JWT"``) the part after ``"<scheme> "``.

    With a scheme, a value that does not start with it counts as no token.
    """
    return _Header(name, scheme)


def cookie(name: str) -> Extractor:
    """The cookie ``name`` (an empty cookie counts as none).

    A cookie is sent by the browser on its own: guard state-changing routes against CSRF
    (``SameSite`` cookies and a CSRF token) when tokens travel this way.
    """
    return _Cookie(name)


def body_field(name: str) -> Extractor:
    """The field ``name`` of a form or JSON body."""
    return _BodyField(name)


def query_param(name: str) -> Extractor:
    """The query parameter ``name``: only when the app asks for it, since URLs end up in logs and
    ``Referer`` headers (RFC 6750 §2.3: clients SHOULD NOT send tokens there)."""
    return _QueryParam(name)
