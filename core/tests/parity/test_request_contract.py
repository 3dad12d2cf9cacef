"""The request strategies read (DESIGN §3 Request) means the same on every app.

The echo strategy succeeds with what it read, and the view answers it as ``auth_info``.
"""

import pytest
from parity._support import ANN


def echo(client, url, method="GET", **kwargs):
    response = client.request(method, url, **kwargs)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["user"] == ANN
    return answer["auth_info"]


def test_path_is_percent_decoded_and_url_stays_encoded(client):
    seen = echo(client, "/echo/a%20b?x=1&x=2")
    assert seen["path"] == "/echo/a b"
    assert seen["url"] == "http://testserver/echo/a%20b?x=1&x=2"
    assert seen["query"] == {"x": ["1", "2"]}


def test_a_non_ascii_path_is_decoded_as_utf_8_and_the_url_keeps_its_escapes(client):
    seen = echo(client, "/echo/%D0%BA%D0%BB")
    assert (seen["path"], seen["url"]) == ("/echo/кл", "http://testserver/echo/%D0%BA%D0%BB")


def test_a_url_without_a_query_has_no_question_mark(client):
    assert echo(client, "/echo/plain")["url"] == "http://testserver/echo/plain"


def test_the_query_is_decoded_like_a_form(client):
    seen = echo(client, "/echo/q?a=x+y&b=%D0%BA&c=&d=1&d=2&d=3")
    assert seen["query"] == {"a": "x y", "b": "к", "c": "", "d": ["1", "2", "3"]}
    assert seen["url"] == "http://testserver/echo/q?a=x+y&b=%D0%BA&c=&d=1&d=2&d=3"


def test_the_method_is_upper_case(client):
    assert echo(client, "/echo/m", "DELETE")["method"] == "DELETE"


def test_a_get_has_an_empty_body_and_raw_body(client):
    seen = echo(client, "/echo/get")
    assert (seen["body"], seen["raw_body"]) == ({}, "")


def test_a_json_post_keeps_the_exact_bytes_in_raw_body(client):
    sent = b'{ "a": [1, 2],\n  "b": "\xc3\xa9", "c": {"d": null} }'
    seen = echo(client, "/echo/json", "POST", content=sent, headers={"Content-Type": "application/json"})
    assert seen["raw_body"].encode("latin-1") == sent
    assert seen["body"] == {"a": [1, 2], "b": "é", "c": {"d": None}}


def test_a_form_post_keeps_the_exact_bytes_in_raw_body(client):
    sent = b"a=1&a=2&b=%C3%A9+x"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    seen = echo(client, "/echo/form", "POST", content=sent, headers=headers)
    assert seen["raw_body"].encode("latin-1") == sent
    assert seen["body"] == {"a": ["1", "2"], "b": "é x"}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_every_body_method_has_its_json_body_read(client, method):
    seen = echo(client, "/echo/update", method, content=b'{"k": "v"}', headers={"Content-Type": "application/json"})
    assert (seen["method"], seen["body"], seen["raw_body"]) == (method, {"k": "v"}, '{"k": "v"}')


def test_headers_are_case_insensitive(client):
    seen = echo(client, "/echo/h", headers={"x-ECHO": "hello"})
    assert seen["headers"] == {"get lower": "hello", "get upper": "hello", "contains": True, "item mixed": "hello"}


def test_a_missing_header_is_absent(client):
    seen = echo(client, "/echo/h")
    assert seen["headers"] == {"get lower": None, "get upper": None, "contains": False, "item mixed": None}


def test_cookies_are_read(client):
    assert echo(client, "/echo/c", headers={"Cookie": "flavour=oat; other=1"})["cookie"] == "oat"


def test_strategy_specific_route_options_reach_the_strategy(client):
    assert echo(client, "/echo/o")["tag"] == "parity"


def test_client_address_is_the_peer_the_server_saw_never_a_forwarded_header(client):
    seen = echo(client, "/echo/peer", headers={"X-Forwarded-For": "203.0.113.9"})
    assert isinstance(seen["client_address"], str) and seen["client_address"]
    assert seen["client_address"] != "203.0.113.9"
