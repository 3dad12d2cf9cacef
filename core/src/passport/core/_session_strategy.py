"""The built-in ``session`` strategy: restores ``request.user`` from the login session."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ._errors import MISSING_SESSION
from ._errors import SessionError
from ._flows import STEPS
from ._flows import Flow
from ._layers import PASS
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
            return (STEPS, self._remembered(request, remember, token))  # type: ignore[arg-type,return-value]
        # The deserializers are user code: the chain runs these steps in its own mode.
        return (STEPS, self._restore(request, value, namespace.get(VERSION)))  # type: ignore[return-value]

    def _restore(self, request: Request, value: Any, stored_version: Any, remembered: Any = None) -> Flow:
        """Restore the user ``value`` names, through the deserializer chain and the session-version
        check; then ``pass_``.

        From the session (``remembered`` is ``None``): a user who is gone (a deserializer answered
        ``None``/``False``) or whose sessions were revoked (the version changed) is dropped from
        the session and the request goes on anonymous. From a remember-me token (``remembered``
        is its record): the user is logged in again, not fresh, and the token's series goes on;
        a user who is gone ends the series.

        One generator for the whole restore: it is the per-request work of every logged-in page.

        :raises SessionError: every deserializer passed.
        """
        registry = self._registry
        for layer in registry.deserializers:
            step = layer.step(request, value)
            yield step
            user = step[0]
            if user is not PASS:
                break
        else:
            raise SessionError("Failed to deserialize user out of session")
        if user is False:
            user = None
        elif user is not None and registry.session_version is not None:
            # Revoked sessions: the version stored at login must still be the user's.
            step = registry.session_version.step(request, user)
            yield step
            if stored_version is None or stored_version != step[0]:
                user = None
        if remembered is None:
            if user is None:
                forget_user(request.session)  # type: ignore[arg-type]  # authenticate() checked it
            else:
                request.user = user
        elif user is None:  # gone, or logged out everywhere: the series ends
            yield from registry.remember.forget(request, remembered.get("s"))  # type: ignore[union-attr]
        else:
            store_login(request, value, False, stored_version, fresh=False)
            yield from registry.remember.issue(request, value, stored_version, remembered.get("s"))  # type: ignore[union-attr]
            request.user = user
        self.pass_()

    def _remembered(self, request: Request, remember: RememberMe, token: str) -> Flow:
        """Log the user in again from a remember-me token: the token is spent (single use) and,
        through :meth:`_restore`, the next one of its series issued."""
        record = yield from remember.consume(request, token)
        value = None if record is None else record.get("u")
        if value is not None:
            yield from self._restore(request, value, record.get("v"), record)
            return
        if record is not None:  # a record naming nobody: its series ends
            yield from remember.forget(request, record.get("s"))
        self.pass_()
