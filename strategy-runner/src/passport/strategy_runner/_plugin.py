"""The pytest plugin (entry point ``pytest11``): fixtures for strategy tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ._request import TestRequest
from ._request import make_request
from ._runner import Result
from ._runner import arun_strategy
from ._runner import run_strategy


@pytest.fixture
def strategy_runner() -> Callable[..., Result]:
    """``run_strategy`` as a fixture: ``strategy_runner(strategy, request={...}, options={...})``."""
    return run_strategy


@pytest.fixture
def async_strategy_runner() -> Callable[..., Any]:
    """``arun_strategy`` as a fixture, for ``async def`` tests."""
    return arun_strategy


@pytest.fixture
def passport_request() -> Callable[..., TestRequest]:
    """``make_request`` as a fixture: a test request usable with guards."""
    return make_request
