"""Challenge quoting: one well-formed header line whatever the realm or description holds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from passport.strategies.apikey import BearerStrategy
from passport.strategies.apikey._challenge import clean_description
from passport.strategies.apikey._challenge import quote
from passport.strategy_runner import run_strategy

TOKEN = "abc.DEF-123_~+/="

# RFC 9110 quoted-string: qdtext is any visible character but " and \, or a backslash pair.
QUOTED = r'"(?:[\t !#-\[\]-~]|\\[\t -~])*"'
CHALLENGE = re.compile(
    rf'Bearer realm={QUOTED}(, scope={QUOTED})?(, error="(?P<error>[a-z_]+)")?(, error_description={QUOTED})?'
)


def rejected_with(message: Any, **options: Any) -> str:
    strategy = BearerStrategy(lambda t: (None, message), **options)
    result = run_strategy(strategy, {"headers": {"Authorization": f"Bearer {TOKEN}"}})
    assert result.action == "fail"
    challenge: str = result.challenge
    return challenge


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("Users", '"Users"'), ('say "hi"', r'"say \"hi\""'), ("back\\slash", r'"back\\slash"'), ("", '""')],
)
def test_quote_escapes_quotes_and_backslashes(value: str, quoted: str) -> None:
    assert quote(value) == quoted


def test_a_realm_with_quotes_and_backslashes_is_escaped() -> None:
    strategy = BearerStrategy(lambda t: None, realm='my "realm" \\ x')
    challenge = run_strategy(strategy).challenge
    assert challenge == r'Bearer realm="my \"realm\" \\ x"'
    assert CHALLENGE.fullmatch(challenge)


def test_a_description_with_quotes_and_backslashes_is_escaped() -> None:
    challenge = rejected_with('token "x" is \\ bad')
    assert challenge.endswith(r'error_description="token \"x\" is \\ bad"')
    assert CHALLENGE.fullmatch(challenge)


@pytest.mark.parametrize(
    "message",
    [
        "expired\r\nSet-Cookie: session=evil",
        "expired\nX-Injected: 1",
        "nul\x00byte",
        "bell\x07 and del\x7f",
        "tab\there",
        "expiré — срок истёк",
        "lone \ud800 surrogate",
        "undecodable \udcff byte",
        '"; error="insufficient_scope',
    ],
)
def test_a_hostile_description_still_yields_one_well_formed_header_line(message: str) -> None:
    challenge = rejected_with(message)
    parsed = CHALLENGE.fullmatch(challenge)
    assert parsed is not None, challenge
    assert parsed["error"] == "invalid_token"
    assert challenge.isascii() and challenge.isprintable()


def test_characters_outside_printable_ascii_become_question_marks() -> None:
    assert clean_description("a\r\nb\x00c\u00e9\ud800") == "a??b?c??"


def test_a_description_that_contains_the_token_is_left_out() -> None:
    challenge = rejected_with(f"token {TOKEN} was revoked")
    assert challenge == 'Bearer realm="Users", error="invalid_token"'
    assert TOKEN not in challenge


def test_a_long_description_is_kept_whole() -> None:
    message = "x" * 500
    assert rejected_with(message).endswith(f'error_description="{message}"')
