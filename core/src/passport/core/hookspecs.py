"""Hooks a passport plugin can implement (pluggy project name ``passport``).

A plugin is any object (often a module) with functions named after these hooks and marked
with :data:`hookimpl`; it may implement any subset, and take any subset of each hook's
arguments. Register one on a ``Passport`` with ``passport.register_plugin(obj)``, or publish it
under the ``passport.plugins`` entry point group and opt in with
``Passport(load_plugins=True)``.

Hooks run synchronously, in sync and async apps alike: keep them quick (hand slow work such as
shipping audit logs to a queue). A plugin whose attempt hooks must wait on the network (a
counter in Redis) sets a true ``passport_blocking`` attribute: async guards then call
``passport_refuse_attempt``, ``passport_attempt_started`` and ``passport_attempt_finished`` in a
worker thread, so the event loop never waits on it (other plugins' hooks move with them).

An exception in an observer hook is logged on the ``passport.plugins`` logger and the request
carries on; an exception in
:func:`passport_refuse_attempt` raises :class:`~passport.core.PluginError`, because letting
the attempt through would silently disable the plugin's protection.

Arguments never contain credentials: strategies see those, hooks see names and outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import final

import pluggy

if TYPE_CHECKING:
    from ._actions import Outcome
    from ._request import Request

__all__ = [
    "Refusal",
    "hookimpl",
    "hookspec",
    "passport_attempt_finished",
    "passport_attempt_started",
    "passport_login",
    "passport_logout",
    "passport_refuse_attempt",
    "passport_strategy_outcome",
]

hookspec = pluggy.HookspecMarker("passport")
hookimpl = pluggy.HookimplMarker("passport")


@final
@dataclass(frozen=True, slots=True)
class Refusal:
    """A plugin's answer to :func:`passport_refuse_attempt`: stop this attempt.

    The route treats it as a failure (``failure_flash``, ``failure_message`` and
    ``failure_redirect`` apply); without a failure redirect the response has this status and
    these extra headers, e.g. ``Refusal(429, "Too many attempts", [("Retry-After", "30")])``.

    :ivar status: the HTTP status (4xx or 5xx).
    :ivar message: shown through flash and session messages, and as the failure's message.
    :ivar headers: extra ``(name, value)`` response headers (kept as a tuple; CR, LF and NUL
        are refused, since they would split the response).
    """

    status: int = 429
    message: str = "Too many authentication attempts"
    headers: Sequence[tuple[str, str]] = ()

    def __post_init__(self) -> None:
        if type(self.status) is not int or not 400 <= self.status <= 599:
            raise ValueError(f"Refusal status must be a 4xx or 5xx code, got {self.status!r}")
        headers = tuple((name, value) for name, value in self.headers)
        for name, value in headers:
            if type(name) is not str or type(value) is not str or any(c in name + value for c in "\r\n\0"):
                raise ValueError(f"Refusal headers must be str pairs without CR, LF or NUL, got {name!r}")
        object.__setattr__(self, "headers", headers)  # frozen: keep an immutable copy


# -- attempt phase --------------------------------------------------------------------------


@hookspec(firstresult=True)
def passport_refuse_attempt(request: Request, strategies: Sequence[str]) -> Refusal | None:
    """Stop an attempt before any strategy runs (rate limiting, lockout, maintenance).

    :param request: the framework-neutral request.
    :param strategies: the names the route will try, in order.
    :returns: a :class:`Refusal`, or ``None`` to let the attempt run. The first refusal wins
        and no strategy runs. Raising stops the attempt with a :class:`~passport.core.PluginError`.
    """


@hookspec
def passport_attempt_started(request: Request, strategies: Sequence[str]) -> None:
    """An attempt begins (it was not refused).

    :param request: the framework-neutral request.
    :param strategies: the names the route will try, in order.
    """


@hookspec
def passport_strategy_outcome(request: Request, strategy: str, action: str, status: int | None) -> None:
    """One strategy of the chain acted.

    :param request: the framework-neutral request.
    :param strategy: the strategy's name.
    :param action: ``"success"``, ``"fail"``, ``"redirect"``, ``"pass"`` or ``"error"``.
    :param status: the status the strategy gave with ``fail`` or ``redirect``, else ``None``.
    """


@hookspec
def passport_attempt_finished(request: Request, strategies: Sequence[str], outcome: Outcome) -> None:
    """The chain is over (before the outcome is applied: login, redirect, response).

    Also called for a refused attempt (then ``outcome.refusal`` is the :class:`Refusal`, and
    neither :func:`passport_attempt_started` nor :func:`passport_strategy_outcome` ran), and
    when the chain itself raised — a strategy the route names is not registered, the request
    was cancelled (a client gone in an async app): then ``outcome.action`` is ``"error"`` and
    ``outcome.error`` the exception, which propagates once the hooks have run. So whatever a
    plugin took when the attempt started can always be released here.

    :param request: the framework-neutral request.
    :param strategies: the names the route tried.
    :param outcome: the :class:`~passport.core.Outcome` (``action``, ``user``, ``failures``...).
    """


# -- session phase --------------------------------------------------------------------------


@hookspec
def passport_login(request: Request, user: Any, session: bool) -> None:
    """A user was logged in (after the session was regenerated and the user serialized).

    :param request: the framework-neutral request.
    :param user: the user now in ``request.user``.
    :param session: whether the login was stored in the session.
    """


@hookspec
def passport_logout(request: Request, user: Any) -> None:
    """A user was logged out (the session no longer holds them).

    :param request: the framework-neutral request.
    :param user: the user that was in ``request.user`` (``None`` if nobody was logged in).
    """
