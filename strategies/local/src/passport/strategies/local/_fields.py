"""Finding a credential in a request's body or query: plain names and bracket paths.

A field name is split as Passport-local splits it: every ``]`` is deleted, then the name is
cut at each ``[``, so ``user[name]`` is the path ``user`` -> ``name`` and ``emails[0][address]``
(or Passport's odd ``emails[]0[]address``) is ``emails`` -> ``0`` -> ``address``.

Unlike Passport, a bracket name matches exactly two things: the nested value at the end of the
path (a JSON body), or the literal flat key ``user[name]`` (a form body). Passport returns the
first non-object it meets on the way, so ``{"user": "bob"}`` answered ``user[name]`` with
``"bob"``; here that is no match. When both forms are present the field is ambiguous.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Final
from typing import final


@final
class _Marker:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


MISSING: Final = _Marker("MISSING")
"""The field is not in the container."""

AMBIGUOUS: Final = _Marker("AMBIGUOUS")
"""A bracket field is present both nested and as a literal flat key."""

# Longer indices cannot address a real list, and int() refuses very long digit strings.
_MAX_INDEX_DIGITS: Final = 9


def parse_field(name: str) -> tuple[str, ...]:
    """Split a field name into its lookup path (``user[name]`` -> ``("user", "name")``)."""
    return tuple(name.replace("]", "").split("["))


def _is_index(segment: str) -> bool:
    # Canonical decimal only, as JavaScript array indices: "0", "12"; never "01", "+1", "١".
    return (
        0 < len(segment) <= _MAX_INDEX_DIGITS
        and segment.isascii()
        and segment.isdigit()
        and (segment == "0" or segment[0] != "0")
    )


def _walk(value: Any, path: tuple[str, ...]) -> Any:
    for segment in path:
        if isinstance(value, Mapping):
            value = value.get(segment, MISSING)
            if value is MISSING:
                return MISSING
        elif isinstance(value, (list, tuple)) and _is_index(segment):
            index = int(segment)
            if index >= len(value):
                return MISSING
            value = value[index]
        else:  # a primitive (or an index into a non-list) before the path ends: no match
            return MISSING
    return value


def lookup(container: Any, name: str, path: tuple[str, ...]) -> Any:
    """Return the value of field ``name`` (split as ``path``) in ``container``.

    :param container: the request's ``body`` or ``query``; anything but a mapping holds nothing.
    :returns: the value as found (any type: the caller checks it), :data:`MISSING`, or
        :data:`AMBIGUOUS` when a bracket field is present both nested and literally.
    """
    if not isinstance(container, Mapping):
        return MISSING
    if len(path) == 1:
        return container.get(name, MISSING)
    nested = _walk(container, path)
    flat = container.get(name, MISSING)
    if nested is MISSING:
        return flat
    if flat is MISSING:
        return nested
    return AMBIGUOUS
