"""Login throttling for passport: 429 with ``Retry-After`` after too many failed attempts.

::

    from passport.core import Passport
    from passport.plugins.throttle import LoginThrottle

    passport = Passport()
    passport.register_plugin(LoginThrottle())      # memory: one process, nothing to configure

    # several app instances share the counts through Redis (pip install "passport-plugin-throttle[redis]"):
    passport.register_plugin(LoginThrottle(storage="redis://127.0.0.1:6379/0", on_storage_error="closed"))

    # behind a proxy that appends to X-Forwarded-For:
    LoginThrottle(trusted_proxies=["10.0.0.0/8"])

Defaults: 5 failures per account (for one client) per 5 minutes, 20 failures per client per
minute; a success clears the account's count. See :class:`LoginThrottle`.
"""

from ._accounts import normalize_account
from ._clients import ClientResolver
from ._throttle import DEFAULT_PER_ACCOUNT
from ._throttle import DEFAULT_PER_CLIENT
from ._throttle import LoginThrottle
from ._throttle import login_throttle
from ._version import __version__

__all__ = [
    "DEFAULT_PER_ACCOUNT",
    "DEFAULT_PER_CLIENT",
    "ClientResolver",
    "LoginThrottle",
    "__version__",
    "login_throttle",
    "normalize_account",
]

LoginThrottle.__module__ = "passport.plugins.throttle"
ClientResolver.__module__ = "passport.plugins.throttle"
