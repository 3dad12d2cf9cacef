"""Throughput through a real server on 127.0.0.1, loaded from a second process.

Each app is served alone (uvicorn for Starlette, waitress with one thread for Flask), then a
separate load process keeps a few keep-alive connections busy for a fixed time. The added cost
per request is 1/throughput minus the bare route's 1/throughput.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
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


def measure(name: str, duration: float = 3.0, connections: int = 4) -> float:
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
    server = subprocess.Popen(cmd, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()
        queue: Any = multiprocessing.Queue()
        warm = multiprocessing.Process(target=_client, args=(port, request, 0.5, connections, queue))
        warm.start()
        queue.get(timeout=60)
        warm.join(10)
        proc = multiprocessing.Process(target=_client, args=(port, request, duration, connections, queue))
        proc.start()
        rps, bad = queue.get(timeout=duration + 60)
        proc.join(10)
        if bad:
            raise RuntimeError(f"{name} answered {bad[:3]}")
        return float(rps)
    finally:
        server.terminate()
        server.wait(10)


def run(duration: float = 3.0) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for framework, names in (
        ("starlette", ["starlette_bare", "starlette_passport", "starlette_native"]),
        ("flask", ["flask_bare", "flask_passport", "flask_login"]),
    ):
        rps = {name: measure(name, duration) for name in names}
        bare = rps[names[0]]
        print(f"\n{framework} through a real server on 127.0.0.1 (load from a second process)")
        for name in names:
            added = 1e6 / rps[name] - 1e6 / bare
            print(
                f"  {name:<22} {rps[name]:9.0f} req/s  x{rps[name] / bare:4.2f} of bare  (+{added:6.1f} µs per request)"
            )
        results[framework] = rps
    return results


if __name__ == "__main__":
    run()
