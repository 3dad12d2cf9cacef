"""passport-strategy-runner's conformance kit on this strategy: it acts exactly once, survives
hostile input, never echoes secrets, and behaves the same sync, async and under concurrency."""

from __future__ import annotations

from typing import Any

from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy
from passport.strategy_runner import check_strategy

API_KEY = "k_live_4f9a8b7c6d5e"
TOKEN = "tok_9d8c7b6a5f4e3d2c"


def verify_key(key: str) -> Any:
    return {"id": "service"} if key == API_KEY else None


def verify_token(token: str) -> Any:
    return ({"id": "ann"}, {"scope": "read"}) if token == TOKEN else None


def test_apikey_strategy_conforms() -> None:
    report = check_strategy(
        APIKeyStrategy(verify_key),
        requests={"valid": {"headers": {"X-API-Key": API_KEY}}, "wrong": {"headers": {"X-API-Key": "k_live_x"}}},
        secrets=[API_KEY],
    )
    assert report.results["valid"].action == "success"
    assert report.results["wrong"].action == "fail"


def test_apikey_strategy_with_a_prefix_and_query_conforms() -> None:
    strategy = APIKeyStrategy(verify_key, header="Authorization", prefix="Api-Key ", query="api_key")
    report = check_strategy(
        strategy, requests={"valid": {"headers": {"Authorization": f"Api-Key {API_KEY}"}}}, secrets=[API_KEY]
    )
    assert report.results["valid"].action == "success"


def test_bearer_strategy_conforms() -> None:
    report = check_strategy(
        BearerStrategy(verify_token, scope=["read"], allow_query=True),
        requests={
            "valid": {"headers": {"Authorization": f"Bearer {TOKEN}"}},
            "wrong": {"headers": {"Authorization": "Bearer tok_wrong_wrong"}},
            "two locations": {"headers": {"Authorization": f"Bearer {TOKEN}"}, "query": {"access_token": TOKEN}},
        },
        secrets=[TOKEN],
    )
    assert report.results["valid"].action == "success"
    assert report.results["wrong"].status is None or report.results["wrong"].status == 401
    assert report.results["two locations"].status == 400


def test_bearer_strategy_with_the_default_locations_conforms() -> None:
    report = check_strategy(
        BearerStrategy(verify_token),
        requests={
            "valid": {"headers": {"Authorization": f"Bearer {TOKEN}"}},
            "query only": {"query": {"access_token": TOKEN}},
        },
        secrets=[TOKEN],
    )
    assert report.results["valid"].action == "success"
    assert report.results["query only"].action == "fail"
