"""Applying a chain's outcome: login, assign, flash, messages, redirect, 401, error.

Everything here runs no user code, so it is plain functions. A success also logs in and
transforms the info, which call serializers and transformers: the guard's flow does those two
steps itself, between :func:`before_login` and :func:`after_login`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from ._errors import AuthenticationError
from ._errors import reason_phrase
from ._options import resolve_flash
from ._options import resolve_message
from ._redirects import is_safe_redirect
from ._response import Response
from ._response import plain_response
from ._response import redirect_response
from ._session import push_message

if TYPE_CHECKING:
    from ._actions import Outcome
    from ._options import RouteOptions
    from ._request import Request


def settle(request: Request, outcome: Outcome, opts: RouteOptions) -> Response | None:
    """What the route does with an outcome other than success: nothing (pass), a
    :class:`Response` to send (fail, redirect), or the strategy's error raised.

    :raises AuthenticationError: all failed and the route set ``fail_with_error``.
    :raises Exception: the strategy's error (the ``error`` action).
    """
    action = outcome.action
    if action == "pass":
        return None
    if action == "fail":
        return _fail(request, outcome, opts)
    if action == "redirect":
        return redirect_response(outcome.url, outcome.status)  # type: ignore[arg-type]
    raise outcome.error  # type: ignore[misc]


def before_login(request: Request, outcome: Outcome, opts: RouteOptions) -> tuple[Any, Any, Any]:
    """What a success with options decides before login: the flash, the message, ``returnTo``.

    They are decided before login and written after it, so its regeneration keeps them
    (Passport loses them: its #919).
    """
    info = outcome.info
    flash = resolve_flash(opts.success_flash, "success", info)
    message = resolve_message(opts.success_message, info)
    return_to = None
    if opts.success_return_to_or_redirect is not None and opts.assign_property is None:
        # The framework's own way of carrying the page to go back to comes first (an optional
        # request capability: Django's ?next=), then the page login_required saved.
        return_to = getattr(request, "return_to", None)
        if return_to is None:
            session = request.session
            return_to = None if session is None else session.get("returnTo")
    return flash, message, return_to


def after_login(request: Request, opts: RouteOptions, decided: tuple[Any, Any, Any]) -> Response | None:
    """The rest of a success with options: the flash and message in the new session, the redirect."""
    flash, message, return_to = decided
    if flash is not None:
        _flash(request, flash)
    if message is not None:
        push_message(request, message)
    return _success_redirect(request, opts, return_to)


def _flash(request: Request, flash: tuple[str, str]) -> None:
    # An optional capability (Request's docstring): a request without flashes drops them.
    record = getattr(request, "flash", None)
    if record is not None:
        record(flash[1], flash[0])


def _success_redirect(request: Request, opts: RouteOptions, return_to: Any) -> Response | None:
    """The success redirect, if any; a ``returnTo`` from the session is followed only if safe."""
    if opts.assign_property is not None:
        return None
    if opts.success_return_to_or_redirect is not None:
        session = request.session
        if session is not None and "returnTo" in session:
            del session["returnTo"]
        target = return_to if is_safe_redirect(return_to) else opts.success_return_to_or_redirect
        return redirect_response(target)
    if opts.success_redirect is not None:
        return redirect_response(opts.success_redirect)
    return None


def _travels(challenge: str, given: int | None, status: int) -> bool:
    if status == 401:
        return True
    return given == status and status in (400, 403) and challenge[:7].lower() == "bearer "


def _fail(request: Request, outcome: Outcome, opts: RouteOptions) -> Response:
    """Every strategy failed: flash, message, then a redirect, an error or a 4xx response."""
    failures = outcome.failures
    challenge = failures[0][0] if failures else None
    flash = resolve_flash(opts.failure_flash, "error", challenge)
    if flash is not None:
        _flash(request, flash)
    message = resolve_message(opts.failure_message, challenge)
    if message is not None:
        push_message(request, message)
    if opts.failure_redirect is not None:
        return redirect_response(opts.failure_redirect)
    status = outcome.failure_status
    refusal = outcome.refusal
    if refusal is not None:
        headers = list(refusal.headers)
    else:
        # Challenges travel on a 401 (Passport), and on a bearer 400/403 that asks for that
        # status: RFC 6750 §3 wants invalid_request and insufficient_scope answered with theirs.
        headers = [("WWW-Authenticate", c) for c, s in failures if type(c) is str and _travels(c, s, status)]
    if opts.fail_with_error:
        challenges = [v for k, v in headers if k == "WWW-Authenticate"]
        raise AuthenticationError(reason_phrase(status), status, challenges, headers)
    return plain_response(status, headers)
