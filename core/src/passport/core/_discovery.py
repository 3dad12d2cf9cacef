"""Finding installed strategies through the ``passport.strategies`` entry point group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import final

import importlib_metadata

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


def strategy_entries() -> list[StrategyInfo]:
    """Every declared strategy, sorted by name then distribution (duplicates included)."""
    found: dict[tuple[str, str, str], StrategyInfo] = {}
    for ep in importlib_metadata.entry_points(group=GROUP):
        dist = ep.dist
        info = StrategyInfo(
            ep.name,
            dist.metadata["Name"] if dist is not None else "<unknown>",
            dist.version if dist is not None else "<unknown>",
            ep.value,
        )
        # The same distribution can be visible twice on sys.path (e.g. an editable install).
        found.setdefault((info.name, info.distribution, info.target), info)
    return sorted(found.values(), key=lambda i: (i.name, i.distribution))


def available_strategies() -> dict[str, StrategyInfo]:
    """``{name: StrategyInfo}`` for every installed strategy, without importing any.

    A name claimed by two distributions maps to the first of them (sorted by distribution);
    :func:`strategy_conflicts` lists such names, and :func:`load_strategy` refuses them.
    """
    listing: dict[str, StrategyInfo] = {}
    for info in strategy_entries():
        listing.setdefault(info.name, info)
    return listing


def strategy_conflicts() -> dict[str, list[StrategyInfo]]:
    """Names that more than one distribution declares, with every claimant."""
    claims: dict[str, list[StrategyInfo]] = {}
    for info in strategy_entries():
        claims.setdefault(info.name, []).append(info)
    return {name: infos for name, infos in claims.items() if len(infos) > 1}


def load_strategy(name: str) -> Any:
    """Import and return the strategy class installed under ``name``.

    :raises UnknownStrategyError: no installed distribution declares ``name``.
    :raises LookupError: two distributions declare ``name`` (both are named).
    """
    claims = [info for info in strategy_entries() if info.name == name]
    if not claims:
        raise UnknownStrategyError(name, {i.name for i in strategy_entries()}, where="installed")
    if len(claims) > 1:
        who = " and ".join(f"{i.distribution} {i.version} ({i.target})" for i in claims)
        raise LookupError(f"strategy name {name!r} is declared by more than one distribution: {who}")
    (ep,) = [ep for ep in importlib_metadata.entry_points(group=GROUP, name=name) if ep.value == claims[0].target][:1]
    return ep.load()
