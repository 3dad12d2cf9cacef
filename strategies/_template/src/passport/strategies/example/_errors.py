"""The errors of passport-strategy-example.

::

    passport.core.PassportError
     +-- ExampleError    the token store is unavailable (a server error: answered with its status, 503)

Bad tokens are never errors: they are ``fail`` actions (400 malformed, 401 unknown).
"""

from __future__ import annotations

from passport.core import PassportError


class ExampleError(PassportError):
    """The token store behind ``verify`` is unavailable; raise it from ``verify``.

    Every passport adapter answers with ``status`` (503 unless given) and its reason phrase,
    never a 500; the message is for your logs and must never contain a token.

    :ivar status: the HTTP status the response gets.
    """

    def __init__(self, message: str = "the token store is unavailable", *, status: int = 503) -> None:
        super().__init__(message)
        self.status = status

    def __repr__(self) -> str:
        return f"ExampleError({str(self)!r}, status={self.status!r})"
