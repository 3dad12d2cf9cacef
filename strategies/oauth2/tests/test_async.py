"""Async mode: the same flow through arun_strategy, without ever blocking the event loop."""

from __future__ import annotations

import asyncio
import json
import threading
import time

from passport.core import Passport
from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request


async def consent(browser, url):
    return await asyncio.to_thread(browser.consent, url)


async def alogin(strategy, browser, session, options=None):
    first = await arun_strategy(strategy, make_request(url="http://app.test/auth/provider", session=session), options)
    assert first.action == "redirect", first.error
    location = await consent(browser, first.url)
    return await arun_strategy(strategy, make_request(url=location, session=session), options)


async def test_an_async_verify_logs_in_through_arun_strategy(make_strategy, provider, browser):
    async def verify(access_token, refresh_token, profile):
        await asyncio.sleep(0)
        return {"id": "async", "token": access_token}

    result = await alogin(make_strategy(verify), browser, {})
    assert result.action == "success", result.error
    assert result.user["token"] in provider.tokens


async def test_a_sync_verify_runs_in_a_worker_thread(make_strategy, browser):
    threads = []

    def verify(access_token, refresh_token, profile):
        threads.append(threading.get_ident())
        return {"id": "sync"}

    result = await alogin(make_strategy(verify), browser, {})
    assert result.user == {"id": "sync"}
    assert threads[0] != threading.get_ident()


async def test_authenticate_returns_a_coroutine_in_async_mode(make_strategy):
    strategy = make_strategy()
    request = make_request(url="http://app.test/auth/provider")
    pending = strategy.authenticate(request, {})
    assert asyncio.iscoroutine(pending)
    pending.close()


def test_authenticate_returns_none_in_sync_mode(make_strategy):
    outcome = Passport().authenticate(make_strategy()).attempt(make_request(url="http://app.test/x"))
    assert outcome.action == "redirect"


async def test_async_profile_and_state_errors_behave_as_in_sync_mode(make_strategy, provider, browser):
    class AsyncProfile(OAuth2Strategy):
        async def user_profile(self, access_token):
            return {"loaded": True}

    seen = []

    def verify(access_token, refresh_token, profile):
        seen.append(profile)
        return {"id": 1}

    strategy = make_strategy(verify, cls=AsyncProfile)
    assert (await alogin(strategy, browser, {})).action == "success"
    assert seen == [{"loaded": True}]
    forged = await arun_strategy(strategy, make_request(url="http://app.test/cb?code=a&state=b", session={}))
    assert (forged.action, forged.status) == ("fail", 403)
    assert len(provider.token_requests) == 1


async def test_the_event_loop_keeps_ticking_during_a_slow_token_exchange(faults):
    body = json.dumps({"access_token": "tok", "token_type": "bearer"}).encode()

    def slow(conn, _request):
        time.sleep(0.5)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        conn.sendall(body)

    faults.behave(slow)

    def verify(access_token, refresh_token, profile):  # a blocking verify, in a thread too
        time.sleep(0.1)
        return {"id": 1}

    class BlockingProfile(OAuth2Strategy):
        def user_profile(self, access_token):
            time.sleep(0.2)
            return {}

    strategy = BlockingProfile(
        verify,
        authorization_url=faults.url + "/authorize",
        token_url=faults.url + "/token",
        client_id="client",
        timeout=5,
    )
    session = {}
    first = await arun_strategy(strategy, make_request(url="http://app.test/login", session=session))
    state = first.url.split("state=")[1].split("&")[0]
    ticks = 0
    done = asyncio.Event()

    async def ticker():
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    start = time.monotonic()
    result = await arun_strategy(
        strategy, make_request(url=f"http://app.test/cb?code=c&state={state}", session=session)
    )
    took = time.monotonic() - start
    done.set()
    await task
    assert result.action == "success", result.error
    assert took >= 0.8
    assert ticks >= 0.5 * took / 0.01  # the loop ran its ticker all along (generous for a loaded machine)


async def test_a_timeout_in_async_mode_is_an_internal_oauth_error(faults):
    faults.behave(faults.silence)
    strategy = OAuth2Strategy(
        lambda a, r, p: {"id": 1},
        authorization_url=faults.url + "/authorize",
        token_url=faults.url + "/token",
        client_id="client",
        state=False,
        pkce=False,
        timeout=0.5,
    )
    start = time.monotonic()
    result = await arun_strategy(strategy, make_request(url="http://app.test/cb?code=c"))
    assert isinstance(result.error, InternalOAuthError)
    assert time.monotonic() - start < 1.5


async def test_concurrent_logins_through_one_strategy_stay_separate(make_strategy, provider, browser):
    def verify(access_token, refresh_token, profile):
        return {"token": access_token}

    strategy = make_strategy(verify)
    sessions = [{} for _ in range(4)]
    results = await asyncio.gather(*(alogin(strategy, browser, s) for s in sessions))
    assert all(r.action == "success" for r in results)
    assert len({r.user["token"] for r in results}) == 4
    assert len(provider.token_requests) == 4
