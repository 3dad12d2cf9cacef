"""Which account an attempt tries: read from the request before any strategy runs.

The throttle must decide before the strategy sees the credentials, so it reads the account the
same way the strategy will: by default the body field ``username``, LocalStrategy's default
``username_field`` (a bracket path such as ``user[name]`` walks into nested data, as
LocalStrategy does). An app whose strategy reads another field names it, or passes a function.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import Final

from passport.core import Request

AccountReader = Callable[[Request], "str | None"]

_SEGMENT: Final = re.compile(r"\[([^\[\]]*)\]")


def _field_path(name: str) -> tuple[str, ...] | None:
    """``user[name]`` -> ``("user", "name")``; ``None`` for a plain name."""
    head, bracket, _ = name.partition("[")
    if not bracket or not name.endswith("]"):
        return None
    rest = name[len(head) :]
    segments = _SEGMENT.findall(rest)
    if not head or "".join(f"[{s}]" for s in segments) != rest:
        return None
    return (head, *segments)


def field_reader(name: str) -> AccountReader:
    """A reader of the body field ``name`` (the literal key first, then a bracket path)."""
    if type(name) is not str or not name:
        raise TypeError("account must be a body field name or a function of the request")
    path = _field_path(name)

    def read(request: Request) -> str | None:
        body = request.body
        value: Any = body.get(name) if isinstance(body, Mapping) else None
        if value is None and path is not None:
            value = body
            for segment in path:
                value = value.get(segment) if isinstance(value, Mapping) else None
        return value if type(value) is str else None

    return read


def normalize_account(account: str) -> str | None:
    """The form an account is counted under: NFKC, case-folded, trimmed; ``None`` if empty.

    ``Ann``, ``ann `` and ``ａｎｎ`` are one account to count, so changing the case or the width
    of a username does not buy an attacker a fresh allowance.
    """
    text = unicodedata.normalize("NFKC", account).casefold().strip()
    return text or None


def account_key(account: str) -> str:
    """A fixed-size name for the account's bucket: a username never reaches the store in clear,
    and a long one cannot make a long key."""
    return hashlib.blake2b(account.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
