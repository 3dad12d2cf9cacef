"""Fixtures: the demo's Flask app for test-client tests, and the running demo for the browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from passport_demo import RunningDemo
from passport_demo import Settings
from passport_demo import create_app
from passport_demo import start_demo


@pytest.fixture
def settings() -> Settings:
    # The provider is not contacted by these tests; only its URL appears in redirects.
    return Settings(base_url="http://localhost", provider_url="http://127.0.0.1:9")


@pytest.fixture
def app(settings: Settings) -> Flask:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


@pytest.fixture(scope="session")
def demo() -> Iterator[RunningDemo]:
    running = start_demo()
    try:
        yield running
    finally:
        running.stop()
