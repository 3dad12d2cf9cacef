"""The repository's real-Redis fixtures (``testing/redis_server.py``) for these tests."""

from redis_server import own_redis_server  # noqa: F401  # fixtures, found by name
from redis_server import redis_server  # noqa: F401
