"""APIKeyStrategy: a key in a request header (optionally after a prefix) or a query parameter."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from passport.core import Strategy
from passport.core import call_verify

from ._challenge import is_printable_ascii

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from passport.core import Request

MISSING_KEY: Final = "Missing API Key"  # Passport-headerapikey's exact text
AMBIGUOUS_KEY: Final = "API key given more than once"
MALFORMED_KEY: Final = "Malformed API key"

# RFC 9110 token characters: what a header field name may be made of.
_HEADER_NAME: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class APIKeyStrategy(Strategy):
    """Authenticate with an API key sent in a header or, when configured, a query parameter.

    ``verify(key)`` (or ``verify(request, key)`` with ``pass_request=True``), ``def`` or
    ``async def``, returns the key's owner, ``None``/``False``, or ``(owner_or_false, info)``.
    Compare keys in constant time: :class:`KeyStore` or :func:`keys_match`, never ``==`` or a
    dict keyed by the raw key. A :class:`KeyStore` (or any :func:`~passport.core.nonblocking`
    verify) is called directly, also in async apps; another plain ``def`` verify runs in a worker
    thread there.

    Outcomes, before verify runs:

    - no key (header absent or empty, header without the configured ``prefix``, exactly the
      prefix, no query parameter): ``fail({"message": "Missing API Key"})``, no status (401);
    - a key in the header *and* the query, a repeated query parameter, or a comma in the key
      (a repeated header arrives joined with ``", "``, or ``","`` from some WSGI servers):
      ``fail({"message": "API key given more than once"}, 400)``;
    - a key with a character outside printable ASCII (control characters, NUL, non-ASCII):
      ``fail({"message": "Malformed API key"}, 400)``.

    Otherwise verify gets the key exactly as sent (only the prefix is removed); a rejection fails
    with verify's info and no status (401), a string info standing for ``{"message": info}``.
    Per-route options are ignored.

    :param verify: the function that looks the key up.
    :param header: the header to read (case-insensitive), or ``None`` to read only the query.
    :param prefix: a literal, case-sensitive prefix the header value must start with (e.g.
        ``"Api-Key "`` for ``Authorization: Api-Key <key>``); it is removed before verify.
    :param query: the query parameter to read as well (off by default: URLs end up in logs).
    :param pass_request: hand verify the request first.
    :ivar openapi_scheme: the key as an OpenAPI 3 Security Scheme Object (``apiKey``), for API
        docs: in the header when one is configured (a query parameter read as well is named in
        its ``description``, since an ``apiKey`` scheme has one place), else in the query.
    :raises TypeError: ``verify`` is missing or not callable, or an option has the wrong type.
    :raises ValueError: an option is malformed, or neither ``header`` nor ``query`` is set.
    """

    name = "apikey"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        header: str | None = "X-API-Key",
        prefix: str | None = None,
        query: str | None = None,
        pass_request: bool = False,
    ) -> None:
        super().__init__()
        if verify is None or not callable(verify):
            raise TypeError("APIKeyStrategy requires a verify function")
        if header is not None:
            if type(header) is not str:
                raise TypeError(f"header must be a header name or None, got {header!r}")
            if not _HEADER_NAME.fullmatch(header):
                raise ValueError(f"header must be a valid header name, got {header!r}")
        if prefix is not None:
            if type(prefix) is not str:
                raise TypeError(f"prefix must be a string or None, got {prefix!r}")
            if prefix and not is_printable_ascii(prefix):
                raise ValueError(f"prefix must be printable ASCII, got {prefix!r}")
            if prefix and header is None:
                raise ValueError("prefix applies to the header; set header too")
        if query is not None and (type(query) is not str or not query):
            raise TypeError(f"query must be a non-empty parameter name or None, got {query!r}")
        if header is None and query is None:
            raise ValueError("APIKeyStrategy needs a header or a query parameter to read the key from")
        if type(pass_request) is not bool:
            raise TypeError(f"pass_request must be True or False, got {pass_request!r}")
        self._verify: Final = verify
        self._header_name: Final = header  # as configured: how API docs spell it
        self._header: Final = header.lower() if header is not None else ""  # "": query only
        self._prefix: Final = prefix or ""
        self._prefix_length: Final = len(self._prefix)
        self._query: Final = query
        self._pass_request: Final = pass_request
        self._on_verified: Final = self.verified  # bound once, not on every request

    def __repr__(self) -> str:
        return f"<APIKeyStrategy header={self._header or None!r} prefix={self._prefix!r} query={self._query!r}>"

    @property
    def openapi_scheme(self) -> dict[str, str]:
        """The OpenAPI 3 ``apiKey`` Security Scheme Object for where the key is read (a fresh dict)."""
        if self._header_name is None:
            return {"type": "apiKey", "in": "query", "name": str(self._query)}
        scheme = {"type": "apiKey", "in": "header", "name": self._header_name}
        notes = []
        if self._prefix:
            # Swagger UI sends the value as typed: the reader has to know the prefix.
            notes.append(f"The header's value is `{self._prefix}` followed by the key.")
        if self._query is not None:
            notes.append(f"The key may be sent in the `{self._query}` query parameter instead.")
        if notes:
            scheme["description"] = " ".join(notes)
        return scheme

    def has_credentials(self, request: Request) -> bool | str:
        """Where a key is: the key header (with the configured prefix), or the query parameter."""
        if self._header:
            value = request.headers.get(self._header)
            if value and (not self._prefix_length or self._prefix in value):
                return f"header:{self._header.lower()}"
        if self._query is not None and request.query.get(self._query):
            return f"query:{self._query.lower()}"
        return False

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> None | Awaitable[None]:
        """Find exactly one well-formed key, then ask verify (see the class docstring)."""
        key = None
        if self._header:
            key = request.headers.get(self._header)
            if key and self._prefix_length:
                if key.startswith(self._prefix):
                    key = key[self._prefix_length :]
                elif "," in key and self._prefix in key:
                    # ours, joined to another header of the same name
                    self._refuse(AMBIGUOUS_KEY)
                    return None
                else:
                    key = None  # another scheme's credentials: not ours
        if self._query is not None:
            from_query = request.query.get(self._query)
            if from_query:
                if key or type(from_query) is not str:
                    self._refuse(AMBIGUOUS_KEY)
                    return None
                key = from_query
        if not key:
            self.fail({"message": MISSING_KEY})
            return None
        if "," in key:
            self._refuse(AMBIGUOUS_KEY)
            return None
        if not (key.isascii() and key.isprintable()):
            self._refuse(MALFORMED_KEY)
            return None
        # call_verify picks how to call verify (inline, awaited, or in a worker thread in async
        # apps); Strategy.verified turns its answer into the one action.
        if self._pass_request:
            return call_verify(self._verify, request, key).then(self._on_verified)
        return call_verify(self._verify, key).then(self._on_verified)

    def _refuse(self, message: str) -> None:
        self.fail({"message": message}, 400)
