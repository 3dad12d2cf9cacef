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
    """What a strategy may read from (and set on) a request, and what the core calls on it.

    ``method``; ``url``, the absolute URL as received, percent-encoded (never a literal space),
    query included; ``path``, the percent-decoded path (as WSGI's ``PATH_INFO``). ``headers``
    is case-insensitive with ``str`` values (a repeated header arrives joined with ``", "``).
    ``query`` and ``body`` map a field to a ``str``, or to a ``list`` of them when the field was
    repeated; a JSON body keeps its JSON types; ``body`` is ``{}`` when there is none.
    ``raw_body`` is the exact bytes of a form, JSON or multipart body, within the same size cap
    (``b""`` otherwise), for signature strategies. ``client_address`` is the peer's IP address as
    the server saw it (the closest hop: a proxy, when there is one), or ``None`` when the server
    does not say; forwarded headers are for the app to believe or not. ``session`` is a mutable
    mapping, or ``None`` without session support. ``user`` and ``auth_info`` are set by the core.

    Optional capabilities (see ``docs/adapters.md``; both shipped adapters and the runner's
    test request have them): ``flash(message, category)`` records a flash message for the next
    page (without it, flashes are dropped); ``regenerate_session()`` replaces ``session``
    with a fresh, empty one under a new identifier (without it, login and logout clear the
    session in place); ``add_response_header(name, value)`` adds a header to whatever response
    this request ends in, the app's own included (remember-me's ``Set-Cookie``; without it,
    remember-me raises ``SessionError``). A framework that keeps login sessions itself (Django's
    ``django.contrib.auth``) gives the request ``login_session(user)`` and ``logout_session()``:
    the core's login and logout call them instead of its serializers and session keys. One
    whose login links carry the page to go back to (Django's ``?next=``) gives it a
    ``return_to`` attribute (``str`` or ``None``), followed by ``success_return_to_or_redirect``
    before the session's ``returnTo`` when it is a same-origin relative path.
    """

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def query(self) -> Mapping[str, Any]: ...
    @property
    def body(self) -> Mapping[str, Any]: ...
    @property
    def raw_body(self) -> bytes: ...
    @property
    def cookies(self) -> Mapping[str, str]: ...
    @property
    def client_address(self) -> str | None: ...
    @property
    def session(self) -> MutableMapping[str, Any] | None: ...

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
