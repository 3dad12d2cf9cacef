"""Per-attempt actions and the outcome they build.

A strategy instance is shared by every request, so its actions cannot live on it. The chain
runner puts the attempt in progress into a context variable for the duration of each
``authenticate`` call; ``Strategy.success`` and friends find it there. Context variables are
per thread and per asyncio task, so concurrent requests never see each other's attempt.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any
from typing import Final
from typing import Literal
from typing import final

from ._errors import StrategyError

Action = Literal["success", "fail", "redirect", "pass", "error"]

CURRENT: Final[ContextVar[Outcome | None]] = ContextVar("passport_attempt", default=None)

# CURRENT's methods, bound once for the modules that import them. CPython 3.11 compiles a
# method call on an imported name (``CURRENT.get()`` elsewhere) as an attribute load, taking
# the name for a module, so each call would build a bound method first: three per request.
attempt_in_progress: Final = CURRENT.get
begin_attempt: Final = CURRENT.set
end_attempt: Final = CURRENT.reset


def _has_crlf(text: str) -> bool:
    return "\r" in text or "\n" in text


@final
class Outcome:
    """What a guard's strategy chain did, handed back by ``guard.attempt()`` unapplied.

    :ivar action: ``"success"``, ``"fail"``, ``"redirect"``, ``"pass"`` or ``"error"``.
    :ivar user: the authenticated user on success, else ``None``.
    :ivar info: success info; on fail, the challenge (single-name guard) or the list of
        challenges in chain order (list guard) — Passport's custom-callback shape.
    :ivar status: on fail, the status (single) or list of statuses (list guard); on redirect,
        the redirect status.
    :ivar url: the redirect target.
    :ivar error: the exception on ``"error"`` (a :class:`StrategyError` for protocol misuse).
    :ivar failures: every ``(challenge, status)`` in chain order (a sequence; empty until one fails).
    :ivar strategy: the name of the strategy that ended the chain (the last one tried).
    :ivar refusal: the plugin refusal that stopped the attempt before any strategy ran.
    """

    # Class-level defaults keep a fresh outcome to one allocation: this is the hot path.
    action: Action | None = None
    user: Any = None
    info: Any = None
    status: Any = None
    url: str | None = None
    error: BaseException | None = None
    strategy: str | None = None
    refusal: Any = None
    _misuse: StrategyError | None = None
    _open: bool = False
    # Replaced by a list on the first failure (see Guard.attempt); an empty tuple until then.
    failures: Sequence[tuple[Any, int | None]] = ()

    def __repr__(self) -> str:
        return f"<Outcome action={self.action!r} strategy={self.strategy!r} status={self.status!r}>"

    @property
    def failure_status(self) -> int:
        """The status an all-failed attempt is answered with: a plugin refusal's, else the first
        status a strategy failed with, else 401."""
        if self.refusal is not None:
            return self.refusal.status  # type: ignore[no-any-return]
        return next((s for _, s in self.failures if s), 401)

    # -- used by the chain runner ------------------------------------------------------------

    def raised(self, exc: Exception) -> None:
        """``authenticate`` raised: that is the error action, unless the strategy already acted."""
        if self.action is None:
            self.action = "error"
            self.error = exc
        elif self._misuse is None:
            misuse = StrategyError(
                f"strategy {self.strategy!r} raised {type(exc).__name__} after calling {self._verb()}",
                self.strategy,
            )
            misuse.__cause__ = exc
            self._misuse = misuse

    def misused(self) -> None:
        """The strategy acted more or less than once: turn the outcome into a StrategyError."""
        if self._misuse is not None:
            self._to_error(self._misuse)
        else:
            self._to_error(
                StrategyError(
                    f"strategy {self.strategy!r} returned without calling an action "
                    "(success, fail, redirect, pass_ or error)",
                    self.strategy,
                )
            )

    def _to_error(self, err: StrategyError) -> None:
        self.action = "error"
        self.error = err
        self.user = None
        self.info = None
        self.status = None
        self.url = None

    def _verb(self) -> str:
        return "pass_()" if self.action == "pass" else f"{self.action}()"

    def _claim(self, verb: str) -> bool:
        """The one rule for an action out of turn (each action tests the common case, an open attempt
        that has not acted yet, before calling this): on a finished attempt it is a
        :class:`StrategyError`; a second action is ignored and reported as misuse.
        """
        if self.action is None and self._open:
            return True
        if not self._open:
            raise StrategyError(
                f"strategy {self.strategy!r} called {verb} after its authenticate() finished",
                self.strategy,
            )
        if self._misuse is None:  # a second action: the first one stands, the misuse is reported
            self._misuse = StrategyError(
                f"strategy {self.strategy!r} called {verb} after {self._verb()}; a strategy must act exactly once",
                self.strategy,
            )
        return False

    def _reject(self, action: Action, message: str) -> None:
        self.action = action
        self._misuse = StrategyError(f"strategy {self.strategy!r} {message}", self.strategy)

    # -- the five actions --------------------------------------------------------------------

    def success(self, user: Any, info: Any) -> None:
        if (self.action is not None or not self._open) and not self._claim("success()"):
            return
        if user is None:
            return self._reject("success", "called success() without a user; call fail() instead")
        self.action = "success"
        self.user = user
        self.info = info

    def fail(self, challenge: Any, status: Any) -> None:
        if (self.action is not None or not self._open) and not self._claim("fail()"):
            return
        if challenge is None and status is None:  # the common bare fail(): nothing to check
            self.action = "fail"
            return
        if type(challenge) is int and status is None:
            challenge, status = None, challenge
        if status is not None and (type(status) is not int or not 400 <= status <= 599):
            return self._reject("fail", f"called fail() with status {status!r}; use a 4xx or 5xx code")
        if type(challenge) is str:
            if _has_crlf(challenge):
                return self._reject("fail", "called fail() with a challenge containing CR or LF")
        elif challenge is not None and not isinstance(challenge, Mapping):
            return self._reject(
                "fail", f"called fail() with a {type(challenge).__name__} challenge; use str or a mapping"
            )
        self.action = "fail"
        self.info = challenge
        self.status = status

    def redirect(self, url: Any, status: Any) -> None:
        if (self.action is not None or not self._open) and not self._claim("redirect()"):
            return
        if type(url) is not str or not url or _has_crlf(url):
            return self._reject("redirect", "called redirect() with an empty, non-string or CR/LF URL")
        if type(status) is not int or not 300 <= status <= 399:
            return self._reject("redirect", f"called redirect() with status {status!r}; use a 3xx code")
        self.action = "redirect"
        self.url = url
        self.status = status

    def pass_(self) -> None:
        if (self.action is not None or not self._open) and not self._claim("pass_()"):
            return
        self.action = "pass"

    def error_(self, err: Any) -> None:
        if (self.action is not None or not self._open) and not self._claim("error()"):
            return
        if not isinstance(err, BaseException):
            return self._reject("error", f"called error() with a {type(err).__name__}, not an exception")
        self.action = "error"
        self.error = err


def current(verb: str, strategy: object) -> Outcome:
    """The attempt in progress, or a :class:`StrategyError` for an action called out of turn."""
    attempt = CURRENT.get()
    if attempt is None:
        name = getattr(strategy, "name", None) or type(strategy).__name__
        raise StrategyError(
            f"strategy {name!r} called {verb} outside authenticate(); actions belong to a running attempt",
            name,
        )
    return attempt
