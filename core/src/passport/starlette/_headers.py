"""The ASGI request headers as strategies read them."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final

_RAW_NAMES: Final[dict[str, bytes]] = {}  # a name as asked for -> the lowercase ASGI name


class _ScopeHeaders(Mapping[str, str]):
    """ASGI headers as strategies read them: case-insensitive, a repeated header joined with ``", "``.

    ``get`` scans the raw list for the one name asked (a strategy reads one or two headers), so
    the others are never decoded; the whole mapping is decoded only when iterated. ASGI servers
    send lowercase names, which Starlette's own ``request.headers`` relies on too.
    """

    __slots__ = ("_decoded", "_raw")

    def __init__(self, raw: Sequence[tuple[bytes, bytes]]) -> None:
        self._raw = raw
        self._decoded: dict[str, str] | None = None

    def get(self, name: str, default: Any = None) -> Any:
        key = _RAW_NAMES.get(name)
        if key is None:
            try:
                key = name.lower().encode("latin-1")
            except (AttributeError, UnicodeEncodeError):  # not a str, or a name no header can have
                return default
            if len(_RAW_NAMES) < 256:  # strategies ask for a handful of names; a caller inventing more pays each time
                _RAW_NAMES[name] = key
        found: str | None = None
        for raw_name, raw_value in self._raw:
            if raw_name == key:
                value = raw_value.decode("latin-1")
                found = value if found is None else f"{found}, {value}"
        return default if found is None else found

    def _all(self) -> dict[str, str]:
        decoded = self._decoded
        if decoded is None:
            decoded = {}
            for raw_name, raw_value in self._raw:
                name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
                decoded[name] = f"{decoded[name]}, {value}" if name in decoded else value
            self._decoded = decoded
        return decoded

    def __getitem__(self, name: str) -> str:
        value: str | None = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        # Header values can be credentials (Authorization, X-API-Key, Cookie): names only.
        return f"Headers({sorted(self._all())!r})"
