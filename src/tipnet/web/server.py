"""A production WSGI server (gunicorn) for `tipnet serve` and `tipnet demo`.

Access logging is off: the public path must keep no client address or user agent. gunicorn's own
error log still names clients (``Invalid request from ip=...`` for a malformed request line), so
its logger is replaced by ScrubbedLogger, which passes every line through logscrub.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from tipnet.web.logscrub import ScrubFilter


class ScrubbedLogger(Logger):
    """gunicorn's logger with no client address (or invitation token) in any line it writes."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(ScrubFilter())
            log.addFilter(ScrubFilter())


class TipnetServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from tipnet.web.wsgi import application

        return application


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    TipnetServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": None,
            "logger_class": "tipnet.web.server.ScrubbedLogger",
            "errorlog": "-",
            "loglevel": "warning",
            "timeout": 120,
            "graceful_timeout": 10,
            "forwarded_allow_ips": "127.0.0.1",
        }
    ).run()
