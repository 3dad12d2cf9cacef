"""make_request / TestRequest: the fields strategies read, and what passport did to the request."""

from __future__ import annotations

import pytest

from passport.core import Passport
from passport.core import Request
from passport.core import Strategy
from passport.strategy_runner import TestRequest
from passport.strategy_runner import make_request


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
    assert request.session["passport"] == {"user": "ann"}
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
