"""Lambda's log output for Python functions (AWS docs, "Log and monitor Python Lambda functions"): the
root logger's handler prints "[LEVEL]\t<time>\t<requestId>\t<message>" (or JSON records when
AWS_LAMBDA_LOG_FORMAT is JSON), and an error record is one line whose parts are joined with "\r"."""

import json
import logging
import os
import sys
import time

# AWS's Python runtime joins the lines of an error record with "\r" and indents with no-break spaces.
ERROR_LINE_SEPARATOR = "\r"
ERROR_INDENT = "\u00a0"


class CurrentRequest:
    """The request being handled, read by every log record."""

    request_id = None


def log_error(error):
    if _log_format() == "JSON":
        record = {"timestamp": _utc_timestamp(time.time()), "level": "ERROR"}
        record.update(error)
        _write_stdout(json.dumps(record) + "\n")
        return
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        description += (":" if error.get("errorType") else "") + " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error.get("stackTrace") or []:
        for line in element.splitlines() or [""]:
            stripped = line.lstrip(" ")
            lines.append(ERROR_INDENT * (len(line) - len(stripped)) + stripped)
    _write_stdout(ERROR_LINE_SEPARATOR.join(lines) + "\n")


def _write_stdout(text):
    sys.stdout.flush()
    stream = sys.__stdout__
    stream.write(text)
    stream.flush()


def _log_format():
    return "JSON" if (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON" else "Text"


def _utc_timestamp(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % (int(seconds * 1000) % 1000)


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = CurrentRequest.request_id or ""
        return True


class _JsonFormatter(logging.Formatter):
    def format(self, record):
        message = record.getMessage()
        entry = {
            "timestamp": _utc_timestamp(record.created),
            "level": record.levelname,
            "message": message,
            "logger": record.name,
            "requestId": record.aws_request_id,
        }
        if record.exc_info:
            import traceback

            entry["errorType"] = record.exc_info[0].__name__
            entry["errorMessage"] = str(record.exc_info[1])
            entry["stackTrace"] = traceback.format_tb(record.exc_info[2])
        return json.dumps(entry, default=str) + "\n"


class _StdoutHandler(logging.Handler):
    def emit(self, record):
        try:
            _write_stdout(self.format(record))
        except Exception:
            self.handleError(record)


def setup_logging():
    """Lambda's root logger handler: "[LEVEL]\\t<time>\\t<requestId>\\t<message>", level from AWS_LAMBDA_LOG_LEVEL."""
    handler = _StdoutHandler()
    if _log_format() == "JSON":
        handler.setFormatter(_JsonFormatter())
    else:
        formatter = logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
        )
        formatter.converter = time.gmtime
        handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    if level in ("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL"):
        root.setLevel({"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level))
