"""A logging filter that masks personal information before a record is written.

PIPL asks for minimum exposure of customer data; log files, consoles and log
shippers are read by more people than the ticket screen. ``PiiMaskingFilter``
formats the record's message with its arguments first (so a phone number
passed as ``%s`` argument is masked like one written into the message), masks
the result with :func:`kefu.assist.pii.mask`, and stores it back as the
record's message with no arguments left to format.

Attach it to *handlers* (a filter on a logger only sees records logged to that
very logger, not those propagated from its children)::

    LOGGING = {
        "filters": {"pii": {"()": "kefu.assist.logfilter.PiiMaskingFilter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["pii"]}},
        ...
    }

Not masked: ``exc_info`` (the traceback is formatted by the handler from the
live exception, which is left alone) and attributes added with ``extra=``.
The filter never drops a record; a ``name`` limits masking to that logger
and its children (records of other loggers pass through unchanged).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from kefu.assist.pii import PiiKind, mask


class PiiMaskingFilter(logging.Filter):
    """Rewrite each record's message with its PII masked; always lets it through."""

    def __init__(self, name: str = "", kinds: Iterable[PiiKind | str] | None = None) -> None:
        super().__init__(name)
        # Validated here so a bad setting fails at configuration, not per record.
        self.kinds: frozenset[PiiKind] | None = (
            None if kinds is None else frozenset(PiiKind(k) for k in kinds)
        )

    def filter(self, record: logging.LogRecord) -> bool:
        if not super().filter(record):
            # Outside this filter's logger name: not ours to touch, but never dropped.
            return True
        try:
            message = record.getMessage()
        except Exception:
            # The format string and its arguments do not fit. Logging will report
            # the error with msg and args; mask both so the report leaks nothing.
            record.msg = self._mask(str(record.msg))
            record.args = self._mask_args(record.args)
            return True
        record.msg = self._mask(message)
        record.args = None  # already formatted: a "%" left in the text must stay literal
        return True

    def _mask(self, text: str) -> str:
        return mask(text, self.kinds)

    def _mask_args(self, args: Any) -> Any:
        if isinstance(args, Mapping):
            return {key: self._mask(str(value)) for key, value in args.items()}
        if isinstance(args, tuple):
            return tuple(self._mask(str(value)) for value in args)
        return args
