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
from ._strategy import Strategy

if TYPE_CHECKING:
    from ._registry import Registry
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
        if value is None:  # nobody to restore: no user code to call
            self.pass_()
            return None
        # The deserializers are user code: the chain runs these steps in its own mode.
        return Steps((self._restore(request, value, namespace),))  # type: ignore[return-value]

    def _restore(self, request: Request, value: Any, namespace: Mapping[str, Any]) -> Flow:
        """The deserializer chain: the first answer other than ``PASS`` is the user, and ``None``
        or ``False`` means the account is gone.

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
        version = self._registry.session_version
        if user is not None and user is not False and version is not None:
            # Revoked sessions: the version stored at login must still be the user's.
            stored = namespace.get(VERSION)
            current = yield from answer_of(version, user, request)
            if stored is None or stored != current:
                user = None
        if user is None or user is False:  # the account is gone, or its sessions were revoked
            forget_user(request.session)  # type: ignore[arg-type]  # authenticate() checked it
        else:
            request.user = user
        self.pass_()
