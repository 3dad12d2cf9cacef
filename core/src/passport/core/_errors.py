"""Errors raised by the passport core.

::

    PassportError
     +-- AuthenticationError     all strategies failed and the route asked for ``fail_with_error``
     +-- StrategyError           a strategy broke the protocol (no action, two actions, bad arguments)
     |    +-- NotAStrategyError  an installed entry point leads to no strategy (also a ``TypeError``)
     +-- UnknownStrategyError    a guard or ``load_strategy`` names a strategy that is not there (a ``LookupError``)
     +-- StrategyConflictError   two installed distributions declare one strategy name (a ``LookupError``)
     +-- SessionError            login/logout/restore without session support, or a failed (de)serialization
     +-- PluginError             a plugin's hook failed where the core cannot carry on without it
     +-- BodyError               a request body that cannot be read: 400, 413 or 415 (also a ``ValueError``;
                                 in ``passport.core.adapters``)

Strategies' own errors join the tree too (``passport.strategies.oauth2.OAuthError`` is a
``PassportError``). An error with an int ``status`` attribute (400-599) is answered with that
status by every adapter, never a bare 500.

Messages never contain credentials: strategies are handed secrets, the core only names strategies.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

__all__ = [
    "AuthenticationError",
    "NotAStrategyError",
    "PassportError",
    "PluginError",
    "SessionError",
    "StrategyConflictError",
    "StrategyError",
    "UnknownStrategyError",
    "reason_phrase",
]

MISSING_SESSION = "Login sessions require session support. Is the framework's session middleware installed?"


def reason_phrase(status: int) -> str:
    """Return the standard HTTP reason phrase for ``status`` (empty for unknown codes)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class PassportError(Exception):
    """Base class of every error the passport core raises."""


class AuthenticationError(PassportError):
    """Every strategy failed on a route with ``fail_with_error=True``.

    :ivar status: the HTTP status the failure asks for (first strategy-given status, else 401).
    :ivar message: the reason phrase of that status (``"Unauthorized"``, ``"Bad Request"``...).
    :ivar challenges: ``WWW-Authenticate`` values the error handler must still send (401 only).
    :ivar headers: every header the response must carry, challenges included.
    """

    def __init__(
        self,
        message: str = "Unauthorized",
        status: int | None = None,
        challenges: Sequence[str] = (),
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status or 401
        self.challenges = list(challenges)
        self.headers = list(headers) or [("WWW-Authenticate", c) for c in self.challenges]

    def __repr__(self) -> str:
        return f"AuthenticationError(status={self.status!r}, message={self.message!r})"


class StrategyError(PassportError):
    """A strategy broke the protocol: it acted twice, not at all, or with invalid arguments.

    :ivar strategy: the name of the offending strategy.
    """

    def __init__(self, message: str, strategy: str | None = None) -> None:
        super().__init__(message)
        self.strategy = strategy

    def __repr__(self) -> str:
        return f"StrategyError({str(self)!r}, strategy={self.strategy!r})"


class UnknownStrategyError(PassportError, LookupError):
    """A guard names a strategy that is not registered (or, for discovery, not installed).

    :ivar name: the missing name.
    :ivar available: the names that do exist, sorted.
    """

    def __init__(self, name: str, available: Iterable[str], *, where: str = "registered") -> None:
        self.name = name
        self.available = sorted(available)
        listing = ", ".join(repr(n) for n in self.available) or "none"
        super().__init__(f'Unknown authentication strategy "{name}" ({where}: {listing})')

    def __str__(self) -> str:  # LookupError would otherwise repr() the message
        return str(self.args[0])

    def __repr__(self) -> str:
        return f"UnknownStrategyError(name={self.name!r}, available={self.available!r})"


class StrategyConflictError(PassportError, LookupError):
    """More than one installed distribution declares a strategy name; loading it is refused.

    :ivar name: the contested name.
    :ivar claimants: every declaring distribution, as :class:`~passport.core.StrategyInfo`, sorted.
    """

    def __init__(self, name: str, claimants: Sequence[Any]) -> None:
        self.name = name
        self.claimants = tuple(claimants)
        who = " and ".join(f"{i.distribution} {i.version} ({i.target})" for i in self.claimants)
        super().__init__(
            f"strategy name {name!r} is declared by more than one distribution: {who}; uninstall one of them"
        )

    def __str__(self) -> str:  # LookupError would otherwise repr() the message
        return str(self.args[0])

    def __repr__(self) -> str:
        distributions = [i.distribution for i in self.claimants]
        return f"StrategyConflictError(name={self.name!r}, distributions={distributions!r})"


class NotAStrategyError(StrategyError, TypeError):
    """An entry point of the ``passport.strategies`` group leads to something that is not a strategy.

    :ivar strategy: the entry point's name.
    """

    def __repr__(self) -> str:
        return f"NotAStrategyError({str(self)!r}, strategy={self.strategy!r})"


class SessionError(PassportError):
    """The session could not be used: no session support, or (de)serialization failed."""


class PluginError(PassportError):
    """A plugin hook raised where its answer was required (for example the refusal hook).

    :ivar plugin: the name the plugin was registered under.
    """

    def __init__(self, message: str, plugin: str | None = None) -> None:
        super().__init__(message)
        self.plugin = plugin
