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

from ._actions import Outcome
from ._async import in_async_mode
from ._async import is_async_callable
from ._async import is_awaitable
from ._async import is_nonblocking
from ._async import nonblocking
from ._chain import Guard
from ._discovery import StrategyInfo
from ._discovery import available_strategies
from ._discovery import load_strategy
from ._discovery import strategy_conflicts
from ._errors import AuthenticationError
from ._errors import PassportError
from ._errors import PluginError
from ._errors import SessionError
from ._errors import StrategyError
from ._errors import UnknownStrategyError
from ._passport import Passport
from ._redirects import is_safe_redirect
from ._request import Headers
from ._request import Request
from ._request import fields_from_pairs
from ._response import Response
from ._session import PASS
from ._session_strategy import SessionStrategy
from ._strategy import Strategy
from ._verify import call_function
from ._verify import call_verify
from ._verify import normalize_verify_result
from ._version import __version__
from .hookspecs import Refusal
from .hookspecs import hookimpl

__all__ = [
    "PASS",
    "AuthenticationError",
    "Guard",
    "Headers",
    "Outcome",
    "Passport",
    "PassportError",
    "PluginError",
    "Refusal",
    "Request",
    "Response",
    "SessionError",
    "SessionStrategy",
    "Strategy",
    "StrategyError",
    "StrategyInfo",
    "UnknownStrategyError",
    "__version__",
    "available_strategies",
    "call_function",
    "call_verify",
    "fields_from_pairs",
    "hookimpl",
    "in_async_mode",
    "is_async_callable",
    "is_awaitable",
    "is_nonblocking",
    "is_safe_redirect",
    "load_strategy",
    "nonblocking",
    "normalize_verify_result",
    "strategy_conflicts",
]

# Exported classes report the public path (reprs, docs, pickles), whichever submodule defines them.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("passport.core."):
        _obj.__module__ = "passport.core"
del _name, _obj
