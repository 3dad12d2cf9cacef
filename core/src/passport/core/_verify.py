"""Calling a user's verify function, ``def`` or ``async def``, the same way everywhere."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any

from ._async import Ready
from ._async import _get_running_loop
from ._async import acall
from ._async import call_mode
from ._async import call_sync
from ._async import is_awaitable
from ._async import run_sync

VerifyResult = tuple[Any, Any]
"""``(user_or_None, info)`` as handed back by :func:`call_verify`."""


_NO_USER: VerifyResult = (None, None)


def normalize_verify_result(result: Any) -> VerifyResult:
    """Turn what a verify function returned into ``(user_or_None, info)``.

    A 2-tuple is ``(user_or_false, info)``; ``None`` or ``False`` is "no user"; anything else is
    the user itself (a user that is a tuple must therefore come as ``(user, None)``).
    """
    if type(result) is tuple and len(result) == 2:
        user, info = result
    else:
        user, info = result, None
    if user is None or user is False:
        return None, info
    return user, info


def call_verify(verify: Callable[..., Any], *args: Any) -> Ready[VerifyResult] | Pending:
    """Call ``verify(*args)`` and hand back ``(user_or_None, info)`` as an awaitable.

    ``await call_verify(verify, username, password)`` works in any strategy. In sync mode the
    result is already there when this returns (an ``async def`` verify is run to completion on
    a private loop), so a plain ``def authenticate`` can also use ``.then(callback)``: the
    callback runs at once and ``then`` returns what it returned (``None``, or the awaitable of a
    chained ``call_verify(...).then(...)``); in async mode ``then`` returns a
    coroutine for ``authenticate`` to return. In async mode a plain ``def`` verify runs in a
    worker thread, so password hashing never blocks the event loop; a :func:`nonblocking` one
    is called at once, as in sync mode.

    Exceptions from verify propagate: in ``authenticate`` they become the ``error`` action.
    """
    async_mode = _get_running_loop() is not None
    if async_mode:
        mode = call_mode(verify)
        if mode != "inline":
            return Pending((verify, args, mode == "await"))
    result = verify(*args)
    if result is None or result is False:
        return Ready((_NO_USER,))
    if type(result) is not tuple:  # the common "here is the user": no normalisation call
        if not is_awaitable(result):
            return Ready(((result, None),))
        if async_mode:  # a nonblocking function that handed back an awaitable after all
            return Pending((_settle, (result,), True))
        result = run_sync(result)
    return Ready((normalize_verify_result(result),))


async def _settle(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


class Pending(tuple[Callable[..., Any], tuple[Any, ...], bool]):
    """A verification that needs the event loop (async mode): ``(verify, args, is_async)``.

    A tuple, built in C: one is made for every verification in an async app.
    """

    __slots__ = ()

    def __await__(self) -> Any:
        return self._result().__await__()

    async def _result(self) -> VerifyResult:
        verify, args, _ = self
        return normalize_verify_result(await acall(verify, *args))

    async def then(self, fn: Callable[[VerifyResult], Any]) -> None:
        """Verify, then call ``fn`` with ``(user_or_None, info)`` (called, this gives a coroutine).

        When ``fn`` hands back an awaitable (it chained another ``call_verify(...).then(...)``),
        that is awaited too, as in sync mode, where :meth:`Ready.then` returns it.
        """
        verify, args, is_async = self
        # An async def verify is awaited here: one coroutine fewer than through acall.
        result = await verify(*args) if is_async else await acall(verify, *args)
        if result is None or result is False:
            chained = fn(_NO_USER)
        elif type(result) is not tuple:  # the common "here is the user": no normalisation call
            chained = fn((result, None))
        else:
            chained = fn(normalize_verify_result(result))
        if chained is not None and is_awaitable(chained):
            await chained


def call_function(fn: Callable[..., Any], *args: Any) -> Awaitable[Any]:
    """Call a user or subclass function, ``def`` or ``async def``, the way :func:`call_verify` does.

    Returns an awaitable of whatever ``fn`` returned: already resolved in sync mode (an
    ``async def`` is run on a private loop), awaiting it or running a plain ``def`` in a worker
    thread in async mode. For strategies with hooks beyond verify (a profile loader, a state
    store).
    """
    if _get_running_loop() is not None:
        return acall(fn, *args)
    return Ready((call_sync(fn, *args),))
