"""Running the demo: the app and its provider, each on its own 127.0.0.1 port, in threads."""

from __future__ import annotations

import os
import secrets
import threading
from typing import Any
from typing import Final
from typing import final

from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from ._app import Settings
from ._app import create_app
from ._provider import DemoClient
from ._provider import create_provider

HOST: Final = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _PathOnlyHandler(WSGIRequestHandler):
    """Logs method, path and status: never the query, which carries the OAuth code and state."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log("info", '"%s %s" %s', self.command, self.path.partition("?")[0], code)


def _not_ready(environ: Any, start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


@final
class RunningDemo:
    """The demo app and its provider, serving in background threads until :meth:`stop`."""

    def __init__(self, settings: Settings, servers: list[BaseWSGIServer]) -> None:
        self.settings = settings
        self.url = settings.base_url
        self.provider_url = settings.provider_url
        self._servers = servers
        self._threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
        for thread in self._threads:
            thread.start()

    def wait(self) -> None:
        """Block until the servers stop (Ctrl+C interrupts)."""
        while any(t.is_alive() for t in self._threads):
            self._threads[0].join(0.5)

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(5)


def start_demo(port: int = 0, *, provider_port: int = 0, log_requests: bool = False) -> RunningDemo:
    """Start the provider and the app on 127.0.0.1 (port 0: any free port) and return at once.

    :raises OSError: a port is taken.
    """
    handler = _PathOnlyHandler if log_requests else _QuietHandler
    # Bind the app's port first: the provider must know the exact callback URL it will accept.
    app_server = make_server(HOST, port, _not_ready, threaded=True, request_handler=handler)
    try:
        base_url = f"http://{HOST}:{app_server.server_port}"
        client = DemoClient(
            "passport-demo",
            secrets.token_urlsafe(24),
            f"{base_url}/auth/provider/callback",
            (f"{base_url}/auth/oidc/callback",),
        )
        provider = create_provider(client)
        provider_server = make_server(HOST, provider_port, provider, threaded=True, request_handler=_QuietHandler)
    except BaseException:
        app_server.server_close()
        raise
    settings = Settings(
        base_url,
        f"http://{HOST}:{provider_server.server_port}",
        client_id=client.client_id,
        client_secret=client.client_secret,
        github_client_id=os.environ.get("GITHUB_CLIENT_ID") or None,
        github_client_secret=os.environ.get("GITHUB_CLIENT_SECRET") or None,
    )
    app_server.app = create_app(settings)
    return RunningDemo(settings, [app_server, provider_server])
