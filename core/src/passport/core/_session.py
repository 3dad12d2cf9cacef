"""Login sessions: the login and logout steps, and the session mechanics they and restoring share.

Session layout is Passport's: ``session["passport"]["user"]`` holds the serialized user,
``session["messages"]`` the ``*_message`` strings, ``session["returnTo"]`` the page to go back to.
Top-level keys are always reassigned rather than mutated in place, because cookie sessions
(Flask, Starlette) only notice top-level writes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from ._errors import MISSING_SESSION
from ._errors import SessionError
from ._layers import NO_ANSWER
from ._layers import answer_of
from ._layers import first_answer

if TYPE_CHECKING:
    from ._flows import Flow
    from ._registry import Registry
    from ._request import Request

KEY: Final = "passport"
VERSION: Final = "version"
"""``session["passport"]["version"]``: the user's session version at login (``Passport.session_version``)."""
AUTH_TIME: Final = "auth_time"
"""``session["passport"]["auth_time"]``: when the user last proved who they are (Unix seconds).

Only a real login records it; a login restored from a remember-me token has none, so it is
never *fresh* (see :func:`login_age`)."""

LOGIN_FIELDS: Final = ("user", VERSION, AUTH_TIME)
"""The namespace's fields that make up a login: logout and a revoked login remove all three."""

MAX_QUEUED_MESSAGES: Final = 20
"""How many ``*_message`` strings (and, in the adapters, unread flashes) a session keeps: the
newest ones. Without a bound, every failed login would grow a cookie session until browsers
drop it (4 kB)."""


# -- the steps ------------------------------------------------------------------------------------


def login_request(registry: Registry, request: Request, user: Any) -> None:
    """Log ``user`` in for this request only (``session=False``): no user code runs.

    ``user`` is never ``None`` here: :func:`login` refuses that first, and a chain's success has
    a user (``Strategy.success`` without one is refused as misuse).
    """
    request.user = user
    hooks = registry.hooks
    if hooks is not None:
        hooks.login(request, user, False)


def login(
    registry: Registry,
    request: Request,
    user: Any,
    session: bool,
    keep_session_info: bool,
    carry: tuple[str, ...] = (),
    remember: bool = False,
) -> Flow:
    """Set ``request.user``; with ``session``, regenerate the session and store the serialized user.

    ``carry`` names session keys kept through the regeneration even without
    ``keep_session_info``: the pending work of the strategy that led to this login
    (``Strategy.session_keys``). ``remember`` also issues a remember-me token.

    :raises TypeError: ``user`` is ``None``.
    :raises SessionError: no session support, no serializer stored the user, or ``remember``
        without remember-me configured.
    """
    if user is None:
        raise TypeError("login() needs a user; to log out, call logout()")
    if not session:
        return login_request(registry, request, user)
    request.user = user
    own_login = getattr(request, "login_session", None)  # optional: the framework keeps logins
    if own_login is not None:
        try:
            yield [own_login, (user,)]  # Django's login(): may write to the database, so a step
        except BaseException:
            request.user = None
            raise
        if registry.hooks is not None:
            registry.hooks.login(request, user, True)
        return
    try:
        session_of(request)
        value = yield from first_answer(registry.serializers, user, request)
        if value is NO_ANSWER:
            raise SessionError("Failed to serialize user into session")
        layer = registry.session_version
        version = None if layer is None else (yield from answer_of(layer, user, request))
        store_login(request, value, keep_session_info, version, carry)
        if remember:
            settings = registry.remember
            if settings is None:
                raise SessionError("remember=True needs Passport(remember_me=RememberMe(...))")
            yield from settings.forget(request)  # a token the browser still had is spent now
            yield from settings.issue(request, value, version)
    except BaseException:
        request.user = None
        raise
    hooks = registry.hooks
    if hooks is not None:
        hooks.login(request, user, True)


def logout(registry: Registry, request: Request, keep_session_info: bool) -> Flow:
    """Clear ``request.user``, remove the user from the session and regenerate it; with
    remember-me, revoke the browser's token (the store's calls are the only user code).

    :raises SessionError: the request has no session support.
    """
    user = request.user
    request.user = None
    own_logout = getattr(request, "logout_session", None)  # optional: the framework keeps logins
    if own_logout is not None:
        yield [own_logout, ()]
    else:
        clear_login(request, keep_session_info)
    if registry.remember is not None:
        yield from registry.remember.forget(request)
    hooks = registry.hooks
    if hooks is not None:
        hooks.logout(request, user)


# -- session mechanics (no user code) -------------------------------------------------------------


def session_of(request: Request) -> MutableMapping[str, Any]:
    session: MutableMapping[str, Any] | None = getattr(request, "session", None)
    if session is None:
        raise SessionError(MISSING_SESSION)
    return session


def regenerate(request: Request) -> MutableMapping[str, Any]:
    """Give the request a fresh, empty session (a new identifier where the backend has one)."""
    # An optional capability (Request's docstring): without it the session is cleared in place.
    regenerate_session = getattr(request, "regenerate_session", None)
    if regenerate_session is None:
        session = session_of(request)
        session.clear()
        return session
    regenerate_session()
    return session_of(request)


def store_login(
    request: Request,
    value: Any,
    keep_session_info: bool,
    version: Any = None,
    carry: tuple[str, ...] = (),
    fresh: bool = True,
) -> None:
    """Regenerate the session and record the serialized user in it (fixation defence), with
    the user's session version when the app keeps one; ``carry`` keys survive the regeneration.
    A ``fresh`` login records its time (a remember-me restore is not fresh)."""
    old = session_of(request)
    kept: dict[str, Any] | None = None
    if keep_session_info:
        kept = dict(old)
    elif carry:  # only the pending work of the strategy that led here
        kept = {k: old[k] for k in carry if k in old}
    session = regenerate(request)
    if kept:
        session.update(kept)
    namespace = session.get(KEY)
    record = {**namespace, "user": value} if isinstance(namespace, Mapping) else {"user": value}
    record.pop(VERSION, None)
    record.pop(AUTH_TIME, None)
    if version is not None:
        record[VERSION] = version
    if fresh:
        record[AUTH_TIME] = int(time.time())
    session[KEY] = record


def clear_login(request: Request, keep_session_info: bool) -> None:
    """Remove the user from the session, then regenerate it (keeping other data only if asked)."""
    session = session_of(request)
    namespace = session.get(KEY)
    if isinstance(namespace, Mapping) and "user" in namespace:
        session[KEY] = {k: v for k, v in namespace.items() if k not in LOGIN_FIELDS}
    kept = dict(session) if keep_session_info else None
    session = regenerate(request)
    if kept:
        session.update(kept)


def forget_user(session: MutableMapping[str, Any]) -> None:
    """Drop a serialized user whose account no longer exists, or whose sessions were revoked
    (the namespace itself stays)."""
    namespace = session.get(KEY)
    if isinstance(namespace, Mapping):
        session[KEY] = {k: v for k, v in namespace.items() if k not in LOGIN_FIELDS}


def login_age(request: Request) -> float | None:
    """Seconds since the logged-in user last authenticated in this session, or ``None`` when
    nobody is logged in or the login was restored from a remember-me token (never fresh)."""
    if request.user is None:
        return None
    session = getattr(request, "session", None)
    namespace = session.get(KEY) if session is not None else None
    at = namespace.get(AUTH_TIME) if isinstance(namespace, Mapping) else None
    if type(at) is not int:
        return None
    return max(time.time() - at, 0.0)


def push_message(request: Request, message: str) -> None:
    """Append to ``session["messages"]``, keeping the newest :data:`MAX_QUEUED_MESSAGES`."""
    session = session_of(request)
    messages = session.get("messages")
    queued = [*messages, message] if isinstance(messages, list) else [message]
    session["messages"] = queued[-MAX_QUEUED_MESSAGES:]
