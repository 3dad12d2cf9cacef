"""Request bodies for the adapters: bounded, streamed, decoded the same way on every framework.

Adapters hand over the body as the chunks the server delivers; :func:`read_body` (or
:func:`aread_body`) collects them and stops with a 413 as soon as the running total passes the
cap, so an endless chunked upload costs at most :data:`MAX_BODY_BYTES` of memory. The bytes are
then :func:`parse_body`'d into the ``body`` mapping strategies read, or refused with a
:class:`BodyError` carrying the 4xx status to answer.

Werkzeug and Starlette decode forms leniently and differently (bad UTF-8 is replaced, a repeated
field is first-wins or last-wins, multipart goes through a temporary file), so no framework parser
is used for form, JSON or multipart bodies: the same request must mean the same thing on every
adapter. Error messages name the problem, never the content.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterable
from collections.abc import Iterable
from typing import Any
from typing import Final
from urllib.parse import parse_qsl

from ._errors import PassportError
from ._request import fields_from_pairs

MAX_BODY_BYTES: Final = 1024 * 1024
"""Bodies larger than this are refused with 413, before they are parsed."""
MAX_FIELDS: Final = 1000
"""More form fields or multipart parts than this are refused with 400."""
BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})

FORM: Final = "form"
JSON: Final = "json"
MULTIPART: Final = "multipart"

_CHARSETS: Final = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
# RFC 2046 §5.1.1: 1 to 70 characters, a space allowed but not last.
_BOUNDARY: Final = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FORM_DATA: Final = re.compile(r"[ \t]*form-data[ \t]*", re.IGNORECASE)
_PARAM: Final = re.compile(
    r';[ \t]*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)[ \t]*=[ \t]*(?:"((?:[^"\\\r\n]|\\.)*)"|([^\s;"\\]+))[ \t]*'
)
_ESCAPE: Final = re.compile(r"\\(.)")


class BodyError(PassportError, ValueError):
    """A body that passport reads but cannot accept: malformed, too large, or in another charset.

    Also a ``ValueError``, so code written against the older, plain ``ValueError`` still works.

    :ivar status: 400 (malformed), 413 (too large) or 415 (unsupported charset).
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status

    def __repr__(self) -> str:
        return f"BodyError({str(self)!r}, status={self.status!r})"


def _malformed(reason: str) -> BodyError:
    return BodyError(f"Malformed request body ({reason})")


class _Collector:
    """The one size rule both readers apply: refuse as soon as the running total passes ``limit``."""

    __slots__ = ("chunks", "limit", "size")

    def __init__(self, limit: int) -> None:
        self.chunks: list[bytes] = []
        self.limit = limit
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise BodyError("Request body too large", 413)
        self.chunks.append(chunk)


def read_body(chunks: Iterable[bytes], limit: int = MAX_BODY_BYTES) -> bytes:
    """Collect a body from the server's chunks, refusing it once it grows past ``limit`` bytes.

    Chunks are pulled one at a time, and none is pulled after the one that crossed the limit,
    so a declared length is not trusted and an endless stream is cut off early. Empty chunks
    are fine. Closing the iterable is left to the caller, who owns it.

    :raises BodyError: 413 when the body is larger than ``limit``.
    """
    body = _Collector(limit)
    for chunk in chunks:
        body.add(chunk)
    return b"".join(body.chunks)


async def aread_body(chunks: AsyncIterable[bytes], limit: int = MAX_BODY_BYTES) -> bytes:
    """The async twin of :func:`read_body`, for an ASGI body stream (Starlette's ``request.stream()``).

    :raises BodyError: 413 when the body is larger than ``limit``.
    """
    body = _Collector(limit)
    async for chunk in chunks:
        body.add(chunk)
    return b"".join(body.chunks)


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    """Split a ``Content-Type`` into its lower-cased MIME type and its parameters."""
    mime, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        name, sep, param = part.partition("=")
        if sep:
            params[name.strip().lower()] = param.strip().strip('"')
    return mime.strip().lower(), params


def _check_charset(params: dict[str, str]) -> None:
    if params.get("charset", "utf-8").lower() not in _CHARSETS:
        raise BodyError("Unsupported charset", 415)


def _boundary(params: dict[str, str]) -> bytes:
    boundary = params.get("boundary", "")
    if not boundary:
        raise _malformed("multipart without a boundary")
    if not _BOUNDARY.fullmatch(boundary):
        raise _malformed("invalid multipart boundary")
    return boundary.encode("ascii")


def body_kind(method: str, content_type: str | None) -> tuple[str | None, dict[str, str]]:
    """Which body a request carries for passport: ``FORM``, ``JSON``, ``MULTIPART`` or ``None``.

    Only methods with a body count. Any other content type (an upload, text) is ``None``: the
    strategies see ``{}`` and the view reads the body itself.

    :returns: the kind and the ``Content-Type`` parameters (names lower-cased).
    """
    if method not in BODY_METHODS or not content_type:
        return None, {}
    mime, params = _content_type(content_type)
    if mime == "application/x-www-form-urlencoded":
        return FORM, params
    if mime == "multipart/form-data":
        return MULTIPART, params
    if mime == "application/json" or (mime.startswith("application/") and mime.endswith("+json")):
        return JSON, params
    return None, params


def check_body(kind: str, params: dict[str, str], content_length: int | None) -> None:
    """Refuse what can be refused before reading: a declared length over :data:`MAX_BODY_BYTES`
    (413), a multipart body without a valid boundary (400).

    A length that is absent (chunked) or understated is caught by :func:`read_body` instead.
    """
    if content_length is not None and content_length > MAX_BODY_BYTES:
        raise BodyError("Request body too large", 413)
    if kind == MULTIPART:
        _boundary(params)


def parse_body(kind: str, params: dict[str, str], data: bytes) -> dict[str, Any]:
    """Decode a ``FORM``, ``JSON`` or ``MULTIPART`` body strictly.

    A form or multipart body gives ``str`` values, a ``list`` for a repeated field; multipart
    file parts (those with a ``filename``) are left out, for the view to read. A JSON object
    keeps its JSON types, and any other JSON value (array, number) gives ``{}``.

    :raises BodyError: invalid UTF-8, malformed JSON (``NaN`` included) or multipart, too many
        fields or too deep nesting (400), too large (413), a charset other than UTF-8 (415).
    """
    if len(data) > MAX_BODY_BYTES:
        raise BodyError("Request body too large", 413)
    _check_charset(params)
    if kind == MULTIPART:
        return _parse_multipart(data, _boundary(params))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("invalid UTF-8") from None
    if kind == FORM:
        try:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
        except UnicodeDecodeError:
            raise _malformed("invalid UTF-8") from None
        except ValueError:  # parse_qsl's only other complaint: max_num_fields
            raise _malformed("too many fields") from None
        return fields_from_pairs(pairs)
    try:
        value = json.loads(text, parse_constant=_no_constant) if text.strip() else {}
    except RecursionError:
        raise _malformed("JSON nested too deeply") from None
    except ValueError:
        raise _malformed("invalid JSON") from None
    return value if type(value) is dict else {}


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON (RFC 8259 §6)


def _parse_multipart(data: bytes, boundary: bytes) -> dict[str, Any]:
    """RFC 7578 ``multipart/form-data``: CRLF line endings, an optional preamble and epilogue."""
    dash = b"--" + boundary
    delimiter = b"\r\n" + dash
    if data.startswith(dash):
        pos = len(dash)
    else:  # a preamble: the first boundary follows a CRLF
        pos = data.find(delimiter)
        if pos < 0 or dash in data[:pos]:  # "junk--boundary": a parser that reads it as one would disagree
            raise _malformed("multipart boundary not found")
        pos += len(delimiter)
    pairs: list[tuple[str, str]] = []
    parts = 0
    while not data.startswith(b"--", pos):  # "--" after a delimiter closes the body
        eol = data.find(b"\r\n", pos)
        if eol < 0 or data[pos:eol].strip(b" \t"):  # only transport padding may follow a boundary
            raise _malformed("no closing multipart delimiter" if eol < 0 else "mismatched multipart boundary")
        end = data.find(delimiter, eol + 2)
        if end < 0:
            raise _malformed("no closing multipart delimiter")
        parts += 1
        if parts > MAX_FIELDS:
            raise _malformed("too many fields")
        field = _parse_part(data[eol + 2 : end])
        if field is not None:
            pairs.append(field)
        pos = end + len(delimiter)
    return fields_from_pairs(pairs)


def _parse_part(part: bytes) -> tuple[str, str] | None:
    """One part's ``(name, value)``, or ``None`` for a file part."""
    head, sep, content = part.partition(b"\r\n\r\n")
    if not sep:
        raise _malformed("multipart part without headers")
    try:
        lines = head.decode("utf-8").split("\r\n")
    except UnicodeDecodeError:
        raise _malformed("invalid UTF-8") from None
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        key = name.lower()
        # a folded line (leading space) or a bare CR/LF is refused rather than guessed at
        if not colon or not _TOKEN.fullmatch(name) or key in headers or "\r" in value or "\n" in value:
            raise _malformed("invalid multipart part header")
        headers[key] = value.strip(" \t")
    field, is_file = _disposition(headers.get("content-disposition", ""))
    if is_file:
        return None
    _check_charset(_content_type(headers.get("content-type", ""))[1])
    try:
        return field, content.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("invalid UTF-8") from None


def _disposition(value: str) -> tuple[str, bool]:
    """The field name of ``form-data; name="..."`` and whether the part is a file."""
    match = _FORM_DATA.match(value)
    if match is None:
        raise _malformed("multipart part without form-data disposition")
    params: dict[str, str] = {}
    pos = match.end()
    while pos < len(value):
        param = _PARAM.match(value, pos)
        if param is None:
            raise _malformed("invalid multipart disposition")
        key = param[1].lower()
        if key in params:  # two names: parsers would disagree about which one counts
            raise _malformed("invalid multipart disposition")
        quoted = param[2]
        params[key] = _ESCAPE.sub(r"\1", quoted) if quoted is not None else param[3]
        pos = param.end()
    if "name" not in params:
        raise _malformed("multipart part without a name")
    return params["name"], "filename" in params or "filename*" in params
