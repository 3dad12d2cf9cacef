"""CPU instructions per call of one jwt_bench case, counted by callgrind (steadier than wall time).

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/jwt_callgrind.py CASE N

prints nothing; run it with N=0 and N=300 and divide the difference of the reported totals
("Collected : ...") by 300. Keys are fixed (generated once into the system temp folder) and
PYTHONHASHSEED should be set, so both runs do the same setup.
"""

from __future__ import annotations

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402


def _key(name: str, make: object) -> object:
    path = os.path.join(tempfile.gettempdir(), f"passport-jwt-bench-{name}.pem")
    if not os.path.exists(path):
        key = make()  # type: ignore[operator]
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        with open(path, "wb") as fh:
            fh.write(pem)
    with open(path, "rb") as fh:
        return serialization.load_pem_private_key(fh.read(), password=None)


def main(case: str, number: int) -> None:
    import jwt_bench

    rsa_private = _key("rsa", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ec_private = _key("ec", lambda: ec.generate_private_key(ec.SECP256R1()))
    cases, _ = jwt_bench.build_cases(rsa_private, ec_private)
    fn = cases[case]
    fn()  # warm: the same first-call work in both runs
    for _ in range(number):
        fn()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
