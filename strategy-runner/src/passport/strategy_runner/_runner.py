"""Run one strategy in isolation and report which action it took."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal
from typing import final

from passport.core import Outcome
from passport.core import Passport
from passport.core import Strategy
from passport.core import StrategyError
from passport.core.adapters import is_async_callable

from ._request import coerce_request

Action = Literal["success", "fail", "redirect", "pass", "error"]

DEFAULT_TIMEOUT = 10.0


@final
@dataclass(frozen=True, slots=True)
class Result:
    """What a strategy did, normalised the way Passport's strategy runner does.

    :ivar action: ``"success"``, ``"fail"``, ``"redirect"``, ``"pass"`` or ``"error"``.
    :ivar user: the user given to ``success``.
    :ivar info: the info given to ``success`` (``None`` when none).
    :ivar challenge: a fail's string challenge (or a mapping with neither message nor type).
    :ivar status: a fail's status (``None`` when none: no 401 filled in), or a redirect's.
    :ivar message: a fail's ``{"message": ...}`` challenge, unpacked.
    :ivar message_type: that challenge's ``type``, default ``"error"``.
    :ivar url: the redirect target.
    :ivar error: the error action's exception; a ``StrategyError`` for protocol misuse.
    :ivar request: the very request the strategy saw, afterwards.
    """

    action: Action
    user: Any = None
    info: Any = None
    challenge: Any = None
    status: int | None = None
    message: Any = None
    message_type: str | None = None
    url: str | None = None
    error: BaseException | None = None
    request: Any = field(default=None, repr=False)


def _result(outcome: Outcome, request: Any) -> Result:
    action = outcome.action
    if action == "success":
        return Result("success", user=outcome.user, info=outcome.info, request=request)
    if action == "fail":
        challenge, status = outcome.failures[0]
        if isinstance(challenge, Mapping) and (challenge.get("message") or challenge.get("type")):
            return Result(
                "fail",
                status=status,
                message=challenge.get("message"),
                message_type=challenge.get("type") or "error",
                request=request,
            )
        return Result("fail", challenge=challenge, status=status, request=request)
    if action == "redirect":
        return Result("redirect", url=outcome.url, status=outcome.status, request=request)
    if action == "pass":
        return Result("pass", request=request)
    return Result("error", error=outcome.error, request=request)


def _guard(strategy: Strategy, options: Mapping[str, Any] | None) -> Any:
    if not callable(getattr(strategy, "authenticate", None)):
        raise TypeError(f"run_strategy() needs a strategy, got {strategy!r}")
    # A private Passport with no plugins: only the strategy's own behaviour is observed.
    return Passport().authenticate(strategy, **dict(options or {}))


def run_strategy(
    strategy: Strategy,
    request: Mapping[str, Any] | Any | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Result:
    """Run ``strategy.authenticate`` once on a test request and report the action it took.

    :param request: a dict of request fields (see :func:`make_request`), a made request, or
        ``None`` for a bare ``GET /``.
    :param options: the route options the strategy receives.
    :param timeout: seconds an ``async def`` strategy may take before the result is an
        ``"error"`` with a :class:`~passport.core.StrategyError` (``None``: wait forever).
    :raises RuntimeError: called inside a running event loop (use :func:`arun_strategy`).
    """
    if asyncio.events._get_running_loop() is not None:
        raise RuntimeError("run_strategy() cannot run inside a running event loop; use `await arun_strategy(...)`")
    if timeout is not None and is_async_callable(getattr(strategy, "authenticate", None)):
        return asyncio.run(arun_strategy(strategy, request, options, timeout=timeout))
    req = coerce_request(request)
    return _result(_guard(strategy, options).attempt(req), req)


async def arun_strategy(
    strategy: Strategy,
    request: Mapping[str, Any] | Any | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Result:
    """Async twin of :func:`run_strategy`: ``def`` and ``async def`` strategies alike."""
    req = coerce_request(request)
    guard = _guard(strategy, options)
    try:
        outcome = await asyncio.wait_for(guard.aattempt(req), timeout)
    except TimeoutError:
        name = getattr(strategy, "name", None) or type(strategy).__name__
        err = StrategyError(f"strategy {name!r} did not act within {timeout} seconds", name)
        return Result("error", error=err, request=req)
    return _result(outcome, req)
