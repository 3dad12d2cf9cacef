"""OIDC ID token validation (``OIDCStrategy.check_tokens``, warm JWKS) against PyJWT's ``decode`` alone.

``python bench/oidc_bench.py``. Both sides check the same signature and the same registered
claims; the strategy adds the Core §3.1.3.7 rules (issuer, sub, azp, nonce, at_hash) and the
key lookup in its cached JWKS. The key set is served once by a real HTTP server on 127.0.0.1;
the report says how many times it was fetched (1: no network on the hot path). Ratios from one
run, best of several rounds; no assertion on time.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa

from passport.strategies.oauth2 import TokenSet
from passport.strategies.oidc import OIDCStrategy

CLIENT_ID = "bench-client"
ROUNDS, N = 7, 2000


def _half(value: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(value.encode()).digest()[:16]).rstrip(b"=").decode()


def main() -> None:
    keys = {
        "r1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "e1": ec.generate_private_key(ec.SECP256R1()),
    }
    jwks = {
        "keys": [
            {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys["r1"].public_key())), "kid": "r1"},
            {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys["e1"].public_key())), "kid": "e1"},
        ]
    }
    fetches = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetches.append(self.path)
            body = json.dumps(jwks).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    issuer = f"http://127.0.0.1:{server.server_port}"
    strategy = OIDCStrategy(
        lambda claims, userinfo, tokens: claims,
        issuer=issuer,
        metadata={
            "issuer": issuer,
            "authorization_endpoint": issuer + "/a",
            "token_endpoint": issuer + "/t",
            "jwks_uri": issuer + "/jwks",
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        },
        client_id=CLIENT_ID,
        client_secret="bench-secret",
        callback_url="https://app.bench/cb",
    )
    print(f"{'alg':6} {'PyJWT decode':>14} {'check_tokens':>14} {'ratio':>7}")
    for kid, alg in (("r1", "RS256"), ("e1", "ES256")):
        now = int(time.time())
        access = "at-" + "x" * 40
        claims = {
            "iss": issuer,
            "sub": "u1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 3600,
            "nonce": "n" * 43,
            "at_hash": _half(access),
        }
        token = jwt.encode(claims, keys[kid], algorithm=alg, headers={"kid": kid})
        tokens = TokenSet(access, None, {"access_token": access, "id_token": token, "token_type": "Bearer"})
        public = keys[kid].public_key()
        flow = {"nonce": "n" * 43}
        strategy.check_tokens(None, tokens, flow)  # type: ignore[arg-type]  # warms the JWKS

        def bare(token: str = token, public: Any = public, alg: str = alg) -> None:
            jwt.decode(
                token,
                public,
                algorithms=[alg],
                audience=CLIENT_ID,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )

        def ours(tokens: TokenSet = tokens, flow: dict[str, str] = flow) -> None:
            strategy.check_tokens(None, tokens, flow)  # type: ignore[arg-type]

        samples: dict[str, list[float]] = {"bare": [], "ours": []}
        for _ in range(ROUNDS):  # interleaved, so both sides see the same machine load
            for name, fn in (("bare", bare), ("ours", ours)):
                start = time.perf_counter_ns()
                for _ in range(N):
                    fn()
                samples[name].append((time.perf_counter_ns() - start) / N)
        best = {name: min(values) for name, values in samples.items()}
        print(
            f"{alg:6} {best['bare'] / 1000:11.1f} µs {best['ours'] / 1000:11.1f} µs {best['ours'] / best['bare']:6.2f}x"
        )
    print(f"JWKS fetched {len(fetches)} time(s)")
    server.shutdown()


if __name__ == "__main__":
    main()
