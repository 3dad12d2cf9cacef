"""The files ``passport new strategy`` writes, as :class:`string.Template` texts.

Placeholders: ``${name}``, ``${distribution}``, ``${package}``, ``${cls}``, ``${prefix}``, ``${error}``
and ``${core_range}``; a literal dollar is ``$$``. ``strategies/_template/`` in the passport
repository is these files rendered for ``example`` (a test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

_PYPROJECT = r"""# Written by `passport new strategy ${name}`. The distribution is ${distribution}, the import
# path ${package}, and the entry point name is the strategy's default name.

[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "${distribution}"
dynamic = ["version"]
description = "${prefix} token login for passport (Passport.js's design for Python)."
readme = "README.md"
license = "MIT"
license-files = ["LICENSE"]
requires-python = ">=3.11"
# The authoring guide's range policy: the floor is the core you build against, the ceiling the
# next major (the Strategy protocol, call_verify and the runner API are stable within a major).
dependencies = ["passport-core${core_range}"]
classifiers = [
    "Programming Language :: Python :: 3",
    "Typing :: Typed",
    "Topic :: Internet :: WWW/HTTP :: Session",
]

[project.optional-dependencies]
test = ["pytest>=8.4", "pytest-asyncio>=1.5", "passport-strategy-runner${core_range}"]

# How passport finds the strategy: `passport strategies` lists it, load_strategy("${name}") imports it.
[project.entry-points."passport.strategies"]
${name} = "${package}:${cls}"

[tool.hatch.version]
path = "src/passport/strategies/${name}/_version.py"

# Ship only your leaf: never passport/__init__.py or passport/strategies/__init__.py (namespaces).
[tool.hatch.build.targets.wheel]
packages = ["src/passport"]

[tool.hatch.build.targets.sdist]
include = ["src", "tests", "README.md", "CHANGELOG.md", "LICENSE"]

[tool.pytest.ini_options]
addopts = ["-ra", "--strict-config", "--strict-markers", "--import-mode=importlib"]
xfail_strict = true
filterwarnings = [
    "error",
    # starlette.testclient (Starlette 1.x) warns when it falls back to httpx, which still works;
    # passport-core's own tests exempt exactly this warning, so FastAPI tests can be added here.
    "ignore:Using `httpx` with `starlette.testclient`:UserWarning",
]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
testpaths = ["tests"]
"""

_README = r"""# ${distribution}

${prefix} token login for [passport for Python](https://pypi.org/project/passport-core/):
`${cls}` authenticates a request by a token in the `X-${prefix}-Token` header.

## Install

```sh
pip install passport-core ${distribution}
```

## Use

```python
from passport.core import Passport
from ${package} import ${cls}


def verify(token):  # def or async def
    return tokens.get(token)  # the user, or None to fail


passport = Passport()
passport.use(${cls}(verify))  # reads the X-${prefix}-Token header

guard = passport.authenticate("${name}", session=False)
response = guard.run(request)  # None: authenticated; a passport.core.Response: send it
```

A missing header is a 401 with `WWW-Authenticate: ${prefix} realm="${name}"`, a malformed one a
400, an unknown token a 401 with `error="invalid_token"`. Raise `${error}` from `verify` when the
token store is unavailable: every adapter answers 503, never a 500, and the message stays in your logs.

## Develop

```sh
python -m venv .venv && . .venv/bin/activate
pip install -e ".[test]"
pytest
```

Before passport-core and passport-strategy-runner are on your package index (or to develop
against an unreleased core), install them from a passport checkout first:

```sh
pip install -e path/to/passport/core -e path/to/passport/strategy-runner
pip install -e ".[test]"
pytest
```

## Compatibility

passport-core ${core_range} · Python >= 3.11

## Links

- Writing a passport strategy: `docs/authoring.md` in the passport repository
- [Changelog](CHANGELOG.md)
"""

_CHANGELOG = r"""# Changelog

Releases of ${distribution}, newest first (tags `${distribution}-v<version>`).

## 0.1.0

- First release: `${cls}` reads a token from the `X-${prefix}-Token` header; `${error}` for an
  unavailable token store (answered 503).
"""

_LICENSE = r"""MIT License

Copyright (c) 2026 The ${distribution} authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

_PY_TYPED = ""

_VERSION_PY = r"""__version__ = "0.1.0"
"""

_INIT_PY = r'''"""${prefix} token login for passport: ``${cls}`` reads a token from a request header.

::

    from passport.core import Passport
    from ${package} import ${cls}

    def verify(token):                      # def or async def
        return tokens.get(token)            # the user, or None to fail

    passport = Passport()
    passport.use(${cls}(verify))   # reads the X-${prefix}-Token header

    guard = passport.authenticate("${name}", session=False)
    response = guard.run(request)           # None: authenticated; a Response: send it
"""

from ._errors import ${error}
from ._strategy import ${cls}
from ._version import __version__

__all__ = ["${error}", "${cls}", "__version__"]

${cls}.__module__ = "${package}"
${error}.__module__ = "${package}"
'''

_ERRORS_PY = r'''"""The errors of ${distribution}.

::

    passport.core.PassportError
     +-- ${error}    the token store is unavailable (a server error: answered with its status, 503)

Bad tokens are never errors: they are ``fail`` actions (400 malformed, 401 unknown).
"""

from __future__ import annotations

from passport.core import PassportError


class ${error}(PassportError):
    """The token store behind ``verify`` is unavailable; raise it from ``verify``.

    Every passport adapter answers with ``status`` (503 unless given) and its reason phrase,
    never a 500; the message is for your logs and must never contain a token.

    :ivar status: the HTTP status the response gets.
    """

    def __init__(self, message: str = "the token store is unavailable", *, status: int = 503) -> None:
        super().__init__(message)
        self.status = status

    def __repr__(self) -> str:
        return f"${error}({str(self)!r}, status={self.status!r})"
'''

_STRATEGY_PY = r'''"""``${cls}``: a token in a request header, checked by the app's verify function."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import Final

from passport.core import Request
from passport.core import Strategy
from passport.core import call_verify

_MAX_TOKEN = 4096  # longer values are not tokens; refuse them before verify runs


class ${cls}(Strategy):
    """Authenticate a request by the token in one header.

    A missing header fails with a ``WWW-Authenticate`` challenge (401); a malformed one fails
    with 400 before ``verify`` runs; ``verify(token)`` returns the user, or ``None`` / ``False``
    (optionally ``(False, info)``) to fail with 401.

    :param verify: ``verify(token)``, ``def`` or ``async def``; raise only for server errors
        (:class:`~${package}.${error}` when the token store is unavailable).
    :param header: the header to read.
    :param realm: the realm of the challenge.
    """

    name = "${name}"

    def __init__(
        self,
        verify: Callable[..., Any],
        *,
        header: str = "X-${prefix}-Token",
        realm: str = "${name}",
    ) -> None:
        super().__init__()
        if not callable(verify):
            raise TypeError("${cls} requires a verify function")
        # Configuration only: authenticate() never writes to self (one instance serves every
        # request, concurrently).
        self._verify: Final = verify
        self._header: Final = header
        self._challenge: Final = f'${prefix} realm="{realm}"'

    def __repr__(self) -> str:
        return f"${cls}(header={self._header!r})"  # never the verify function's secrets

    def has_credentials(self, request: Request) -> bool:
        """Whether the request carries this strategy's header (asked by multi-strategy guards)."""
        return bool(request.headers.get(self._header))

    def authenticate(self, request: Request, options: Mapping[str, Any]) -> Awaitable[None] | None:
        token = request.headers.get(self._header)
        if not token:
            self.fail(self._challenge)
            return None
        token = token.strip()
        if not token or len(token) > _MAX_TOKEN or not token.isascii() or not token.isprintable():
            self.fail({"message": "Malformed token"}, 400)  # never echo the token itself
            return None
        # In a sync app verify has already run and _verified acts now (returns None); in an
        # async app this returns a coroutine that the core awaits.
        return call_verify(self._verify, token).then(self._verified)

    def _verified(self, result: tuple[Any, Any]) -> None:
        user, info = result
        if user is None:
            self.fail(self._challenge + ', error="invalid_token"')
        else:
            self.success(user, info)
'''

_TEST_STRATEGY_PY = r'''"""${cls}, tested through passport-strategy-runner and its conformance kit."""

from __future__ import annotations

from typing import Any

import pytest

from passport.core import Passport
from passport.core import StrategyError
from passport.core import available_strategies
from passport.core import load_strategy
from ${package} import ${error}
from ${package} import ${cls}
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import check_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

TOKEN = "tok-0123456789"
ANN = {"id": "ann"}
HEADER = "X-${prefix}-Token"


def verify(token: str) -> Any:
    return ANN if token == TOKEN else None


async def averify(token: str) -> Any:
    return verify(token)


def test_a_valid_token_succeeds() -> None:
    result = run_strategy(${cls}(verify), request={"headers": {HEADER: TOKEN}})
    assert result.action == "success"
    assert result.user == ANN


def test_a_missing_token_fails_with_a_challenge() -> None:
    result = run_strategy(${cls}(verify))
    assert result.action == "fail"
    assert result.challenge == '${prefix} realm="${name}"'
    assert result.status is None  # the guard answers 401


def test_an_unknown_token_fails_with_invalid_token() -> None:
    result = run_strategy(${cls}(verify), request={"headers": {HEADER: "tok-wrong"}})
    assert result.action == "fail"
    assert result.challenge == '${prefix} realm="${name}", error="invalid_token"'


def test_a_malformed_token_is_a_400_before_verify_runs() -> None:
    def never(token: str) -> Any:
        raise AssertionError("verify must not run")

    result = run_strategy(${cls}(never), request={"headers": {HEADER: "x" * 5000}})
    assert (result.action, result.status, result.message) == ("fail", 400, "Malformed token")


def test_a_verify_that_raises_is_the_error_action() -> None:
    def down(token: str) -> Any:
        raise ${error}("token store unreachable")

    result = run_strategy(${cls}(down), request={"headers": {HEADER: TOKEN}})
    assert result.action == "error"
    assert isinstance(result.error, ${error})
    assert not isinstance(result.error, StrategyError)


def test_an_unavailable_token_store_reaches_the_adapter_with_its_status() -> None:
    def down(token: str) -> Any:
        raise ${error}()

    passport = Passport().use(${cls}(down))
    with pytest.raises(${error}) as caught:  # an adapter answers it: 503 Service Unavailable
        passport.authenticate("${name}", session=False).run(make_request(headers={HEADER: TOKEN}))
    assert caught.value.status == 503
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("check", [verify, averify], ids=["def verify", "async def verify"])
async def test_async_apps_work_too(check: Any) -> None:
    result = await arun_strategy(${cls}(check), request={"headers": {HEADER: TOKEN}})
    assert result.user == ANN


def test_a_guard_answers_401_with_the_challenge() -> None:
    passport = Passport().use(${cls}(verify))
    response = passport.authenticate("${name}", session=False).run(make_request())
    assert response is not None
    assert response.status == 401
    assert response.header("WWW-Authenticate") == '${prefix} realm="${name}"'


def test_the_strategy_conforms_to_the_passport_protocol() -> None:
    report = check_strategy(
        ${cls}(verify),
        requests={"valid": {"headers": {HEADER: TOKEN}}},
        secrets=[TOKEN],
    )
    assert report.results["valid"].action == "success"


def test_the_installed_distribution_is_discoverable_by_name() -> None:
    info = available_strategies()["${name}"]
    assert info.distribution == "${distribution}"
    assert info.target == "${package}:${cls}"
    assert load_strategy("${name}") is ${cls}
'''

FILES: Final[Mapping[str, str]] = {
    "pyproject.toml": _PYPROJECT,
    "README.md": _README,
    "CHANGELOG.md": _CHANGELOG,
    "LICENSE": _LICENSE,
    "src/passport/strategies/${name}/py.typed": _PY_TYPED,
    "src/passport/strategies/${name}/_version.py": _VERSION_PY,
    "src/passport/strategies/${name}/__init__.py": _INIT_PY,
    "src/passport/strategies/${name}/_errors.py": _ERRORS_PY,
    "src/passport/strategies/${name}/_strategy.py": _STRATEGY_PY,
    "tests/test_strategy.py": _TEST_STRATEGY_PY,
}
