"""The passport demo: a Flask app using every shipped strategy, with a development OAuth 2.0 provider.

Run it with ``python -m passport_demo`` (or ``nox -s demo``); it prints its URL and credentials.
In code (the tests do this)::

    from passport_demo import start_demo

    demo = start_demo()            # both servers on free 127.0.0.1 ports, in threads
    print(demo.url, demo.settings.username, demo.settings.password)
    demo.stop()
"""

from ._app import Settings
from ._app import create_app
from ._server import RunningDemo
from ._server import start_demo
from ._version import __version__

__all__ = ["RunningDemo", "Settings", "__version__", "create_app", "start_demo"]
