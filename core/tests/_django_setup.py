"""Django configured once per process for the tests that use it: the ``djproject`` test project
(``tests/django/djproject``) on a migrated SQLite file.

Both ``tests/django`` and the parity suite's Django app (``tests/parity/_django.py``) call
:func:`configure`; whichever is imported first sets Django up, so either folder also runs alone.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

DJANGO_TESTS = pathlib.Path(__file__).resolve().parent / "django"
"""The folder holding ``djproject``."""


def configure() -> None:
    """Point Django at ``djproject.settings``, set it up and migrate its database (once)."""
    import django
    from django.apps import apps

    if apps.ready:
        return
    # One database for the whole run, also for the servers the Django tests start.
    if "PASSPORT_DJANGO_DB" not in os.environ:
        folder = pathlib.Path(tempfile.mkdtemp(prefix="passport-django-"))
        os.environ["PASSPORT_DJANGO_DB"] = str(folder / "db.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "djproject.settings"
    if str(DJANGO_TESTS) not in sys.path:
        sys.path.append(str(DJANGO_TESTS))  # appended: the core's tests/ (and its conftest) stay first
    django.setup()

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
