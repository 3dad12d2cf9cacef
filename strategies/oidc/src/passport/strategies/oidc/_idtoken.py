"""ID token validation, exactly as OpenID Connect Core 1.0 §3.1.3.7 lists it (PyJWT does the JOSE).

The order is the specification's, with the signature first among the claims: nothing in a token
is believed before its signature is checked. Every check has a reason name (``IDTokenError.reason``)
so an application and its tests can tell them apart; the messages never quote the token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final

import jwt

from ._errors import IDTokenError

__all__ = ["ASYMMETRIC", "HMAC", "check_auth_time", "half_hash", "validate_id_token"]

ASYMMETRIC: Final = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
HMAC: Final = frozenset({"HS256", "HS384", "HS512"})
_HASHES: Final = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}
MAX_ID_TOKEN: Final = 16 * 1024
_B64URL: Final = re.compile(r"[A-Za-z0-9_-]+")

KeyFor = Callable[[str | None, str], Any]
"""``key_for(kid, alg)``: the verification key (raises :class:`IDTokenError` or ``OAuthError``)."""


def half_hash(value: str, alg: str) -> str | None:
    """``at_hash`` / ``c_hash`` (Core §3.1.3.6): the left half of the alg's hash, base64url."""
    if alg == "EdDSA":  # Ed25519's hash; the only EdDSA curve providers sign ID tokens with
        digest = hashlib.sha512(value.encode("ascii")).digest()
    else:
        hash_fn = _HASHES.get(alg[-3:])
        if hash_fn is None:
            return None
        digest = hash_fn(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


def _refuse(message: str, reason: str) -> IDTokenError:
    return IDTokenError(message, reason)


def _header(token: str, algorithms: Sequence[str]) -> tuple[str, str | None]:
    if len(token) > MAX_ID_TOKEN:
        raise _refuse("The ID token is too large", "malformed")
    # Only the header segment is decoded here: PyJWT's get_unverified_header would parse the
    # whole token (signature included) a second time, doubling the cost of an RS256 check.
    # jwt.decode then parses all of it strictly, so nothing malformed gets through.
    segments = token.split(".")
    if len(segments) != 3 or not _B64URL.fullmatch(segments[0]):
        raise _refuse("The ID token is malformed", "malformed")
    try:
        header = json.loads(base64.urlsafe_b64decode(segments[0] + "=" * (-len(segments[0]) % 4)))
    except (ValueError, RecursionError):
        raise _refuse("The ID token is malformed", "malformed") from None
    if not isinstance(header, dict):
        raise _refuse("The ID token is malformed", "malformed")
    if "crit" in header:  # RFC 7515 §4.1.11: extensions this client does not implement (all of them)
        raise _refuse("The ID token requires an unsupported extension (crit)", "crit")
    alg = header.get("alg")
    # "none" is never in `algorithms` (the strategy refuses to configure it), so it fails here.
    if not isinstance(alg, str) or alg not in algorithms:
        raise _refuse("The ID token's algorithm is not accepted", "algorithm")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise _refuse("The ID token is malformed", "malformed")
    return alg, kid


_DECODE_ERRORS: Final[tuple[tuple[type[Exception], str, str], ...]] = (
    (jwt.InvalidSignatureError, "The ID token's signature is invalid", "signature"),
    (jwt.ExpiredSignatureError, "The ID token has expired", "expired"),
    (jwt.ImmatureSignatureError, "The ID token is not yet valid", "iat"),
    (jwt.InvalidIssuedAtError, "The ID token's iat is invalid", "iat"),
    (jwt.InvalidAudienceError, "The ID token is not for this client", "audience"),
)


def _decode(token: str, key: Any, alg: str, client_id: str, leeway: float) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=client_id,
            leeway=leeway,
            options={"require": ["iss", "sub", "aud", "exp", "iat"], "verify_iss": False},
        )
    except jwt.MissingRequiredClaimError as exc:
        raise _refuse(f"The ID token is missing the {exc.claim} claim", exc.claim) from None
    except jwt.PyJWTError as exc:
        for kind, message, reason in _DECODE_ERRORS:
            if isinstance(exc, kind):
                raise _refuse(message, reason) from None
        raise _refuse("The ID token is malformed", "malformed") from None
    # Core §3.1.3.7 item 10. Checked here too: whether PyJWT refuses an iat in the future
    # depends on its version.
    if claims["iat"] > time.time() + leeway:
        raise _refuse("The ID token is not yet valid", "iat")
    return claims


def validate_id_token(
    token: object,
    *,
    key_for: KeyFor,
    algorithms: Sequence[str],
    client_id: str,
    issuer_ok: Callable[[object, Mapping[str, Any]], bool],
    nonce: str | None,
    access_token: str | None,
    leeway: float,
) -> dict[str, Any]:
    """The validated claims of ``token``, or :class:`IDTokenError` naming the first failed check.

    :param key_for: the key for the header's ``kid`` and ``alg`` (the JWKS, or the client secret
        for HS*); chosen by the configured algorithm family, never by the token.
    :param issuer_ok: ``issuer_ok(iss, claims)``: exact match, or the multi-tenant rule.
    :param nonce: the nonce sent with this flow; the token must carry exactly it.
    :param access_token: checked against ``at_hash`` when the token has one.
    """
    if not isinstance(token, str) or not token:
        raise _refuse("The token response has no ID token", "missing")
    alg, kid = _header(token, algorithms)
    key = key_for(kid, alg)
    claims = _decode(token, key, alg, client_id, leeway)
    if not issuer_ok(claims.get("iss"), claims):
        raise _refuse("The ID token's issuer is not the provider", "issuer")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:  # Core §2: at most 255 ASCII characters
        raise _refuse("The ID token's sub is invalid", "sub")
    audience = claims.get("aud")
    azp = claims.get("azp")
    if isinstance(audience, list) and len(audience) > 1 and azp is None:
        raise _refuse("The ID token has several audiences and no azp", "azp")
    if azp is not None and azp != client_id:
        raise _refuse("The ID token was issued to another party (azp)", "azp")
    if nonce is None:
        raise _refuse("The login has no nonce to compare with", "nonce")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce.encode(), nonce.encode()):
        raise _refuse("The ID token's nonce does not match the login's", "nonce")
    at_hash = claims.get("at_hash")
    if at_hash is not None:
        expected = half_hash(access_token, alg) if access_token else None
        if not isinstance(at_hash, str) or expected is None or not hmac.compare_digest(at_hash, expected):
            raise _refuse("The ID token's at_hash does not match the access token", "at_hash")
    return claims


def check_auth_time(claims: Mapping[str, Any], max_age: int, leeway: float) -> None:
    """Core §3.1.2.1 / §3.1.3.7 item 13: with ``max_age`` sent, ``auth_time`` is required and recent."""
    auth_time = claims.get("auth_time")
    if isinstance(auth_time, bool) or not isinstance(auth_time, int | float):
        raise _refuse("The ID token has no auth_time, and max_age was requested", "auth_time")
    if time.time() - auth_time > max_age + leeway:
        raise _refuse("The user signed in too long ago for the requested max_age", "auth_time")
