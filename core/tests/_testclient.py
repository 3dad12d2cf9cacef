"""Starlette's ``TestClient``, imported once for every test module that drives an ASGI app."""

import warnings

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient and warns when it falls back to httpx (which
    # still works); the core's test extra installs httpx, so only that one import is exempted.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

__all__ = ["TestClient"]
