"""The PKCE verifier is derived at both legs of a flow, never kept (security items 10 and 24).

A pending flow lives where its state store keeps it, which for the default store is the session,
and with cookie sessions that is a signed but readable cookie. So the flow keeps only a
*reference*: ``pkce1.<fingerprint>.<seed>``, where ``seed`` is 256 bits of fresh CSPRNG output
and ``fingerprint`` names the key it was made under. The verifier is

    base64url-no-padding(HMAC-SHA256(flow_key, b"passport-oauth2 pkce verifier\\0" + seed))

43 unreserved characters, 256 bits, unique per flow: whoever reads the reference (the cookie)
cannot compute the verifier without the key, which never leaves the process.

The fingerprint (the first 8 bytes of an HMAC of a fixed label under the key) exists for one
failure: several app instances that were not given the same ``flow_key`` each make their own
random one, and a callback landing on another instance than the one that started the flow would
send a wrong verifier and get an opaque ``invalid_grant`` from the provider. With the
fingerprint that callback stops before the token request with :class:`FlowKeyError`, which says
what to configure. 64 bits of an HMAC output say nothing usable about the key.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Sequence
from typing import final

from ._errors import OAuthError

__all__ = ["FLOW_KEY_MISMATCH", "MIN_KEY_BYTES", "FlowKey", "FlowKeyError"]

MIN_KEY_BYTES = 32
VERIFIER_LABEL = b"passport-oauth2 pkce verifier\0"
FINGERPRINT_LABEL = b"passport-oauth2 flow key fingerprint\0"
REFERENCE_VERSION = "pkce1"
SEED_BYTES = 32
SEED_CHARS = 43  # base64url of 32 bytes without padding
FINGERPRINT_CHARS = 11  # base64url of 8 bytes without padding
_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

FLOW_KEY_MISMATCH = (
    "This sign-in was started by an application instance with another OAuth 2.0 flow key, so its "
    "PKCE verifier cannot be derived here: set OAuth2Strategy(flow_key=...) to the same value on "
    "every instance."
)


class FlowKeyError(OAuthError):
    """A callback of a flow started under another ``flow_key`` (instances without a shared key).

    The user did nothing wrong and cannot fix it, so ``status`` is 500: it is the deployment's
    configuration. The message says what to set; it never holds the key or the verifier.
    """

    def __init__(self, message: str = FLOW_KEY_MISMATCH) -> None:
        super().__init__(message, "flow_key_mismatch", None, 500)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_PROCESS_KEY = secrets.token_bytes(MIN_KEY_BYTES)
"""The key of every strategy built without ``flow_key`` in this process.

One per process rather than per strategy object, so that strategies built twice in one process
(an app factory, a Flask and an ASGI app sharing one ``Passport``) complete each other's flows,
and so do workers forked after this module was imported (a pre-loading server). Processes
started apart each make their own, and a callback on the wrong one is a :class:`FlowKeyError`.
"""


def _key_bytes(flow_key: str | bytes | None) -> bytes:
    if flow_key is None:
        return _PROCESS_KEY
    if isinstance(flow_key, str):
        raw = flow_key.encode("utf-8", "surrogatepass")
    elif isinstance(flow_key, bytes):
        raw = flow_key
    else:
        raise TypeError("flow_key must be a str or bytes (or None for a random per-process key)")
    if len(raw) < MIN_KEY_BYTES:
        # The length only: the key itself is never echoed.
        raise ValueError(
            f"flow_key must be at least {MIN_KEY_BYTES} bytes of secret randomness "
            f"(this one has {len(raw)}); make one with secrets.token_urlsafe(32)"
        )
    return raw


@final
class FlowKey:
    """The key PKCE verifiers are derived with, and the references a pending flow keeps."""

    __slots__ = ("_fingerprint", "_key", "_keys")

    def __init__(self, flow_key: str | bytes | None, previous: Sequence[str | bytes] = ()) -> None:
        """``flow_key`` derives new flows; ``previous`` keys (a rotation's old ones) still complete
        the flows started under them, and never start one."""
        self._key = _key_bytes(flow_key)
        self._fingerprint = _fingerprint(self._key)
        if isinstance(previous, (str, bytes)):
            raise TypeError("previous_flow_keys must be a list of keys, not one key")
        # Every key a pending flow may name, by its fingerprint: the current one first.
        self._keys: dict[str, bytes] = {self._fingerprint: self._key}
        for old in previous:
            if old is None:
                raise TypeError("previous_flow_keys holds keys (str or bytes), not None")
            try:
                key = _key_bytes(old)
            except (TypeError, ValueError) as exc:  # the message names the option given
                raise type(exc)(f"previous_flow_keys: {exc}") from None
            self._keys.setdefault(_fingerprint(key), key)

    def __repr__(self) -> str:
        return "<FlowKey>"  # never the key

    def new_flow(self) -> tuple[str, str]:
        """A fresh ``(reference, verifier)``: the reference for the store, the verifier for the challenge."""
        seed = _b64(secrets.token_bytes(SEED_BYTES))
        return f"{REFERENCE_VERSION}.{self._fingerprint}.{seed}", _verifier(self._key, seed)

    def derive(self, reference: object) -> str | None:
        """The verifier a stored ``reference`` stands for; ``None`` when it is not one.

        :raises FlowKeyError: the reference was made under another key.
        """
        if not isinstance(reference, str) or len(reference) > 128:
            return None
        parts = reference.split(".")
        if len(parts) != 3 or parts[0] != REFERENCE_VERSION:
            return None
        fingerprint, seed = parts[1], parts[2]
        if len(fingerprint) != FINGERPRINT_CHARS or len(seed) != SEED_CHARS or not set(fingerprint + seed) <= _B64URL:
            return None
        # A fingerprint names a key and reveals nothing of it (it is sent in every session
        # cookie): finding the key by it is no oracle.
        key = self._keys.get(fingerprint)
        if key is None:
            raise FlowKeyError()
        return _verifier(key, seed)


def _verifier(key: bytes, seed: str) -> str:
    """The verifier of the flow whose seed is ``seed``, started under ``key``."""
    return _b64(hmac.digest(key, VERIFIER_LABEL + seed.encode("ascii"), "sha256"))


def _fingerprint(key: bytes) -> str:
    return _b64(hmac.digest(key, FINGERPRINT_LABEL, "sha256")[:8])
