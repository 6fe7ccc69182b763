"""JSON logs with the trace id, and personal data masked on the way out.

Every part of a line passes through `redact`: the message, extra fields of any type (a phone kept
as an integer, a list of emails) and the error's traceback, whose database errors quote the
values they refused. The plain lines of a terminal are masked the same way.
"""

import json
import logging
import sys
from datetime import UTC, datetime

from opentelemetry import trace

from kombel_runtime.redaction import redact, redact_url

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        _mask_access_path(record)
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            entry["trace_id"] = format(context.trace_id, "032x")
            entry["span_id"] = format(context.span_id, "016x")
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _redacted(value)
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """Lines for a person at a terminal, masked as the JSON lines are."""

    def format(self, record: logging.LogRecord) -> str:
        _mask_access_path(record)
        return redact(super().format(record))


def _mask_access_path(record: logging.LogRecord) -> None:
    # The path goes through redact_url, which masks a search's free text whole; redacting the
    # finished line would only find what is shaped like a contact.
    if record.name == "uvicorn.access" and isinstance(record.args, tuple):
        # (client, method, path with query, HTTP version, status)
        record.args = tuple(
            redact_url(arg) if index == 2 and isinstance(arg, str) else arg
            for index, arg in enumerate(record.args)
        )


def _redacted(value: object) -> object:
    """An extra field masked whatever its type, as json.dumps will write it."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        written = str(value)
        masked = redact(written)
        return value if masked == written else masked
    if isinstance(value, dict):
        return {redact(str(key)): _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redacted(item) for item in value]
    return redact(str(value))


def configure_logging(json_logs: bool = True, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PlainFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "kafka", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
