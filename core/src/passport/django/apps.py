"""The Django app: add ``"passport.django"`` to ``INSTALLED_APPS`` for its system checks."""

from __future__ import annotations

from typing import Any
from typing import Final

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MIDDLEWARE: Final = "passport.django.PassportMiddleware"
BEFORE_IT: Final = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
)


class PassportConfig(AppConfig):
    name = "passport.django"
    label = "passport_django"
    verbose_name = "passport"

    def ready(self) -> None:
        checks.register(check_settings)


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``manage.py check``: the ``PASSPORT`` setting names a Passport, and ``PassportMiddleware``
    comes after Django's session and authentication middleware (or is there at all)."""
    from passport.django._settings import get_passport

    found: list[checks.CheckMessage] = []
    try:
        get_passport()
    except ImproperlyConfigured as exc:
        found.append(checks.Error(str(exc), id="passport.E001"))
    middleware = list(getattr(settings, "MIDDLEWARE", None) or ())
    if MIDDLEWARE not in middleware:
        found.append(
            checks.Warning(
                f"{MIDDLEWARE} is not in MIDDLEWARE: fail_with_error and upstream faults become 500s",
                hint=f"add {MIDDLEWARE!r} after AuthenticationMiddleware",
                id="passport.W001",
            )
        )
    else:
        at = middleware.index(MIDDLEWARE)
        found.extend(
            checks.Error(f"{MIDDLEWARE} must come after {name} in MIDDLEWARE", id="passport.E002")
            for name in BEFORE_IT
            if name in middleware[at:]
        )
    return found
