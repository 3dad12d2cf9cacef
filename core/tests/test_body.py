"""Bodies: bounded streamed reading, and strict form, JSON and multipart decoding."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from collections.abc import AsyncIterator
from collections.abc import Iterator

import pytest

from passport.core import PassportError
from passport.core.adapters import FORM
from passport.core.adapters import JSON
from passport.core.adapters import MAX_BODY_BYTES
from passport.core.adapters import MAX_FIELDS
from passport.core.adapters import MULTIPART
from passport.core.adapters import BodyError
from passport.core.adapters import aread_body
from passport.core.adapters import body_kind
from passport.core.adapters import check_body
from passport.core.adapters import parse_body
from passport.core.adapters import read_body

BOUNDARY = "----formdata-b0undary"
PARAMS = {"boundary": BOUNDARY}


def part(disposition: str, value: bytes = b"v", *headers: str) -> bytes:
    lines = [f"Content-Disposition: {disposition}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + value


def multipart(*parts: bytes, boundary: str = BOUNDARY, preamble: bytes = b"", epilogue: bytes = b"") -> bytes:
    dash = b"--" + boundary.encode()
    body = b"".join(dash + b"\r\n" + p + b"\r\n" for p in parts)
    return preamble + body + dash + b"--\r\n" + epilogue


# -- errors -----------------------------------------------------------------------------------


def test_a_body_error_is_a_passport_error_and_still_a_value_error() -> None:
    error = BodyError("Request body too large", 413)
    assert isinstance(error, PassportError)
    assert isinstance(error, ValueError)
    assert error.status == 413
    assert repr(error) == "BodyError('Request body too large', status=413)"


def test_a_body_error_is_a_400_unless_told_otherwise() -> None:
    assert BodyError("Malformed request body").status == 400


# -- reading ----------------------------------------------------------------------------------


def endless(counter: list[int], size: int = 64 * 1024) -> Iterator[bytes]:
    while True:
        counter[0] += size
        yield b"x" * size


async def aendless(counter: list[int], size: int = 64 * 1024) -> AsyncGenerator[bytes, None]:
    while True:
        counter[0] += size
        yield b"x" * size


def test_read_body_joins_the_chunks_empty_ones_included() -> None:
    assert read_body([b"a=", b"", b"1", b"&b=2", b""]) == b"a=1&b=2"


def test_read_body_of_no_chunks_is_empty() -> None:
    assert read_body([]) == b""


def test_a_body_exactly_at_the_limit_is_read() -> None:
    assert read_body([b"x" * 6, b"x" * 4], limit=10) == b"x" * 10


def test_one_byte_over_the_limit_is_a_413() -> None:
    with pytest.raises(BodyError) as caught:
        read_body([b"x" * 6, b"x" * 5], limit=10)
    assert caught.value.status == 413
    assert str(caught.value) == "Request body too large"


def test_read_body_stops_pulling_an_endless_stream_at_the_limit() -> None:
    pulled = [0]
    with pytest.raises(BodyError, match="too large"):
        read_body(endless(pulled))
    # the chunk that crossed the limit is the last one pulled
    assert MAX_BODY_BYTES < pulled[0] <= MAX_BODY_BYTES + 64 * 1024


async def test_aread_body_joins_the_chunks() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for chunk in (b'{"a"', b"", b": 1}"):
            yield chunk

    assert await aread_body(chunks()) == b'{"a": 1}'


async def test_aread_body_stops_pulling_an_endless_stream_at_the_limit() -> None:
    pulled = [0]
    stream = aendless(pulled, size=1000)
    with pytest.raises(BodyError) as caught:
        await aread_body(stream, limit=10_000)
    await stream.aclose()
    assert caught.value.status == 413
    assert pulled[0] == 11_000


def test_read_body_pulls_nothing_after_the_chunk_that_crossed_the_limit() -> None:
    pulled = [0]
    with pytest.raises(BodyError):
        read_body(endless(pulled, size=1000), limit=10_000)
    assert pulled[0] == 11_000


# -- kinds and early checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "content_type", "kind"),
    [
        ("POST", "application/x-www-form-urlencoded", FORM),
        ("PUT", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", FORM),
        ("POST", f"multipart/form-data; boundary={BOUNDARY}", MULTIPART),
        ("PATCH", "application/json", JSON),
        ("DELETE", "application/merge-patch+json", JSON),
        ("POST", "text/plain", None),
        ("POST", "application/octet-stream", None),
        ("POST", None, None),
        ("GET", "application/json", None),
    ],
)
def test_body_kind_reads_the_method_and_content_type(method: str, content_type: str | None, kind: str | None) -> None:
    assert body_kind(method, content_type)[0] == kind


def test_body_kind_returns_the_parameters_with_lower_cased_names() -> None:
    assert body_kind("POST", 'multipart/form-data; Boundary="a b"; charset=utf-8')[1] == {
        "boundary": "a b",
        "charset": "utf-8",
    }


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    with pytest.raises(BodyError) as caught:
        check_body(FORM, {}, MAX_BODY_BYTES + 1)
    assert caught.value.status == 413
    check_body(FORM, {}, MAX_BODY_BYTES)
    check_body(FORM, {}, None)


@pytest.mark.parametrize("boundary", ["", "x" * 71, "ends-with-space ", "new\r\nline", 'quote"d', "bücher"])
def test_a_multipart_body_without_a_valid_boundary_is_refused_before_reading(boundary: str) -> None:
    with pytest.raises(BodyError) as caught:
        check_body(MULTIPART, {"boundary": boundary}, 10)
    assert caught.value.status == 400


def test_rfc_2046_boundaries_are_accepted() -> None:
    for boundary in ("x", "x" * 70, "'()+_,-./:=? a", "----WebKitFormBoundary7MA4YWxkTrZu0gW"):
        check_body(MULTIPART, {"boundary": boundary}, 10)


# -- forms and JSON ---------------------------------------------------------------------------


def test_a_form_gives_strings_and_lists_for_repeated_fields() -> None:
    assert parse_body(FORM, {}, b"a=1&b=x+y&a=2&c=%C3%A4&d=") == {"a": ["1", "2"], "b": "x y", "c": "ä", "d": ""}


def test_a_json_object_keeps_its_types() -> None:
    assert parse_body(JSON, {}, b'{"a": 1, "b": [true, null], "c": {"d": "e"}}') == {
        "a": 1,
        "b": [True, None],
        "c": {"d": "e"},
    }


@pytest.mark.parametrize("data", [b"[1, 2]", b"3", b'"text"', b"null", b"", b"  \n"])
def test_a_json_value_other_than_an_object_gives_an_empty_body(data: bytes) -> None:
    assert parse_body(JSON, {}, data) == {}


def test_an_empty_form_is_an_empty_body() -> None:
    assert parse_body(FORM, {}, b"") == {}


# -- multipart --------------------------------------------------------------------------------


def test_multipart_text_fields_become_strings() -> None:
    data = multipart(part('form-data; name="username"', b"ann"), part('form-data; name="password"', b"s3cr3t"))
    assert parse_body(MULTIPART, PARAMS, data) == {"username": "ann", "password": "s3cr3t"}


def test_a_multipart_file_part_is_left_out() -> None:
    data = multipart(
        part('form-data; name="avatar"; filename="me.png"', b"\x89PNG\r\n\xff\x00", "Content-Type: image/png"),
        part("form-data; name=\"doc\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", b"\xff"),
        part('form-data; name="user"', b"ann"),
    )
    assert parse_body(MULTIPART, PARAMS, data) == {"user": "ann"}


def test_a_repeated_multipart_field_becomes_a_list() -> None:
    data = multipart(*(part('form-data; name="scope"', v) for v in (b"a", b"b", b"c")))
    assert parse_body(MULTIPART, PARAMS, data) == {"scope": ["a", "b", "c"]}


def test_multipart_values_keep_line_breaks_utf_8_and_empty_strings() -> None:
    data = multipart(part('form-data; name="bio"', "line 1\r\nlïne 2\r\n".encode()), part('form-data; name="e"', b""))
    assert parse_body(MULTIPART, PARAMS, data) == {"bio": "line 1\r\nlïne 2\r\n", "e": ""}


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ('form-data; name="a b"', "a b"),
        (r'form-data; name="say \"hi\""', 'say "hi"'),
        (r'form-data; name="back\\slash"', "back\\slash"),
        ("form-data; name=plain", "plain"),
        ('Form-Data ; NAME = "user[name]"', "user[name]"),
        ('form-data; name="ünïcode"', "ünïcode"),
        ('form-data; name="semi;colon"', "semi;colon"),
        ('form-data; name=""', ""),
    ],
)
def test_multipart_field_names_may_be_quoted_escaped_or_plain(disposition: str, name: str) -> None:
    assert parse_body(MULTIPART, PARAMS, multipart(part(disposition, b"v"))) == {name: "v"}


def test_multipart_part_headers_are_case_insensitive() -> None:
    data = b"--b\r\ncontent-disposition: form-data; name=a\r\nCONTENT-TYPE: text/plain; charset=UTF-8\r\n\r\n1\r\n--b--"
    assert parse_body(MULTIPART, {"boundary": "b"}, data) == {"a": "1"}


def test_a_multipart_preamble_and_epilogue_are_ignored() -> None:
    data = multipart(part('form-data; name="a"'), preamble=b"This is a preamble.\r\n", epilogue=b"the end\r\n")
    assert parse_body(MULTIPART, PARAMS, data) == {"a": "v"}


def test_transport_padding_after_a_boundary_is_allowed() -> None:
    data = b"--b \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--"
    assert parse_body(MULTIPART, {"boundary": "b"}, data) == {"a": "1"}


def test_a_multipart_body_with_no_parts_is_empty() -> None:
    assert parse_body(MULTIPART, PARAMS, f"--{BOUNDARY}--\r\n".encode()) == {}


def test_a_boundary_with_a_space_from_a_quoted_parameter_works() -> None:
    kind, params = body_kind("POST", 'multipart/form-data; boundary="a b"')
    assert parse_body(kind or "", params, multipart(part("form-data; name=x"), boundary="a b")) == {"x": "v"}


def test_exactly_max_fields_parts_are_accepted() -> None:
    data = multipart(*(part(f'form-data; name="f{i}"') for i in range(MAX_FIELDS)))
    assert len(parse_body(MULTIPART, PARAMS, data)) == MAX_FIELDS


# -- hostile input ----------------------------------------------------------------------------

GOOD = part('form-data; name="a"', b"1")
HOSTILE = {
    # forms
    "bad UTF-8 in a form": (FORM, {}, b"a=\xff"),
    "percent-encoded bad UTF-8 in a form": (FORM, {}, b"a=%ff%fe"),
    "too many form fields": (FORM, {}, b"&".join([b"a=1"] * (MAX_FIELDS + 1))),
    # JSON
    "truncated JSON": (JSON, {}, b'{"username": "ann", "pass'),
    "JSON with a trailing comma": (JSON, {}, b'{"a": 1,}'),
    "JSON nesting bomb (arrays)": (JSON, {}, b"[" * 100_000 + b"]" * 100_000),
    "JSON nesting bomb (objects)": (JSON, {}, b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    "JSON NaN": (JSON, {}, b'{"a": NaN}'),
    "JSON Infinity": (JSON, {}, b'{"a": -Infinity}'),
    "bad UTF-8 in JSON": (JSON, {}, b'{"a": "\xc3("}'),
    "UTF-16 JSON": (JSON, {}, '{"a": 1}'.encode("utf-16")),
    # multipart: boundary games
    "multipart without a boundary": (MULTIPART, {}, multipart(GOOD)),
    "multipart boundary too long": (MULTIPART, {"boundary": "x" * 71}, multipart(GOOD, boundary="x" * 71)),
    "multipart with another boundary": (MULTIPART, {"boundary": "other"}, multipart(GOOD)),
    "multipart boundary only a prefix": (MULTIPART, {"boundary": BOUNDARY}, multipart(GOOD, boundary=BOUNDARY + "x")),
    "multipart boundary in a part's value": (
        MULTIPART,
        PARAMS,
        multipart(part("form-data; name=a", b"x\r\n--" + BOUNDARY.encode() + b"y")),
    ),
    "multipart preamble without CRLF": (MULTIPART, PARAMS, b"junk" + multipart(GOOD)),
    "multipart boundary hidden in the preamble": (
        MULTIPART,
        PARAMS,
        b"junk--" + BOUNDARY.encode() + b"\r\n" + GOOD + b"\r\n" + multipart(part("form-data; name=b")),
    ),
    # multipart: truncation
    "multipart truncated in a value": (MULTIPART, PARAMS, multipart(GOOD)[: -len(BOUNDARY) - 10]),
    "multipart without closing delimiter": (MULTIPART, PARAMS, f"--{BOUNDARY}\r\n".encode() + GOOD + b"\r\n"),
    "multipart ending at a boundary": (
        MULTIPART,
        PARAMS,
        f"--{BOUNDARY}\r\n".encode() + GOOD + f"\r\n--{BOUNDARY}".encode(),
    ),
    "multipart truncated in headers": (MULTIPART, PARAMS, f"--{BOUNDARY}\r\nContent-Disposition: form-da".encode()),
    "multipart empty body": (MULTIPART, PARAMS, b""),
    "multipart with LF line endings": (MULTIPART, PARAMS, multipart(GOOD).replace(b"\r\n", b"\n")),
    # multipart: parts
    "part without Content-Disposition": (MULTIPART, PARAMS, multipart(b"Content-Type: text/plain\r\n\r\nv")),
    "part without headers": (MULTIPART, PARAMS, multipart(b"\r\nv")),
    "part with attachment disposition": (MULTIPART, PARAMS, multipart(part('attachment; name="a"'))),
    "part without a name": (MULTIPART, PARAMS, multipart(part('form-data; filename="a.txt"'))),
    "part with two names": (MULTIPART, PARAMS, multipart(part('form-data; name="a"; name="b"'))),
    "part with two dispositions": (
        MULTIPART,
        PARAMS,
        multipart(part('form-data; name="a"', b"v", 'Content-Disposition: form-data; name="b"')),
    ),
    "part with an unterminated quote": (MULTIPART, PARAMS, multipart(part('form-data; name="a'))),
    "part with junk after the name": (MULTIPART, PARAMS, multipart(part('form-data; name="a" junk'))),
    "part with a folded header": (MULTIPART, PARAMS, multipart(part("form-data;", b"v", ' name="a"'))),
    "part with a header without colon": (MULTIPART, PARAMS, multipart(part('form-data; name="a"', b"v", "X-Junk"))),
    "part with a bare LF in a header": (MULTIPART, PARAMS, multipart(part('form-data; name="a"\nX-Evil: 1'))),
    "bad UTF-8 in a text field": (MULTIPART, PARAMS, multipart(part('form-data; name="a"', b"\xff\xfe"))),
    "bad UTF-8 in a field name": (
        MULTIPART,
        PARAMS,
        multipart(b'Content-Disposition: form-data; name="\xff"\r\n\r\nv'),
    ),
    "too many multipart parts": (MULTIPART, PARAMS, multipart(*[GOOD] * (MAX_FIELDS + 1))),
    "too many file parts": (MULTIPART, PARAMS, multipart(*[part("form-data; name=f; filename=x")] * (MAX_FIELDS + 1))),
}


@pytest.mark.parametrize(("kind", "params", "data"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_bodies_are_a_400(kind: str, params: dict[str, str], data: bytes) -> None:
    with pytest.raises(BodyError) as caught:
        parse_body(kind, params, data)
    assert caught.value.status == 400
    assert str(caught.value).startswith("Malformed request body (")


@pytest.mark.parametrize(("kind", "params", "data"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_error_messages_never_echo_the_body(kind: str, params: dict[str, str], data: bytes) -> None:
    with pytest.raises(BodyError) as caught:
        parse_body(kind, params, data)
    assert "ann" not in str(caught.value)
    assert BOUNDARY not in str(caught.value)


@pytest.mark.parametrize("kind", [FORM, JSON, MULTIPART])
def test_a_body_over_the_cap_is_a_413_whatever_its_kind(kind: str) -> None:
    with pytest.raises(BodyError) as caught:
        parse_body(kind, PARAMS, b"x" * (MAX_BODY_BYTES + 1))
    assert caught.value.status == 413


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "klingon"])
@pytest.mark.parametrize("kind", [FORM, JSON, MULTIPART])
def test_a_charset_other_than_utf_8_is_a_415(kind: str, charset: str) -> None:
    with pytest.raises(BodyError) as caught:
        parse_body(kind, {**PARAMS, "charset": charset}, multipart(GOOD) if kind == MULTIPART else b"")
    assert caught.value.status == 415


def test_a_multipart_text_field_in_another_charset_is_a_415() -> None:
    data = multipart(part('form-data; name="a"', b"\xe4", "Content-Type: text/plain; charset=iso-8859-1"))
    with pytest.raises(BodyError) as caught:
        parse_body(MULTIPART, PARAMS, data)
    assert caught.value.status == 415


@pytest.mark.parametrize("charset", ["utf-8", "UTF8", "us-ascii", "ascii"])
def test_utf_8_and_ascii_charsets_are_accepted(charset: str) -> None:
    assert parse_body(FORM, {"charset": charset}, b"a=1") == {"a": "1"}


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("bad UTF-8 in a form", "invalid UTF-8"),
        ("too many form fields", "too many fields"),
        ("truncated JSON", "invalid JSON"),
        ("JSON nesting bomb (arrays)", "JSON nested too deeply"),
        ("multipart without a boundary", "multipart without a boundary"),
        ("multipart with another boundary", "multipart boundary not found"),
        ("multipart without closing delimiter", "no closing multipart delimiter"),
        ("part without a name", "multipart part without a name"),
        ("too many multipart parts", "too many fields"),
    ],
)
def test_the_message_names_the_problem(case: str, reason: str) -> None:
    with pytest.raises(BodyError, match=f"^Malformed request body \\({reason}\\)$"):
        parse_body(*HOSTILE[case])
