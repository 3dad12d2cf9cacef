"""iri_to_uri: redirect targets and URLs become ASCII URIs, the same way on every adapter."""

from __future__ import annotations

import pytest

from passport.core.adapters import iri_to_uri

CASES = [
    ("/protected/кл", "/protected/%D0%BA%D0%BB"),
    ("/a b", "/a%20b"),
    ("/a%20b", "/a%20b"),
    ("/protected/%D0%BA%D0%BB", "/protected/%D0%BA%D0%BB"),
    ("/%d0%ba", "/%d0%ba"),  # lower-case escapes are kept as they are
    ("/login?next=/x&y=ä", "/login?next=/x&y=%C3%A4"),
    ("?next=%2Fhome", "?next=%2Fhome"),
    ("/search?q=a+b&q=c%20d", "/search?q=a+b&q=c%20d"),
    ("/page#section ä", "/page#section%20%C3%A4"),
    ("/page#a#b", "/page#a#b"),
    ("http://bücher.example/ä", "http://xn--bcher-kva.example/%C3%A4"),
    ("https://ann:pä@bücher.example:8443/x?q=ü", "https://ann:p%C3%A4@xn--bcher-kva.example:8443/x?q=%C3%BC"),
    ("//bücher.example/x", "//xn--bcher-kva.example/x"),
    ("https://app.example/callback?code=abc&state=xyz", "https://app.example/callback?code=abc&state=xyz"),
    ("http://[::1]:8080/ä", "http://[::1]:8080/%C3%A4"),
    ("/100%", "/100%25"),
    ("/%zz", "/%25zz"),
    ("/%4", "/%254"),
    ("/%", "/%25"),
    ("/a\r\nSet-Cookie: x=1", "/a%0D%0ASet-Cookie:%20x=1"),
    ("/tab\there\x00\x7f", "/tab%09here%00%7F"),
    ('/"<>\\^`{|}', "/%22%3C%3E%5C%5E%60%7B%7C%7D"),
    ("/reserved:@!$&'()*+,;=[]?/#", "/reserved:@!$&'()*+,;=[]?/#"),
    ("/unreserved-._~AZaz09", "/unreserved-._~AZaz09"),
    ("/emoji/\U0001f642", "/emoji/%F0%9F%99%82"),
    ("/rtl\u202eoverride", "/rtl%E2%80%AEoverride"),
    ("", ""),
]


@pytest.mark.parametrize(("iri", "uri"), CASES)
def test_an_iri_becomes_an_ascii_uri(iri: str, uri: str) -> None:
    assert iri_to_uri(iri) == uri


@pytest.mark.parametrize("iri", [iri for iri, _ in CASES])
def test_iri_to_uri_is_idempotent(iri: str) -> None:
    once = iri_to_uri(iri)
    assert iri_to_uri(once) == once


@pytest.mark.parametrize("iri", [iri for iri, _ in CASES])
def test_the_result_never_holds_a_space_a_line_break_or_non_ascii(iri: str) -> None:
    uri = iri_to_uri(iri)
    assert uri.isascii()
    assert not {" ", "\r", "\n", "\t"} & set(uri)


def test_an_ascii_host_is_left_alone() -> None:
    assert iri_to_uri("http://App.Example:80/x") == "http://App.Example:80/x"


def test_only_the_authority_is_idna_encoded() -> None:
    assert iri_to_uri("/redirect?to=http://bücher.example/") == "/redirect?to=http://b%C3%BCcher.example/"


@pytest.mark.parametrize("iri", ["http://bücher..example/", "http://" + "ä" * 70 + ".example/"])
def test_a_host_that_cannot_be_idna_encoded_is_a_value_error(iri: str) -> None:
    with pytest.raises(ValueError, match="IDNA"):
        iri_to_uri(iri)


def test_a_lone_surrogate_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        iri_to_uri("/\ud800")
