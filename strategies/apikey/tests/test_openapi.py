"""``openapi_scheme``: each strategy describes where it reads its credential, as OpenAPI 3 does."""

from __future__ import annotations

from typing import Any

import pytest

from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy


def verify(key: str) -> Any:
    return None


@pytest.mark.parametrize(
    ("options", "scheme"),
    [
        ({}, {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
        ({"header": "X-Reports-Key"}, {"type": "apiKey", "in": "header", "name": "X-Reports-Key"}),
        ({"header": None, "query": "api_key"}, {"type": "apiKey", "in": "query", "name": "api_key"}),
        (
            {"header": "Authorization", "prefix": "Api-Key "},
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "The header's value is `Api-Key ` followed by the key.",
            },
        ),
        (
            {"query": "api_key"},
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": "The key may be sent in the `api_key` query parameter instead.",
            },
        ),
    ],
)
def test_apikey_scheme_names_where_the_key_is_read(options: dict[str, Any], scheme: dict[str, str]) -> None:
    assert APIKeyStrategy(verify, **options).openapi_scheme == scheme


def test_apikey_scheme_keeps_the_configured_spelling_of_the_header() -> None:
    # The strategy matches headers case-insensitively, but the docs show the name as configured.
    assert APIKeyStrategy(verify, header="X-Tenant-KEY").openapi_scheme["name"] == "X-Tenant-KEY"


@pytest.mark.parametrize("options", [{}, {"allow_body": True, "allow_query": True}, {"scope": ["read"]}])
def test_bearer_scheme_is_http_bearer(options: dict[str, Any]) -> None:
    assert BearerStrategy(verify, **options).openapi_scheme == {"type": "http", "scheme": "bearer"}


@pytest.mark.parametrize("strategy", [APIKeyStrategy(verify), BearerStrategy(verify)])
def test_scheme_is_a_fresh_dict_every_time(strategy: Any) -> None:
    first = strategy.openapi_scheme
    first["type"] = "oauth2"
    assert strategy.openapi_scheme["type"] != "oauth2"
