"""nonblocking(): plain functions marked quick are called on the event loop, not in a worker thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading

import pytest

from passport.core import Passport
from passport.core import call_verify
from passport.core import nonblocking
from passport.core._async import is_nonblocking
from passport.core.adapters import is_async_callable
from passport.strategy_runner import make_request

ANN = {"id": "ann"}


class RefusingExecutor(concurrent.futures.ThreadPoolExecutor):
    """A default executor that fails the test the moment anything is sent to a worker thread."""

    def submit(self, fn, /, *args, **kwargs):
        raise AssertionError(f"{fn!r} was sent to a worker thread")


@pytest.fixture
async def no_worker_threads():
    asyncio.get_running_loop().set_default_executor(RefusingExecutor())


# -- marking -----------------------------------------------------------------------------------


def test_a_marked_function_is_nonblocking_and_stays_itself() -> None:
    def lookup(key):
        return ANN

    assert not is_nonblocking(lookup)
    assert nonblocking(lookup) is lookup  # a mark, not a wrapper: the function is unchanged
    assert is_nonblocking(lookup)
    assert not is_async_callable(lookup)


def test_the_mark_reaches_methods_instances_and_partials() -> None:
    class Store:
        @nonblocking
        def find(self, key):
            return ANN

        __call__ = find

    store = Store()
    assert is_nonblocking(store.find)  # a bound method reads its function's mark
    assert is_nonblocking(store)  # an instance whose __call__ is marked
    assert is_nonblocking(functools.partial(Store.find, store))
    assert not is_nonblocking(lambda key: ANN)


def test_an_unhashable_callable_can_be_marked() -> None:
    class Lookup:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, key):
            return ANN

    lookup = Lookup()
    assert nonblocking(lookup) is lookup
    assert is_nonblocking(lookup)


def test_marking_after_a_cached_answer_is_seen() -> None:
    def lookup(key):
        return ANN

    assert not is_nonblocking(lookup)  # the answer is cached here...
    nonblocking(lookup)
    assert is_nonblocking(lookup)  # ...and replaced by the mark


def test_async_functions_and_unmarkable_callables_are_refused() -> None:
    async def verify(key):
        return ANN

    with pytest.raises(TypeError, match="async already"):
        nonblocking(verify)
    with pytest.raises(TypeError, match="wrap it in a def"):
        nonblocking(len)
    with pytest.raises(TypeError, match="wrap it in a def"):
        nonblocking(ANN.get)


# -- where marked functions run ----------------------------------------------------------------


async def test_call_verify_calls_a_marked_verify_at_once_on_the_loop(no_worker_threads) -> None:
    threads = []

    @nonblocking
    def verify(key):
        threads.append(threading.get_ident())
        return (ANN, {"scope": "read"}) if key == "k" else None

    seen = []
    assert call_verify(verify, "k").then(seen.append) is None  # nothing left to await
    assert seen == [(ANN, {"scope": "read"})]
    assert await call_verify(verify, "other") == (None, None)
    assert threads == [threading.get_ident()] * 2


async def test_a_marked_verify_that_returns_an_awaitable_is_awaited_not_taken_for_the_user() -> None:
    async def lookup(key):
        return ANN

    @nonblocking
    def verify(key):
        return lookup(key)  # a plain def handing back a coroutine

    seen = []
    pending = call_verify(verify, "k").then(seen.append)
    assert pending is not None
    await pending
    assert seen == [(ANN, None)]


async def test_marked_serializers_deserializers_and_transformers_run_on_the_loop(
    key_strategy, no_worker_threads
) -> None:
    threads = []
    passport = Passport()

    @nonblocking
    def verify(key):
        threads.append(threading.get_ident())
        return ANN, {"scope": "read"}

    @nonblocking
    def serialize(user):
        threads.append(threading.get_ident())
        return user["id"]

    @nonblocking
    def deserialize(value):
        threads.append(threading.get_ident())
        return {"id": value}

    @nonblocking
    def transform(info):
        threads.append(threading.get_ident())
        return {**info, "transformed": True}

    passport.use(key_strategy(verify))
    passport.serializer(serialize)
    passport.deserializer(deserialize)
    passport.auth_info_transformer(transform)
    request = make_request(headers={"X-Key": "ann"})
    assert await passport.authenticate("key").arun(request) is None
    assert request.user == ANN
    assert request.auth_info == {"scope": "read", "transformed": True}
    restored = make_request(session=request.session)
    await passport.session().arun(restored)
    assert restored.user == ANN
    assert len(threads) == 4
    assert set(threads) == {threading.get_ident()}


async def test_unmarked_sync_verify_still_goes_to_a_worker_thread(key_strategy, no_worker_threads) -> None:
    passport = Passport().use(key_strategy(lambda key: ANN))
    with pytest.raises(AssertionError, match="worker thread"):
        await passport.authenticate("key", session=False).arun(make_request(headers={"X-Key": "ann"}))
