"""Passport's responses and errors in Starlette's forms."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import Response as StarletteResponse

from passport.core import AuthenticationError
from passport.core import Response


class _HeaderList(list[tuple[str, str]]):
    """``(name, value)`` pairs that Starlette's responses also take as ``headers``: names may repeat."""

    def items(self) -> list[tuple[str, str]]:
        return list(self)


def _headers(response: Response, *skip: str) -> _HeaderList:
    return _HeaderList((k, v) for k, v in response.headers if k.lower() not in skip)


def _to_starlette(response: Response) -> StarletteResponse:
    headers = _headers(response, "content-length")  # Starlette counts the body itself
    return StarletteResponse(response.body, response.status, headers)  # type: ignore[arg-type]


class PassportHTTPException(HTTPException):
    """The response passport chose (a redirect, a 401 with every challenge), raised from a dependency.

    :ivar response: the :class:`passport.core.Response`.
    """

    def __init__(self, response: Response) -> None:
        headers = _headers(response, "content-length", "content-type")  # the handler sets its own
        super().__init__(response.status, response.body or None, headers)  # type: ignore[arg-type]
        self.response = response


class _AuthenticationHTTPError(AuthenticationError, HTTPException):  # type: ignore[misc]
    """``fail_with_error``: an ``AuthenticationError`` that Starlette also renders as an ``HTTPException``."""

    def __init__(self, error: AuthenticationError) -> None:
        # Not AuthenticationError.__init__: its super() call would reach HTTPException.__init__
        # with the message as the status code (older Starlette looks that up as an HTTPStatus).
        Exception.__init__(self, error.message)
        self.message = error.message
        self.status = error.status
        self.challenges = list(error.challenges)
        self.status_code = error.status
        self.detail = error.message
        self.headers = _HeaderList([*error.headers, ("Cache-Control", "no-store")])
