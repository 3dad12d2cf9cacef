"""Session id rotation for starsessions, the server-side session library for Starlette.

starsessions' ``regenerate_session_id`` gives the session a new id but leaves the old one in the
store, where a copied cookie would still find the login (or, after logout, the logged-out
session's data). Passport rotates the id *and* removes the old entry, with no glue in the app:
the removal is awaited by :class:`~passport.starlette.PassportMiddleware` when the response
starts, because ``regenerate_session()`` is called from synchronous core code.
"""

from __future__ import annotations

import logging
from typing import Final

from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from passport.core import SessionError
from passport.core.adapters import IntervalWarning

SPENT_IDS: Final = "passport.spent_session_ids"
"""Scope key: the session ids this request rotated away from, removed when the response starts."""

logger = logging.getLogger("passport.starlette")


def served_by_starsessions(scope: Scope) -> bool:
    """Whether starsessions' middleware serves this request's session."""
    handler = scope.get("session_handler")
    return handler is not None and callable(getattr(handler, "regenerate_id", None))


STORE_UNAVAILABLE: Final = PlainTextResponse(
    "Service Unavailable: the session store cannot be reached", status_code=503, headers={"Retry-After": "5"}
)
"""The answer while the session store is down: the user cannot be known, and a 500 would blame the app."""


async def load_server_session(scope: Scope) -> bool:
    """Load the session from the store unless something did already (starsessions' autoload).

    :returns: ``False`` when the store could not be read (logged at most once a minute).
    """
    import starsessions  # only ever reached when starsessions serves the request

    connection = HTTPConnection(scope)
    if starsessions.is_loaded(connection):
        return True
    try:
        await starsessions.load_session(connection)
    except Exception:
        _store_down.warn()
        _forget_session(scope)
        return False
    return True


def _forget_session(scope: Scope) -> None:
    # starsessions marks the session loaded before it reads the store, and saves a loaded one
    # when the response starts: unmarked, its wrapper lets the 503 through untouched.
    scope["session_handler"].is_loaded = False


def saving_send(scope: Scope, receive: Receive, send: Send) -> Send:
    """``send`` for the app: removes rotated-away ids when the response starts, and answers
    :data:`STORE_UNAVAILABLE` instead of the app's response when starsessions cannot save."""
    replaced = False

    async def send_or_replace(message: Message) -> None:
        nonlocal replaced
        if replaced:  # the rest of the app's response: dropped, the 503 went out instead
            return
        if message["type"] != "http.response.start":
            await send(message)
            return
        await remove_spent(scope)
        try:
            await send(message)  # starsessions saves the session here
        except Exception:
            _store_down.warn()
            replaced = True
            _forget_session(scope)
            await STORE_UNAVAILABLE(scope, receive, send)

    return send_or_replace


_store_down = IntervalWarning(logger, "passport: the session store cannot be read; answering 503 until it is back")


def rotate(scope: Scope, middleware_present: bool) -> None:
    """Give the session a new id now; the old id's entry is removed before the response starts.

    :raises SessionError: no ``PassportMiddleware`` serves the request, so nothing would remove
        the old entry.
    """
    if not middleware_present:
        raise SessionError(
            "rotating a starsessions session id needs PassportMiddleware (it removes the old id "
            "from the store when the response starts); install it inside starsessions' middleware"
        )
    import starsessions

    connection = HTTPConnection(scope)
    old = starsessions.get_session_id(connection)
    starsessions.regenerate_session_id(connection)
    if old:
        scope.setdefault(SPENT_IDS, []).append(old)


async def remove_spent(scope: Scope) -> None:
    """Remove the rotated-away ids from the store (called once, at ``http.response.start``)."""
    spent = scope.pop(SPENT_IDS, None)
    if not spent:
        return
    store = scope["session_handler"].store  # starsessions has no public accessor for it
    for session_id in spent:
        try:
            await store.remove(session_id)
        except Exception:  # the store is down: the response still goes out; say so, once per id
            logger.warning("passport: could not remove a rotated-away session from the store", exc_info=True)
