"""``ExampleStrategy``: a token in a request header, checked by the app's verify function."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import Final

from passport.core import Request
from passport.core import Strategy
from passport.core import call_verify

_MAX_TOKEN = 4096  # longer values are not tokens; refuse them before verify runs


class ExampleStrategy(Strategy):
    """Authenticate a request by the token in one header.

    A missing header fails with a ``WWW-Authenticate`` challenge (401); a malformed one fails
    with 400 before ``verify`` runs; ``verify(token)`` returns the user, or ``None`` / ``False``
    (optionally ``(False, info)``) to fail with 401.

    :param verify: ``verify(token)``, ``def`` or ``async def``; raise only for server errors
        (:class:`~passport.strategies.example.ExampleError` when the token store is unavailable).
    :param header: the header to read.
    :param realm: the realm of the challenge.
    """

    name = "example"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        header: str = "X-Example-Token",
        realm: str = "example",
    ) -> None:
        super().__init__()
        if not callable(verify):
            raise TypeError("ExampleStrategy requires a verify function")
        # Configuration only: authenticate() never writes to self (one instance serves every
        # request, concurrently).
        self._verify: Final = verify
        self._header: Final = header
        self._challenge: Final = f'Example realm="{realm}"'

    def __repr__(self) -> str:
        return f"ExampleStrategy(header={self._header!r})"  # never the verify function's secrets

    def has_credentials(self, request: Request) -> bool:
        """Whether the request carries this strategy's header (asked by multi-strategy guards)."""
        return bool(request.headers.get(self._header))

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> Awaitable[None] | None:
        token = request.headers.get(self._header)
        if not token:
            self.fail(self._challenge)
            return None
        token = token.strip()
        if not token or len(token) > _MAX_TOKEN or not token.isascii() or not token.isprintable():
            self.fail({"message": "Malformed token"}, 400)  # never echo the token itself
            return None
        # In a sync app verify has already run and _verified acts now (returns None); in an
        # async app this returns a coroutine that the core awaits.
        return call_verify(self._verify, token).then(self._verified)

    def _verified(self, result: tuple[Any, Any]) -> None:
        user, info = result
        if user is None:
            self.fail(self._challenge + ', error="invalid_token"')
        else:
            self.success(user, info)
