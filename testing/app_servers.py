"""Real app processes on loopback ports for the many-instances tests.

`AppServer` starts one server process (uvicorn for ASGI apps, waitress for WSGI apps) from an
``module:attribute`` app path, waits until its port answers, and stops it. Several of them
sharing one Redis are "several app instances behind a load balancer"; the test is the balancer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping

from redis_server import free_port

_START_DEADLINE = 20.0


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class AppServer:
    """``kind`` is ``"asgi"`` (uvicorn) or ``"wsgi"`` (waitress); ``env`` reaches the app's module."""

    def __init__(self, app: str, *, kind: str, env: Mapping[str, str] | None = None, cwd: str | None = None) -> None:
        if kind not in {"asgi", "wsgi"}:
            raise ValueError(f"kind must be 'asgi' or 'wsgi', not {kind!r}")
        self.app = app
        self.kind = kind
        self.port = free_port()
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None
        self.last_stderr = ""  # what the server wrote to stderr, read when it stops

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _command(self) -> list[str]:
        if self.kind == "asgi":
            return [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(self.port),
                    "--log-level", "warning"]  # fmt: skip
        return [sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{self.port}", "--threads", "8", self.app]

    def start(self) -> AppServer:
        self._process = subprocess.Popen(self._command(), env=self.env, cwd=self.cwd, stderr=subprocess.PIPE)
        deadline = time.monotonic() + _START_DEADLINE
        while not _answers(self.port):
            if self._process.poll() is not None:
                error = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                raise RuntimeError(f"{self.app} exited with {self._process.returncode}:\n{error}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.app} did not listen on port {self.port} within {_START_DEADLINE}s")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            self.last_stderr = process.stderr.read().decode(errors="replace")
            process.stderr.close()
