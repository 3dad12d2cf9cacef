"""Plugins: registering, loading from entry points, and calling each hook implementation isolated.

The core calls hook implementations itself, one by one, rather than through pluggy's hook
caller: an observer that raises must not stop the others, nor the request. Such an error is
logged on the ``passport.plugins`` logger (never silent) and the request carries on. The refusal
hook is different: if it raises, letting the attempt through would quietly switch off the
plugin's protection, so the attempt stops with a :class:`~passport.core.PluginError`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import final

import importlib_metadata
import pluggy

from . import hookspecs
from ._async import is_async_callable
from ._discovery import StrategyInfo
from ._discovery import entry_points
from ._errors import PluginError

if TYPE_CHECKING:
    from ._actions import Outcome
    from ._request import Request

logger = logging.getLogger("passport.plugins")

PLUGIN_GROUP = "passport.plugins"
DISABLE_AUTOLOAD_ENV = "PASSPORT_DISABLE_PLUGIN_AUTOLOAD"
_REFUSE = "passport_refuse_attempt"


def autoload_disabled() -> bool:
    """True when ``PASSPORT_DISABLE_PLUGIN_AUTOLOAD`` is set (not ``""``, ``0``, ``false``, ``no``, ``off``)."""
    return os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def plugin_entries() -> list[StrategyInfo]:
    """The ``passport.plugins`` entry points (name, distribution, version, target), nothing imported."""
    return [info for info, _ in entry_points(PLUGIN_GROUP)]


@final
class PluginHost:
    """A ``Passport``'s plugin manager and the core's calls into it."""

    __slots__ = ("blocking", "manager")

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager("passport")
        self.blocking = False
        """Whether a registered plugin says its attempt hooks wait on I/O (``passport_blocking``)."""
        self.manager.add_hookspecs(hookspecs)

    # -- registering -------------------------------------------------------------------------

    def register(self, plugin: object, name: str | None = None) -> str:
        """Register ``plugin`` and check its hooks now, so a typo fails at startup, not never.

        :raises PluginError: an unknown ``passport_*`` hook, an argument the hook does not have,
            an ``async def`` implementation (hooks are called synchronously), or a wrapper
            implementation (passport calls hooks itself and does not run wrappers).
        :raises ValueError: the plugin or the name is already registered, or the name is blocked.
        """
        manager = self.manager
        if name is None:
            name = getattr(plugin, "__name__", None) or f"{type(plugin).__module__}.{type(plugin).__qualname__}"
            if manager.has_plugin(name) or manager.is_blocked(name):
                name = f"{name}-{id(plugin):x}"
        try:
            registered = manager.register(plugin, name)
        except pluggy.PluginValidationError as exc:
            if manager.is_registered(plugin):  # older pluggy may have registered it half-way
                manager.unregister(plugin)
            raise PluginError(f"plugin {name!r} is invalid: {exc}", name) from exc
        if registered is None:  # pluggy answers None for a blocked name
            raise ValueError(f"plugin name {name!r} is blocked")
        for caller in manager.get_hookcallers(plugin) or ():
            for impl in caller.get_hookimpls():
                if impl.plugin is not plugin:
                    continue
                problem = None
                if caller.spec is None and not impl.optionalhook:
                    problem = f"implements {caller.name}, which is not a passport hook (see passport.core.hookspecs)"
                elif impl.wrapper or impl.hookwrapper:
                    problem = f"marks {caller.name} as a wrapper, which passport hooks do not support"
                elif is_async_callable(impl.function):
                    # It would return a coroutine nobody awaits: the hook would silently never run.
                    problem = f"implements {caller.name} as async def; hooks are called synchronously"
                if problem is not None:
                    manager.unregister(plugin)
                    raise PluginError(f"plugin {registered!r} {problem}", registered)
        self._recount()
        return registered

    def unregister(self, plugin: object) -> None:
        self.manager.unregister(plugin)
        self._recount()

    def _recount(self) -> None:
        # A plugin whose hooks wait on the network (a Redis count) says so with a true
        # ``passport_blocking`` attribute; async guards then run the attempt hooks in a worker
        # thread instead of on the event loop. Worked out once per (un)registration.
        self.blocking = any(getattr(p, "passport_blocking", False) is True for p in self.manager.get_plugins())

    def load_entry_points(self, block: Iterable[str] = ()) -> int:
        """Load and register the ``passport.plugins`` entry points, skipping ``block``ed names.

        :returns: how many were loaded (none when the environment switch is set).
        :raises PluginError: a plugin failed to import or is invalid (the app asked for it; going
            on without, say, its rate limiting would be a silent downgrade).
        """
        manager = self.manager
        for name in block:
            manager.set_blocked(name)
        if autoload_disabled():
            logger.info("%s is set: no passport.plugins entry point is loaded", DISABLE_AUTOLOAD_ENV)
            return 0
        count = 0
        for ep in importlib_metadata.entry_points(group=PLUGIN_GROUP):
            if manager.has_plugin(ep.name) or manager.is_blocked(ep.name):
                continue
            dist = ep.dist.metadata["Name"] if ep.dist is not None else "<unknown>"
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(
                    f"plugin {ep.name!r} ({ep.value}, from {dist}) failed to load: {type(exc).__name__}: {exc}",
                    ep.name,
                ) from exc
            self.register(plugin, ep.name)
            logger.debug("loaded passport plugin %r from %s", ep.name, dist)
            count += 1
        return count

    # -- calling -----------------------------------------------------------------------------

    def _each(self, hook_name: str, kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
        """Call every implementation of a hook in pluggy's order (newest first, ``tryfirst``
        and ``trylast`` honoured), each isolated from the others; return the non-None answers."""
        hook = getattr(self.manager.hook, hook_name)
        answers: list[tuple[str, Any]] = []
        for impl in reversed(hook.get_hookimpls()):
            try:
                answer = impl.function(*[kwargs[name] for name in impl.argnames])
            except Exception as exc:
                if hook_name == _REFUSE:
                    raise PluginError(
                        f"plugin {impl.plugin_name!r} failed in {hook_name}: {type(exc).__name__}; "
                        "the attempt is stopped rather than let through unchecked",
                        impl.plugin_name,
                    ) from exc
                logger.error(
                    "plugin %r failed in %s; the request carries on", impl.plugin_name, hook_name, exc_info=True
                )
                continue
            if answer is not None:
                answers.append((impl.plugin_name, answer))
                if hook_name == _REFUSE:
                    break
        return answers

    def refuse(self, request: Request, strategies: Sequence[str]) -> hookspecs.Refusal | None:
        """The first plugin refusal for this attempt, or ``None``."""
        for plugin, answer in self._each(_REFUSE, {"request": request, "strategies": strategies}):
            if not isinstance(answer, hookspecs.Refusal):
                raise PluginError(
                    f"plugin {plugin!r} answered {_REFUSE} with a {type(answer).__name__}; return a Refusal or None",
                    plugin,
                )
            return answer
        return None

    def started(self, request: Request, strategies: Sequence[str]) -> None:
        self._each("passport_attempt_started", {"request": request, "strategies": strategies})

    def strategy_outcome(self, request: Request, outcome: Outcome) -> None:
        status = outcome.status if outcome.action in ("fail", "redirect") else None
        self._each(
            "passport_strategy_outcome",
            {"request": request, "strategy": outcome.strategy, "action": outcome.action, "status": status},
        )

    def finished(self, request: Request, strategies: Sequence[str], outcome: Outcome) -> None:
        self._each("passport_attempt_finished", {"request": request, "strategies": strategies, "outcome": outcome})

    def login(self, request: Request, user: Any, session: bool) -> None:
        self._each("passport_login", {"request": request, "user": user, "session": session})

    def logout(self, request: Request, user: Any) -> None:
        self._each("passport_logout", {"request": request, "user": user})
