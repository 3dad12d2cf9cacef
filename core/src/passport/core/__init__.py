"""The passport core: strategies, the chain runner, sessions and plugin discovery.

::

    from passport.core import Passport
    from passport.strategies.local import LocalStrategy

    passport = Passport()
    passport.use(LocalStrategy(verify))          # verify(username, password) -> user | None

    @passport.serializer
    def serialize(user):
        return user.id

    @passport.deserializer
    def deserialize(user_id):
        return users.get(user_id)                 # None: the account is gone, log out quietly

    login = passport.authenticate("local", success_redirect="/", failure_redirect="/login")
    response = login.run(request)                 # None: proceed; a Response: send it

Adapters (``passport.flask``, ``passport.starlette``) build the request and send the response.
"""

from typing import Any as _Any

from ._actions import Outcome
from ._async import nonblocking
from ._chain import Guard
from ._discovery import StrategyInfo
from ._discovery import available_strategies
from ._discovery import load_strategy
from ._discovery import strategy_conflicts
from ._errors import AuthenticationError
from ._errors import NotAStrategyError
from ._errors import PassportError
from ._errors import PluginError
from ._errors import SessionError
from ._errors import StrategyConflictError
from ._errors import StrategyError
from ._errors import UnknownStrategyError
from ._layers import PASS
from ._passport import Passport
from ._remember import MemoryRememberStore
from ._remember import RedisRememberStore
from ._remember import RememberMe
from ._remember import RememberStore
from ._request import Request
from ._response import Response
from ._strategy import Strategy
from ._verify import call_function
from ._verify import call_verify
from ._version import __version__
from .hookspecs import Refusal
from .hookspecs import hookimpl

__all__ = [
    "PASS",
    "AuthenticationError",
    "Guard",
    "MemoryRememberStore",
    "NotAStrategyError",
    "Outcome",
    "Passport",
    "PassportError",
    "PluginError",
    "RedisRememberStore",
    "Refusal",
    "RememberMe",
    "RememberStore",
    "Request",
    "Response",
    "SessionError",
    "Strategy",
    "StrategyConflictError",
    "StrategyError",
    "StrategyInfo",
    "UnknownStrategyError",
    "__version__",
    "available_strategies",
    "call_function",
    "call_verify",
    "hookimpl",
    "load_strategy",
    "nonblocking",
    "strategy_conflicts",
]

# Exported classes report the public path (reprs, docs, pickles), whichever submodule defines them.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("passport.core."):
        _obj.__module__ = "passport.core"
del _name, _obj

# Names exported by 0.1 that a strategy author never needs; they keep working, with a warning,
# until 0.2. name -> (defining module, what to use instead)
_DEPRECATED: dict[str, tuple[str, str]] = {
    "Headers": ("._request", "passport.core.adapters.Headers"),
    "fields_from_pairs": ("._request", "passport.core.adapters.fields_from_pairs"),
    "is_safe_redirect": ("._redirects", "passport.core.adapters.is_safe_redirect"),
    "is_async_callable": ("._async", "passport.core.adapters.is_async_callable"),
    "SessionStrategy": ("._session_strategy", "Passport.session(); every Passport registers one"),
    "in_async_mode": ("._async", "call_verify / call_function, which pick the mode themselves"),
    "is_awaitable": ("._async", "call_verify / call_function, which settle awaitables themselves"),
    "is_nonblocking": ("._async", "nonblocking, to mark a function; call_verify honours the mark"),
    "normalize_verify_result": ("._verify", "call_verify, which hands back (user_or_None, info)"),
}


def __getattr__(name: str) -> _Any:
    if name in _DEPRECATED:
        import importlib
        import warnings

        module, instead = _DEPRECATED[name]
        warnings.warn(
            f"passport.core.{name} is deprecated and leaves passport.core in 0.2; use {instead}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(module, __name__), name)
    raise AttributeError(f"module 'passport.core' has no attribute {name!r}")
