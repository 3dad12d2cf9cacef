"""LocalStrategy: username and password from a login form or a JSON body."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from passport.core import Strategy
from passport.core import call_verify

from ._fields import MISSING
from ._fields import lookup
from ._fields import parse_field

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from passport.core import Request

MISSING_CREDENTIALS: Final = "Missing credentials"
"""The default message of the 400 failure for an absent, empty or non-string credential."""

MALFORMED_CREDENTIALS: Final = "Malformed credentials"
"""The default message of the 400 failure for a credential that is too long, holds a NUL
character or cannot be encoded as UTF-8."""

DEFAULT_MAX_LENGTH: Final = 4096


def _text_option(name: str, value: Any) -> str:
    if type(value) is not str or not value:
        raise TypeError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _flag(name: str, value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, including surrogateescape'd undecodable bytes
        return False
    return True


class LocalStrategy(Strategy):
    """Authenticate with a username and a password sent in the request body.

    ``verify(username, password)`` (or ``verify(request, username, password)`` with
    ``pass_request=True``), ``def`` or ``async def``, returns the user, ``None``/``False`` for
    wrong credentials, or ``(user_or_false, info)``; it raises only for server errors (the
    ``error`` action). A rejection fails with verify's info as the challenge and no status
    (401), so ``(None, {"message": "Incorrect password."})`` reaches a ``failure_flash``; a string
    info is taken as that message (``(None, "Incorrect password.")`` means the same).

    Before verify runs, each credential must be a non-empty ``str`` (a repeated field, a JSON
    object, array, number, boolean or null is refused: no NoSQL operator ever reaches a query),
    at most ``max_length`` characters, without NUL and encodable as UTF-8. Otherwise the
    strategy fails with status 400 and ``{"message": ...}``: ``"Missing credentials"`` or
    ``"Malformed credentials"``, or the ``bad_request_message`` when one is configured (the
    route option of that name wins over the constructor's). Values reach verify exactly as
    sent: never trimmed, case-folded or cut.

    :param verify: the function that checks the credentials.
    :param username_field: the field holding the username; ``user[name]`` and
        ``emails[0][address]`` address nested JSON values or the literal flat form key.
    :param password_field: the field holding the password, likewise.
    :param pass_request: hand verify the request first.
    :param bad_request_message: the message of every 400 failure.
    :param allow_query: also read the query string (body first, then query, field by field,
        as Passport-local). Off by default: passwords in URLs end up in logs.
    :param max_length: the longest accepted credential, in characters (default 4096).
    :raises TypeError: ``verify`` is missing or not callable, or an option has the wrong type.
    """

    name = "local"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        username_field: str = "username",
        password_field: str = "password",
        pass_request: bool = False,
        bad_request_message: str | None = None,
        allow_query: bool = False,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> None:
        super().__init__()
        if verify is None or not callable(verify):
            raise TypeError("LocalStrategy requires a verify function")
        if bad_request_message is not None:
            _text_option("bad_request_message", bad_request_message)
        if type(max_length) is not int or max_length < 1:
            raise TypeError(f"max_length must be a positive int, got {max_length!r}")
        self._verify: Final = verify
        self._username_field: Final = _text_option("username_field", username_field)
        self._password_field: Final = _text_option("password_field", password_field)
        self._username_path: Final = parse_field(username_field)
        self._password_path: Final = parse_field(password_field)
        self._pass_request: Final = _flag("pass_request", pass_request)
        self._allow_query: Final = _flag("allow_query", allow_query)
        self._bad_request_message: Final = bad_request_message
        self._max_length: Final = max_length

    def __repr__(self) -> str:
        return f"<LocalStrategy fields=({self._username_field!r}, {self._password_field!r})>"

    def _credential(self, request: Request, field: str, path: tuple[str, ...]) -> Any:
        value = lookup(request.body, field, path)
        if self._allow_query and (value is MISSING or value is None or (type(value) is str and not value)):
            value = lookup(request.query, field, path)
        return value

    def _problem(self, value: Any) -> str | None:
        """The default message for a credential verify must not see, or ``None`` if it is fine."""
        if not isinstance(value, str) or not value:
            return MISSING_CREDENTIALS
        if len(value) > self._max_length or "\x00" in value or not (value.isascii() or _encodable(value)):
            return MALFORMED_CREDENTIALS
        return None

    def has_credentials(self, request: Request) -> bool:
        """A username or a password field is there (where this strategy reads them)."""
        fields = ((self._username_field, self._username_path), (self._password_field, self._password_path))
        for field, path in fields:
            value = self._credential(request, field, path)
            if value is not MISSING and value is not None and value != "":
                return True
        return False

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> None | Awaitable[None]:
        """Read the credentials, refuse malformed ones with a 400, then ask verify."""
        username = self._credential(request, self._username_field, self._username_path)
        password = self._credential(request, self._password_field, self._password_path)
        problem = self._problem(username) or self._problem(password)
        if problem is not None:
            message = options.get("bad_request_message")
            if message is None:
                message = self._bad_request_message or problem
            elif type(message) is not str:
                raise TypeError(f"the bad_request_message route option must be a string, got {message!r}")
            self.fail({"message": message}, 400)
            return None
        if self._pass_request:
            return call_verify(self._verify, request, username, password).then(self.verified)
        return call_verify(self._verify, username, password).then(self.verified)
