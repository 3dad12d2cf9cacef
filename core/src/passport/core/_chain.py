"""Guards: run a route's strategies in order, then apply (``run``) or hand back (``attempt``).

Strategies are tried in list order. ``fail`` moves on to the next one; ``success``,
``redirect``, ``pass_`` and ``error`` end the chain. Names are looked up when the guard runs,
not when it is built, so a strategy registered later is found (Passport does the same).
"""

from __future__ import annotations

from collections.abc import Coroutine
from collections.abc import Sequence
from types import CoroutineType
from typing import TYPE_CHECKING
from typing import Any
from typing import final

from ._actions import CURRENT
from ._actions import Outcome
from ._apply import failure
from ._apply import record_success
from ._apply import redirect_response
from ._apply import success_prelude
from ._apply import success_redirect
from ._async import _get_running_loop
from ._async import ensure_sync_mode
from ._async import run_sync
from ._errors import UnknownStrategyError
from ._options import RouteOptions
from ._response import Response
from ._session import atransform
from ._session import transform
from ._session_strategy import SessionStrategy

if TYPE_CHECKING:
    from ._passport import Passport
    from ._plugins import PluginHost
    from ._strategy import Strategy


def _entry_name(entry: Any) -> str:
    if type(entry) is str:
        return entry
    if callable(getattr(entry, "authenticate", None)) and not isinstance(entry, type):
        return getattr(entry, "name", None) or type(entry).__name__
    raise TypeError(f"a guard takes strategy names or Strategy instances, got {entry!r}")


@final
class Guard:
    """A route guard built by ``Passport.authenticate``, ``authorize`` or ``session``.

    Adapters wrap it; it can also be used directly with any object that satisfies
    :class:`~passport.core.Request`.
    """

    __slots__ = ("_api", "_entries", "_multi", "_options", "_passport", "_restores", "names", "opts")

    def __init__(self, passport: Passport, strategies: str | Strategy | Sequence[Any], options: dict[str, Any]) -> None:
        self._passport = passport
        self._multi = isinstance(strategies, (list, tuple))
        entries = list(strategies) if isinstance(strategies, (list, tuple)) else [strategies]
        self.names: tuple[str, ...] = tuple(_entry_name(e) for e in entries)
        self._entries: tuple[tuple[Any, str], ...] = tuple(zip(entries, self.names, strict=True))
        self.opts = RouteOptions(options)
        self._options = self.opts.raw
        # Passport.session(): eligible for the direct restore path in run()/arun().
        self._restores = entries == ["session"] and not options
        # A session-less API guard with no success options: applied without helper calls.
        self._api = self.opts.plain_success and not self.opts.session

    @property
    def options(self) -> Any:
        """The route options, exactly as strategies receive them (read-only)."""
        return self.opts.raw

    def __repr__(self) -> str:
        names = list(self.names) if self._multi else self.names[0]
        return f"<Guard {names!r}>"

    # -- running the chain -------------------------------------------------------------------

    def _open(self, hooks: PluginHost, request: Any) -> Outcome:
        outcome = Outcome()
        refusal = hooks.refuse(request, self.names)
        if refusal is None:
            hooks.started(request, self.names)
            return outcome
        outcome.refusal = refusal
        outcome.strategy = self.names[0] if self.names else None
        outcome.failures = [({"message": refusal.message}, refusal.status)]
        return self._close(hooks, request, outcome, failed=True)

    def _close(self, hooks: PluginHost | None, request: Any, outcome: Outcome, failed: bool) -> Outcome:
        if failed:
            # Passport's custom-callback shape: one challenge/status, or lists for a list guard.
            failures = outcome.failures
            outcome.action = "fail"
            if self._multi:
                outcome.info = [c for c, _ in failures]
                outcome.status = [s for _, s in failures]
            elif failures:
                outcome.info, outcome.status = failures[0]
        if hooks is not None:
            hooks.finished(request, self.names, outcome)
        return outcome

    def attempt(self, request: Any) -> Outcome:
        """Run the chain on ``request`` and return the :class:`Outcome` without applying it.

        :raises UnknownStrategyError: a named strategy is not registered.
        :raises RuntimeError: called inside a running event loop (use :meth:`aattempt`).
        """
        if _get_running_loop() is not None:
            ensure_sync_mode("attempt", "aattempt")
        return self._attempt(request)

    def _attempt(self, request: Any) -> Outcome:
        hooks = self._passport._hooks
        if hooks is None:
            outcome = Outcome()
        else:
            outcome = self._open(hooks, request)
            if outcome.action is not None:
                return outcome
        options = self._options
        registry = self._passport._strategies
        # One context variable binding for the chain, renewed only when a failed strategy hands over.
        token = CURRENT.set(outcome)
        try:
            for entry, name in self._entries:
                strategy = registry.get(entry) if type(entry) is str else entry
                if strategy is None:
                    raise UnknownStrategyError(entry, registry)
                # The loop body is inlined (no helper calls): it runs for every guarded request.
                if outcome.action is not None:
                    # The previous strategy failed: the next one gets a fresh outcome, so an action
                    # from a task or thread the failed strategy leaked is refused, not taken as this one's.
                    failures = outcome.failures
                    outcome = Outcome()
                    outcome.failures = failures
                    CURRENT.set(outcome)
                outcome.strategy = name
                outcome._open = True
                try:
                    result = strategy.authenticate(request, options)
                    if result is not None and hasattr(type(result), "__await__"):
                        run_sync(result)
                except Exception as exc:
                    outcome.raised(exc)
                outcome._open = False
                if outcome.action is None or outcome._misuse is not None:
                    outcome.misused()
                if hooks is not None:
                    hooks.strategy_outcome(request, outcome)
                if outcome.action != "fail":
                    break
                outcome.failures = [*outcome.failures, (outcome.info, outcome.status)]
            else:
                return self._close(hooks, request, outcome, failed=True)
        finally:
            CURRENT.reset(token)
        return outcome if hooks is None else self._close(hooks, request, outcome, failed=False)

    def aattempt(self, request: Any) -> Coroutine[Any, Any, Outcome]:
        """Async twin of :meth:`attempt`: ``async def`` parts are awaited, blocking ones threaded.

        Returns a coroutine (``await guard.aattempt(request)``).
        """
        return self._arun(request, False)

    async def _arun(self, request: Any, apply: bool) -> Any:
        """The async chain, applied (``arun``: ``Response | None``) or not (``aattempt``: the outcome).

        One coroutine for the whole request: each extra coroutine level costs about as much as
        the session-less success itself.
        """
        passport = self._passport
        hooks = passport._hooks
        if hooks is None:
            if apply and self._restores:
                strategy = passport._strategies.get("session")
                if type(strategy) is SessionStrategy:
                    pending = strategy.restore(request)
                    if pending is not None:
                        await pending
                    return None
            outcome = Outcome()
        else:
            outcome = self._open(hooks, request)
            if outcome.action is not None:
                return self._settle(request, outcome) if apply else outcome
        options = self._options
        registry = passport._strategies
        failed = False
        # One context variable binding for the chain, renewed only when a failed strategy hands over.
        token = CURRENT.set(outcome)
        try:
            for entry, name in self._entries:
                strategy = registry.get(entry) if type(entry) is str else entry
                if strategy is None:
                    raise UnknownStrategyError(entry, registry)
                # The loop body is inlined (no helper calls): it runs for every guarded request.
                if outcome.action is not None:
                    # The previous strategy failed: the next one gets a fresh outcome, so an action
                    # from a task or thread the failed strategy leaked is refused, not taken as this one's.
                    failures = outcome.failures
                    outcome = Outcome()
                    outcome.failures = failures
                    CURRENT.set(outcome)
                outcome.strategy = name
                outcome._open = True
                try:
                    result = strategy.authenticate(request, options)
                    if result is not None and (type(result) is CoroutineType or hasattr(type(result), "__await__")):
                        await result
                except Exception as exc:
                    outcome.raised(exc)
                outcome._open = False
                if outcome.action is None or outcome._misuse is not None:
                    outcome.misused()
                if hooks is not None:
                    hooks.strategy_outcome(request, outcome)
                if outcome.action != "fail":
                    break
                outcome.failures = [*outcome.failures, (outcome.info, outcome.status)]
            else:
                failed = True
        finally:
            CURRENT.reset(token)
        if failed or hooks is not None:
            outcome = self._close(hooks, request, outcome, failed)
        if not apply:
            return outcome
        action = outcome.action
        if action == "success":
            opts = self.opts
            if self._api and hooks is None and not passport._transformers:
                # An API guard: log in without a session and hand over the info, no helper calls.
                request.user = outcome.user
                if opts.auth_info:
                    info = outcome.info
                    request.auth_info = {} if info is None else info
                return None
            return await self._asucceed(request, outcome)
        if action == "pass":
            return None
        return self._settle(request, outcome)

    # -- applying the outcome ----------------------------------------------------------------

    def run(self, request: Any) -> Response | None:
        """Run the chain and apply the outcome.

        :returns: ``None`` to proceed with the route (``request.user`` or the
            ``assign_property`` is set), or a :class:`Response` to send instead.
        :raises AuthenticationError: all strategies failed and the route set ``fail_with_error``.
        :raises Exception: the strategy's error (the ``error`` action), for the framework's
            error handling.
        """
        if _get_running_loop() is not None:
            ensure_sync_mode("run", "arun")
        if self._restores and self._passport._hooks is None:
            strategy = self._passport._strategies.get("session")
            if type(strategy) is SessionStrategy:
                strategy.restore(request)
                return None
        outcome = self._attempt(request)
        action = outcome.action
        if action == "pass":
            return None
        if action == "success":
            return self._succeed(request, outcome)
        return self._settle(request, outcome)

    def arun(self, request: Any) -> Coroutine[Any, Any, Response | None]:
        """Async twin of :meth:`run`; returns a coroutine (``await guard.arun(request)``)."""
        return self._arun(request, True)

    def _settle(self, request: Any, outcome: Outcome) -> Response | None:
        action = outcome.action
        if action == "fail":
            return failure(request, outcome, self.opts)
        if action == "redirect":
            return redirect_response(outcome.url, outcome.status)  # type: ignore[arg-type]
        raise outcome.error  # type: ignore[misc]

    def _succeed(self, request: Any, outcome: Outcome) -> Response | None:
        opts = self.opts
        passport = self._passport
        if opts.plain_success:
            passport._login(request, outcome.user, opts.session, opts.keep_session_info)
            if opts.auth_info:
                info = {} if outcome.info is None else outcome.info
                request.auth_info = transform(passport._transformers, info, request) if passport._transformers else info
            return None
        flash, message, return_to = success_prelude(request, outcome, opts)
        if opts.assign_property is None:
            passport._login(request, outcome.user, opts.session, opts.keep_session_info)
        else:
            setattr(request, opts.assign_property, outcome.user)
        record_success(request, flash, message)
        if opts.auth_info:
            info = outcome.info
            request.auth_info = transform(passport._transformers, {} if info is None else info, request)
        return success_redirect(request, opts, return_to)

    async def _asucceed(self, request: Any, outcome: Outcome) -> Response | None:
        # The session-less API success without plugins never gets here: _arun applies it inline.
        opts = self.opts
        passport = self._passport
        flash, message, return_to = success_prelude(request, outcome, opts)
        if opts.assign_property is not None:
            setattr(request, opts.assign_property, outcome.user)
        elif opts.session:
            await passport._alogin(request, outcome.user, True, opts.keep_session_info)
        else:
            passport._login(request, outcome.user, False, False)  # runs no user code: no await needed
        record_success(request, flash, message)
        if opts.auth_info:
            info = {} if outcome.info is None else outcome.info
            layers = passport._transformers
            request.auth_info = await atransform(layers, info, request) if layers else info
        return success_redirect(request, opts, return_to)
