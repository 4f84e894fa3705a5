"""Structured logs: one JSON object per line, with no clinical data.

Every process (`serve` workers, the gunicorn master, `scheduler`) logs through `JsonFormatter`.
Only whitelisted attributes become fields; an exception is logged by type and stack frames only,
never its message (a database error's message can carry bound parameters).
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

# Attributes a log call may add with `extra=`; anything else passed that way is dropped.
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user", "job", "remote")


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line: time, level, logger, message and the known extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])[-8:]
            entry["stack"] = [f"{f.filename}:{f.lineno} in {f.name}" for f in frames]
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_handler() -> logging.Handler:
    """A handler writing JSON lines to standard error."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    return handler


def configure_logging(level: str = "INFO") -> None:
    """Send every logger's records to standard error as JSON lines (idempotent)."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(json_handler())
    root.setLevel(level.upper())
    for noisy in ("apscheduler", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def gunicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its own loggers as JSON lines too (no access log)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": handler},
        "root": {"level": level.upper(), "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
