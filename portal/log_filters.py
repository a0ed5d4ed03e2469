"""Logging filters for the site's handlers."""

import logging


class OneLineClientErrors(logging.Filter):
    """A 4xx response is the client's mistake, not a fault in the code: log its one line (method, path, reason) but not
    the traceback Django attaches to a refused request (PermissionDenied, BadRequest, SuspiciousOperation). A 5xx keeps
    its traceback: that one is ours to fix."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
