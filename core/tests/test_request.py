"""The request helpers adapters build requests with: Headers and fields_from_pairs."""

from __future__ import annotations

import pytest

from passport.core.adapters import Headers
from passport.core.adapters import fields_from_pairs


def test_headers_are_case_insensitive():
    headers = Headers({"Authorization": "Bearer t"})
    assert headers["authorization"] == headers["AUTHORIZATION"] == "Bearer t"
    assert headers.get("AuThOrIzAtIoN") == "Bearer t"
    assert "authorization" in headers
    assert 42 not in headers


def test_a_repeated_header_is_joined_with_comma_space():
    headers = Headers([("Accept", "text/html"), ("accept", "application/json")])
    assert headers["Accept"] == "text/html, application/json"
    assert len(headers) == 1
    assert list(headers) == ["accept"]


def test_a_missing_header_is_a_key_error_or_the_default():
    headers = Headers()
    with pytest.raises(KeyError):
        headers["X-Missing"]
    assert headers.get("X-Missing") is None
    assert headers.get("X-Missing", "d") == "d"


def test_headers_repr_shows_names_but_never_values():
    headers = Headers({"Authorization": "Bearer s3cret", "X-API-Key": "k3y"})
    text = repr(headers)
    assert "authorization" in text and "x-api-key" in text
    assert "s3cret" not in text and "k3y" not in text


def test_headers_are_immutable():
    headers = Headers({"A": "1"})
    with pytest.raises(TypeError):
        headers["A"] = "2"  # type: ignore[index]


def test_fields_from_pairs_keeps_one_value_as_str_and_repeats_as_a_list():
    assert fields_from_pairs([("a", "1"), ("b", "2"), ("a", "3"), ("a", "4")]) == {"a": ["1", "3", "4"], "b": "2"}
    assert fields_from_pairs([]) == {}
