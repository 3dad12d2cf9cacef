"""The pytest plugin (entry point ``pytest11``): fixtures for strategy tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ._conformance import check_strategy
from ._report import ConformanceError
from ._report import ConformanceReport
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


@pytest.fixture
def strategy_conformance() -> Callable[..., ConformanceReport]:
    """:func:`~passport.strategy_runner.check_strategy` as a fixture that fails the test cleanly.

    ``strategy_conformance(strategy, requests={...}, secrets=[...])`` returns the report; when a
    check fails the test fails with the readable summary (no traceback into the kit).
    """

    def check(strategy: Any, **kwargs: Any) -> ConformanceReport:
        try:
            return check_strategy(strategy, **kwargs)
        except ConformanceError as exc:
            pytest.fail(str(exc), pytrace=False)

    return check
