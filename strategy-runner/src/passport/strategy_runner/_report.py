"""What the conformance kit found: problems, the report, and the error that carries it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import final

from ._runner import Result

CHECKS = (
    "shape",
    "protocol",
    "robustness",
    "secrets",
    "shared-state",
    "determinism",
    "parity",
    "concurrency",
    "speed",
)


@final
@dataclass(frozen=True, slots=True)
class Problem:
    """One failed check.

    :ivar check: ``"shape"``, ``"protocol"``, ``"robustness"``, ``"secrets"``, ``"determinism"``,
        ``"parity"``, ``"concurrency"``, ``"shared-state"`` or ``"speed"``.
    :ivar request: the name of the request it happened on (``None`` for the instance itself).
    :ivar mode: ``"sync"``, ``"async"``, ``"threads"`` or ``"tasks"`` (``None`` if not a run).
    :ivar detail: what went wrong; secrets are replaced by ``<secret #n>``.
    """

    check: str
    request: str | None
    mode: str | None
    detail: str

    def __str__(self) -> str:
        where = ""
        if self.request is not None:
            where = f" request {self.request!r}" + (f" ({self.mode})" if self.mode else "")
        return f"[{self.check}]{where}: {self.detail}"


@final
@dataclass(frozen=True)
class ConformanceReport:
    """What :func:`check_strategy` found.

    :ivar strategy: ``str``, the strategy's name and class, as the summary shows them.
    :ivar requests: ``tuple[str, ...]``, the names of every request checked, in order.
    :ivar results: ``Mapping[str, Result]``, the sequential ``run_strategy`` result of each
        request, by name (use it to assert what your own requests should give).
    :ivar runs: ``int``, how many times ``authenticate`` was run in all.
    :ivar problems: ``tuple[Problem, ...]``, every failed check; empty when the strategy conforms.
    """

    strategy: str
    requests: tuple[str, ...]
    results: Mapping[str, Result] = field(repr=False)
    runs: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.problems

    def summary(self, per_check: int = 10) -> str:
        """A readable account: problems grouped by check, the same finding in several modes on one
        line (and counted once), at most ``per_check`` lines per check."""
        merged: dict[tuple[str, str | None, str], list[str]] = {}
        for problem in self.problems:
            modes = merged.setdefault((problem.check, problem.request, problem.detail), [])
            if problem.mode is not None and problem.mode not in modes:
                modes.append(problem.mode)
        count = len(merged)
        lines = [
            f"passport conformance of {self.strategy}: {len(self.requests)} requests, {self.runs} runs, "
            f"{count or 'no'} problem{'' if count == 1 else 's'}"
        ]
        for check in CHECKS:
            found = [(request, detail, modes) for (c, request, detail), modes in merged.items() if c == check]
            for request, detail, modes in found[:per_check]:
                where = "" if request is None else f" request {request!r}" + (f" ({', '.join(modes)})" if modes else "")
                lines.append(f"  - [{check}]{where}: {detail}")
            if len(found) > per_check:
                lines.append(f"  - [{check}] ... and {len(found) - per_check} more")
        return "\n".join(lines)

    def raise_for_problems(self) -> None:
        """Raise :class:`ConformanceError` (an ``AssertionError``) with the summary, if any check failed."""
        if self.problems:
            raise ConformanceError(self)


class ConformanceError(AssertionError):
    """A strategy failed the conformance kit; ``report`` holds the details.

    An ``AssertionError``, so pytest reports it as a test failure with the summary.
    """

    def __init__(self, report: ConformanceReport) -> None:
        super().__init__(report.summary())
        self.report = report
