"""Logs for operators: with ``LOG_FORMAT=json`` (the default in prod) one JSON object per line — uvicorn's own
lines included — and for every HTTP request one ``access`` line: request id, user, role, shop, operation name,
method, path, status, outcome and duration. Never a token, a SQL parameter or a document's text: the fields are
chosen, not dumped. (A formatter of a dozen lines over orjson, which the project already uses, instead of one more
dependency.)"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

ACCESS = logging.getLogger("aftersales.access")
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure(log_format: str, stream: Any = None) -> None:
    """``json``: every logger of the process writes JSON lines to stderr (or ``stream``); ``text`` leaves
    logging as Python and uvicorn set it up."""
    if log_format != "json":
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    for name in SERVER_LOGGERS:
        server = logging.getLogger(name)
        server.handlers, server.propagate = [], True


def access(fields: dict[str, Any]) -> None:
    ACCESS.info("%s %s %s %s", fields.get("method"), fields.get("path"), fields.get("status"),
                fields.get("outcome"), extra={"fields": fields})
