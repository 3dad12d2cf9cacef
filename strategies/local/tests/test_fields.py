"""Field lookup: plain names, bracket paths, list indices, and the body-then-query fallback."""

from __future__ import annotations

from typing import Any

import pytest

from passport.strategies.local import LocalStrategy
from passport.strategies.local._fields import AMBIGUOUS
from passport.strategies.local._fields import MISSING
from passport.strategies.local._fields import lookup
from passport.strategies.local._fields import parse_field
from passport.strategy_runner import run_strategy


def echo(username: Any, password: Any) -> Any:
    return {"username": username, "password_length": len(password)}


def login(strategy: LocalStrategy, body: Any = None, url: str = "/login") -> Any:
    return run_strategy(strategy, {"method": "POST", "url": url, "body": body})


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("username", ("username",)),
        ("user[name]", ("user", "name")),
        ("a[b][c]", ("a", "b", "c")),
        ("emails[0][address]", ("emails", "0", "address")),
        ("emails[]0[]address", ("emails", "0", "address")),
        ("user.name", ("user.name",)),
    ],
)
def test_field_names_split_as_passport_local_splits_them(name: str, path: tuple[str, ...]) -> None:
    assert parse_field(name) == path


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("user[name]", {"user": {"name": "ann"}}),
        ("user[name]", {"user[name]": "ann"}),
        ("a[b][c]", {"a": {"b": {"c": "ann"}}}),
        ("emails[0][address]", {"emails": [{"address": "ann"}]}),
        ("emails[]0[]address", {"emails": [{"address": "ann"}]}),
        ("emails[1][address]", {"emails": [{"address": "bob"}, {"address": "ann"}]}),
        ("emails[0][address]", {"emails": {"0": {"address": "ann"}}}),
        ("names[0]", {"names": ["ann"]}),
        ("user.name", {"user.name": "ann"}),
    ],
)
def test_bracket_paths_find_the_username(field: str, body: dict[str, Any]) -> None:
    result = login(LocalStrategy(echo, username_field=field), {**body, "password": "pw"})
    assert result.action == "success"
    assert result.user["username"] == "ann"


@pytest.mark.parametrize(
    ("field", "body"),
    [
        pytest.param("user[name]", {"user": "ann"}, id="primitive before the path ends (Passport returns it)"),
        pytest.param("user[name]", {"user": None}, id="null before the path ends (Passport throws)"),
        pytest.param("user[name]", {"user": ["ann"]}, id="list where a mapping is needed"),
        pytest.param("user[name]", {"user": {"name": {"first": "ann"}}}, id="object at the end"),
        pytest.param("user[name]", {"user": {"name": "ann"}, "user[name]": "ann"}, id="nested and flat: ambiguous"),
        pytest.param("emails[1][address]", {"emails": [{"address": "ann"}]}, id="index out of range"),
        pytest.param("emails[01][address]", {"emails": [{"address": "ann"}]}, id="non-canonical index"),
        pytest.param("emails[-1][address]", {"emails": [{"address": "ann"}]}, id="negative index"),
        pytest.param("emails[x][address]", {"emails": [{"address": "ann"}]}, id="non-numeric index"),
        pytest.param("emails[٠][address]", {"emails": [{"address": "ann"}]}, id="non-ASCII digit"),
        pytest.param("emails[99999999999999][a]", {"emails": [{"a": "ann"}]}, id="huge index"),
        pytest.param("user.name", {"user": {"name": "ann"}}, id="dots are not separators"),
        pytest.param("user[name]", {"user": "ann", "name": "ann"}, id="no partial match"),
    ],
)
def test_anything_but_the_nested_value_or_the_literal_key_is_missing(field: str, body: dict[str, Any]) -> None:
    result = login(LocalStrategy(echo, username_field=field), {**body, "password": "pw"})
    assert (result.action, result.status, result.message) == ("fail", 400, "Missing credentials")


@pytest.mark.parametrize("body", [["username", "password"], "username=ann&password=pw", None, 42])
def test_a_body_that_is_not_a_mapping_holds_no_credentials(body: Any) -> None:
    result = login(LocalStrategy(echo), body)
    assert (result.action, result.status) == ("fail", 400)


def test_lookup_reports_missing_and_ambiguous_fields() -> None:
    assert lookup({}, "user[name]", ("user", "name")) is MISSING
    assert lookup({"user": {"name": "a"}, "user[name]": "b"}, "user[name]", ("user", "name")) is AMBIGUOUS
    assert lookup({"user[name]": None}, "user[name]", ("user", "name")) is None
    assert repr(MISSING) == "MISSING"


# -- allow_query: body first, then query, field by field ---------------------------------------


def test_with_allow_query_the_username_may_come_from_the_body_and_the_password_from_the_query() -> None:
    result = login(LocalStrategy(echo, allow_query=True), {"username": "ann"}, url="/login?password=pw")
    assert result.action == "success"
    assert result.user == {"username": "ann", "password_length": 2}


def test_with_allow_query_the_body_wins_over_the_query() -> None:
    body = {"username": "ann", "password": "pw"}
    result = login(LocalStrategy(echo, allow_query=True), body, url="/login?username=bob&password=longer")
    assert result.user == {"username": "ann", "password_length": 2}


@pytest.mark.parametrize("empty", ["", None])
def test_with_allow_query_an_empty_body_field_falls_back_to_the_query(empty: Any) -> None:
    body = {"username": empty, "password": "pw"}
    result = login(LocalStrategy(echo, allow_query=True), body, url="/login?username=ann")
    assert result.user == {"username": "ann", "password_length": 2}


def test_with_allow_query_a_malformed_body_field_does_not_fall_back_to_the_query() -> None:
    body = {"username": ["ann", "bob"], "password": "pw"}
    result = login(LocalStrategy(echo, allow_query=True), body, url="/login?username=ann")
    assert (result.action, result.status) == ("fail", 400)


def test_with_allow_query_a_repeated_query_field_is_refused() -> None:
    result = login(LocalStrategy(echo, allow_query=True), {}, url="/login?username=ann&username=bob&password=pw")
    assert (result.action, result.status, result.message) == ("fail", 400, "Missing credentials")


def test_with_allow_query_bracket_fields_read_the_flat_query_key() -> None:
    strategy = LocalStrategy(echo, allow_query=True, username_field="user[name]")
    result = login(strategy, {}, url="/login?user%5Bname%5D=ann&password=pw")
    assert result.user == {"username": "ann", "password_length": 2}


def test_without_allow_query_a_get_with_query_credentials_never_authenticates() -> None:
    result = run_strategy(LocalStrategy(echo), {"method": "GET", "url": "/login?username=ann&password=pw"})
    assert (result.action, result.status) == ("fail", 400)
