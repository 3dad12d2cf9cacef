"""A real `redis-server` for tests: its own loopback port and data directory, stopped afterwards.

Every distribution whose tests need a shared store imports this module (its ``conftest.py`` puts
the repository's ``testing/`` folder on ``sys.path``) and uses the ``redis_server`` fixture or
:class:`RedisServer` directly. Without a ``redis-server`` binary the tests skip with a reason
that says how to install it — except under CI (``CI=true``), where a missing server fails, so
the Redis tests can never be skipped silently where it matters.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

INSTALL_HINT = "redis-server is not installed (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)"
_START_DEADLINE = 10.0


def redis_server_binary() -> str | None:
    """The path of `redis-server`, or None when this machine has none."""
    return shutil.which("redis-server")


def require_redis_server() -> str:
    """The binary's path; skips the test without one, but fails it under CI."""
    binary = redis_server_binary()
    if binary is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true but {INSTALL_HINT}; .ci/run installs it")
        pytest.skip(INSTALL_HINT)
    return binary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One `redis-server` process on 127.0.0.1; `stop()` and `start()` again keep port and data.

    Data is persisted with the append-only file, so a restart keeps what Redis had acknowledged —
    the fault tests rely on "nothing is lost that Redis kept".
    """

    def __init__(self, binary: str, data_dir: pathlib.Path, port: int | None = None) -> None:
        self.binary = binary
        self.data_dir = data_dir
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        self._process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.data_dir),
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
                "--protected-mode", "yes",
                "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + _START_DEADLINE
        while not _ping(self.port):
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self._process.returncode} on port {self.port}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer on port {self.port} within {_START_DEADLINE}s")
            time.sleep(0.02)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=_START_DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def flush(self) -> None:
        """Empty every database (between tests that share one server)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(b"FLUSHALL\r\n")
            if not conn.recv(16).startswith(b"+OK"):
                raise RuntimeError("FLUSHALL was refused")


def started_redis_server() -> Iterator[RedisServer]:
    """Generator body for a fixture: a started server, stopped and its data removed afterwards."""
    binary = require_redis_server()
    with tempfile.TemporaryDirectory(prefix="passport-redis-") as data_dir:
        server = RedisServer(binary, pathlib.Path(data_dir))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One server for the whole test session; tests that need an empty store call `flush()`."""
    yield from started_redis_server()


@pytest.fixture
def own_redis_server() -> Iterator[RedisServer]:
    """A server of the test's own, for tests that stop and restart it."""
    yield from started_redis_server()
