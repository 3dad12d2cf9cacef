"""The conformance kit: one call that checks a strategy against the passport protocol.

:func:`check_strategy` runs a strategy on the author's requests, a set of hostile requests and
requests carrying the given secrets; sequentially, through ``run_strategy`` and
``arun_strategy``, then concurrently in threads and in asyncio tasks on one shared instance.
It collects every problem, then raises one :class:`ConformanceError` listing them all.

The checks, precisely:

``shape``         ``name`` is a non-empty ``str`` and ``authenticate`` is callable.
``protocol``      every run acts exactly once with valid arguments: no result is an error
                  carrying a :class:`~passport.core.StrategyError` (no action, two actions, a
                  CR/LF challenge, a wrong status, an action after returning, a timeout).
``robustness``    on hostile requests an ``error`` result is acceptable only with an exception
                  the strategy chose (its own error class, a ``passport.core`` error, or one of
                  ``allowed_errors``); a built-in exception (``TypeError``, ``KeyError``,
                  ``UnicodeError``, ``ValueError``, ``RuntimeError``...) means the strategy
                  crashed on bad input, which should have been a ``fail`` (a 4xx) instead.
``secrets``       no secret appears in a challenge, fail message, redirect URL, error text or
                  repr (causes included), log record emitted during a run, or the strategy's repr.
                  Besides your own requests, each secret is sent in the credential headers,
                  credential fields (``password``, ``access_token``, ``code``...) and cookies.
``determinism``   two sequential runs of one request take the same action.
``parity``        ``arun_strategy`` gives what ``run_strategy`` gives.
``concurrency``   runs in threads and in asyncio tasks give what sequential runs give.
                  Fields that differ between two sequential runs (a random ``state`` in a
                  redirect URL) are not compared; a redirect URL is compared by scheme, host,
                  path and query parameter names.
``shared-state``  ``authenticate`` never adds, rebinds or removes an attribute of the instance.
``speed``         no sequential run takes longer than ``slow`` seconds (a sync strategy cannot
                  be interrupted: a catastrophic regex on a 1 MB header shows up here, or hangs).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
import random
import sys
import threading
import time
from collections.abc import Iterable
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import urlsplit

from passport.core import StrategyError

from ._hostile import CredentialHeaders
from ._hostile import hostile_requests
from ._hostile import secret_requests
from ._report import ConformanceReport
from ._report import Problem
from ._runner import DEFAULT_TIMEOUT
from ._runner import Result
from ._runner import arun_strategy
from ._runner import run_strategy

_COMPARED = ("action", "user", "info", "challenge", "status", "message", "message_type", "url", "error")
_MIN_SECRET = 4


# -- helpers ---------------------------------------------------------------------------------


class _Texts:
    """Finds secrets in text and keeps them out of the report."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets: list[str] = []
        for secret in secrets:
            if type(secret) is not str or len(secret) < _MIN_SECRET:
                raise ValueError(f"secrets must be strings of at least {_MIN_SECRET} characters to be found reliably")
            self.secrets.append(secret)
        # A secret may also surface URL-encoded (in a redirect URL or a query string).
        self.forms = [(n, form) for n, s in enumerate(self.secrets, 1) for form in {s, quote(s, safe="")}]

    def leaked(self, text: str) -> list[int]:
        return sorted({number for number, form in self.forms if form in text})

    def clean(self, text: str, limit: int = 200) -> str:
        for number, form in self.forms:
            text = text.replace(form, f"<secret #{number}>")
        # Lone surrogates, NUL, CR/LF, escape sequences, RTL overrides: shown escaped, so the
        # summary prints on any terminal and reads the same everywhere.
        text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
        return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def _error_texts(error: BaseException | None) -> list[str]:
    texts: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen and len(seen) < 8:
        seen.add(id(error))
        texts += [str(error), repr(error)]
        error = error.__cause__ or error.__context__
    return texts


def _surfaces(result: Result) -> dict[str, str]:
    """The text a result exposes to users, logs and error pages."""
    surfaces: dict[str, str] = {}
    if result.challenge is not None:
        surfaces["challenge"] = result.challenge if isinstance(result.challenge, str) else repr(result.challenge)
    if result.message is not None:
        surfaces["message"] = str(result.message)
    if result.url is not None:
        surfaces["url"] = result.url
    if result.error is not None:
        surfaces["error"] = "\n".join(_error_texts(result.error))
    return surfaces


def _url_shape(url: str | None) -> Any:
    if url is None:
        return None
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc, parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query, True)})))


def _fields(result: Result) -> dict[str, Any]:
    values = {name: getattr(result, name) for name in _COMPARED}
    values["url"] = _url_shape(result.url)
    error = result.error
    values["error"] = None if error is None else (type(error).__qualname__, str(error))
    return values


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return a is b


def _is_crash(error: BaseException, allowed: tuple[type[BaseException], ...]) -> bool:
    return type(error).__module__ == "builtins" and not isinstance(error, allowed)


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + "\n".join(_error_texts(record.exc_info[1]))
        self.texts.append(text)


def _snapshot(strategy: Any) -> dict[str, Any]:
    state = dict(getattr(strategy, "__dict__", {}))
    for cls in type(strategy).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if isinstance(name, str) and hasattr(strategy, name):
                state.setdefault(name, getattr(strategy, name))
    lazy = {
        n for cls in type(strategy).__mro__ for n, v in vars(cls).items() if isinstance(v, functools.cached_property)
    }
    return {name: value for name, value in state.items() if name not in lazy}


# -- the kit ---------------------------------------------------------------------------------


class _Check:
    def __init__(
        self,
        strategy: Any,
        requests: dict[str, Any],
        hostile: set[str],
        texts: _Texts,
        options: Mapping[str, Any] | None,
        timeout: float | None,
        allowed_errors: tuple[type[BaseException], ...],
    ) -> None:
        self.strategy = strategy
        self.requests = requests
        self.hostile = hostile
        self.texts = texts
        self.options = options
        self.timeout = timeout
        self.allowed_errors = allowed_errors
        self.problems: dict[tuple[str, str | None, str | None, str], Problem] = {}
        self.runs = 0

    def problem(self, check: str, request: str | None, mode: str | None, detail: str) -> None:
        detail = self.texts.clean(detail)
        self.problems.setdefault((check, request, mode, detail), Problem(check, request, mode, detail))

    def fresh(self, name: str) -> Any:
        return copy.deepcopy(self.requests[name])

    def inspect(self, name: str, mode: str, result: Result) -> None:
        """The checks that hold for every single run."""
        self.runs += 1
        error = result.error
        if result.action == "error" and error is not None:
            if isinstance(error, StrategyError):
                self.problem("protocol", name, mode, str(error))
            elif name in self.hostile and _is_crash(error, self.allowed_errors):
                self.problem(
                    "robustness",
                    name,
                    mode,
                    f"authenticate crashed with {type(error).__name__}: {error} "
                    "(bad input should be a fail(), a 4xx; raise your own error class for server errors)",
                )
        for surface, text in _surfaces(result).items():
            for number in self.texts.leaked(text):
                self.problem("secrets", name, mode, f"secret #{number} appears in the result's {surface}")

    def compare(
        self, name: str, mode: str, check: str, result: Result, baseline: dict[str, Any], stable: set[str]
    ) -> None:
        values = _fields(result)
        differ = [key for key in _COMPARED if key in stable and not _same(values[key], baseline[key])]
        if differ:
            got = ", ".join(f"{key}={values[key]!r}" for key in differ)
            expected = ", ".join(f"{key}={baseline[key]!r}" for key in differ)
            self.problem(check, name, mode, f"gave {got} where sequential run_strategy gave {expected}")

    def run_sync(self, name: str) -> Result:
        return run_strategy(self.strategy, self.fresh(name), self.options, timeout=self.timeout)

    async def run_async(self, name: str) -> Result:
        return await arun_strategy(self.strategy, self.fresh(name), self.options, timeout=self.timeout)


def _resolve(strategy: Any) -> Any:
    if isinstance(strategy, type) or not callable(getattr(strategy, "authenticate", None)):
        if not callable(strategy):
            raise TypeError(f"check_strategy() needs a strategy or a factory of one, got {strategy!r}")
        strategy = strategy()
    if not callable(getattr(strategy, "authenticate", None)):
        raise TypeError(f"check_strategy(): the factory returned {strategy!r}, which has no authenticate()")
    return strategy


def _named(requests: Mapping[str, Any] | Iterable[Any] | None) -> dict[str, Any]:
    if requests is None:
        return {}
    if isinstance(requests, Mapping):
        return dict(requests)
    return {f"request #{n}": request for n, request in enumerate(requests, 1)}


def check_strategy(
    strategy: Any,
    *,
    requests: Mapping[str, Any] | Iterable[Any] | None = None,
    secrets: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    hostile: bool = True,
    credential_headers: CredentialHeaders | None = None,
    allowed_errors: Iterable[type[BaseException]] = (),
    concurrency: int = 8,
    repeat: int = 3,
    timeout: float | None = DEFAULT_TIMEOUT,
    slow: float = 2.0,
    raise_on_failure: bool = True,
) -> ConformanceReport:
    """Check ``strategy`` against the passport protocol; see the module docstring for each check.

    :param strategy: a strategy instance, or a class / zero-argument factory that builds one.
        One instance serves every run, as in an app.
    :param requests: your own requests (dicts as for ``run_strategy``, or made requests), as a
        ``{name: request}`` mapping or a list: a valid login, a wrong password, and so on.
        Each run gets a deep copy.
    :param secrets: strings that must never be echoed (passwords, keys, client secrets, codes):
        they are also sent in every common credential place. At least 4 characters each.
    :param options: the route options every run passes to the strategy.
    :param hostile: also run the hostile requests (``passport.strategy_runner.hostile_requests()``).
    :param credential_headers: for a strategy with its own scheme, ``fn(value) -> {header: value}``
        wrapping each hostile value and secret the way your scheme carries a credential (say
        ``lambda v: {"Authorization": f"HMAC {v}"}``), so they reach your parser.
    :param allowed_errors: exception types an ``error`` result may carry on a hostile request
        even though they are built-in (rarely needed).
    :param concurrency: worker threads; ``repeat``: how many times each request runs in the
        thread phase and in the task phase.
    :param timeout: per-run limit for ``async def`` strategies (a ``protocol`` problem when hit).
    :param slow: seconds above which a sequential run is a ``speed`` problem.
    :param raise_on_failure: raise :class:`ConformanceError` when any check fails (default);
        ``False`` returns the report either way.
    :returns: the :class:`ConformanceReport` (``ok``, ``problems``, ``results``, ``runs``...).
    :raises ConformanceError: a check failed (an ``AssertionError`` with a readable summary).
    :raises TypeError: ``strategy`` is neither a strategy nor a factory of one, a request
        dict has unknown keys, or ``credential_headers`` returned something other than a
        mapping of ``str`` to ``str``.
    :raises ValueError: a secret is shorter than 4 characters.
    :raises RuntimeError: called inside a running event loop (it runs loops of its own).
    """
    if asyncio.events._get_running_loop() is not None:
        raise RuntimeError(
            "check_strategy() runs its own event loops and cannot run inside a running one; call it from a "
            "plain def test, or use `await asyncio.to_thread(check_strategy, ...)`"
        )
    instance = _resolve(strategy)
    texts = _Texts(secrets)
    named = _named(requests)
    extra = hostile_requests(credential_headers) if hostile else {}
    extra.update(secret_requests(texts.secrets, credential_headers))
    for name in extra:
        if name in named:
            raise ValueError(f"request name {name!r} is reserved by the conformance kit")
    all_requests = {**named, **extra}
    check = _Check(
        instance,
        all_requests,
        set(extra),
        texts,
        options,
        timeout,
        tuple(allowed_errors),
    )
    label = f"{getattr(instance, 'name', None)!r} ({type(instance).__module__}.{type(instance).__name__})"

    name_attr = getattr(instance, "name", None)
    if type(name_attr) is not str or not name_attr:
        check.problem("shape", None, None, f"name must be a non-empty str, got {name_attr!r}")
    for number in texts.leaked(repr(instance)):
        check.problem("secrets", None, None, f"secret #{number} appears in repr(strategy)")

    before = _snapshot(instance)
    capture = _LogCapture()
    # Every record is searched for secrets, DEBUG included; asyncio's own chatter is not.
    root, aio = logging.getLogger(), logging.getLogger("asyncio")
    old_level, old_aio = root.level, aio.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    aio.setLevel(max(old_aio, logging.INFO))
    results: dict[str, Result] = {}
    try:
        baselines, stable = _sequential(check, results, slow)
        _parallel(check, baselines, stable, concurrency, repeat)
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
        aio.setLevel(old_aio)

    for text in capture.texts:
        for number in texts.leaked(text):
            check.problem("secrets", None, None, f"secret #{number} appears in a log record: {text}")
    after = _snapshot(instance)
    for attr in sorted(set(before) | set(after)):
        if attr not in after:
            check.problem("shared-state", None, None, f"authenticate removed self.{attr}")
        elif attr not in before:
            check.problem("shared-state", None, None, f"authenticate added self.{attr}; keep per-request state local")
        elif after[attr] is not before[attr]:
            check.problem("shared-state", None, None, f"authenticate rebound self.{attr}; keep per-request state local")

    report = ConformanceReport(label, tuple(all_requests), results, check.runs, tuple(check.problems.values()))
    if raise_on_failure:
        report.raise_for_problems()
    return report


def _sequential(
    check: _Check, results: dict[str, Result], slow: float
) -> tuple[dict[str, dict[str, Any]], dict[str, set[str]]]:
    """Two sync runs and one async run of each request, one at a time."""
    baselines: dict[str, dict[str, Any]] = {}
    stable: dict[str, set[str]] = {}
    for name in check.requests:
        started = time.perf_counter()
        first = check.run_sync(name)
        elapsed = time.perf_counter() - started
        if elapsed > slow:
            check.problem("speed", name, "sync", f"took {elapsed:.1f} s (limit {slow} s)")
        check.inspect(name, "sync", first)
        second = check.run_sync(name)
        check.inspect(name, "sync", second)
        results[name] = first
        baselines[name] = _fields(first)
        again = _fields(second)
        stable[name] = {key for key in _COMPARED if _same(baselines[name][key], again[key])}
        if "action" not in stable[name]:
            check.problem("determinism", name, "sync", f"first run gave {first.action!r}, the second {second.action!r}")
    for name in check.requests:
        result = asyncio.run(check.run_async(name))
        check.inspect(name, "async", result)
        check.compare(name, "async", "parity", result, baselines[name], stable[name])
    return baselines, stable


def _parallel(
    check: _Check,
    baselines: dict[str, dict[str, Any]],
    stable: dict[str, set[str]],
    concurrency: int,
    repeat: int,
) -> None:
    """Every request ``repeat`` times at once: in threads (sync mode), then in asyncio tasks."""
    jobs = [name for name in check.requests for _ in range(repeat)]
    random.Random(0).shuffle(jobs)  # interleave different requests; seeded, so failures reproduce
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so shared-state bugs surface
    workers = max(1, min(concurrency, len(jobs)))
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # Start every worker first, so the jobs run at once rather than each finishing before
            # the next thread exists (on a loaded machine a shared-state race would then hide).
            ready = threading.Barrier(workers)
            list(pool.map(lambda _: ready.wait(timeout=10), range(workers)))
            threaded = list(pool.map(check.run_sync, jobs))
    finally:
        sys.setswitchinterval(interval)
    for name, result in zip(jobs, threaded, strict=True):
        check.inspect(name, "threads", result)
        check.compare(name, "threads", "concurrency", result, baselines[name], stable[name])

    async def gather() -> list[Result]:
        return list(await asyncio.gather(*(check.run_async(name) for name in jobs)))

    for name, result in zip(jobs, asyncio.run(gather()), strict=True):
        check.inspect(name, "tasks", result)
        check.compare(name, "tasks", "concurrency", result, baselines[name], stable[name])
