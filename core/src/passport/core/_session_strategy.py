"""The built-in ``session`` strategy: restores ``request.user`` from the login session."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ._errors import MISSING_SESSION
from ._errors import SessionError
from ._flows import Flow
from ._flows import Steps
from ._layers import PASS
from ._layers import answer_of
from ._session import KEY
from ._session import VERSION
from ._session import forget_user
from ._session import store_login
from ._strategy import Strategy

if TYPE_CHECKING:
    from ._registry import Registry
    from ._remember import RememberMe
    from ._request import Request


class SessionStrategy(Strategy):
    """Restore the logged-in user; it only ever calls ``pass_`` (or raises, which is ``error``).

    A deserializer answering ``None``/``False`` means the account is gone: the user is dropped
    from the session and the request continues anonymous. Every :class:`~passport.core.Passport`
    registers one under ``"session"``, built with the Passport's registry.
    """

    name = "session"

    def __init__(self, registry: Registry) -> None:
        super().__init__()
        self._registry = registry

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> None | Awaitable[None]:
        session = getattr(request, "session", None)  # a request type with no sessions at all: same answer
        if session is None:
            raise SessionError(MISSING_SESSION)
        namespace = session.get(KEY)
        value = namespace.get("user") if type(namespace) is dict or isinstance(namespace, Mapping) else None
        if value is None:  # nobody to restore from the session; perhaps from a remember-me token
            remember = self._registry.remember
            token = None if remember is None else remember.presented(request)
            if token is None:  # no user code to call
                self.pass_()
                return None
            return Steps((self._remembered(request, remember, token),))  # type: ignore[arg-type,return-value]
        # The deserializers are user code: the chain runs these steps in its own mode.
        return Steps((self._restore(request, value, namespace.get(VERSION)),))  # type: ignore[return-value]

    def _restore(self, request: Request, value: Any, stored_version: Any) -> Flow:
        """Restore the session's user; a user who is gone, or whose sessions were revoked, is
        dropped from the session and the request goes on anonymous."""
        user = yield from self._user_of(request, value, stored_version)
        if user is None:
            forget_user(request.session)  # type: ignore[arg-type]  # authenticate() checked it
        else:
            request.user = user
        self.pass_()

    def _remembered(self, request: Request, remember: RememberMe, token: str) -> Flow:
        """Log the user in again from a remember-me token: the token is spent and the next one
        of its series issued. The login is not fresh (no ``auth_time``)."""
        record = yield from remember.consume(request, token)
        if record is not None:
            value, version = record.get("u"), record.get("v")
            user = None if value is None else (yield from self._user_of(request, value, version))
            if user is None:  # gone, or logged out everywhere: the series ends
                yield from remember.forget(request, record.get("s"))
            else:
                store_login(request, value, False, version, fresh=False)
                yield from remember.issue(request, value, version, record.get("s"))
                request.user = user
        self.pass_()

    def _user_of(self, request: Request, value: Any, stored_version: Any) -> Flow:
        """The deserializer chain, then the session-version check: the user, or ``None`` when
        the account is gone (a deserializer answered ``None``/``False``) or the version changed.

        :raises SessionError: every deserializer passed.
        """
        for layer in self._registry.deserializers:
            step = layer.step(request, value)
            yield step
            user = step[0]
            if user is not PASS:
                break
        else:
            raise SessionError("Failed to deserialize user out of session")
        if user is None or user is False:
            return None
        version = self._registry.session_version
        if version is not None:
            # Revoked sessions: the version stored at login must still be the user's.
            current = yield from answer_of(version, user, request)
            if stored_version is None or stored_version != current:
                return None
        return user
