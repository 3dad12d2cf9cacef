"""The one place that decides between sync and async.

Passport runs in two modes. *Sync mode* (no event loop running in this thread: a WSGI app, a
script) calls user functions directly; an ``async def`` function met there is run to
completion on a private, short-lived event loop, so sync apps never need one of their own.
*Async mode* (inside a running loop) awaits ``async def`` functions and moves plain ``def``
functions to a worker thread, so a blocking verify or database lookup never stalls the loop.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any
from typing import TypeVar

T = TypeVar("T")

_get_running_loop = asyncio.events._get_running_loop


def is_async_callable(obj: object) -> bool:
    """Tell whether calling ``obj`` returns a coroutine (unwraps partials and ``__call__``)."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    if inspect.iscoroutinefunction(obj):
        return True
    call = getattr(type(obj), "__call__", None)  # noqa: B004 - an instance with an async __call__
    return call is not None and inspect.iscoroutinefunction(call)


def is_awaitable(value: object) -> bool:
    """Cheap awaitable test for results of user functions (type lookup, no isinstance walk)."""
    return hasattr(type(value), "__await__")


def in_async_mode() -> bool:
    """True when an event loop is running in this thread."""
    return _get_running_loop() is not None


def ensure_sync_mode(entry_point: str, twin: str) -> None:
    """Refuse a sync entry point inside a running loop, naming the async twin to use."""
    if _get_running_loop() is not None:
        raise RuntimeError(
            f"{entry_point}() was called while an event loop is running in this thread; "
            f"use `await {twin}(...)` in async code"
        )


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


def run_sync(awaitable: Awaitable[T]) -> T:
    """Drive ``awaitable`` to completion from sync mode on a private event loop.

    The loop lives only for this call: a sync app never owns an event loop, and nothing is left
    pending or unclosed afterwards. Unlike ``asyncio.run``, the thread's current event loop (one
    the app set with ``asyncio.set_event_loop``) is left as it was.
    """
    if type(awaitable) is Ready:
        return awaitable.value  # type: ignore[no-any-return]
    if _get_running_loop() is not None:
        if inspect.iscoroutine(awaitable):
            awaitable.close()
        raise RuntimeError("an async function was reached from sync code inside a running event loop")
    coro = awaitable if inspect.iscoroutine(awaitable) else _await(awaitable)
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)  # type: ignore[no-any-return]
    finally:
        try:
            _cancel_leftovers(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel tasks user code left on a private loop and wait for them (as ``asyncio.run`` does)."""
    pending = asyncio.all_tasks(loop)
    if not pending:
        return
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    for task in pending:
        if not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {"message": "unhandled exception in a task left behind", "exception": task.exception(), "task": task}
            )


def call_sync(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a user function in sync mode, running it to completion if it is async."""
    result = fn(*args)
    if is_awaitable(result):
        return run_sync(result)
    return result


async def acall(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a user function in async mode: await it if async, else run it in a worker thread."""
    if is_async_callable(fn):
        return await fn(*args)
    result = await asyncio.to_thread(fn, *args)
    if is_awaitable(result):  # a plain def that returned an awaitable (a lambda, a wrapper)
        return await result
    return result


class Ready(Awaitable[T]):
    """An awaitable whose value is already known: awaiting it never suspends."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __await__(self) -> Any:
        return self._result()

    def _result(self) -> Any:
        return self.value
        yield  # type: ignore[unreachable]  # makes this a generator that finishes at once

    def then(self, fn: Callable[[T], object]) -> None:
        """Call ``fn`` with the value now; return ``None`` (nothing left to await)."""
        fn(self.value)


class Pending(Awaitable[T]):
    """An awaitable whose value needs the event loop."""

    __slots__ = ("_coro",)

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self._coro = coro

    def __await__(self) -> Any:
        return self._coro.__await__()

    def then(self, fn: Callable[[T], object]) -> Coroutine[Any, Any, None]:
        """Return a coroutine that awaits the value, then calls ``fn`` with it."""
        return self._then(fn)

    async def _then(self, fn: Callable[[T], object]) -> None:
        fn(await self._coro)
