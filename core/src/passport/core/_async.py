"""The one place that decides between sync and async.

Passport runs in two modes. *Sync mode* (no event loop running in this thread: a WSGI app, a
script) calls user functions directly; an ``async def`` function met there is run to
completion on a private, short-lived event loop, so sync apps never need one of their own.
*Async mode* (inside a running loop) awaits ``async def`` functions and moves plain ``def``
functions to a worker thread, so a blocking verify or database lookup never stalls the loop;
a plain function marked :func:`nonblocking` is called on the loop instead.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any
from typing import Final
from typing import Literal
from typing import TypeVar

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_get_running_loop = asyncio.events._get_running_loop


def _is_async_callable(obj: object) -> bool:
    while isinstance(obj, functools.partial):
        obj = obj.func
    if inspect.iscoroutinefunction(obj):
        return True
    call = getattr(type(obj), "__call__", None)  # noqa: B004 - an instance with an async __call__
    return call is not None and inspect.iscoroutinefunction(call)


NONBLOCKING_MARK: Final = "__passport_nonblocking__"

CallMode = Literal["await", "thread", "inline"]
"""How async mode calls a user function: awaited, in a worker thread, or on the loop."""


def _call_mode_of(obj: object) -> CallMode:
    if _is_async_callable(obj):
        return "await"
    while isinstance(obj, functools.partial):
        obj = obj.func
    if getattr(obj, NONBLOCKING_MARK, False) is True:  # a marked function, or a method of one
        return "inline"
    call = getattr(type(obj), "__call__", None)  # noqa: B004 - an instance whose __call__ is marked
    return "inline" if getattr(call, NONBLOCKING_MARK, False) is True else "thread"


# Answers for the few callables and result types an app has, so the per-request checks are one
# dict lookup. Bounded: an app that makes new functions per request just keeps re-asking.
_CALL_MODES: dict[Any, CallMode] = {}
_AWAITABLE_TYPES: dict[type, bool] = {}
_CACHE_LIMIT = 512


def call_mode(obj: object) -> CallMode:
    """How async mode calls ``obj``: ``"await"``, ``"thread"`` or ``"inline"`` (:func:`nonblocking`)."""
    try:
        return _CALL_MODES[obj]
    except (KeyError, TypeError):  # TypeError: unhashable callables are simply not cached
        mode = _call_mode_of(obj)
    try:
        if len(_CALL_MODES) >= _CACHE_LIMIT:
            _CALL_MODES.clear()
        _CALL_MODES[obj] = mode
    except TypeError:
        pass
    return mode


def is_async_callable(obj: object) -> bool:
    """Tell whether calling ``obj`` returns a coroutine (unwraps partials and ``__call__``)."""
    return call_mode(obj) == "await"


def is_nonblocking(obj: object) -> bool:
    """Tell whether ``obj`` is a plain function marked :func:`nonblocking` (or an instance whose ``__call__`` is)."""
    return call_mode(obj) == "inline"


def nonblocking(fn: F) -> F:
    """Mark a plain ``def`` function as quick and never blocking: async apps call it on the loop.

    In async code a plain ``def`` verify function, serializer or deserializer normally runs in a
    worker thread, so a password hash or a database call cannot stall the event loop; the hop
    costs tens of microseconds. A function that only computes and looks things up in memory (a
    SHA-256 key lookup, a dict of users) is cheaper called directly: mark it, as a decorator or
    on a method in a class body (an instance whose ``__call__`` is marked counts as marked).
    Never mark a function that does I/O, sleeps, or hashes passwords.

    :raises TypeError: ``fn`` is ``async def`` (already awaited on the loop) or cannot carry
        the mark (a bound method or a builtin: wrap it in a ``def``).
    """
    if _is_async_callable(fn):
        raise TypeError(f"{fn!r} is async already; nonblocking() marks plain def functions")
    try:
        setattr(fn, NONBLOCKING_MARK, True)
    except (AttributeError, TypeError):
        raise TypeError(f"{fn!r} cannot be marked nonblocking; wrap it in a def") from None
    try:
        _CALL_MODES.pop(fn, None)  # a mode cached before the mark is stale
    except TypeError:  # unhashable: never cached
        pass
    return fn


def is_awaitable(value: object) -> bool:
    """Cheap awaitable test for results of user functions: one dict lookup per result type.

    (``hasattr(type(v), "__await__")`` raises and swallows an AttributeError for every plain
    result, which costs more than the rest of a verify call.)
    """
    kind = type(value)
    try:
        return _AWAITABLE_TYPES[kind]
    except KeyError:
        answer = hasattr(kind, "__await__")
        if len(_AWAITABLE_TYPES) >= _CACHE_LIMIT:
            _AWAITABLE_TYPES.clear()
        _AWAITABLE_TYPES[kind] = answer
        return answer


def in_private_loop() -> bool:
    """True inside the short-lived loop :func:`run_sync` drives for a sync caller."""
    return getattr(_get_running_loop(), "_passport_private", False) is True


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
        return awaitable[0]  # type: ignore[no-any-return]
    if _get_running_loop() is not None:
        if inspect.iscoroutine(awaitable):
            awaitable.close()
        raise RuntimeError("an async function was reached from sync code inside a running event loop")
    coro = awaitable if inspect.iscoroutine(awaitable) else _await(awaitable)
    loop = asyncio.new_event_loop()
    # The caller is blocked on this loop anyway: sync user functions met inside run inline
    # rather than in a worker thread (see acall).
    loop._passport_private = True  # type: ignore[attr-defined]
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
    if result is not None and is_awaitable(result):
        return run_sync(result)
    return result


async def acall(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a user function in async mode: await it if async, else run it in a worker thread.

    A :func:`nonblocking` function runs inline, and so do plain functions on the private loop
    of a sync caller: that thread is blocked on the loop anyway, and a worker thread would only
    add a hop.
    """
    mode = call_mode(fn)
    if mode == "await":
        return await fn(*args)
    if mode == "inline" or in_private_loop():
        result = fn(*args)
    else:
        result = await asyncio.to_thread(fn, *args)
    if is_awaitable(result):  # a plain def that returned an awaitable (a lambda, a wrapper)
        return await result
    return result


class Ready(tuple[T]):
    """An awaitable whose value is already known: awaiting it never suspends.

    ``Ready((value,))``: a one-item tuple, built in C, since sync apps make one per verification.
    """

    __slots__ = ()

    @property
    def value(self) -> T:
        return self[0]

    def __await__(self) -> Any:
        return self._result()

    def _result(self) -> Any:
        return self[0]
        yield  # type: ignore[unreachable]  # makes this a generator that finishes at once

    def then(self, fn: Callable[[T], Any]) -> Any:
        """Call ``fn`` with the value now and return what it returns: ``None``, or an awaitable
        (another ``call_verify(...).then(...)``, say) for ``authenticate`` to return in turn."""
        return fn(self[0])
