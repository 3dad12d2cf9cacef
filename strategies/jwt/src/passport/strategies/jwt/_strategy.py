"""JWTStrategy: a signed JWT as the credential (passport-jwt's job), checked by PyJWT."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

import jwt
from passport.core import Strategy
from passport.core import call_verify

from ._algorithms import HMAC
from ._algorithms import check_algorithms
from ._algorithms import prepare_static_key
from ._challenge import bearer_challenge
from ._challenge import config_text
from ._challenge import invalid_token
from ._errors import UnknownKeyError
from ._extract import Extractor
from ._extract import bearer_header
from ._jwks import JWKS

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from passport.core import Request

MAX_TOKEN_LENGTH: Final = 16384
"""Longer values are refused as malformed before any decoding (real tokens are well under 8 KiB)."""

# The error_description of each failed check (RFC 6750 §3: a human-readable reason).
MALFORMED: Final = "The token is malformed"
EXPIRED: Final = "The token has expired"
NOT_YET_VALID: Final = "The token is not yet valid"
BAD_SIGNATURE: Final = "The token's signature is invalid"
BAD_ISSUER: Final = "The token's issuer is not accepted"
BAD_AUDIENCE: Final = "The token's audience is not accepted"
BAD_ALGORITHM: Final = "The token's algorithm is not accepted"
UNKNOWN_KEY: Final = "The token's signing key is unknown"
INVALID: Final = "The token is invalid"


def failed_check(exc: jwt.PyJWTError) -> str:
    """The description for the check PyJWT reports failed (most specific classes first)."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return EXPIRED
    if isinstance(exc, jwt.ImmatureSignatureError):
        return NOT_YET_VALID
    if isinstance(exc, jwt.InvalidSignatureError):
        return BAD_SIGNATURE
    if isinstance(exc, jwt.InvalidIssuerError):
        return BAD_ISSUER
    if isinstance(exc, jwt.InvalidAudienceError):
        return BAD_AUDIENCE
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return BAD_ALGORITHM
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"The token is missing the {exc.claim} claim"  # a claim name from the configuration
    if isinstance(exc, jwt.DecodeError):
        return MALFORMED
    return INVALID


_HEADERS: dict[str, tuple[Any, Any] | None] = {}
_HEADERS_LIMIT: Final = 256


def key_choice(token: str) -> tuple[Any, Any] | None:
    """``(alg, kid)`` from the JOSE header, read only to choose the key; ``None`` if unreadable.

    ``decode`` checks the whole token afterwards, header included (its ``alg`` must be the one
    chosen here), so this read need not be strict. ``jwt.get_unverified_header`` would validate
    every character of the token in Python, as much again as an RS256 signature check. An
    issuer's tokens share a few headers, so the answers are kept per header segment, bounded
    (tokens with made-up headers just clear the memo).
    """
    segment, dot, _ = token.partition(".")
    try:
        return _HEADERS[segment]
    except KeyError:
        pass
    choice = None
    if dot and len(segment) <= 2048:
        try:
            header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        except (ValueError, TypeError, RecursionError):
            header = None
        if isinstance(header, dict):
            choice = (header.get("alg"), header.get("kid"))
    if len(_HEADERS) >= _HEADERS_LIMIT:
        _HEADERS.clear()
    _HEADERS[segment] = choice
    return choice


def _claim_names(require: Any) -> tuple[str, ...]:
    if isinstance(require, str) or not isinstance(require, Sequence):
        raise TypeError(f"require must be a list of claim names, got {require!r}")
    for claim in require:
        if type(claim) is not str or not claim or not (claim.isascii() and claim.isprintable()) or '"' in claim:
            raise TypeError(f"require must hold claim names (printable ASCII), got {claim!r}")
    return tuple(require)


def _accepted(option: str, value: Any) -> str | tuple[str, ...] | None:
    """``issuer`` / ``audience``: one string, a list of them, or ``None`` (not checked)."""
    if value is None or type(value) is str and value:
        return value
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        if all(type(v) is str and v for v in value):
            return tuple(value)
    raise TypeError(f"{option} must be a non-empty string or list of strings, got {value!r}")


class JWTStrategy(Strategy):
    """Authenticate with a signed JSON Web Token (RFC 7519), as passport-jwt does, on PyJWT.

    The token is read by the ``extract`` extractors in order (default: ``Authorization: Bearer``)
    and must be signed with one of ``algorithms`` by ``key`` or a key of the JWKS at
    ``jwks_url``. Its ``exp`` (and ``nbf``, ``iat``) are checked with ``leeway`` seconds of
    clock skew; ``iss`` must be ``issuer`` (or one of them) when set; ``aud`` must contain
    ``audience`` (or one of them) when set, and a token that has an ``aud`` is refused when no
    ``audience`` is configured (it was meant for somebody else); the claims in ``require`` must
    be present. Then ``verify(claims)`` (``verify(request, claims)`` with ``pass_request=True``),
    ``def`` or ``async def``, returns the user, ``None``/``False``, or ``(user_or_false, info)``.

    Answers (``realm="Users"`` by default):

    - no token: ``fail('Bearer realm="Users"')``, 401, the bare challenge;
    - a token that fails a check: ``fail('Bearer realm="Users", error="invalid_token",
      error_description="..."')``, 401, naming the check: malformed, the algorithm, an unknown
      signing key, the signature, expired, not yet valid, the issuer, the audience, a missing
      claim. ``Outcome.info`` of ``attempt()`` is that challenge;
    - verify says no: the same ``invalid_token`` challenge, with verify's message (``str`` or
      ``{"message": ...}``) as the description when it gave one;
    - the JWKS cannot be fetched: ``error(JWKSError)``, which the app answers with 502.

    Keys: ``key`` is an HMAC secret (``str``/``bytes``, at least as long as the hash) for HS*
    algorithms, or a public key for the others (PEM, a JWK ``dict``, a ``jwt.PyJWK``, a
    ``cryptography`` key object; RSA at least 2048 bits), parsed once here. A :class:`JWKS`
    instance is also accepted as ``key`` (a custom transport or TTL, one cache for several
    strategies); ``jwks_url=url`` is short for ``key=JWKS(url)``. ``none`` and keys of the wrong
    type for an algorithm are refused here, and HMAC is never mixed with asymmetric algorithms.

    :param verify: maps the validated claims to a user.
    :param key: the verification key (see above); exactly one of ``key`` and ``jwks_url``.
    :param jwks_url: the address of the issuer's JWKS (``https``).
    :param algorithms: the accepted ``alg`` values; required, never ``none``.
    :param issuer: the accepted ``iss`` value(s).
    :param audience: the ``aud`` value(s) this API answers to.
    :param leeway: seconds of clock skew allowed for ``exp``, ``nbf`` and ``iat``.
    :param extract: an extractor or a list of them, tried in order until one finds a value
        (``bearer_header()``, ``header(...)``, ``cookie(...)``, ``body_field(...)``,
        ``query_param(...)``, or any callable ``extractor(request)``).
    :param pass_request: hand verify the request first.
    :param realm: the protection space named in challenges (printable ASCII).
    :param require: claims that must be present (default ``("exp",)``: a token without an
        expiry would be valid forever).
    :raises TypeError, ValueError: a missing or wrong option (``none``, a key that does not fit).
    """

    name = "jwt"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        key: Any = None,
        jwks_url: str | None = None,
        algorithms: Sequence[str],
        issuer: str | Sequence[str] | None = None,
        audience: str | Sequence[str] | None = None,
        leeway: float = 0,
        extract: Extractor | Sequence[Extractor] | None = None,
        pass_request: bool = False,
        realm: str = "Users",
        require: Sequence[str] = ("exp",),
    ) -> None:
        super().__init__()
        if verify is None or not callable(verify):
            raise TypeError("JWTStrategy requires a verify function")
        if type(pass_request) is not bool:
            raise TypeError(f"pass_request must be True or False, got {pass_request!r}")
        if isinstance(leeway, bool) or not isinstance(leeway, int | float) or not 0 <= leeway <= 86400:
            raise ValueError(f"leeway must be a number of seconds between 0 and 86400, got {leeway!r}")
        self.algorithms: Final = check_algorithms(algorithms)
        if (key is None) == (jwks_url is None):
            raise TypeError("JWTStrategy needs exactly one of key= and jwks_url=")
        if jwks_url is not None:
            key = JWKS(jwks_url)
        self._keys: Final[JWKS | None] = key if isinstance(key, JWKS) else None
        self._static: Final[dict[str, Any]] = {}
        if self._keys is not None:
            if any(alg in HMAC for alg in self.algorithms):
                raise ValueError("HS* algorithms need a shared secret as key=, never a published JWKS")
        else:
            self._static.update(prepare_static_key(key, self.algorithms))
        # One static algorithm: no need to read the header before decoding.
        self._only: Final = next(iter(self._static.items())) if len(self._static) == 1 else None
        self.issuer: Final = _accepted("issuer", issuer)
        self.audience: Final = _accepted("audience", audience)
        self.leeway: Final = float(leeway)
        self.require: Final = _claim_names(require)
        self.realm: Final = config_text("realm", realm)
        if extract is None:
            extract = [bearer_header()]
        elif callable(extract):
            extract = [extract]
        if not isinstance(extract, Sequence) or not extract:
            raise TypeError(f"extract must be an extractor or a non-empty list of them, got {extract!r}")
        if not all(callable(e) for e in extract):
            raise TypeError(f"every extractor must be callable, got {list(extract)!r}")
        self._extractors: Final = tuple(extract)
        self._verify: Final = verify
        self._pass_request: Final = pass_request
        # Several issuers are checked here: PyJWT < 2.9 compares ``iss`` with one string only.
        self._issuers: Final = self.issuer if isinstance(self.issuer, tuple) else None
        self._one_issuer: Final = self.issuer if isinstance(self.issuer, str) else None
        required = list(self.require) + (["iss"] if self._issuers and "iss" not in self.require else [])
        self._decoder: Final = jwt.PyJWT({"require": required})
        self._missing: Final = bearer_challenge(self.realm)
        self._challenges: Final = {
            reason: invalid_token(self.realm, reason)
            for reason in (MALFORMED, EXPIRED, NOT_YET_VALID, BAD_SIGNATURE, BAD_ISSUER, BAD_AUDIENCE)
            + (BAD_ALGORITHM, UNKNOWN_KEY, INVALID)
        }

    def __repr__(self) -> str:
        keys = repr(self._keys) if self._keys is not None else "static"
        return (
            f"<JWTStrategy algorithms={list(self.algorithms)!r} keys={keys} issuer={self.issuer!r} "
            f"audience={self.audience!r} extract={list(self._extractors)!r}>"
        )

    @property
    def keys(self) -> JWKS | None:
        """The key set tokens are checked against, or ``None`` with a static key."""
        return self._keys

    @property
    def openapi_scheme(self) -> dict[str, str] | None:
        """The OpenAPI security scheme of the first extractor that has one (bearer JWT by default)."""
        for extractor in self._extractors:
            scheme = getattr(extractor, "openapi_scheme", None)
            if isinstance(scheme, Mapping):
                return dict(scheme)
        return None

    def has_credentials(self, request: Request) -> bool:
        """Whether any extractor finds a value (looks, never verifies, never raises)."""
        try:
            return any(extract(request) is not None for extract in self._extractors)
        except Exception:  # a custom extractor's bug must not turn a look into a 500
            return False

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> None | Awaitable[None]:
        """Extract, check and verify the token (see the class docstring)."""
        for extract in self._extractors:
            token = extract(request)
            if token is not None:
                break
        else:
            self.fail(self._missing)
            return None
        if type(token) is not str or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            self._invalid(MALFORMED)
            return None
        if self._only is not None:
            return self._check(request, token, self._only[1], self._only[0])
        choice = key_choice(token)
        if choice is None:
            self._invalid(MALFORMED)
            return None
        alg, kid = choice
        if type(alg) is not str or alg not in self.algorithms:
            self._invalid(BAD_ALGORITHM)
            return None
        if kid is not None and type(kid) is not str:
            self._invalid(MALFORMED)
            return None
        if self._keys is None:
            return self._check(request, token, self._static[alg], alg)
        found = self._keys.cached_key(kid, alg)
        if found is None:
            return self._with_fetched_key(request, token, kid, alg)
        return self._check(request, token, found.key, alg)  # the bare key: PyJWT < 2.9 takes no PyJWK

    async def _with_fetched_key(self, request: Request, token: str, kid: str | None, alg: str) -> None:
        """The slow path: the cache cannot answer, so the key set may fetch (off the event loop)."""
        assert self._keys is not None
        try:
            key = await self._keys.aget_key(kid, alg)
        except UnknownKeyError:
            self._invalid(UNKNOWN_KEY)
            return
        chained = self._check(request, token, key.key, alg)
        if chained is not None:
            await chained

    def _check(self, request: Request, token: str, key: Any, alg: str) -> None | Awaitable[None]:
        try:
            claims = self._decoder.decode(
                token, key, algorithms=[alg], issuer=self._one_issuer, audience=self.audience, leeway=self.leeway
            )
        except jwt.PyJWTError as exc:
            self._invalid(failed_check(exc))
            return None
        if self._issuers is not None and claims.get("iss") not in self._issuers:
            self._invalid(BAD_ISSUER)
            return None

        def verified(result: tuple[Any, Any]) -> None:
            self._verified(result, token)

        if self._pass_request:
            return call_verify(self._verify, request, claims).then(verified)
        return call_verify(self._verify, claims).then(verified)

    def _invalid(self, reason: str) -> None:
        self.fail(self._challenges.get(reason) or invalid_token(self.realm, reason))

    def _verified(self, result: tuple[Any, Any], token: str) -> None:
        user, info = result
        if user is not None:
            self.success(user, info)
            return
        message = info if isinstance(info, str) else info.get("message") if isinstance(info, Mapping) else None
        if type(message) is not str or not message or token in message:
            message = None  # never echo the token back
        self.fail(invalid_token(self.realm, message))
