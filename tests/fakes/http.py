"""A WSGI app served by werkzeug on 127.0.0.1, port 0, in a daemon thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Keep test output clean: no access log line per request."""


class ServedApp:
    """Serves `app` until `stop()`; `url` is its base URL (http://127.0.0.1:PORT)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class LoopbackFake:
    """Base of the fake servers: `serve()` puts the subclass's `wsgi` app on a free loopback
    port, `base_url` is where it answers, `stop()` frees the port (again: a no-op)."""

    _served: ServedApp | None = None

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The fake's WSGI app."""
        raise NotImplementedError

    def serve(self) -> None:
        """Start serving."""
        self._served = ServedApp(self.wsgi)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        assert self._served is not None
        return self._served.url

    def stop(self) -> None:
        """Stop the server."""
        if self._served is not None:
            self._served.stop()
            self._served = None
