"""JSON log lines, each with the id of the request it belongs to.

One object per line (journald, Loki, ELK read them as they are): time (UTC), level,
logger, message, request_id, and the fields a record was given in ``extra``. Patient
data stays out by construction: the request log names the route, never the path's
parameters or the query string (cryoneuro.core.middleware.RequestIdMiddleware).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# The attributes every LogRecord has: anything else came from ``extra`` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record logged while it is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
