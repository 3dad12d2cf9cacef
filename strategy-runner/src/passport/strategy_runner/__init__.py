"""Run one passport strategy in isolation and see which action it took.

::

    from passport.strategy_runner import run_strategy

    def test_missing_password_is_a_400_failure():
        result = run_strategy(LocalStrategy(verify), request={"method": "POST", "body": {"username": "ann"}})
        assert result.action == "fail"
        assert result.status == 400
        assert result.message == "Missing credentials"

``arun_strategy`` is the async twin; ``make_request`` builds a request usable with guards too
(it records flashes and counts session regenerations). ``check_strategy`` is the conformance
kit: one call that runs a strategy on your requests and on hostile ones, sequentially and
concurrently, in sync and async mode, and fails with a readable list of every protocol
violation, crash on bad input, leaked secret or shared-state write::

    check_strategy(LocalStrategy(verify), requests={"valid": {...}}, secrets=["hunter22"])

Installed, this is also a pytest plugin with the fixtures ``strategy_runner``,
``async_strategy_runner``, ``passport_request`` and ``strategy_conformance``.
"""

from ._conformance import check_strategy
from ._hostile import CredentialHeaders
from ._hostile import hostile_requests
from ._report import ConformanceError
from ._report import ConformanceReport
from ._report import Problem
from ._request import TestRequest
from ._request import make_request
from ._runner import Result
from ._runner import arun_strategy
from ._runner import run_strategy
from ._version import __version__

__all__ = [
    "ConformanceError",
    "ConformanceReport",
    "CredentialHeaders",
    "Problem",
    "Result",
    "TestRequest",
    "__version__",
    "arun_strategy",
    "check_strategy",
    "hostile_requests",
    "make_request",
    "run_strategy",
]

for _obj in (ConformanceError, ConformanceReport, Problem, Result, TestRequest):
    _obj.__module__ = "passport.strategy_runner"
del _obj
