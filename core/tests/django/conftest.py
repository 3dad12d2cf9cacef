"""A configured Django (the ``djproject`` test project) on a migrated SQLite file, and its users."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _django_setup import configure

configure()

from djproject.testing import PASSWORD  # noqa: E402  # importable once Django is configured


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
