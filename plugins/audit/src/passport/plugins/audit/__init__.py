"""An audit log for passport: logins, failures, refusals, errors and logouts, never a secret.

::

    from passport.core import Passport
    from passport.plugins.audit import AuditLog

    passport = Passport()
    passport.register_plugin(AuditLog())           # one line; or Passport(load_plugins=True)

    # logging.getLogger("passport.audit") now receives, for example:
    #   login strategy=local user=ann client=203.0.113.7 path=/login
    #   failure strategy=local status=401 client=198.51.100.4 path=/login

Each record carries the same fields as a dict in ``record.passport_event``, for JSON log
formatters. See :class:`AuditLog`.
"""

from ._audit import AUDIT_LOGGER
from ._audit import AuditLog
from ._audit import audit_log
from ._audit import default_user_id
from ._version import __version__

__all__ = ["AUDIT_LOGGER", "AuditLog", "__version__", "audit_log", "default_user_id"]

AuditLog.__module__ = "passport.plugins.audit"
