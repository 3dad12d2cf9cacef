"""Fixtures: the repository's real redis-server and app-process helpers (``testing/``)."""

from __future__ import annotations

import pathlib
import sys

_HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE.parents[2] / "testing"))  # redis_server, app_servers
sys.path.insert(0, str(_HERE))  # throttle_apps, for the app processes and in-process tests

from redis_server import own_redis_server  # noqa: E402,F401  (fixtures)
from redis_server import redis_server  # noqa: E402,F401
