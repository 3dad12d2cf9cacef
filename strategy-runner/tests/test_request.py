"""make_request / TestRequest: the fields strategies read, and what passport did to the request."""

from __future__ import annotations

import pytest

from passport.core import Passport
from passport.core import Request
from passport.core import Strategy
from passport.core.adapters import MAX_BODY_BYTES
from passport.core.adapters import BodyError
from passport.strategy_runner import TestRequest
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy


def test_a_bare_request_is_a_get_of_slash_on_testserver():
    request = make_request()
    assert request.method == "GET"
    assert request.url == "http://testserver/"
    assert request.path == "/"
    assert dict(request.headers) == {}
    assert request.query == {}
    assert request.body == {}
    assert request.cookies == {}
    assert request.session == {}
    assert request.user is None
    assert request.auth_info is None


def test_it_satisfies_the_request_protocol():
    assert isinstance(make_request(), Request)


def test_path_and_query_are_derived_from_an_absolute_url():
    request = make_request(url="https://app.example/auth/callback?code=abc&state=xyz&scope=a&scope=b")
    assert request.path == "/auth/callback"
    assert request.query == {"code": "abc", "state": "xyz", "scope": ["a", "b"]}


def test_a_relative_url_is_made_absolute_as_adapters_do():
    request = make_request(url="/login?next=%2Fhome")
    assert request.url == "http://testserver/login?next=%2Fhome"
    assert request.path == "/login"
    assert request.query == {"next": "/home"}


def test_a_path_alone_builds_the_url():
    request = make_request(path="/admin")
    assert request.url == "http://testserver/admin"
    assert request.path == "/admin"


def test_an_explicit_path_and_query_win_over_the_url():
    request = make_request(url="http://testserver/a?x=1", path="/b", query={"y": "2"})
    assert (request.path, request.query) == ("/b", {"y": "2"})


def test_blank_query_values_are_kept():
    assert make_request(url="/cb?code=&state=s").query == {"code": "", "state": "s"}


def test_the_method_is_upper_cased():
    assert make_request(method="post").method == "POST"


def test_headers_are_case_insensitive_and_repeated_ones_joined():
    request = make_request(headers=[("X-API-Key", "k1"), ("x-api-key", "k2"), ("Accept", "text/html")])
    assert request.headers["X-Api-Key"] == "k1, k2"
    assert request.headers.get("ACCEPT") == "text/html"
    assert request.headers.get("Authorization") is None


def test_header_values_stay_out_of_the_repr():
    request = make_request(headers={"Authorization": "Bearer s3cr3t-token"})
    assert "s3cr3t" not in repr(request.headers)
    assert repr(request) == "<TestRequest GET />"


def test_session_none_means_no_session_support():
    assert make_request(session=None).session is None


def test_the_given_session_mapping_is_used_as_is():
    session = {"returnTo": "/next"}
    assert make_request(session=session).session is session


def test_other_keywords_become_attributes():
    request = make_request(remote_addr="203.0.113.7")
    assert request.remote_addr == "203.0.113.7"


def test_flash_records_category_and_message_in_order():
    request = make_request()
    request.flash("Welcome!", "success")
    request.flash("plain")
    assert request.flashes == [("success", "Welcome!"), ("message", "plain")]


def test_regenerate_session_swaps_in_a_fresh_session_and_counts():
    request = make_request(session={"csrf": "x"})
    old = request.session
    request.regenerate_session()
    assert request.session == {}
    assert request.session is not old
    assert request.session_regenerations == 1
    assert request.previous_sessions == [{"csrf": "x"}]


def test_a_guard_login_is_visible_on_the_made_request():
    class Ann(Strategy):
        name = "ann"

        def authenticate(self, request, options):
            self.success({"id": "ann"}, {"message": "Welcome back"})

    passport = Passport().use(Ann())
    passport.serializer(lambda user: user["id"])
    request = make_request(session={"returnTo": "/next"})
    response = passport.authenticate("ann", success_flash=True, success_return_to_or_redirect="/").run(request)
    assert response is not None and response.header("Location") == "/next"
    assert request.user == {"id": "ann"}
    assert request.session_regenerations == 1
    assert request.session["passport"]["user"] == "ann"
    assert type(request.session["passport"]["auth_time"]) is int  # a fresh login records its time
    assert request.flashes == [("success", "Welcome back")]


def test_test_request_is_not_collected_by_pytest():
    assert TestRequest.__test__ is False


def test_the_made_request_has_no_unknown_keyword_check_but_dicts_do():
    # make_request takes any keyword (an adapter's extra attribute); run_strategy's dict form
    # is strict so that a typo such as "bodyy" cannot silently produce an empty body.
    assert make_request(bodyy={}).bodyy == {}
    with pytest.raises(TypeError, match="make_request"):
        from passport.strategy_runner._request import coerce_request

        coerce_request({"bodyy": {}})


# -- path and url: the same contract as the adapters ----------------------------------------


def test_an_encoded_path_in_the_url_is_decoded_in_path():
    request = make_request(url="/a%20b")
    assert request.path == "/a b"
    assert request.url == "http://testserver/a%20b"


def test_a_url_given_raw_is_percent_encoded_and_its_path_decoded():
    request = make_request(url="/кл/a b?next=/x&y=ä")
    assert request.url == "http://testserver/%D0%BA%D0%BB/a%20b?next=/x&y=%C3%A4"
    assert request.path == "/кл/a b"
    assert request.query == {"next": "/x", "y": "ä"}


def test_an_absolute_url_keeps_its_host_and_an_idn_host_is_encoded():
    assert make_request(url="https://app.example/a b").url == "https://app.example/a%20b"
    assert make_request(url="http://bücher.example/").url == "http://xn--bcher-kva.example/"


def test_invalid_utf_8_in_an_encoded_path_is_replaced():
    assert make_request(url="/%FF%FEx").path == "/\ufffd\ufffdx"


def test_an_encoded_slash_is_decoded_as_wsgi_does():
    assert make_request(url="/a%2Fb").path == "/a/b"


def test_an_explicit_path_is_taken_as_given_and_the_url_built_from_it_is_encoded():
    request = make_request(path="/a b")
    assert request.path == "/a b"
    assert request.url == "http://testserver/a%20b"
    assert make_request(path="/a%20b").path == "/a%20b"


def test_a_lone_percent_in_the_url_is_encoded():
    request = make_request(url="/100%?q=%zz")
    assert request.url == "http://testserver/100%25?q=%25zz"
    assert request.path == "/100%"
    assert request.query == {"q": "%zz"}


@pytest.mark.parametrize("url", ["/a b", "/кл", "/x\r\nSet-Cookie: a=1", "/%", "http://testserver/?q=a b#f g"])
def test_the_url_never_holds_a_space_a_line_break_or_non_ascii(url):
    made = make_request(url=url).url
    assert made.isascii() and not {" ", "\r", "\n"} & set(made)


# -- raw_body --------------------------------------------------------------------------------

FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}
JSON_TYPE = {"Content-Type": "application/json"}


def test_without_raw_body_it_is_empty_bytes_even_when_a_body_is_given():
    assert make_request().raw_body == b""
    assert make_request(method="POST", headers=JSON_TYPE, body={"a": 1}).raw_body == b""


def test_a_form_body_is_derived_from_raw_body():
    request = make_request(method="POST", headers=FORM_TYPE, raw_body=b"username=ann&scope=a&scope=b&x=%C3%A4")
    assert request.body == {"username": "ann", "scope": ["a", "b"], "x": "ä"}


def test_a_json_body_is_derived_from_raw_body():
    request = make_request(method="PUT", headers=JSON_TYPE, raw_body=b'{"user": {"name": "ann"}, "n": 1}')
    assert request.body == {"user": {"name": "ann"}, "n": 1}


def test_a_multipart_body_is_derived_from_raw_body_without_its_files():
    raw = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="username"\r\n\r\nann\r\n'
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="avatar"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNG\xff\r\n"
        b"--XyZ--\r\n"
    )
    request = make_request(method="POST", headers={"Content-Type": "multipart/form-data; boundary=XyZ"}, raw_body=raw)
    assert request.body == {"username": "ann"}
    assert request.raw_body == raw


def test_raw_body_is_kept_byte_for_byte():
    raw = b'{ "amount" : 10.50,\n  "id":"evt_1" }\r\n'
    request = make_request(method="POST", headers={"Content-Type": "application/json; charset=utf-8"}, raw_body=raw)
    assert request.raw_body == raw
    assert request.body == {"amount": 10.5, "id": "evt_1"}


def test_a_str_raw_body_is_encoded_as_utf_8():
    request = make_request(method="POST", headers=FORM_TYPE, raw_body="name=änn")
    assert request.raw_body == "name=änn".encode()
    assert request.body == {"name": "änn"}


def test_raw_body_of_another_type_or_method_gives_an_empty_body_and_keeps_the_bytes():
    webhook = make_request(method="POST", headers={"Content-Type": "text/plain"}, raw_body=b"ping")
    assert (webhook.body, webhook.raw_body) == ({}, b"ping")
    assert make_request(method="GET", headers=JSON_TYPE, raw_body=b'{"a": 1}').body == {}


def test_body_and_raw_body_given_together_are_taken_as_given():
    request = make_request(method="POST", headers=JSON_TYPE, body={"a": "x"}, raw_body=b"not json")
    assert (request.body, request.raw_body) == ({"a": "x"}, b"not json")


def test_the_dict_form_accepts_raw_body():
    from passport.strategy_runner._request import coerce_request

    request = coerce_request({"method": "POST", "headers": JSON_TYPE, "raw_body": b'{"a": 1}'})
    assert (request.body, request.raw_body) == ({"a": 1}, b'{"a": 1}')


@pytest.mark.parametrize(
    ("headers", "raw", "status"),
    [
        (JSON_TYPE, b'{"a": ', 400),
        (FORM_TYPE, b"a=\xff", 400),
        ({"Content-Type": "multipart/form-data; boundary=b"}, b"--b\r\nbroken", 400),
        ({"Content-Type": "multipart/form-data"}, b"", 400),
        ({"Content-Type": "application/json; charset=latin-1"}, b"{}", 415),
    ],
)
def test_a_raw_body_an_adapter_would_refuse_is_refused_when_the_request_is_built(headers, raw, status):
    with pytest.raises(BodyError) as caught:
        make_request(method="POST", headers=headers, raw_body=raw)
    assert caught.value.status == status
    assert str(caught.value).startswith("raw_body: ")
    assert f"an adapter answers {status} before any strategy runs" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_raw_body_over_the_cap_is_a_413_as_on_an_adapter():
    with pytest.raises(BodyError) as caught:
        make_request(method="POST", headers={"Content-Type": "text/plain"}, raw_body=b"x" * (MAX_BODY_BYTES + 1))
    assert caught.value.status == 413
    assert make_request(method="POST", raw_body=b"x" * MAX_BODY_BYTES).raw_body == b"x" * MAX_BODY_BYTES


def test_a_raw_body_that_is_neither_bytes_nor_str_is_a_type_error():
    with pytest.raises(TypeError, match="raw_body"):
        make_request(raw_body={"a": 1})


def test_a_signature_strategy_can_check_the_exact_bytes():
    import hashlib
    import hmac

    key = b"whsec"

    class Webhook(Strategy):
        name = "webhook"

        def authenticate(self, request, options):
            expected = hmac.new(key, request.raw_body, hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
                return self.success({"event": request.body["id"]})
            self.fail(400)

    raw = b'{"id": "evt_1"}'
    signature = hmac.new(key, raw, hashlib.sha256).hexdigest()
    headers = {**JSON_TYPE, "X-Signature": signature}
    assert run_strategy(Webhook(), request={"method": "POST", "headers": headers, "raw_body": raw}).user == {
        "event": "evt_1"
    }
    tampered = {"method": "POST", "headers": headers, "raw_body": raw.replace(b"1", b"2")}
    assert run_strategy(Webhook(), request=tampered).status == 400
