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
    :ivar response_headers: whether the middleware adds the headers passport records for the
        response (``add_response_header``): on when its Passport has remember-me, the only
        writer, so other requests keep their plain ``send``.
    """

    __slots__ = ("auth", "regenerate", "response_headers")

    def __init__(self, auth: AuthSetting, regenerate: Regenerate | None, response_headers: bool = False) -> None:
        self.auth = auth
        self.regenerate = regenerate
        self.response_headers = response_headers


DEFAULT_SETTINGS: Final = RequestSettings(SharedCredentials(["authenticated"]), None)
"""For requests no middleware served (a guard on an app without ``PassportMiddleware``)."""
