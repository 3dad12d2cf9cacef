"""The framework-neutral request strategies read, and helpers adapters build it with."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import Any
from typing import Protocol
from typing import runtime_checkable


@runtime_checkable
class Request(Protocol):
    """What a strategy may read from (and set on) a request.

    ``headers`` is case-insensitive with ``str`` values (a repeated header arrives joined with
    ``", "``). ``query`` and ``body`` map a field to a ``str``, or to a ``list`` of them when the
    field was repeated; a JSON body keeps its JSON types. ``body`` is ``{}`` when there is none.
    ``session`` is a mutable mapping, or ``None`` without session support.

    Optional capabilities, looked up with ``getattr``: ``flash(message, category)`` records a
    flash message; ``regenerate_session()`` replaces ``session`` with a fresh, empty one under a
    new identifier (without it, login and logout clear the session in place).
    """

    method: str
    url: str
    path: str
    headers: Mapping[str, str]
    query: Mapping[str, Any]
    body: Mapping[str, Any]
    cookies: Mapping[str, str]
    session: MutableMapping[str, Any] | None
    user: Any
    auth_info: Any


class Headers(Mapping[str, str]):
    """An immutable, case-insensitive header mapping; repeated headers are joined with ``", "``."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        merged: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        self._items = merged

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def get(self, name: str, default: Any = None) -> Any:  # hot path: skip Mapping.get's try
        return self._items.get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        # Header values can be credentials (Authorization, X-API-Key, Cookie): names only.
        return f"Headers({sorted(self._items)!r})"


def fields_from_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Build a ``query``/``body`` mapping: one value stays a ``str``, a repeated field a ``list``."""
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            previous = fields[key]
            if type(previous) is list:
                previous.append(value)
            else:
                fields[key] = [previous, value]
        else:
            fields[key] = value
    return fields
