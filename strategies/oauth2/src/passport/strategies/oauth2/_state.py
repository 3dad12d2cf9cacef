"""Where the ``state`` of an authorization request (and its PKCE reference) waits for the callback.

A state store has two methods, ``def`` or ``async def``::

    store(request, meta) -> handle            # the value sent as ``state``
    verify(request, handle, meta) -> (ok, code_verifier_or_None, info)

``meta`` is a dict with ``authorization_url``, ``token_url``, ``client_id``, ``callback_url``
and, for ``store``, ``code_verifier`` (``None`` without PKCE), ``state`` (the route's
application state, ``None`` when there is none) and ``flow_params`` (a dict of strings a
subclass keeps with the flow, such as an OIDC ``nonce``; often empty). A store must bind each flow to the provider
``meta`` names at ``store`` and refuse its state at another provider's ``verify`` (a mix-up
attack delivers one provider's answer to another's callback). ``verify`` receives the ``state`` the callback
carried (a ``str``, or ``None`` when it carried none or several) and answers ``ok``; the
verifier the token request must send; and ``info``: on success the application state to
hand back as ``info["state"]`` (``None`` for none), on failure the fail challenge
(``{"message": ...}``) the strategy answers with, status 403. ``verify`` may return a fourth
item, the flow's ``flow_params`` as stored; a store that returns three items carries none, and
a strategy that needs them (OIDC's nonce) then fails the callback.

``meta["code_verifier"]`` is not the verifier itself but an opaque reference to it (an ASCII
string of at most 128 characters, nothing secret in it): the strategy derives the verifier
from it with its ``flow_key`` at the callback (security items 10 and 24). A store keeps it
with the flow and hands it back as the second item of ``verify``, exactly as before.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Mapping
from collections.abc import MutableMapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol
from typing import final

from passport.core import SessionError

if TYPE_CHECKING:
    from passport.core import Request

__all__ = ["INVALID_STATE", "NO_SESSION", "UNABLE_TO_VERIFY", "SessionStateStore", "StateStore"]

UNABLE_TO_VERIFY = "Unable to verify authorization request state."
INVALID_STATE = "Invalid authorization request state."
OTHER_PROVIDER = "Authorization response is for another provider."
NO_SESSION = (
    "OAuth 2.0 authentication requires session support when using state. "
    "Is the framework's session middleware installed?"
)
MAX_HANDLE = 512

VerifyAnswer = tuple[bool, str | None, Any] | tuple[bool, str | None, Any, dict[str, str]]


class StateStore(Protocol):
    """The protocol of a custom ``store=``; each method may also be ``async def``."""

    def store(self, request: Request, meta: Mapping[str, Any]) -> Any: ...

    def verify(self, request: Request, handle: str | None, meta: Mapping[str, Any]) -> Any: ...


def _now() -> float:
    return time.time()


def _provider(meta: Mapping[str, Any]) -> str:
    """Where a flow was sent, in 16 hex characters: its endpoints and client (nothing secret)."""
    where = "\n".join(str(meta.get(k) or "") for k in ("authorization_url", "token_url", "client_id"))
    return hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _session(request: Request) -> MutableMapping[str, Any]:
    session = getattr(request, "session", None)
    if session is None:
        raise SessionError(NO_SESSION)
    return session  # type: ignore[no-any-return]


@final
class SessionStateStore:
    """The default store: pending flows in ``request.session[key]``, bound to that session.

    Each authorization request adds ``{"handle", "issued", "provider", "pkce"?, "state"?,
    "flow_params"?}``
    to ``session[key]["pending"]``. The handle is ``secrets.token_urlsafe(32)`` (256 bits). A
    callback consumes its entry before anything else is decided, so a state works once; a state
    issued for another provider (other endpoints or client id) fails at this one's callback; an
    entry older than ``ttl`` seconds no longer verifies; at most ``max_pending`` flows wait
    at once (the oldest is dropped), which keeps cookie sessions small. A callback whose
    state matches no pending flow is treated as forged and drops every pending flow of the
    session. Other keys the application keeps under ``session[key]`` are left alone.

    ``pkce`` is the strategy's reference to the flow's PKCE verifier, never the verifier: with
    cookie-backed sessions the pending flow is readable in the (signed) cookie, and nothing in
    it lets a reader compute the verifier without the strategy's ``flow_key`` (security items
    10 and 24).

    A cookie session can be replayed: the browser (or whoever copied its cookie) may send the
    cookie it had *before* the callback again, with the flow still pending in it. So the store
    also remembers, in this process, a digest of every state it consumed until the state
    would have expired anyway (at most ``max_spent`` of them), and refuses a state seen before
    (security item 20). With several app processes, each remembers its own: share one store
    process-wide, or keep sessions server-side, when replay across processes matters.
    """

    def __init__(self, key: str, *, ttl: float = 600.0, max_pending: int = 5, max_spent: int = 100_000) -> None:
        if not isinstance(key, str) or not key:
            raise ValueError("session_key must be a non-empty string")
        if not ttl > 0:
            raise ValueError("ttl must be positive")
        if not isinstance(max_pending, int) or max_pending < 1:
            raise ValueError("max_pending must be a positive integer")
        if not isinstance(max_spent, int) or max_spent < 1:
            raise ValueError("max_spent must be a positive integer")
        self.key = key
        self.ttl = float(ttl)
        self.max_pending = max_pending
        self.max_spent = max_spent
        # Digests of consumed states -> when they would have expired (insertion order = age).
        self._spent: dict[bytes, float] = {}
        self._spent_lock = threading.Lock()  # callbacks of many requests, in many threads

    def __repr__(self) -> str:
        return f"SessionStateStore(key={self.key!r}, ttl={self.ttl!r}, max_pending={self.max_pending!r})"

    def _entries(self, slot: Mapping[str, Any]) -> list[dict[str, Any]]:
        pending = slot.get("pending")
        if not isinstance(pending, list):
            return []
        return [
            e
            for e in pending
            if isinstance(e, dict) and isinstance(e.get("handle"), str) and isinstance(e.get("issued"), (int, float))
        ]

    def _expired(self, entry: Mapping[str, Any], now: float) -> bool:
        issued = float(entry["issued"])
        return now - issued > self.ttl or issued - now > 60.0

    def _write(self, session: MutableMapping[str, Any], slot: dict[str, Any], pending: list[dict[str, Any]]) -> None:
        if pending:
            slot["pending"] = pending
        else:
            slot.pop("pending", None)
        if slot:
            session[self.key] = slot  # reassign: cookie sessions only notice top-level writes
        else:
            session.pop(self.key, None)

    def _spend(self, handle: bytes, expires: float, now: float) -> bool:
        """Record ``handle`` as consumed; ``False`` when it was consumed before (a replay)."""
        digest = hashlib.sha256(handle).digest()
        with self._spent_lock:
            spent = self._spent
            if spent.get(digest, 0.0) > now:
                return False
            spent[digest] = expires
            if len(spent) > self.max_spent:  # forget the expired, then the oldest
                for old in [d for d, until in spent.items() if until <= now] or list(spent)[: len(spent) // 10 or 1]:
                    del spent[old]
            return True

    def store(self, request: Request, meta: Mapping[str, Any]) -> str:
        """Record a new pending flow and return its handle (the ``state`` to send)."""
        session = _session(request)
        current = session.get(self.key)
        slot = dict(current) if isinstance(current, Mapping) else {}
        now = _now()
        pending = [e for e in self._entries(slot) if not self._expired(e, now)]
        handle = secrets.token_urlsafe(32)
        entry: dict[str, Any] = {
            "handle": handle,
            "issued": int(now),  # whole seconds: small cookies
            "provider": _provider(meta),
        }
        if meta.get("code_verifier"):
            entry["pkce"] = meta["code_verifier"]  # a reference, not the verifier (see the class)
        if meta.get("state") is not None:
            entry["state"] = meta["state"]
        flow_params = meta.get("flow_params")
        if isinstance(flow_params, Mapping) and flow_params:
            entry["flow_params"] = {str(k): str(v) for k, v in flow_params.items()}
        pending.append(entry)
        self._write(session, slot, pending[-self.max_pending :])
        return handle

    def verify(self, request: Request, handle: str | None, meta: Mapping[str, Any]) -> VerifyAnswer:
        """Consume the pending flow ``handle`` names; see the class docstring for the rules."""
        session = _session(request)
        current = session.get(self.key)
        slot = dict(current) if isinstance(current, Mapping) else {}
        entries = self._entries(slot)
        if not entries:
            if current is not None:
                self._write(session, slot, [])
            return False, None, {"message": UNABLE_TO_VERIFY}
        match = None
        if isinstance(handle, str) and 0 < len(handle) <= MAX_HANDLE:
            given = handle.encode("utf-8", "surrogatepass")
            for entry in entries:  # compare against each: no early exit on a match
                if hmac.compare_digest(entry["handle"].encode("utf-8", "surrogatepass"), given):
                    match = entry
        now = _now()
        if match is None:
            self._write(session, slot, [])  # forged or replayed: no pending flow survives
            return False, None, {"message": INVALID_STATE}
        self._write(session, slot, [e for e in entries if e is not match and not self._expired(e, now)])
        if self._expired(match, now):
            return False, None, {"message": UNABLE_TO_VERIFY}
        if not self._spend(given, float(match["issued"]) + self.ttl, now):  # a replayed cookie
            self._write(session, slot, [])
            return False, None, {"message": INVALID_STATE}
        if match.get("provider") != _provider(meta):  # started with another provider: a mix-up
            return False, None, {"message": OTHER_PROVIDER}
        verifier = match.get("pkce")
        kept = match.get("flow_params")
        flow_params = {k: v for k, v in kept.items() if isinstance(v, str)} if isinstance(kept, dict) else {}
        return True, verifier if isinstance(verifier, str) else None, match.get("state"), flow_params


@final
class NullStateStore:
    """``state=False``: no state is sent and every callback is accepted (no CSRF protection)."""

    def store(self, request: Request, meta: Mapping[str, Any]) -> None:
        return None

    def verify(self, request: Request, handle: str | None, meta: Mapping[str, Any]) -> VerifyAnswer:
        return True, None, None
