"""The conformance kit run on every strategy this repo ships (each skipped if not installed).

These double as the kit's acceptance test: real strategies written by other people must pass
it without special cases.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from passport.strategy_runner import check_strategy

PASSWORD = "correct-horse-battery"
API_KEY = "k_live_4f9a8b7c6d5e"
TOKEN = "tok_9d8c7b6a5f4e3d2c"
CLIENT_SECRET = "cs_0123456789abcdef"

USERS = {"ann": PASSWORD}


def verify_password(username: str, password: str) -> Any:
    if USERS.get(username) == password:
        return {"id": username}
    return None, {"message": "Incorrect username or password."}


async def averify_password(username: str, password: str) -> Any:
    await asyncio.sleep(0)
    return verify_password(username, password)


def verify_key(key: str) -> Any:
    return {"id": "service"} if key == API_KEY else None


def verify_token(token: str) -> Any:
    return ({"id": "ann"}, {"scope": "read"}) if token == TOKEN else None


@pytest.mark.parametrize("verify", [verify_password, averify_password], ids=["def verify", "async def verify"])
def test_local_strategy_conforms(verify):
    local = pytest.importorskip("passport.strategies.local", reason="passport-strategy-local is not installed")
    report = check_strategy(
        local.LocalStrategy(verify),
        requests={
            "valid": {"method": "POST", "body": {"username": "ann", "password": PASSWORD}},
            "wrong password": {"method": "POST", "body": {"username": "ann", "password": "nope-nope"}},
            "missing password": {"method": "POST", "body": {"username": "ann"}},
        },
        secrets=[PASSWORD],
    )
    assert report.results["valid"].action == "success"
    assert report.results["wrong password"].message == "Incorrect username or password."
    assert report.results["missing password"].status == 400


def test_local_strategy_with_query_and_bracket_fields_conforms():
    local = pytest.importorskip("passport.strategies.local", reason="passport-strategy-local is not installed")
    strategy = local.LocalStrategy(verify_password, username_field="user[name]", allow_query=True)
    report = check_strategy(
        strategy,
        requests={"nested": {"method": "POST", "body": {"user": {"name": "ann"}, "password": PASSWORD}}},
        secrets=[PASSWORD],
    )
    assert report.results["nested"].action == "success"


def test_apikey_strategy_conforms():
    apikey = pytest.importorskip("passport.strategies.apikey", reason="passport-strategy-apikey is not installed")
    report = check_strategy(
        apikey.APIKeyStrategy(verify_key),
        requests={"valid": {"headers": {"X-API-Key": API_KEY}}, "wrong": {"headers": {"X-API-Key": "k_live_x"}}},
        secrets=[API_KEY],
    )
    assert report.results["valid"].action == "success"
    assert report.results["wrong"].action == "fail"


def test_apikey_strategy_with_a_prefix_and_query_conforms():
    apikey = pytest.importorskip("passport.strategies.apikey", reason="passport-strategy-apikey is not installed")
    strategy = apikey.APIKeyStrategy(verify_key, header="Authorization", prefix="Api-Key ", query="api_key")
    report = check_strategy(
        strategy, requests={"valid": {"headers": {"Authorization": f"Api-Key {API_KEY}"}}}, secrets=[API_KEY]
    )
    assert report.results["valid"].action == "success"


def test_bearer_strategy_conforms():
    apikey = pytest.importorskip("passport.strategies.apikey", reason="passport-strategy-apikey is not installed")
    report = check_strategy(
        apikey.BearerStrategy(verify_token, scope=["read"]),
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


def test_oauth2_strategy_conforms():
    oauth2 = pytest.importorskip("passport.strategies.oauth2", reason="passport-strategy-oauth2 is not installed")
    strategy = oauth2.OAuth2Strategy(
        lambda access_token, refresh_token, profile: {"id": "ann"},
        authorization_url="https://idp.example/authorize",
        token_url="http://127.0.0.1:9/token",  # never reached: no request here carries a valid state
        client_id="app",
        client_secret=CLIENT_SECRET,
        callback_url="https://app.example/auth/callback",
    )
    report = check_strategy(
        strategy,
        requests={
            "first leg": {"url": "https://app.example/auth/login"},
            "provider said no": {"url": "https://app.example/auth/callback?error=access_denied&state=x"},
            "code with a forged state": {"url": "https://app.example/auth/callback?code=c0de-c0de&state=forged"},
        },
        secrets=[CLIENT_SECRET, "c0de-c0de"],
    )
    assert report.results["first leg"].action == "redirect"
    assert report.results["first leg"].url.startswith("https://idp.example/authorize?")
    assert report.results["code with a forged state"].action == "fail"
