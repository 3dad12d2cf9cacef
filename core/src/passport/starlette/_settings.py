"""What a request view needs from the :class:`PassportMiddleware` that serves the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final
from typing import final

from starlette.requests import HTTPConnection

from passport.starlette._identity import AuthSetting
from passport.starlette._identity import SharedCredentials

Regenerate = Callable[[HTTPConnection], None]

SETTINGS_KEY: Final = "passport.settings"
"""The scope key under which the middleware leaves its :class:`RequestSettings` for later views."""


@final
class RequestSettings:
    """The middleware's settings that guards and ``alogin`` need later in the same request.

    :ivar auth: what ``scope["auth"]`` of a logged-in user is made from.
    :ivar regenerate: ``fn(connection)`` giving the session a new identifier, or ``None``.
    """

    __slots__ = ("auth", "regenerate")

    def __init__(self, auth: AuthSetting, regenerate: Regenerate | None) -> None:
        self.auth = auth
        self.regenerate = regenerate


DEFAULT_SETTINGS: Final = RequestSettings(SharedCredentials(["authenticated"]), None)
"""For requests no middleware served (a guard on an app without ``PassportMiddleware``)."""
