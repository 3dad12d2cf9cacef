"""passport-strategy-runner's conformance kit on this strategy: it acts exactly once, survives
hostile input, never echoes secrets, and behaves the same sync, async and under concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from passport.strategies.local import LocalStrategy
from passport.strategy_runner import check_strategy

PASSWORD = "correct-horse-battery"
USERS = {"ann": PASSWORD}


def verify_password(username: str, password: str) -> Any:
    if USERS.get(username) == password:
        return {"id": username}
    return None, {"message": "Incorrect username or password."}


async def averify_password(username: str, password: str) -> Any:
    await asyncio.sleep(0)
    return verify_password(username, password)


@pytest.mark.parametrize("verify", [verify_password, averify_password], ids=["def verify", "async def verify"])
def test_local_strategy_conforms(verify: Any) -> None:
    report = check_strategy(
        LocalStrategy(verify),
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


def test_local_strategy_with_query_and_bracket_fields_conforms() -> None:
    strategy = LocalStrategy(verify_password, username_field="user[name]", allow_query=True)
    report = check_strategy(
        strategy,
        requests={"nested": {"method": "POST", "body": {"user": {"name": "ann"}, "password": PASSWORD}}},
        secrets=[PASSWORD],
    )
    assert report.results["nested"].action == "success"
