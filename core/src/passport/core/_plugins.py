"""Calling plugins: each hook implementation isolated from the others."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import final

import pluggy

from . import hookspecs
from ._errors import PluginError

if TYPE_CHECKING:
    from ._actions import Outcome

logger = logging.getLogger("passport.plugins")


@final
class PluginHost:
    """A ``Passport``'s plugin manager and the core's calls into it."""

    __slots__ = ("manager",)

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager("passport")
        self.manager.add_hookspecs(hookspecs)

    def _each(self, hook_name: str, kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
        """Call every implementation of a hook, newest first, each on its own; return answers."""
        hook = getattr(self.manager.hook, hook_name)
        answers: list[tuple[str, Any]] = []
        for impl in reversed(hook.get_hookimpls()):
            try:
                answer = impl.function(*[kwargs[name] for name in impl.argnames])
            except Exception as exc:
                if hook_name == "passport_refuse_attempt":
                    raise PluginError(
                        f"plugin {impl.plugin_name!r} failed in {hook_name}: {type(exc).__name__}",
                        impl.plugin_name,
                    ) from exc
                logger.error("plugin %r failed in %s", impl.plugin_name, hook_name, exc_info=True)
                continue
            if answer is not None:
                answers.append((impl.plugin_name, answer))
                if hook_name == "passport_refuse_attempt":
                    break
        return answers

    def refuse(self, request: Any, strategies: Sequence[str]) -> hookspecs.Refusal | None:
        for plugin, answer in self._each("passport_refuse_attempt", {"request": request, "strategies": strategies}):
            if not isinstance(answer, hookspecs.Refusal):
                raise PluginError(
                    f"plugin {plugin!r} answered passport_refuse_attempt with a "
                    f"{type(answer).__name__}; return a Refusal or None",
                    plugin,
                )
            return answer
        return None

    def started(self, request: Any, strategies: Sequence[str]) -> None:
        self._each("passport_attempt_started", {"request": request, "strategies": strategies})

    def strategy_outcome(self, request: Any, outcome: Outcome) -> None:
        status = outcome.status if outcome.action in ("fail", "redirect") else None
        self._each(
            "passport_strategy_outcome",
            {"request": request, "strategy": outcome.strategy, "action": outcome.action, "status": status},
        )

    def finished(self, request: Any, strategies: Sequence[str], outcome: Outcome) -> None:
        self._each("passport_attempt_finished", {"request": request, "strategies": strategies, "outcome": outcome})

    def login(self, request: Any, user: Any, session: bool) -> None:
        self._each("passport_login", {"request": request, "user": user, "session": session})

    def logout(self, request: Any, user: Any) -> None:
        self._each("passport_logout", {"request": request, "user": user})
