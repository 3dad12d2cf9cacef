"""In-memory distributions for discovery, plugin-loading and CLI tests (pluggy's approach).

Importable from the tests because the core's pytest configuration puts ``tests/`` on the path.
"""

from __future__ import annotations

import pathlib

import importlib_metadata
import pytest


class FakeDistribution(importlib_metadata.Distribution):
    """A distribution that exists only in memory: metadata and entry_points.txt."""

    def __init__(self, name: str, version: str, entry_points: dict[str, dict[str, str]]) -> None:
        lines = []
        for group, entries in entry_points.items():
            lines.append(f"[{group}]")
            lines += [f"{key} = {value}" for key, value in entries.items()]
        self._files = {
            "METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
            "entry_points.txt": "\n".join(lines) + "\n",
        }

    def read_text(self, filename: str) -> str | None:
        return self._files.get(filename)

    def locate_file(self, path: str | pathlib.PurePath) -> pathlib.Path:  # type: ignore[override]
        return pathlib.Path(path)


def see_only(monkeypatch: pytest.MonkeyPatch) -> list[FakeDistribution]:
    """Make ``importlib_metadata`` see exactly the returned list's distributions (append to it)."""
    dists: list[FakeDistribution] = []
    monkeypatch.setattr(importlib_metadata, "distributions", lambda **kwargs: iter(list(dists)))
    monkeypatch.delenv("PASSPORT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    return dists


class _RecentTime:
    """Equal to any Unix time (int seconds) within the last minute: a login's ``auth_time``."""

    def __eq__(self, other: object) -> bool:
        import time

        return type(other) is int and 0 <= time.time() - other < 60

    def __repr__(self) -> str:
        return "RECENT"


RECENT = _RecentTime()
