"""Keys and token makers shared by the tests (generated once per session: RSA keys are slow)."""

from __future__ import annotations

import functools
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.asymmetric import rsa

SECRET = "a-shared-secret-of-at-least-32-bytes!"
ISSUER = "https://issuer.test/"
AUDIENCE = "https://api.test/"
USER = {"id": "ann"}


@functools.cache
def _key(kind: str, name: str) -> Any:
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return ed25519.Ed25519PrivateKey.generate()


def rsa_key(name: str = "a") -> rsa.RSAPrivateKey:
    """The same key for the same name, for the whole session."""
    return _key("rsa", name)  # type: ignore[no-any-return]


def ec_key(name: str = "a") -> ec.EllipticCurvePrivateKey:
    return _key("ec", name)  # type: ignore[no-any-return]


def ed_key(name: str = "a") -> ed25519.Ed25519PrivateKey:
    return _key("ed", name)  # type: ignore[no-any-return]


def public_pem(private: Any) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def public_jwk(private: Any, kid: str | None, alg: str | None = None, **extra: Any) -> dict[str, Any]:
    """The public JWK of ``private`` as a provider publishes it."""
    if isinstance(private, rsa.RSAPrivateKey):
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    elif isinstance(private, ec.EllipticCurvePrivateKey):
        data = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    else:
        data = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    if kid is not None:
        data["kid"] = kid
    if alg is not None:
        data["alg"] = alg
    data.update(extra)
    return data


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"sub": "ann", "iat": now, "exp": now + 300, "iss": ISSUER, "aud": AUDIENCE}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(key: Any = SECRET, alg: str = "HS256", kid: str | None = None, **overrides: Any) -> str:
    headers = {"kid": kid} if kid is not None else None
    return jwt.encode(claims(**overrides), key, algorithm=alg, headers=headers)


def bearer(value: str) -> dict[str, Any]:
    return {"headers": {"Authorization": f"Bearer {value}"}}


def verify(claims: dict[str, Any]) -> Any:
    return {"id": claims["sub"]}


def b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_token(header: dict[str, Any], payload: dict[str, Any], hmac_key: bytes | None = None) -> str:
    """A token assembled by hand (headers PyJWT's encoder refuses), HMAC-SHA256-signed with ``hmac_key``."""
    import hashlib
    import hmac

    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    signature = hmac.new(hmac_key or b"x", signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)
