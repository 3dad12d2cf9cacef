"""Shared fixtures: a Passport with a serializer pair, scripted strategies, plain requests."""

from __future__ import annotations

import types
from typing import Any

import pytest

from passport.core import Passport
from passport.core import Strategy
from passport.core import call_verify
from passport.strategy_runner import make_request

ANN = {"id": "ann", "name": "Ann"}
USERS = {"ann": ANN, "bob": {"id": "bob", "name": "Bob"}}


class Scripted(Strategy):
    """A strategy that calls one action with fixed arguments: ``Scripted("a", "fail", "BASIC")``."""

    def __init__(self, name: str, action: str, *args: Any) -> None:
        super().__init__()
        self.name = name
        self._action = action
        self._args = args

    def authenticate(self, request: Any, options: Any) -> None:
        getattr(self, self._action)(*self._args)


@pytest.fixture
def scripted() -> type[Scripted]:
    return Scripted


@pytest.fixture
def ann() -> dict[str, str]:
    return ANN


@pytest.fixture
def passport() -> Passport:
    """A Passport storing ``user["id"]`` in the session and looking it up in ``USERS``."""
    passport = Passport()

    @passport.serializer
    def serialize(user):
        return user["id"]

    @passport.deserializer
    def deserialize(user_id):
        return USERS.get(user_id)

    return passport


@pytest.fixture
def req():
    """A fresh test request (``make_request``): records flashes and session regenerations."""
    return make_request()


@pytest.fixture
def plain_request():
    """Build a request with neither ``flash`` nor ``regenerate_session`` (a cookie session)."""

    def build(session: Any = None, **fields: Any) -> Any:
        defaults = {
            "method": "GET",
            "url": "http://testserver/",
            "path": "/",
            "headers": {},
            "query": {},
            "body": {},
            "cookies": {},
            "user": None,
            "auth_info": None,
        }
        return types.SimpleNamespace(**{**defaults, **fields, "session": {} if session is None else session})

    return build


def flash_into_session(request: Any) -> Any:
    """Make ``request.flash`` store in the session, as Flask and connect-flash do."""

    def flash(message: str, category: str = "message") -> None:
        request.session["_flashes"] = [*request.session.get("_flashes", []), (category, message)]

    request.flash = flash
    return request


@pytest.fixture
def session_flashing_request():
    """A test request whose flashes live in its session (so regeneration could lose them)."""

    def build(**fields: Any) -> Any:
        return flash_into_session(make_request(**fields))

    return build


class KeyStrategy(Strategy):
    """Reads ``X-Key`` and asks ``verify(key)``; the plain-``def`` form with ``.then``."""

    name = "key"

    def __init__(self, verify: Any) -> None:
        super().__init__()
        self._verify = verify

    def authenticate(self, request: Any, options: Any) -> Any:
        key = request.headers.get("X-Key")
        if not key:
            self.fail({"message": "Missing key"}, 400)
            return None
        return call_verify(self._verify, key).then(self._verified)

    def _verified(self, result: Any) -> None:
        user, info = result
        if user is None:
            self.fail(info)
        else:
            self.success(user, info)


class AsyncKeyStrategy(KeyStrategy):
    """The same strategy with an ``async def authenticate`` awaiting ``call_verify``."""

    async def authenticate(self, request: Any, options: Any) -> None:  # type: ignore[override]
        key = request.headers.get("X-Key")
        if not key:
            self.fail({"message": "Missing key"}, 400)
            return
        self._verified(await call_verify(self._verify, key))


@pytest.fixture(params=[KeyStrategy, AsyncKeyStrategy], ids=["def-authenticate", "async-def-authenticate"])
def key_strategy(request: Any) -> type[KeyStrategy]:
    """Both forms of a header-key strategy (each test using it runs twice)."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def def_key_strategy() -> type[KeyStrategy]:
    """The plain-``def authenticate`` form only."""
    return KeyStrategy
