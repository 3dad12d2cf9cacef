"""Extractors: where the token is read from, in order; the query only when asked."""

from __future__ import annotations

from typing import Any

import pytest
from jwt_helpers import SECRET
from jwt_helpers import token
from jwt_helpers import verify

from passport.strategies.jwt import JWTStrategy
from passport.strategies.jwt import bearer_header
from passport.strategies.jwt import body_field
from passport.strategies.jwt import cookie
from passport.strategies.jwt import header
from passport.strategies.jwt import query_param
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

MALFORMED = 'Bearer realm="Users", error="invalid_token", error_description="The token is malformed"'


def strategy(extract: Any = None) -> JWTStrategy:
    return JWTStrategy(verify, key=SECRET, algorithms=["HS256"], audience="https://api.test/", extract=extract)


@pytest.mark.parametrize(
    ("extract", "request_of"),
    [
        (bearer_header(), lambda t: {"headers": {"Authorization": f"Bearer {t}"}}),
        (bearer_header(), lambda t: {"headers": {"Authorization": f"bEaReR {t}"}}),
        (header("X-Token"), lambda t: {"headers": {"x-token": t}}),
        (header("Authorization", scheme="JWT"), lambda t: {"headers": {"Authorization": f"JWT {t}"}}),
        (cookie("access_token"), lambda t: {"cookies": {"access_token": t}}),
        (body_field("token"), lambda t: {"method": "POST", "body": {"token": t}}),
        (query_param("token"), lambda t: {"query": {"token": t}}),
    ],
)
def test_each_extractor_finds_its_token(extract: Any, request_of: Any) -> None:
    result = run_strategy(strategy(extract), request=request_of(token()))
    assert (result.action, result.user) == ("success", {"id": "ann"})


def test_the_default_reads_only_the_bearer_header() -> None:
    value = token()
    for request in ({"query": {"access_token": value}}, {"cookies": {"jwt": value}}, {"body": {"token": value}}):
        assert run_strategy(strategy(), request=request).challenge == 'Bearer realm="Users"'


def test_the_query_is_never_read_unless_asked() -> None:
    result = run_strategy(strategy([cookie("jwt"), bearer_header()]), request={"query": {"jwt": token()}})
    assert result.challenge == 'Bearer realm="Users"'


def test_extractors_are_tried_in_order_and_the_first_found_wins() -> None:
    both = {"cookies": {"jwt": "garbage"}, "headers": {"Authorization": f"Bearer {token()}"}}
    assert run_strategy(strategy([bearer_header(), cookie("jwt")]), request=both).action == "success"
    assert run_strategy(strategy([cookie("jwt"), bearer_header()]), request=both).challenge == MALFORMED
    only_header = {"headers": {"Authorization": f"Bearer {token()}"}}
    assert run_strategy(strategy([cookie("jwt"), bearer_header()]), request=only_header).action == "success"


def test_a_header_without_the_configured_scheme_is_no_token() -> None:
    result = run_strategy(
        strategy(header("Authorization", scheme="JWT")), request={"headers": {"Authorization": "Bearer x"}}
    )
    assert result.challenge == 'Bearer realm="Users"'


@pytest.mark.parametrize("empty", [{"cookies": {"jwt": ""}}, {"body": {"token": ""}}, {"query": {"t": ""}}])
def test_an_empty_value_counts_as_no_token(empty: dict[str, Any]) -> None:
    extract = [cookie("jwt"), body_field("token"), query_param("t")]
    assert run_strategy(strategy(extract), request=empty).challenge == 'Bearer realm="Users"'


@pytest.mark.parametrize(
    "request_",
    [{"query": {"t": ["a", "b"]}}, {"body": {"token": 12}}, {"body": {"token": {"nested": "x"}}}],
    ids=["repeated query", "json number", "json object"],
)
def test_a_value_that_is_not_one_string_is_malformed(request_: dict[str, Any]) -> None:
    extract = [body_field("token"), query_param("t")]
    assert run_strategy(strategy(extract), request=request_).challenge == MALFORMED


def test_a_custom_callable_is_an_extractor() -> None:
    def from_x_auth(request: Any) -> str | None:
        value = request.headers.get("x-auth")
        return value.removeprefix("token=") if value else None

    result = run_strategy(strategy(from_x_auth), request={"headers": {"X-Auth": f"token={token()}"}})
    assert result.action == "success"


def test_has_credentials_follows_the_extractors() -> None:
    s = strategy([cookie("jwt")])
    assert s.has_credentials(make_request(cookies={"jwt": "x"}))
    assert not s.has_credentials(make_request(headers={"Authorization": "Bearer x"}))


def test_a_broken_custom_extractor_makes_has_credentials_false_not_an_exception() -> None:
    def broken(request: Any) -> str:
        raise RuntimeError("bug")

    assert strategy(broken).has_credentials(make_request()) is False


@pytest.mark.parametrize("bad", ["", "a\nb", None, 3])
def test_extractor_names_must_be_printable_ascii(bad: Any) -> None:
    for make in (cookie, body_field, query_param, header):
        with pytest.raises(TypeError):
            make(bad)


def test_extractors_have_readable_reprs() -> None:
    assert repr([bearer_header(), header("X-T", scheme="JWT"), cookie("c"), body_field("b"), query_param("q")]) == (
        "[bearer_header(), header('X-T', scheme='JWT'), cookie('c'), body_field('b'), query_param('q')]"
    )


@pytest.mark.parametrize(
    ("extract", "scheme"),
    [
        (None, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
        ([body_field("t"), bearer_header()], {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
        (cookie("jwt"), {"type": "apiKey", "in": "cookie", "name": "jwt"}),
        (header("X-Token"), {"type": "apiKey", "in": "header", "name": "X-Token"}),
        (header("Authorization", scheme="JWT"), {"type": "http", "scheme": "JWT"}),
        (header("Authorization", scheme="Bearer"), {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
        (query_param("t"), {"type": "apiKey", "in": "query", "name": "t"}),
        (body_field("t"), None),
    ],
)
def test_openapi_scheme_describes_the_first_describable_extractor(extract: Any, scheme: Any) -> None:
    assert strategy(extract).openapi_scheme == scheme


def test_openapi_scheme_is_a_fresh_copy() -> None:
    s = strategy()
    s.openapi_scheme["scheme"] = "basic"  # type: ignore[index]
    assert s.openapi_scheme == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
