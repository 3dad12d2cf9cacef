"""A configured Django (the ``djproject`` test project) on a migrated SQLite file, and its users."""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

HERE = pathlib.Path(__file__).resolve().parent
# setdefault: test modules import this file again by name; one database for the whole run.
if "PASSPORT_DJANGO_DB" not in os.environ:
    os.environ["PASSPORT_DJANGO_DB"] = str(pathlib.Path(tempfile.mkdtemp(prefix="passport-django-")) / "db.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "djproject.settings"
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))  # appended: the core's tests/ (and its conftest) stay first

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)

from djproject.testing import PASSWORD  # noqa: E402


@pytest.fixture
def users() -> Iterator[dict[str, Any]]:
    """ann (staff, superuser), bob: real rows in the SQLite users table, removed afterwards."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    made = {
        "ann": model.objects.create_superuser("ann", "ann@example.com", PASSWORD),
        "bob": model.objects.create_user("bob", "bob@example.com", PASSWORD),
    }
    yield made
    model.objects.all().delete()
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
