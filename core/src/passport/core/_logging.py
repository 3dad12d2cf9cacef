"""Warnings that repeat while a condition lasts (a store down), logged once per interval."""

from __future__ import annotations

import logging
import time
from typing import final


@final
class IntervalWarning:
    """``warn()`` logs ``message`` (with the current exception) at most once per ``interval``
    seconds: one line a minute while a store is down, not one per request."""

    __slots__ = ("_last", "interval", "logger", "message")

    def __init__(self, logger: logging.Logger, message: str, interval: float = 60.0) -> None:
        self.logger = logger
        self.message = message
        self.interval = interval
        self._last = -interval

    def warn(self) -> None:
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self.logger.warning(self.message, exc_info=True)
