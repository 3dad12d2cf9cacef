"""Flows: the core's procedures, each written once, and the two drivers that run them.

A flow (the chain and the applying of its outcome, login, restoring the user) is a generator
that never calls user code itself: it yields the steps it needs performed, as httpx's
``Auth.auth_flow`` yields requests. A step is a two-item list:

- ``[fn, args]``: call the user function ``fn(*args)`` (a serializer, a transformer...);
- ``[None, awaitable]``: wait for what a strategy's ``authenticate`` returned.

The driver performs the step, puts the result in the step's first item and resumes the flow,
which reads it there; an exception is thrown into the flow at its ``yield``. :func:`drive`
performs steps in sync mode (plain calls; anything async on a private loop) and :func:`adrive`
in async mode (awaited; plain functions in a worker thread). Which mode applies is decided by
the entry point that picks the driver, and nowhere else.

Why lists and ``next`` rather than ``send``: a generator resumed with ``next`` that returns
``None`` ends with no exception raised, so a flow costs one generator and no ``StopIteration``
per request. For the same reason a flow hands its answer back by appending it to a list.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from typing import Final
from typing import final

from ._async import acall
from ._async import is_awaitable
from ._async import run_sync

Step = list[Any]
"""``[fn, args]``: call ``fn(*args)``; ``[None, awaitable]``: wait for ``awaitable``. The driver
replaces the first item with the result."""

Flow = Generator[Step, None, Any]


@final
class _StepsMark:
    """The type of :data:`STEPS`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "STEPS"


STEPS: Final = _StepsMark()
"""Marks the rest of a core strategy's work, handed to the chain as a flow to run in its own mode.

The built-in session strategy returns ``(STEPS, flow)`` from ``authenticate`` when there is a
user to deserialize: the chain runs the flow with the same driver as itself, so a sync app needs
neither an event loop nor a second driver for it. Strategies outside the core return awaitables.
A plain tuple (built by one bytecode; a tuple subclass cost a type call per restore) with a mark
nobody else holds."""


def result_of(fn: Any, *args: Any) -> Flow:
    """A flow of one step: call ``fn(*args)`` in the driver's mode and hand back what it returned
    (``value = yield from result_of(store.pop, key)``)."""
    step = [fn, args]
    yield step
    return step[0]


def drive(flow: Flow, answer: list[Any] | None = None) -> Any:
    """Run ``flow`` in sync mode; return what it appended to ``answer`` (``None`` without one)."""
    step = next(flow, None)
    while step is not None:
        fn, args = step
        try:
            # call_sync, written out: one call less per step of every sync request.
            result = run_sync(args) if fn is None else fn(*args)
            if result is not None and is_awaitable(result):
                result = run_sync(result)
            step[0] = result
        except BaseException as exc:
            step = _thrown(flow, exc)
        else:
            step = next(flow, None)
    return answer[0] if answer else None


async def adrive(flow: Flow, answer: list[Any] | None = None) -> Any:
    """Run ``flow`` in async mode; return what it appended to ``answer`` (``None`` without one)."""
    step = next(flow, None)
    while step is not None:
        fn, args = step
        try:
            step[0] = await args if fn is None else await acall(fn, *args)
        except BaseException as exc:  # CancelledError too: the flow's finally blocks run
            step = _thrown(flow, exc)
        else:
            step = next(flow, None)
    return answer[0] if answer else None


def _thrown(flow: Flow, exc: BaseException) -> Step | None:
    """Throw a step's exception into the flow: its next step, or ``None`` once it has finished."""
    try:
        return flow.throw(exc)
    except StopIteration:
        return None
