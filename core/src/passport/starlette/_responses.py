"""Passport's responses and errors in Starlette's forms, and the handlers that send them exactly."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response as StarletteResponse

from passport.core import AuthenticationError
from passport.core import Response
from passport.core.adapters import error_response


class _HeaderList(list[tuple[str, str]]):
    """``(name, value)`` pairs that Starlette's responses also take as ``headers``: names may repeat."""

    def items(self) -> list[tuple[str, str]]:
        return list(self)


def _headers(response: Response, *skip: str) -> _HeaderList:
    return _HeaderList((k, v) for k, v in response.headers if k.lower() not in skip)


def to_starlette(response: Response) -> StarletteResponse:
    headers = _headers(response, "content-length")  # Starlette counts the body itself
    return StarletteResponse(response.body, response.status, headers)  # type: ignore[arg-type]


class PassportHTTPException(HTTPException):
    """The response passport chose (a redirect, a 401 with every challenge, an error's status),
    raised from a dependency or a guard. :meth:`PassportStarlette.init_app` registers a handler
    that sends it exactly; without it, the framework's ``HTTPException`` handler renders it.

    :ivar response: the :class:`passport.core.Response`.
    """

    def __init__(self, response: Response) -> None:
        headers = _headers(response, "content-length", "content-type")  # the handler sets its own
        super().__init__(response.status, response.body or None, headers)  # type: ignore[arg-type]
        self.response = response


class _AuthenticationHTTPError(AuthenticationError, HTTPException):  # type: ignore[misc]
    """``fail_with_error``: an ``AuthenticationError`` that Starlette also renders as an ``HTTPException``."""

    def __init__(self, error: AuthenticationError, response: Response) -> None:
        # Not AuthenticationError.__init__: its super() call would reach HTTPException.__init__
        # with the message as the status code (older Starlette looks that up as an HTTPStatus).
        Exception.__init__(self, error.message)
        self.message = error.message
        self.status = error.status
        self.challenges = list(error.challenges)
        self.status_code = error.status
        self.detail = error.message
        self.headers = _headers(response, "content-length", "content-type")
        self.response = response


def http_error(exc: Exception) -> HTTPException | None:
    """The ``HTTPException`` to raise for an error a guard raised, or ``None`` to re-raise it."""
    response = error_response(exc)
    if response is None:
        return None
    if isinstance(exc, AuthenticationError):
        return _AuthenticationHTTPError(exc, response)
    return PassportHTTPException(response)


async def send_passport_response(request: Request, exc: Exception) -> StarletteResponse:
    """The exception handler :meth:`PassportStarlette.init_app` installs: passport's response, as is."""
    response: Response = exc.response  # type: ignore[attr-defined]
    return to_starlette(response)
