"""Login sessions: the serializer chains and login/logout with session regeneration.

Session layout is Passport's: ``session["passport"]["user"]`` holds the serialized user,
``session["messages"]`` the ``*_message`` strings, ``session["returnTo"]`` the page to go back to.
Top-level keys are always reassigned rather than mutated in place, because cookie sessions
(Flask, Starlette) only notice top-level writes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import Any
from typing import Final
from typing import NamedTuple
from typing import final

from ._async import acall
from ._async import call_sync
from ._errors import MISSING_SESSION
from ._errors import SessionError

KEY: Final = "passport"


@final
class _Pass:
    """The type of :data:`PASS`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PASS"

    def __reduce__(self) -> str:
        return "PASS"


PASS: Final = _Pass()
"""Returned by a serializer, deserializer or info transformer: "not mine, ask the next one"."""


class Layer(NamedTuple):
    """One registered serializer, deserializer or transformer."""

    fn: Callable[..., Any]
    takes_request: bool


def make_layer(fn: Callable[..., Any]) -> Layer:
    """Wrap ``fn``; it receives the request first when it takes two positional parameters."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot inspect the parameters of {fn!r}") from exc
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    if len(required) > 2 or not positional and not any(p.kind == p.VAR_POSITIONAL for p in params):
        raise TypeError(f"{fn!r} must take (value) or (request, value)")
    return Layer(fn, len(required) == 2)


def _skips(result: Any) -> bool:
    return result is None or result is False or result is PASS


# -- the three chains -------------------------------------------------------------------------


def serialize(layers: list[Layer], user: Any, request: Any) -> Any:
    for fn, takes_request in layers:
        result = call_sync(fn, request, user) if takes_request else call_sync(fn, user)
        if not _skips(result):
            return result
    raise SessionError("Failed to serialize user into session")


async def aserialize(layers: list[Layer], user: Any, request: Any) -> Any:
    for fn, takes_request in layers:
        result = await (acall(fn, request, user) if takes_request else acall(fn, user))
        if not _skips(result):
            return result
    raise SessionError("Failed to serialize user into session")


def deserialize(layers: list[Layer], value: Any, request: Any) -> Any:
    """Return the user, or ``None`` when a deserializer says the user is gone."""
    for fn, takes_request in layers:
        result = call_sync(fn, request, value) if takes_request else call_sync(fn, value)
        if result is not PASS:
            return None if result is False else result
    raise SessionError("Failed to deserialize user out of session")


async def adeserialize(layers: list[Layer], value: Any, request: Any) -> Any:
    for fn, takes_request in layers:
        result = await (acall(fn, request, value) if takes_request else acall(fn, value))
        if result is not PASS:
            return None if result is False else result
    raise SessionError("Failed to deserialize user out of session")


def transform(layers: list[Layer], info: Any, request: Any) -> Any:
    for fn, takes_request in layers:
        result = call_sync(fn, request, info) if takes_request else call_sync(fn, info)
        if not _skips(result):
            return result
    return info


async def atransform(layers: list[Layer], info: Any, request: Any) -> Any:
    for fn, takes_request in layers:
        result = await (acall(fn, request, info) if takes_request else acall(fn, info))
        if not _skips(result):
            return result
    return info


# -- session mechanics (no user code: shared by the sync and async paths) ----------------------


def session_of(request: Any) -> MutableMapping[str, Any]:
    session: MutableMapping[str, Any] | None = getattr(request, "session", None)
    if session is None:
        raise SessionError(MISSING_SESSION)
    return session


def regenerate(request: Any) -> MutableMapping[str, Any]:
    """Give the request a fresh session: a new identifier where the backend has one, else cleared."""
    regenerate_session = getattr(request, "regenerate_session", None)
    if regenerate_session is not None:
        regenerate_session()
        return session_of(request)
    session = session_of(request)
    session.clear()
    return session


def store_login(request: Any, value: Any, keep_session_info: bool) -> None:
    """Regenerate the session and record the serialized user in it (fixation defence)."""
    old = session_of(request)
    kept = dict(old) if keep_session_info else None
    session = regenerate(request)
    if kept:
        session.update(kept)
    namespace = session.get(KEY)
    session[KEY] = {**namespace, "user": value} if isinstance(namespace, Mapping) else {"user": value}


def clear_login(request: Any, keep_session_info: bool) -> None:
    """Remove the user from the session, then regenerate it (keeping other data only if asked)."""
    session = session_of(request)
    namespace = session.get(KEY)
    if isinstance(namespace, Mapping) and "user" in namespace:
        session[KEY] = {k: v for k, v in namespace.items() if k != "user"}
    kept = dict(session) if keep_session_info else None
    session = regenerate(request)
    if kept:
        session.update(kept)


def session_user(session: Mapping[str, Any]) -> Any:
    """The serialized user in ``session``, or ``None``."""
    namespace = session.get(KEY)
    if type(namespace) is dict or isinstance(namespace, Mapping):  # dict first: skip the ABC check
        return namespace.get("user")
    return None


def forget_user(session: MutableMapping[str, Any]) -> None:
    """Drop a serialized user whose account no longer exists (the namespace itself stays)."""
    namespace = session.get(KEY)
    if isinstance(namespace, Mapping):
        session[KEY] = {k: v for k, v in namespace.items() if k != "user"}


def push_message(request: Any, message: str) -> None:
    session = session_of(request)
    messages = session.get("messages")
    session["messages"] = [*messages, message] if isinstance(messages, list) else [message]
