"""One Passport and one strategy instance serving many concurrent requests.

Each request carries its own credential; no request may ever see another request's user.
"""

from __future__ import annotations

import asyncio
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from passport.core import Passport
from passport.strategy_runner import make_request

ATTEMPTS = 400


def sleepy_verify(key):
    time.sleep(random.uniform(0.001, 0.005))
    return {"id": key}, {"key": key}


async def async_sleepy_verify(key):
    await asyncio.sleep(random.uniform(0.001, 0.005))
    return {"id": key}, {"key": key}


def build(strategy_class, verify):
    passport = Passport()
    passport.use(strategy_class(verify))
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda value: {"id": value})
    return passport


def mismatches(results):
    return [r for r in results if r[0] != r[1]]


def test_threads_running_one_guard_never_see_each_others_user(key_strategy):
    passport = build(key_strategy, sleepy_verify)
    guard = passport.authenticate("key", success_message="hi")

    def one(i):
        key = f"user-{i}"
        request = make_request(headers={"X-Key": key})
        assert guard.run(request) is None
        return key, (request.user["id"], request.session["passport"]["user"], request.auth_info["key"])

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(one, range(ATTEMPTS)))
    assert len(results) == ATTEMPTS
    assert [r for r in results if r[1] != (r[0], r[0], r[0])] == []


def test_threads_attempting_one_guard_get_their_own_outcome(key_strategy):
    passport = build(key_strategy, sleepy_verify)
    guard = passport.authenticate(["key"])

    def one(i):
        key = f"user-{i}"
        outcome = guard.attempt(make_request(headers={"X-Key": key}))
        return key, outcome.user["id"]

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(one, range(ATTEMPTS)))
    assert len(results) == ATTEMPTS
    assert mismatches(results) == []


def test_threads_mixing_successes_and_failures_keep_them_apart(key_strategy):
    def verify(key):
        time.sleep(random.uniform(0.001, 0.003))
        return ({"id": key}, None) if int(key) % 2 else (False, {"message": key})

    passport = build(key_strategy, verify)
    guard = passport.authenticate("key")

    def one(i):
        outcome = guard.attempt(make_request(headers={"X-Key": str(i)}))
        seen = outcome.user["id"] if outcome.action == "success" else outcome.info["message"]
        return str(i), seen

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(one, range(ATTEMPTS)))
    assert mismatches(results) == []


async def test_tasks_running_one_guard_never_see_each_others_user(key_strategy):
    passport = build(key_strategy, async_sleepy_verify)
    guard = passport.authenticate("key")

    async def one(i):
        key = f"user-{i}"
        request = make_request(headers={"X-Key": key})
        assert await guard.arun(request) is None
        return key, (request.user["id"], request.session["passport"]["user"], request.auth_info["key"])

    results = await asyncio.gather(*(one(i) for i in range(ATTEMPTS)))
    assert len(results) == ATTEMPTS
    assert [r for r in results if r[1] != (r[0], r[0], r[0])] == []


@pytest.mark.parametrize(
    "verify", [async_sleepy_verify, sleepy_verify], ids=["async verify", "blocking sync verify in threads"]
)
async def test_tasks_attempting_one_guard_get_their_own_outcome(key_strategy, verify):
    passport = build(key_strategy, verify)
    guard = passport.authenticate("key")

    async def one(i):
        key = f"user-{i}"
        outcome = await guard.aattempt(make_request(headers={"X-Key": key}))
        return key, outcome.user["id"]

    results = await asyncio.gather(*(one(i) for i in range(ATTEMPTS)))
    assert mismatches(results) == []


async def test_tasks_restoring_sessions_concurrently_get_their_own_user():
    passport = Passport()

    @passport.deserializer
    async def deserialize(value):
        await asyncio.sleep(random.uniform(0.001, 0.005))
        return {"id": value}

    guard = passport.session()

    async def one(i):
        key = f"user-{i}"
        request = make_request(session={"passport": {"user": key}})
        await guard.arun(request)
        return key, request.user["id"]

    results = await asyncio.gather(*(one(i) for i in range(ATTEMPTS)))
    assert mismatches(results) == []
