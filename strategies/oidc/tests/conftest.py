"""Fixtures: the real OpenID provider of ``oidc_provider`` and a browser that walks the login."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from oidc_provider import CALLBACK
from oidc_provider import CLIENT_ID
from oidc_provider import OP
from oidc_provider import Client
from oidc_provider import fresh_keys
from oidc_provider import reset
from oidc_provider import running_op

from passport.strategies.oidc import OIDCStrategy
from passport.strategy_runner import Result
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy


@pytest.fixture(scope="session")
def _op_server() -> Iterator[tuple[OP, dict[str, Client]]]:
    yield from running_op()


@pytest.fixture(scope="session")
def _keys() -> dict[str, Any]:
    return fresh_keys()  # RSA generation is slow: once per session


@pytest.fixture
def op(_op_server: tuple[OP, dict[str, Client]], _keys: dict[str, Any]) -> OP:
    """The provider, reset: RS256 key ``rsa-1`` signs, ``rsa-1`` and ``ec-1`` are published."""
    return reset(*_op_server, _keys)


def default_verify(claims, userinfo, tokens):
    return {"sub": claims["sub"], "userinfo": userinfo, "id_token": tokens.id_token}


@pytest.fixture
def make_oidc(op: OP) -> Callable[..., OIDCStrategy]:
    def make(verify: Callable[..., Any] | None = None, cls: type[OIDCStrategy] = OIDCStrategy, **options: Any):
        options.setdefault("issuer", op.issuer)
        options.setdefault("client_id", CLIENT_ID)
        options.setdefault("client_secret", op.client_secret)
        options.setdefault("callback_url", CALLBACK)
        options.setdefault("jwks_options", {"min_refetch_interval": 0})
        return cls(verify or default_verify, **options)

    return make


def consent(url: str) -> str:
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def login(
    strategy: OIDCStrategy, session: dict[str, Any] | None = None, options: dict[str, Any] | None = None
) -> Result:
    session = {} if session is None else session
    first = run_strategy(strategy, make_request(url="http://app.test/auth/oidc", session=session), options)
    assert first.action == "redirect", first.error
    return run_strategy(strategy, make_request(url=consent(first.url), session=session), options)


async def alogin(strategy: OIDCStrategy, session: dict[str, Any] | None = None) -> Result:
    session = {} if session is None else session
    first = await arun_strategy(strategy, make_request(url="http://app.test/auth/oidc", session=session))
    assert first.action == "redirect", first.error
    location = await __import__("asyncio").to_thread(consent, first.url)
    return await arun_strategy(strategy, make_request(url=location, session=session))


def refused(result: Result, reason: str) -> None:
    """The login ended with an IDTokenError for ``reason`` (401), and verify never ran."""
    from passport.strategies.oidc import IDTokenError

    assert result.action == "error", (result.action, result.user)
    assert isinstance(result.error, IDTokenError), repr(result.error)
    assert result.error.reason == reason, result.error
    assert result.error.status == 401
