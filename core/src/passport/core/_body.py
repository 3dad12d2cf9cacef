"""Request bodies for the adapters: strict, bounded, decoded the same way on every framework.

Adapters hand over the raw bytes of a form or JSON body; this module turns them into the
``body`` mapping strategies read, or refuses them with a :class:`BodyError` carrying the 4xx
status to answer. Werkzeug and Starlette decode forms leniently and differently (bad UTF-8 is
replaced, a repeated field is first-wins or last-wins), so neither framework's parser is used
for these two content types: the same request must mean the same thing on both adapters.
"""

from __future__ import annotations

import json
from typing import Any
from typing import Final
from urllib.parse import parse_qsl

from ._request import fields_from_pairs

MAX_BODY_BYTES: Final = 1024 * 1024
"""Form and JSON bodies larger than this are refused with 413 before they are parsed."""
MAX_FIELDS: Final = 1000
BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})

FORM: Final = "form"
JSON: Final = "json"
MULTIPART: Final = "multipart"


class BodyError(ValueError):
    """A body that declares a type passport reads but cannot be decoded as that type.

    :ivar status: 400 (malformed), 413 (too large) or 415 (unsupported charset).
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def body_kind(method: str, content_type: str | None) -> tuple[str | None, dict[str, str]]:
    """Which body a request carries for passport: ``FORM``, ``JSON``, ``MULTIPART`` or ``None``.

    Only methods with a body count. Any other content type (an upload, text) is ``None``: the
    strategies see ``{}`` and the view reads the body itself.
    """
    if method not in BODY_METHODS or not content_type:
        return None, {}
    mime, _, rest = content_type.partition(";")
    mime = mime.strip().lower()
    params: dict[str, str] = {}
    for part in rest.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    if mime == "application/x-www-form-urlencoded":
        return FORM, params
    if mime == "multipart/form-data":
        return MULTIPART, params
    if mime == "application/json" or (mime.startswith("application/") and mime.endswith("+json")):
        return JSON, params
    return None, params


def check_body(kind: str, params: dict[str, str], content_length: int | None) -> None:
    """Refuse what can be refused before reading: a declared length over :data:`MAX_BODY_BYTES`
    (413), a multipart body without a boundary (400)."""
    if content_length is not None and content_length > MAX_BODY_BYTES:
        raise BodyError("Request body too large", 413)
    if kind == MULTIPART and not params.get("boundary"):
        raise BodyError("Malformed request body")


def parse_body(kind: str, params: dict[str, str], data: bytes) -> dict[str, Any]:
    """Decode a ``FORM`` or ``JSON`` body strictly.

    A form gives ``str`` values, a ``list`` for a repeated field; a JSON object keeps its JSON
    types, and any other JSON value (array, number) gives ``{}``.

    :raises BodyError: invalid UTF-8 or percent-encoding, malformed JSON, too many fields or
        too deep nesting (400), too large (413), a charset other than UTF-8 (415).
    """
    if len(data) > MAX_BODY_BYTES:
        raise BodyError("Request body too large", 413)
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise BodyError("Unsupported charset", 415)
    try:
        text = data.decode("utf-8")
        if kind == FORM:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
            return fields_from_pairs(pairs)
        value = json.loads(text) if text.strip() else {}
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BodyError("Malformed request body") from None
    return value if type(value) is dict else {}
