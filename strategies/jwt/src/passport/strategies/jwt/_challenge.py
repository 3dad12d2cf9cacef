"""RFC 6750 ``WWW-Authenticate`` challenges that cannot be used for header injection.

The same rules as ``passport-strategy-apikey``'s ``BearerStrategy`` (written again here: a
strategy never imports another distribution's private modules). Values are HTTP quoted-strings,
``"`` and ``\\`` escaped with a backslash. The configured realm must be printable ASCII, or the
constructor refuses it; a description verify supplies at request time is cleaned instead: every
character outside printable ASCII becomes ``?``, so a challenge is always one header line.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Final

_NOT_PRINTABLE_ASCII: Final = re.compile(r"[^\x20-\x7e]")


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
    if not (value.isascii() and value.isprintable()):
        raise ValueError(f"{option} must be printable ASCII (no control characters), got {value!r}")
    return value


def bearer_challenge(realm: str) -> str:
    """The bare challenge sent when no token came: ``Bearer realm="..."``."""
    return f"Bearer realm={quote(realm)}"


def invalid_token(realm: str, description: str | None) -> str:
    """``Bearer realm="...", error="invalid_token"`` plus ``error_description`` when given."""
    challenge = f'{bearer_challenge(realm)}, error="invalid_token"'
    if description:
        challenge += f", error_description={quote(clean_description(description))}"
    return challenge
