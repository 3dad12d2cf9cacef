"""The built-in ``session`` strategy: restores ``request.user`` from the login session."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import TYPE_CHECKING
from typing import Any

from ._async import _get_running_loop
from ._errors import MISSING_SESSION
from ._errors import SessionError
from ._session import KEY
from ._session import adeserialize
from ._session import deserialize
from ._session import forget_user
from ._session import session_user
from ._strategy import Strategy

if TYPE_CHECKING:
    from ._passport import Passport


class SessionStrategy(Strategy):
    """Restore the logged-in user; it only ever calls ``pass_`` (or ``error``).

    A deserializer answering ``None``/``False`` means the account is gone: the user is dropped
    from the session and the request continues anonymous.
    """

    name = "session"

    def __init__(self, passport: Passport) -> None:
        super().__init__()
        self._passport = passport

    def authenticate(self, request: Any, options: Mapping[str, Any]) -> None | Awaitable[None]:
        # restore() raises on failure, which the chain turns into the error action.
        pending = self.restore(request)
        if pending is not None:
            return self._pass_after(pending)
        self.pass_()
        return None

    async def _pass_after(self, pending: Awaitable[None]) -> None:
        await pending
        self.pass_()

    def restore(self, request: Any) -> None | Awaitable[None]:
        """Set ``request.user`` from the session, or drop a user whose account is gone.

        Returns ``None`` once done, or (in async mode) an awaitable that finishes the job.
        Guards built by ``Passport.session()`` call this directly when no plugin is listening:
        this strategy always acts exactly once, so the per-attempt bookkeeping can be skipped
        on the one guard that runs on every request.

        :raises SessionError: the request has no session support, or no deserializer answered.
        """
        session = getattr(request, "session", None)  # a request type with no sessions at all: same answer
        if session is None:
            raise SessionError(MISSING_SESSION)
        namespace = session.get(KEY)
        value = namespace.get("user") if type(namespace) is dict else session_user(session)
        if value is None:
            return None
        if _get_running_loop() is not None:
            return self._arestore(request, session, value)
        user = deserialize(self._passport._deserializers, value, request)
        if user is None:
            forget_user(session)
        else:
            request.user = user
        return None

    async def _arestore(self, request: Any, session: MutableMapping[str, Any], value: Any) -> None:
        user = await adeserialize(self._passport._deserializers, value, request)
        if user is None:
            forget_user(session)
        else:
            request.user = user
