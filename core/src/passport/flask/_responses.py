"""Passport's answers as Flask's: responses, and ``fail_with_error`` as an ``HTTPException``."""

from __future__ import annotations

from typing import Any

import flask
from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import default_exceptions

from passport.core import AuthenticationError
from passport.core import Response

_AUTH_ERRORS: dict[int, type[_AuthenticationHTTPError]] = {}


class _AuthenticationHTTPError(AuthenticationError, HTTPException):
    """An ``AuthenticationError`` that Flask also treats as the ``HTTPException`` of its status."""

    def __init__(self, error: AuthenticationError) -> None:
        AuthenticationError.__init__(self, error.message, error.status, error.challenges, error.headers)
        self.description = error.message
        self.response = None

    def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
        return [("Content-Type", "text/plain; charset=utf-8"), *self.headers, ("Cache-Control", "no-store")]

    def get_body(self, environ: Any = None, scope: Any = None) -> str:
        return self.message


def _authentication_http_error(error: AuthenticationError) -> HTTPException:
    cls = _AUTH_ERRORS.get(error.status)
    if cls is None:
        # Also a subclass of werkzeug's class for that status, so @app.errorhandler(401) matches.
        base = default_exceptions.get(error.status, HTTPException)
        cls = type(f"AuthenticationError{error.status}", (_AuthenticationHTTPError, base), {"code": error.status})
        cls.__module__ = "passport.flask"  # where users import the adapter from
        _AUTH_ERRORS[error.status] = cls
    return cls(error)


def _to_flask(response: Response) -> flask.Response:
    return current_app.response_class(response.body, status=response.status, headers=response.headers)
