"""Which algorithms may be configured, and which keys fit which algorithm (RFC 7518, RFC 8725).

Key-type confusion is refused here, once, at configuration time: an HMAC algorithm takes only a
secret (never a public key's bytes used as one), an asymmetric algorithm only a public key of its
own family, and one strategy never mixes HMAC with asymmetric algorithms, since a token's ``alg``
header would then choose how the same key is read. ``none`` is never allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import ed448
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.asymmetric import rsa

import jwt
from jwt.algorithms import get_default_algorithms

HMAC: Final = frozenset({"HS256", "HS384", "HS512"})
RSA: Final = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_CURVES: Final = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES521": "P-521", "ES256K": "secp256k1"}
EDDSA: Final = frozenset({"EdDSA"})
ASYMMETRIC: Final = RSA | frozenset(EC_CURVES) | EDDSA

_HMAC_MIN_BYTES: Final = {"HS256": 32, "HS384": 48, "HS512": 64}  # RFC 7518 §3.2: at least the hash size
RSA_MIN_BITS: Final = 2048  # NIST SP 800-131A
_EC_CURVE_NAMES: Final = {"P-256": "secp256r1", "P-384": "secp384r1", "P-521": "secp521r1", "secp256k1": "secp256k1"}


def check_algorithms(algorithms: Any) -> tuple[str, ...]:
    """Validate the ``algorithms`` option: a non-empty list of known names, never ``none``, one family."""
    if isinstance(algorithms, str) or not isinstance(algorithms, Sequence) or not algorithms:
        raise TypeError(f"algorithms must be a non-empty list of algorithm names, got {algorithms!r}")
    names = tuple(algorithms)
    known = set(get_default_algorithms()) - {"none"}
    for name in names:
        if type(name) is not str:
            raise TypeError(f"algorithms must be strings, got {name!r}")
        if name.lower() == "none":
            raise ValueError("the 'none' algorithm is never accepted: an unsigned token proves nothing")
        if name not in known:
            raise ValueError(f"unknown algorithm {name!r}; known: {sorted(known)}")
    if any(n in HMAC for n in names) and any(n in ASYMMETRIC for n in names):
        raise ValueError(
            "algorithms mixes HMAC (HS*) with asymmetric algorithms: the token's alg header would "
            "decide whether the key is a secret or a public key (key-type confusion); use one family"
        )
    return names


def prepare_static_key(key: Any, algorithms: tuple[str, ...]) -> dict[str, Any]:
    """Turn the ``key`` option into a ready key per algorithm, refusing keys that do not fit.

    Parsing a PEM key costs more than checking a signature, so it happens once, here.
    """
    if isinstance(key, jwt.PyJWK):
        key = key.key
    elif isinstance(key, Mapping):  # a JWK as a dict
        try:
            key = jwt.PyJWK(dict(key), algorithm=algorithms[0]).key
        except jwt.PyJWTError as exc:
            raise ValueError(f"key is not a usable JWK ({exc})") from None
    prepared: dict[str, Any] = {}
    for alg in algorithms:
        if alg in HMAC:
            prepared[alg] = _hmac_secret(key, alg)
        else:
            prepared[alg] = _public_key(key, alg)
    return prepared


def _hmac_secret(key: Any, alg: str) -> bytes:
    if not isinstance(key, (str, bytes)):
        raise TypeError(f"{alg} needs a secret (str or bytes), got a {type(key).__name__}")
    try:
        secret: bytes = get_default_algorithms()[alg].prepare_key(key)
    except jwt.InvalidKeyError:
        # PyJWT recognised a PEM or SSH public key: checking HS256 with it is the classic confusion.
        raise ValueError(f"{alg} needs a shared secret, but key is a public key or certificate") from None
    if len(secret) < _HMAC_MIN_BYTES[alg]:
        raise ValueError(f"an {alg} secret must be at least {_HMAC_MIN_BYTES[alg]} bytes (RFC 7518 §3.2)")
    return secret


def _public_key(key: Any, alg: str) -> Any:
    if isinstance(key, str | bytes):
        try:
            key = get_default_algorithms()[alg].prepare_key(key)
        except (jwt.InvalidKeyError, ValueError, TypeError):
            raise ValueError(f"{alg} needs a public key (PEM, SSH, a JWK or a key object); key is not one") from None
    if isinstance(
        key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)
    ):
        key = key.public_key()  # verifying needs only the public half; keep no private key around
    if not key_fits(key, alg):
        raise ValueError(f"key is a {type(key).__name__}, which does not fit {alg} (key-type confusion)")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < RSA_MIN_BITS:
        raise ValueError(f"an RSA key must have at least {RSA_MIN_BITS} bits, this one has {key.key_size}")
    return key


def key_fits(key: Any, alg: str) -> bool:
    """True when ``key`` (a cryptography public key object) is of ``alg``'s family and curve."""
    if alg in RSA:
        return isinstance(key, rsa.RSAPublicKey)
    if alg in EC_CURVES:
        return isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == _EC_CURVE_NAMES[EC_CURVES[alg]]
    if alg == "EdDSA":
        return isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey))
    return False


def jwk_fits(jwk: Mapping[str, Any], alg: str) -> bool:
    """True when a JWK may check a token signed with ``alg``: its ``alg`` if it names one, else its family."""
    named = jwk.get("alg")
    if named is not None:
        return bool(named == alg)
    kty = jwk.get("kty")
    if alg in RSA:
        return kty == "RSA"
    if alg in EC_CURVES:
        return kty == "EC" and jwk.get("crv") == EC_CURVES[alg]
    if alg in EDDSA:
        return kty == "OKP" and jwk.get("crv") in ("Ed25519", "Ed448")
    return False  # HMAC: a published key set never holds shared secrets
