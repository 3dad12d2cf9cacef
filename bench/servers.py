"""The benchmark apps as importable objects, for uvicorn and waitress (`servers:<name>`)."""

from __future__ import annotations

from typing import Any

import adapters_bench

NAMES = {
    "starlette_bare": ("starlette", "bare route"),
    "starlette_passport": ("starlette", "passport apikey guard"),
    "starlette_native": ("starlette", "starlette AuthenticationMiddleware"),
    "starlette_passport_store": ("starlette", "passport apikey guard, KeyStore"),
    "starlette_native_store": ("starlette", "starlette AuthenticationMiddleware, KeyStore"),
    "flask_bare": ("flask", "bare route"),
    "flask_passport": ("flask", "passport session restore"),
    "flask_login": ("flask", "flask-login user loader"),
}


def __getattr__(name: str) -> Any:
    framework, label = NAMES[name]
    if framework == "starlette":
        return adapters_bench.starlette_apps()[label]
    return adapters_bench.flask_apps()[0][label]


def cookie_for(name: str) -> str:
    framework, label = NAMES[name]
    return adapters_bench.flask_apps()[1][label] if framework == "flask" else ""
