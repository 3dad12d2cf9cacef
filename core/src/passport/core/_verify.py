"""Calling a user's verify function, ``def`` or ``async def``, the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._async import Pending
from ._async import Ready
from ._async import acall
from ._async import call_sync
from ._async import in_async_mode

VerifyResult = tuple[Any, Any]
"""``(user_or_None, info)`` as handed back by :func:`call_verify`."""

Verification = Ready[VerifyResult] | Pending[VerifyResult]


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


def call_verify(verify: Callable[..., Any], *args: Any) -> Verification:
    """Call ``verify(*args)`` and hand back ``(user_or_None, info)`` as an awaitable.

    ``await call_verify(verify, username, password)`` works in any strategy. In sync mode the
    result is already there when this returns (an ``async def`` verify is run to completion on
    a private loop), so a plain ``def authenticate`` can also use ``.then(callback)``: the
    callback runs at once and ``then`` returns ``None``; in async mode ``then`` returns a
    coroutine for ``authenticate`` to return. In async mode a plain ``def`` verify runs in a
    worker thread, so password hashing never blocks the event loop.

    Exceptions from verify propagate: in ``authenticate`` they become the ``error`` action.
    """
    if in_async_mode():
        return Pending(_acall_verify(verify, args))
    return Ready(normalize_verify_result(call_sync(verify, *args)))


async def _acall_verify(verify: Callable[..., Any], args: tuple[Any, ...]) -> VerifyResult:
    return normalize_verify_result(await acall(verify, *args))
