"""The project's :class:`~passport.core.Passport`, named by the ``PASSPORT`` setting."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from passport.core import Passport


def get_passport() -> Passport:
    """The ``Passport`` the ``PASSPORT`` setting names: a dotted path (``"myapp.auth.passport"``)
    or the instance itself.

    :raises ImproperlyConfigured: the setting is missing or names something else.
    """
    configured = getattr(settings, "PASSPORT", None)
    if isinstance(configured, Passport):
        return configured
    if type(configured) is not str:
        raise ImproperlyConfigured(
            "passport.django needs the PASSPORT setting: the dotted path of your Passport, "
            'e.g. PASSPORT = "myapp.auth.passport"'
        )
    return _imported(configured)


@functools.lru_cache(maxsize=8)
def _imported(path: str) -> Passport:
    try:
        found = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"PASSPORT = {path!r} cannot be imported: {exc}") from exc
    if not isinstance(found, Passport):
        raise ImproperlyConfigured(f"PASSPORT = {path!r} names a {type(found).__name__}, not a Passport")
    return found
