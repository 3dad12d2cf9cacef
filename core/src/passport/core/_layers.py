"""The user-function chains: serializers and auth-info transformers (deserializers: ``_session_strategy``).

Each chain is written once, as a flow (see ``_flows``) that yields each call for its driver to
make, so a sync app never starts an event loop and an async one never blocks.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from typing import Final
from typing import NamedTuple
from typing import final

if TYPE_CHECKING:
    from ._flows import Flow
    from ._flows import Step
    from ._request import Request


@final
class _Pass:
    """The type of :data:`PASS`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PASS"

    def __reduce__(self) -> str:
        return "PASS"


PASS: Final = _Pass()
"""Returned by a serializer, deserializer or info transformer: "not mine, ask the next one"."""


class Layer(NamedTuple):
    """One registered serializer, deserializer, transformer or session-version function."""

    fn: Callable[..., Any]
    takes_request: bool

    def step(self, request: Request, value: Any) -> Step:
        """The flow step that calls this function with ``value`` (the request first, if it takes one)."""
        return [self.fn, (request, value) if self.takes_request else (value,)]


def make_layer(fn: Callable[..., Any]) -> Layer:
    """Wrap ``fn``; it receives the request first when it takes two positional parameters."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot inspect the parameters of {fn!r}") from exc
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    if len(required) > 2 or not positional and not any(p.kind == p.VAR_POSITIONAL for p in params):
        raise TypeError(f"{fn!r} must take (value) or (request, value)")
    return Layer(fn, len(required) == 2)


def _skips(result: Any) -> bool:
    return result is None or result is False or result is PASS


NO_ANSWER: Final = object()
"""What :func:`first_answer` hands back when every function handed over."""


def first_answer(layers: list[Layer], value: Any, request: Request) -> Flow:
    """The chain of serializers or of info transformers: the first result that is not ``None``,
    ``False`` or ``PASS`` (those hand over to the next function), else :data:`NO_ANSWER`."""
    for layer in layers:
        step = layer.step(request, value)
        yield step
        result = step[0]
        if not _skips(result):
            return result
    return NO_ANSWER


def answer_of(layer: Layer, value: Any, request: Request) -> Flow:
    """What one function answers (a session-version function, which always answers)."""
    step = layer.step(request, value)
    yield step
    return step[0]
