"""Building RFC 6750 ``WWW-Authenticate`` challenges that cannot be used for header injection.

Values are written as HTTP quoted-strings: ``"`` and ``\\`` are escaped with a backslash.
Configured values (realm, scope) must be printable ASCII, or the constructor refuses them; a
description supplied at request time by verify is cleaned instead: every character outside
printable ASCII (CR, LF, NUL, other controls, non-ASCII) becomes ``?``, so a challenge is always
one well-formed header line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from typing import Final

_NOT_PRINTABLE_ASCII: Final = re.compile(r"[^\x20-\x7e]")


def is_printable_ascii(value: str) -> bool:
    """True for a string made only of the characters ``\\x20``-``\\x7e``."""
    return value.isascii() and value.isprintable()


def quote(value: str) -> str:
    """Write ``value`` as an HTTP quoted-string (``"`` and ``\\`` escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def clean_description(value: str) -> str:
    """Make a verify-supplied ``error_description`` safe for a header line (see module doc)."""
    return _NOT_PRINTABLE_ASCII.sub("?", value)


def config_text(option: str, value: Any) -> str:
    """Check a configured challenge value: a non-empty, printable ASCII string."""
    if type(value) is not str or not value:
        raise TypeError(f"{option} must be a non-empty string, got {value!r}")
    if not is_printable_ascii(value):
        raise ValueError(f"{option} must be printable ASCII (no control characters), got {value!r}")
    return value


def scope_list(scope: Any) -> tuple[str, ...]:
    """Normalise the ``scope`` option: ``None`` or empty -> no scope, a string -> one scope."""
    if scope is None or scope == "":
        return ()
    if not isinstance(scope, (str, list, tuple)):
        raise TypeError(f"scope must be a string or a list of strings, got {scope!r}")
    items: Iterable[Any] = (scope,) if isinstance(scope, str) else scope
    return tuple(config_text("scope", item) for item in items)


def bearer_challenge(realm: str, scope: tuple[str, ...]) -> str:
    """The base challenge, ``Bearer realm="..."`` plus ``, scope="a b"`` when a scope is set."""
    challenge = f"Bearer realm={quote(realm)}"
    if scope:
        challenge += f", scope={quote(' '.join(scope))}"
    return challenge
