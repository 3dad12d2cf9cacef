"""Guards: run a route's strategies in order, then apply (``run``) or hand back (``attempt``).

Strategies are tried in list order. ``fail`` moves on to the next one; ``success``,
``redirect``, ``pass_`` and ``error`` end the chain. Names are looked up when the guard runs,
not when it is built, so a strategy registered later is found (Passport does the same).

The chain and the applying of its outcome are one flow, :meth:`Guard._flow` (see ``_flows``):
the sync entry points run it with :func:`~passport.core._flows.drive`, the async ones with
:func:`~passport.core._flows.adrive`, and that choice is all that differs between them.
"""

from __future__ import annotations

from collections.abc import Coroutine
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Final
from typing import final

from ._actions import Outcome
from ._actions import begin_attempt
from ._actions import end_attempt
from ._apply import after_login
from ._apply import before_login
from ._apply import settle
from ._async import _get_running_loop
from ._async import ensure_sync_mode
from ._async import is_awaitable
from ._errors import UnknownStrategyError
from ._flows import STEPS
from ._flows import Flow
from ._flows import adrive
from ._flows import drive
from ._flows import result_of
from ._layers import NO_ANSWER
from ._layers import first_answer
from ._options import RouteOptions
from ._remember import wants_remember
from ._session import login
from ._session import login_request
from ._strategy import Strategy

if TYPE_CHECKING:
    from ._plugins import PluginHost
    from ._registry import Registry
    from ._request import Request
    from ._response import Response


AMBIGUOUS_CREDENTIALS: Final = "Credentials for more than one authentication method; send one."
_NO_CREDENTIALS_CHECK: Final = Strategy.has_credentials  # the base class's answer: none seen, no call needed


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

    __slots__ = (
        "_checkers",
        "_checkers_generation",
        "_checks_credentials",
        "_entries",
        "_multi",
        "_registry",
        "names",
        "opts",
    )

    def __init__(self, registry: Registry, strategies: str | Strategy | Sequence[Any], options: dict[str, Any]) -> None:
        self._registry = registry
        self._multi = isinstance(strategies, (list, tuple))
        entries = list(strategies) if isinstance(strategies, (list, tuple)) else [strategies]
        self.names: tuple[str, ...] = tuple(_entry_name(e) for e in entries)
        self._entries: tuple[tuple[Any, str], ...] = tuple(zip(entries, self.names, strict=True))
        self.opts = RouteOptions(options)
        # Several strategies: a request with credentials for more than one is refused (item 51).
        self._checks_credentials = len(self._entries) > 1 and not self.opts.allow_multiple_credentials
        # The chain's strategies that implement the check, when at least two do (else empty).
        self._checkers: tuple[tuple[Any, str], ...] = ()
        self._checkers_generation = -1  # the registry generation _checkers was derived for

    @property
    def options(self) -> Any:
        """The route options, exactly as strategies receive them (read-only)."""
        return self.opts.raw

    def __repr__(self) -> str:
        names = list(self.names) if self._multi else self.names[0]
        return f"<Guard {names!r}>"

    # -- the entry points: each picks a mode and runs the one flow ---------------------------

    def run(self, request: Request) -> Response | None:
        """Run the chain and apply the outcome.

        :returns: ``None`` to proceed with the route (``request.user`` or the
            ``assign_property`` is set), or a :class:`Response` to send instead.
        :raises AuthenticationError: all strategies failed and the route set ``fail_with_error``.
        :raises Exception: the strategy's error (the ``error`` action), for the framework's
            error handling.
        :raises RuntimeError: called inside a running event loop (use :meth:`arun`).
        """
        if _get_running_loop() is not None:
            ensure_sync_mode("run", "arun")
        answer: list[Any] = []
        return drive(self._flow(request, True, answer), answer)  # type: ignore[no-any-return]

    def arun(self, request: Request) -> Coroutine[Any, Any, Response | None]:
        """Async twin of :meth:`run`; returns a coroutine (``await guard.arun(request)``)."""
        answer: list[Any] = []
        return adrive(self._flow(request, True, answer), answer)

    def attempt(self, request: Request) -> Outcome:
        """Run the chain on ``request`` and return the :class:`Outcome` without applying it.

        :raises UnknownStrategyError: a named strategy is not registered.
        :raises RuntimeError: called inside a running event loop (use :meth:`aattempt`).
        """
        if _get_running_loop() is not None:
            ensure_sync_mode("attempt", "aattempt")
        answer: list[Any] = []
        return drive(self._flow(request, False, answer), answer)  # type: ignore[no-any-return]

    def aattempt(self, request: Request) -> Coroutine[Any, Any, Outcome]:
        """Async twin of :meth:`attempt`: ``async def`` parts are awaited, blocking ones threaded.

        Returns a coroutine (``await guard.aattempt(request)``).
        """
        answer: list[Any] = []
        return adrive(self._flow(request, False, answer), answer)

    # -- the flow ------------------------------------------------------------------------------

    def _flow(self, request: Request, apply: bool, answer: list[Any]) -> Flow:
        """Run the chain, then apply the outcome (``apply``) or hand it back: the answer
        (a :class:`Response` or ``None``, or the :class:`Outcome`) is appended to ``answer``."""
        registry = self._registry
        hooks = registry.hooks
        outcome = Outcome()
        refused = False
        if hooks is not None:
            if hooks.blocking:  # a plugin's hooks wait on I/O: a step, so async mode offloads them
                refused = yield from result_of(self._refused, hooks, request, outcome)
            else:
                refused = self._refused(hooks, request, outcome)
        if (
            not refused
            and self._checks_credentials
            and (self._checkers or self._checkers_generation != registry.generation)
        ):
            refused = self._ambiguous(registry, request, outcome)
        if not refused:
            options = self.opts.raw
            strategies = registry.strategies
            # One context variable binding for the chain, renewed only when a failed strategy hands over.
            token = begin_attempt(outcome)
            try:
                for entry, name in self._entries:
                    strategy = strategies.get(entry) if type(entry) is str else entry
                    if strategy is None:
                        raise UnknownStrategyError(entry, strategies)
                    if outcome.action is not None:
                        # The previous strategy failed: the next one gets a fresh outcome, so an action
                        # from a task or thread the failed strategy leaked is refused, not taken as this one's.
                        failures = outcome.failures
                        outcome = Outcome()
                        outcome.failures = failures
                        begin_attempt(outcome)
                    outcome.strategy = name
                    outcome._open = True
                    try:
                        pending = strategy.authenticate(request, options)
                        if pending is not None:
                            if type(pending) is tuple and pending and pending[0] is STEPS:
                                yield from pending[1]  # (STEPS, flow): run in this flow's mode
                            elif is_awaitable(pending):
                                yield [None, pending]
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
                    self._close_failed(outcome)
            except GeneratorExit:  # the flow was closed unfinished: nothing may run any more
                raise
            except BaseException as exc:
                # The chain itself raised (a strategy the route names is not registered, the
                # request was cancelled): the plugins still hear that the attempt is over, so
                # none keeps what it took for it (a throttle's slot); then the error goes on.
                if hooks is not None:
                    outcome.action, outcome.error, outcome._open = "error", exc, False
                    yield from self._over(hooks, request, outcome)
                raise
            finally:
                end_attempt(token)
        if hooks is not None:  # refused, ambiguous or run: the attempt is over
            yield from self._over(hooks, request, outcome)
        result: Outcome | Response | None = outcome
        if apply:
            opts = self.opts
            action = outcome.action
            if action == "pass":  # the route goes on as it is
                result = None
            elif action != "success":
                result = settle(request, outcome, opts)
            else:
                # Success is applied here, in the flow: login and the info transformers are user code.
                decided = None if opts.plain_success else before_login(request, outcome, opts)
                if opts.assign_property is not None:
                    setattr(request, opts.assign_property, outcome.user)
                elif opts.session:
                    carry = getattr(strategy, "session_keys", ())  # the strategy that succeeded
                    if type(carry) is not tuple:
                        carry = tuple(carry) if isinstance(carry, list) else ()
                    remember = opts.remember is not False and wants_remember(request, opts.remember)
                    yield from login(registry, request, outcome.user, True, opts.keep_session_info, carry, remember)
                else:  # an API guard: no session, no user code
                    login_request(registry, request, outcome.user)
                if opts.auth_info:
                    info = {} if outcome.info is None else outcome.info
                    layers = registry.transformers
                    if layers:  # auth_info_transformer functions: the first answer wins
                        transformed = yield from first_answer(layers, info, request)
                        info = info if transformed is NO_ANSWER else transformed
                    request.auth_info = info
                result = None if decided is None else after_login(request, opts, decided)
        answer.append(result)

    def _over(self, hooks: PluginHost, request: Request, outcome: Outcome) -> Flow:
        """Tell the plugins the attempt is over: a step when their hooks block (async mode runs
        it in a worker thread), else a plain call."""
        if hooks.blocking:
            yield [hooks.finished, (request, self.names, outcome)]
        else:
            hooks.finished(request, self.names, outcome)

    def _refused(self, hooks: PluginHost, request: Request, outcome: Outcome) -> bool:
        """Ask the plugins first: a refusal fails the attempt before any strategy runs."""
        refusal = hooks.refuse(request, self.names)
        if refusal is None:
            hooks.started(request, self.names)
            return False
        outcome.refusal = refusal
        outcome.strategy = self.names[0] if self.names else None
        outcome.failures = [({"message": refusal.message}, refusal.status)]
        self._close_failed(outcome)
        return True

    def _ambiguous(self, registry: Registry, request: Request, outcome: Outcome) -> bool:
        """Fail the attempt with 400 when more than one strategy sees credentials of its own.

        Which credentials count is up to each strategy (:meth:`Strategy.has_credentials`); one
        that does not implement it is assumed to see none and is never asked. Which strategies
        implement it is worked out once per registry generation, not per request.
        """
        if self._checkers_generation != registry.generation:
            self._checkers = self._strategies_that_check(registry)
            self._checkers_generation = registry.generation
        seen: dict[Any, str] = {}  # where credentials were seen -> the first strategy that saw them
        for strategy, name in self._checkers:
            where = strategy.has_credentials(request)
            if where:
                # Strategies naming the same place read one credential (a JWT and an opaque
                # bearer token in one Authorization header): alternatives, not two credentials.
                seen.setdefault(where if type(where) is str else name, name)
        if len(seen) < 2:
            return False
        outcome.strategy = list(seen.values())[1]
        outcome.failures = [({"message": AMBIGUOUS_CREDENTIALS}, 400)]
        self._close_failed(outcome)
        return True

    def _strategies_that_check(self, registry: Registry) -> tuple[tuple[Any, str], ...]:
        found = []
        for entry, name in self._entries:
            # Not registered: no credentials to see; the chain raises if it gets that far.
            strategy = registry.strategies.get(entry) if type(entry) is str else entry
            check = getattr(type(strategy), "has_credentials", None)
            if check is not None and check is not _NO_CREDENTIALS_CHECK:
                found.append((strategy, name))
        return tuple(found) if len(found) > 1 else ()  # one alone can never be ambiguous

    def _close_failed(self, outcome: Outcome) -> None:
        # Passport's custom-callback shape: one challenge/status, or lists for a list guard.
        failures = outcome.failures
        outcome.action = "fail"
        if self._multi:
            outcome.info = [c for c, _ in failures]
            outcome.status = [s for _, s in failures]
        elif failures:
            outcome.info, outcome.status = failures[0]
