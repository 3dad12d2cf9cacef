"""What declaring the OpenAPI security schemes costs a FastAPI request, in the same run.

A FastAPI route guarded by an API-key-or-bearer chain (``session=False``, a ``KeyStore``, a valid
key), once from ``PassportStarlette.authenticate`` (two schemes declared: FastAPI solves two
``Security`` sub-dependencies that read nothing, per request) and once as a bare
guard built with ``openapi=False`` over the same strategies (nothing declared), with
an unguarded route as the baseline, and as the control the bare guard with two plain
no-op sub-dependencies (what FastAPI charges for any dependency). In-process ASGI calls, interleaved rounds, medians.
"""

from __future__ import annotations

import inspect
from typing import Any

import fastapi  # noqa: F401  # missing: bench/run.py skips this benchmark
from adapters_bench import API_KEY
from adapters_bench import USER
from adapters_bench import asgi_medians


def fastapi_apps() -> dict[str, Any]:
    from fastapi import Depends
    from fastapi import FastAPI

    from passport.core import Passport
    from passport.starlette import PassportStarlette
    from passport.strategies.apikey import APIKeyStrategy
    from passport.strategies.apikey import BearerStrategy
    from passport.strategies.apikey import KeyStore

    keys = KeyStore()
    keys.add(API_KEY, USER)
    passport = Passport().use(APIKeyStrategy(keys)).use(BearerStrategy(lambda token: None))
    auth = PassportStarlette(passport)
    declared = auth.authenticate(["apikey", "bearer"], session=False)
    plain = auth.authenticate(["apikey", "bearer"], session=False, openapi=False)
    if len(inspect.signature(declared).parameters) != 3:  # request + one per scheme
        raise RuntimeError("the declared guard has no security parameters: nothing would be measured")

    async def first() -> None:
        return None

    async def second() -> None:
        return None

    async def control(user: Any = Depends(plain), a: Any = Depends(first), b: Any = Depends(second)) -> Any:  # noqa: B008
        # The control: what FastAPI charges for any two sub-dependencies of a guard.
        return user

    def app_with(guard: Any) -> FastAPI:
        app = FastAPI(openapi_url=None)
        PassportStarlette(passport, app)  # the exception handlers, as an app has them

        if guard is None:

            @app.get("/api")
            async def bare() -> str:
                return "ok"

        else:

            @app.get("/api")
            async def guarded(user: Any = Depends(guard)) -> str:  # noqa: B008
                return "ok"

        return app

    return {
        "bare route": app_with(None),
        "guard, no schemes declared": app_with(plain),
        "guard, two schemes declared": app_with(declared),
        "guard + two no-op dependencies": app_with(control),
    }


def run(rounds: int = 27, number: int = 2000) -> dict[str, Any]:
    medians = asgi_medians(fastapi_apps(), rounds, number)
    base = medians["bare route"]
    print("\nFastAPI, API-key-or-bearer guard (KeyStore), with and without its OpenAPI schemes: median per request")
    for name, value in medians.items():
        print(f"  {name:<31} {value / 1000:7.2f} µs  (+{(value - base) / 1000:5.2f} µs over bare)")
    cost = medians["guard, two schemes declared"] - medians["guard, no schemes declared"]
    control = medians["guard + two no-op dependencies"] - medians["guard, no schemes declared"]
    print(
        f"  declaring the schemes adds {cost / 1000:.2f} µs per request"
        f" (FastAPI's cost of any two sub-dependencies: {control / 1000:.2f} µs)"
    )
    return {"medians_ns": medians, "schemes_added_ns": cost, "two_dependencies_added_ns": control}


if __name__ == "__main__":
    import sys

    run(rounds=9 if "--quick" in sys.argv else 27)
