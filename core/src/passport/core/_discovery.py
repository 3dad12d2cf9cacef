"""Finding installed strategies through the ``passport.strategies`` entry point group.

Listing reads distribution metadata only: nothing is imported until :func:`load_strategy` is
asked for one name. Two distributions that claim the same name are never silently resolved:
:func:`strategy_entries` and :func:`strategy_conflicts` show every claimant, and loading such a
name raises an error naming both.

Every error raised here is a :class:`~passport.core.PassportError`, and also the built-in
exception it always was::

    PassportError
     +-- UnknownStrategyError     no installed distribution declares the name (a LookupError)
     +-- StrategyConflictError    two or more distributions declare it (a LookupError)
     +-- StrategyError
          +-- NotAStrategyError   the entry point leads to something without authenticate() (a TypeError)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import final

import importlib_metadata

from ._errors import NotAStrategyError
from ._errors import StrategyConflictError
from ._errors import UnknownStrategyError

GROUP = "passport.strategies"


@final
@dataclass(frozen=True, slots=True)
class StrategyInfo:
    """An installed strategy, as its distribution's metadata declares it (nothing imported).

    :ivar name: the entry point name, which is the strategy's default name.
    :ivar distribution: the distribution that declares it, as its metadata writes it.
    :ivar version: that distribution's version.
    :ivar target: ``"module:attr"``.
    """

    name: str
    distribution: str
    version: str
    target: str


def entry_points(group: str) -> list[tuple[StrategyInfo, importlib_metadata.EntryPoint]]:
    """A group's entry points with what their metadata says, sorted; nothing is imported.

    Shared by strategy discovery and plugin listing.
    """
    found: dict[tuple[str, str, str], tuple[StrategyInfo, importlib_metadata.EntryPoint]] = {}
    for ep in importlib_metadata.entry_points(group=group):
        dist = ep.dist
        info = StrategyInfo(
            ep.name,
            (dist.metadata["Name"] or "<unknown>") if dist is not None else "<unknown>",
            (dist.version or "<unknown>") if dist is not None else "<unknown>",
            ep.value,
        )
        # The same entry point can be seen twice (one distribution on two sys.path entries).
        found.setdefault((info.name, info.distribution, info.target), (info, ep))
    return sorted(found.values(), key=lambda pair: (pair[0].name, pair[0].distribution.lower()))


def _entry_points() -> list[tuple[StrategyInfo, importlib_metadata.EntryPoint]]:
    return entry_points(GROUP)


def strategy_entries() -> list[StrategyInfo]:
    """Every declared strategy, sorted by name then distribution, claimants of one name included."""
    return [info for info, _ in _entry_points()]


def available_strategies() -> dict[str, StrategyInfo]:
    """``{name: StrategyInfo}`` for every installed strategy, without importing any.

    A name claimed by two distributions maps to the first of them (by distribution name), so
    this mapping alone cannot show a conflict: :func:`strategy_conflicts` lists such names,
    ``passport strategies`` prints every claimant, and :func:`load_strategy` refuses them.
    """
    listing: dict[str, StrategyInfo] = {}
    for info in strategy_entries():
        listing.setdefault(info.name, info)
    return listing


def strategy_conflicts() -> dict[str, list[StrategyInfo]]:
    """Names that more than one distribution declares, each with every claimant."""
    claims: dict[str, list[StrategyInfo]] = {}
    for info in strategy_entries():
        claims.setdefault(info.name, []).append(info)
    return {name: infos for name, infos in claims.items() if len(infos) > 1}


def load_strategy(name: str) -> Any:
    """Import and return the strategy class installed under ``name`` (only that one is imported).

    :raises UnknownStrategyError: no installed distribution declares ``name``; the message lists
        the installed names (a ``LookupError``).
    :raises StrategyConflictError: two distributions declare ``name``; the message names both
        (a ``LookupError``).
    :raises NotAStrategyError: the entry point does not lead to a strategy (nothing with
        ``authenticate``; a ``TypeError``).
    :raises ImportError: the declaring distribution is broken; its own import error propagates.
    """
    entries = _entry_points()
    claims = [pair for pair in entries if pair[0].name == name]
    if not claims:
        raise UnknownStrategyError(name, {info.name for info, _ in entries}, where="installed")
    if len(claims) > 1:
        raise StrategyConflictError(name, [info for info, _ in claims])
    info, ep = claims[0]
    loaded = ep.load()
    if not callable(getattr(loaded, "authenticate", None)):
        raise NotAStrategyError(
            f"entry point {name!r} of {info.distribution} ({info.target}) is not a strategy: it has no authenticate()",
            name,
        )
    return loaded
