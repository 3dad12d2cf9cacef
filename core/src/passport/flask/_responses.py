"""Passport's answers as Flask's: responses, and errors as the ``HTTPException`` of their status."""

from __future__ import annotations

from typing import Any

import flask
from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import default_exceptions

from passport.core import AuthenticationError
from passport.core import Response
from passport.core.adapters import error_response

_AUTH_ERRORS: dict[int, type[_AuthenticationHTTPError]] = {}


class _AuthenticationHTTPError(AuthenticationError, HTTPException):
    """An ``AuthenticationError`` that Flask also treats as the ``HTTPException`` of its status."""

    def __init__(self, error: AuthenticationError, response: Response) -> None:
        AuthenticationError.__init__(self, error.message, error.status, error.challenges, error.headers)
        self.description = error.message
        self.response = None
        self._answer = response

    def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self._answer.headers if k.lower() != "content-length"]

    def get_body(self, environ: Any = None, scope: Any = None) -> str:
        return self._answer.body


def _authentication_http_error(error: AuthenticationError, response: Response) -> HTTPException:
    cls = _AUTH_ERRORS.get(error.status)
    if cls is None:
        # Also a subclass of werkzeug's class for that status, so @app.errorhandler(401) matches.
        base = default_exceptions.get(error.status, HTTPException)
        cls = type(f"AuthenticationError{error.status}", (_AuthenticationHTTPError, base), {"code": error.status})
        cls.__module__ = "passport.flask"  # where users import the adapter from
        _AUTH_ERRORS[error.status] = cls
    return cls(error, response)


def to_flask(response: Response) -> flask.Response:
    return current_app.response_class(response.body, status=response.status, headers=response.headers)


def http_error(exc: Exception) -> HTTPException | None:
    """The ``HTTPException`` to raise for an error a guard raised, or ``None`` to re-raise it.

    ``@app.errorhandler(<status>)`` handlers see it; without one, Flask answers with the core's
    response for that error, the same on every adapter.
    """
    response = error_response(exc)
    if response is None:
        return None
    if isinstance(exc, AuthenticationError):
        return _authentication_http_error(exc, response)
    error = default_exceptions.get(response.status, HTTPException)(response=to_flask(response))
    error.code = response.status
    return error
