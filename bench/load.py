"""Throughput through a real server on 127.0.0.1, loaded from a second process.

Each app gets its own server (uvicorn for Starlette, waitress with one thread for Flask); a
separate load process keeps a few keep-alive connections busy for a fixed time, the apps taking
turns round by round. The added cost per request is 1/throughput minus the bare route's.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
API_KEY = "k3y-0123456789abcdef0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def _read_response(sock: socket.socket, buf: bytearray) -> int:
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        rest += chunk
    del buf[:]
    buf += rest[length:]
    return status


def _client(port: int, request: bytes, duration: float, connections: int, queue: Any) -> None:
    counts = [0] * connections
    bad: list[str] = []
    stop = time.monotonic() + duration

    def worker(i: int) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buf = bytearray()
            while time.monotonic() < stop:
                sock.sendall(request)
                status = _read_response(sock, buf)
                if status != 200:
                    bad.append(str(status))
                    break
                counts[i] += 1
            sock.close()
        except Exception as exc:  # reported by the parent, never a silent hang
            bad.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((sum(counts) / (time.monotonic() - start), bad))


def _serve(name: str) -> tuple[subprocess.Popen[bytes], bytes, int]:
    sys.path.insert(0, HERE)
    import servers

    port = _free_port()
    if name.startswith("starlette"):
        cmd = [sys.executable, "-m", "uvicorn", f"servers:{name}", "--port", str(port), "--log-level", "warning"]
        cmd += ["--no-access-log"]
        path, extra = "/api", f"X-API-Key: {API_KEY}\r\n"
    else:
        cmd = [sys.executable, "-m", "waitress", "--threads=1", f"--port={port}", "--host=127.0.0.1", f"servers:{name}"]
        path, extra = "/me", f"Cookie: session={servers.cookie_for(name)}\r\n"
    # Server output is discarded: an unread pipe would fill up and stall the server.
    server = subprocess.Popen(cmd, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()
    return server, request, port


def _load(name: str, port: int, request: bytes, duration: float, connections: int) -> float:
    queue: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_client, args=(port, request, duration, connections, queue))
    proc.start()
    rps, bad = queue.get(timeout=duration + 60)
    proc.join(10)
    if bad:
        raise RuntimeError(f"{name} answered {bad[:3]}")
    return float(rps)


def measure(names: list[str], rounds: int = 5, duration: float = 1.5, connections: int = 4) -> dict[str, float]:
    """Median requests per second of each app, its load rounds interleaved with the others'.

    All servers run for the whole measurement and take turns being loaded, so a slow patch of
    the machine hits every app alike instead of whichever ran during it.
    """
    started = {name: _serve(name) for name in names}
    try:
        for name, (_, request, port) in started.items():
            _wait_for(port)
            _load(name, port, request, 0.5, connections)  # warm up
        samples: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(rounds):
            for name, (_, request, port) in started.items():
                samples[name].append(_load(name, port, request, duration, connections))
        return {name: statistics.median(values) for name, values in samples.items()}
    finally:
        for server, _, _ in started.values():
            server.terminate()
        for server, _, _ in started.values():
            server.wait(10)


def run(rounds: int = 5, duration: float = 1.5) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for framework, names in (
        (
            "starlette",
            [
                "starlette_bare",
                "starlette_passport",
                "starlette_native",
                "starlette_passport_store",
                "starlette_native_store",
            ],
        ),
        ("flask", ["flask_bare", "flask_passport", "flask_login"]),
    ):
        rps = measure(names, rounds, duration)
        bare = rps[names[0]]
        print(f"\n{framework} through a real server on 127.0.0.1 (load from a second process, median of {rounds})")
        for name in names:
            added = 1e6 / rps[name] - 1e6 / bare
            print(
                f"  {name:<26} {rps[name]:9.0f} req/s  x{rps[name] / bare:4.2f} of bare  (+{added:6.1f} µs per request)"
            )
        results[framework] = rps
    return results


if __name__ == "__main__":
    run()
