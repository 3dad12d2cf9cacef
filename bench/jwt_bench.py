"""A JWT-guarded request against PyJWT's ``decode`` of the same token alone, in the same run.

Issue 14's budget: the guard with a cached key costs at most 1.1x the decode, plus the guard's
own cost (case (b)'s budget in core_bench: 2 µs). Each token kind is timed with its key from a
warm JWKS cache (RS256, ES256: the keys real issuers publish) and with a static key (HS256, RS256).
No network: the key set's transport is a function that counts its calls, and the report checks
it was called once.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from typing import Any

import jwt
from core_bench import BUDGET_NS
from core_bench import BenchRequest
from core_bench import _time
from core_bench import measure
from core_bench import noop
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa

from passport.core import Passport
from passport.core import nonblocking
from passport.strategies.jwt import JWKS
from passport.strategies.jwt import JWTStrategy

AUDIENCE = "https://api.bench/"
ISSUER = "https://issuer.bench/"
SECRET = "bench-secret-of-at-least-32-bytes-long"


@nonblocking
def verify(claims: dict[str, Any]) -> Any:
    return {"id": claims["sub"]}


def build_cases(rsa_private: Any = None, ec_private: Any = None) -> tuple[dict[str, Any], dict[str, int]]:
    rsa_private = rsa_private or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_private = ec_private or ec.generate_private_key(ec.SECP256R1())
    published = {
        "keys": [
            {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_private.public_key())), "kid": "r1"},
            {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_private.public_key())), "kid": "e1"},
        ]
    }
    fetches = {"count": 0}

    def fetch(url: str) -> bytes:
        fetches["count"] += 1
        return json.dumps(published).encode()

    keys = JWKS("https://issuer.bench/jwks", fetch=fetch)
    claims = {"sub": "ann", "iss": ISSUER, "aud": AUDIENCE, "iat": int(time.time()), "exp": int(time.time()) + 3600}
    tokens = {
        "RS256 jwks": (jwt.encode(claims, rsa_private, "RS256", headers={"kid": "r1"}), rsa_private.public_key()),
        "ES256 jwks": (jwt.encode(claims, ec_private, "ES256", headers={"kid": "e1"}), ec_private.public_key()),
        "RS256 static": (jwt.encode(claims, rsa_private, "RS256"), rsa_private.public_key()),
        "HS256 static": (jwt.encode(claims, SECRET, "HS256"), SECRET.encode()),
    }
    strategies = {
        "RS256 jwks": JWTStrategy(verify, key=keys, algorithms=["RS256", "ES256"], issuer=ISSUER, audience=AUDIENCE),
        "RS256 static": JWTStrategy(
            verify, key=rsa_private.public_key(), algorithms=["RS256"], issuer=ISSUER, audience=AUDIENCE
        ),
        "HS256 static": JWTStrategy(verify, key=SECRET, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE),
    }
    strategies["ES256 jwks"] = strategies["RS256 jwks"]
    cases: dict[str, Any] = {}
    for name, (value, key) in tokens.items():
        alg = name.split()[0]
        passport = Passport()
        passport.use(strategies[name])
        guard = passport.authenticate("jwt", session=False)
        request = BenchRequest(headers={"Authorization": f"Bearer {value}"})
        assert guard.run(request) is None and request.user == {"id": "ann"}, name  # the guard really succeeds

        def decode(value: str = value, key: Any = key, alg: str = alg) -> Any:
            return jwt.decode(value, key, algorithms=[alg], issuer=ISSUER, audience=AUDIENCE)

        cases[f"{name}:decode"] = decode
        cases[f"{name}:guard"] = lambda guard=guard, request=request: guard.run(request)
    return cases, fetches


def run(rounds: int = 15, number: int = 2000) -> dict[str, Any]:
    """Time each decode and its guard back to back, round after round (paired: drift hits both)."""
    cases, fetches = build_cases()
    request = BenchRequest()
    result = measure(cases, lambda: noop(request), rounds=1, number=number)  # warm-up, and the shape
    names = sorted({n.split(":")[0] for n in cases})
    pairs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            for name in names:
                decode = _time(cases[f"{name}:decode"], number)
                guard = _time(cases[f"{name}:guard"], number)
                pairs[name].append((decode, guard))
    finally:
        gc.enable()
    result["pairs"] = {
        name: {
            "decode_ns": statistics.median(d for d, _ in values),
            "guard_ns": statistics.median(g for _, g in values),
            "added_ns": statistics.median(g - d for d, g in values),
            "ratio": statistics.median(g / d for d, g in values),
        }
        for name, values in pairs.items()
    }
    result["jwks_fetches"] = fetches["count"]
    return result


def print_report(result: dict[str, Any]) -> None:
    budget = BUDGET_NS["b"]
    print("\npassport-strategy-jwt: a JWT-guarded request vs PyJWT's decode of the same token alone")
    print(
        f"  (budget: guard <= 1.1 x decode + {budget / 1000:.1f} µs; medians of back-to-back pairs; "
        f"JWKS fetches in the whole run: {result['jwks_fetches']})"
    )
    for name, pair in result["pairs"].items():
        decode, added = pair["decode_ns"], pair["added_ns"]
        verdict = "within" if added <= 0.1 * decode + budget else "OVER"
        print(
            f"  {name:<13} decode {decode / 1000:6.2f} µs  guard {pair['guard_ns'] / 1000:6.2f} µs  "
            f"(x{pair['ratio']:4.2f}, +{added / 1000:5.2f} µs)  limit +{(0.1 * decode + budget) / 1000:5.2f} µs: "
            f"{verdict}"
        )


if __name__ == "__main__":
    print_report(run())
