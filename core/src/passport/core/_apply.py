"""Turning a chain's outcome into what the route does: login, redirect, 401, flash, error.

The sync and async paths differ only where user code runs (serializers and info
transformers); everything else here is shared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from ._errors import AuthenticationError
from ._errors import reason_phrase
from ._options import RouteOptions
from ._options import resolve_flash
from ._options import resolve_message
from ._redirects import is_safe_redirect
from ._response import Response
from ._session import push_message

if TYPE_CHECKING:
    from ._actions import Outcome

_NO_STORE = ("Cache-Control", "no-store")


def redirect_response(url: str, status: int = 302) -> Response:
    return Response(status, [("Location", url), ("Content-Length", "0"), _NO_STORE], "")


def _flash(request: Any, flash: tuple[str, str] | None) -> None:
    if flash is not None:
        record = getattr(request, "flash", None)
        if record is not None:
            record(flash[1], flash[0])


def failure(request: Any, outcome: Outcome, opts: RouteOptions) -> Response:
    """Apply an all-failed outcome: flash, message, then redirect, error or 4xx response."""
    failures = outcome.failures
    challenge = failures[0][0] if failures else None
    _flash(request, resolve_flash(opts.failure_flash, "error", challenge))
    message = resolve_message(opts.failure_message, challenge)
    if message is not None:
        push_message(request, message)
    if opts.failure_redirect is not None:
        return redirect_response(opts.failure_redirect)
    refusal = outcome.refusal
    if refusal is not None:
        status, headers = refusal.status, list(refusal.headers)
    else:
        # First status any strategy gave wins; challenges only travel on a 401.
        status = next((s for _, s in failures if s), 401)
        headers = [("WWW-Authenticate", c) for c, _ in failures if type(c) is str] if status == 401 else []
    phrase = reason_phrase(status)
    if opts.fail_with_error:
        challenges = [v for k, v in headers if k == "WWW-Authenticate"]
        raise AuthenticationError(phrase, status, challenges, headers)
    headers.append(("Content-Type", "text/plain; charset=utf-8"))
    headers.append(_NO_STORE)
    return Response(status, headers, phrase)


def success_prelude(request: Any, outcome: Outcome, opts: RouteOptions) -> tuple[Any, Any, Any]:
    """What the success path decides before login: flash, message and the ``returnTo`` target.

    They are written after login so that its session regeneration keeps them (Passport's #919).
    """
    info = outcome.info
    flash = resolve_flash(opts.success_flash, "success", info)
    message = resolve_message(opts.success_message, info)
    return_to = None
    if opts.success_return_to_or_redirect is not None and opts.assign_property is None:
        session = getattr(request, "session", None)
        if session is not None:
            return_to = session.get("returnTo")
    return flash, message, return_to


def record_success(request: Any, flash: Any, message: Any) -> None:
    """After login: the success flash and message go into the (new) session."""
    _flash(request, flash)
    if message is not None:
        push_message(request, message)


def success_redirect(request: Any, opts: RouteOptions, return_to: Any) -> Response | None:
    """The success redirect, if any; a ``returnTo`` from the session is followed only if safe."""
    if opts.assign_property is not None:
        return None
    if opts.success_return_to_or_redirect is not None:
        session = getattr(request, "session", None)
        if session is not None and "returnTo" in session:
            del session["returnTo"]
        target = return_to if is_safe_redirect(return_to) else opts.success_return_to_or_redirect
        return redirect_response(target)
    if opts.success_redirect is not None:
        return redirect_response(opts.success_redirect)
    return None
