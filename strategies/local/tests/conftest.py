"""Shared fixtures: a verify spy that records its calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


class Spy:
    """A verify function that records its arguments and answers with ``answer(*args)``."""

    def __init__(self, answer: Callable[..., Any]) -> None:
        self.answer = answer
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.answer(*args)


def accept_ann(username: str, password: str) -> Any:
    """Ann with password ``s3cret`` is user 1 (info: scope read); anyone else is rejected."""
    if username == "ann" and password == "s3cret":
        return {"id": 1, "username": "ann"}, {"scope": "read"}
    return None


@pytest.fixture
def spy() -> Spy:
    """A verify that accepts ann / s3cret and records every call."""
    return Spy(accept_ann)
