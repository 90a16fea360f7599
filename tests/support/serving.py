"""The whole app served for real over HTTP, for tests that need a server: a browser, or
clients in several threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from api.app import create_app
from pipeline.store.settings import Settings


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn on a free port, in a thread of this process."""
    # Forwarded headers as the service takes them: the app's own (trusted proxies only).
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        proxy_headers=False,
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = served.servers[0].sockets[0].getsockname()[1]
    # `localhost`: signing in over plain HTTP is allowed only on the machine itself.
    yield f"http://localhost:{port}"
    served.should_exit = True
    thread.join(timeout=30)
