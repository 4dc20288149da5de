"""Progress bars on stderr for the long steps of a command, without a dependency.

Library code marks where a step starts with :func:`step`; that is a no-op unless a caller
(the CLI) has opened a :func:`bar`. The bar draws only when its stream is a terminal, so
scripts, pipes, CI logs and ``--quiet`` runs see nothing; stdout is never touched.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import IO

_current: ContextVar[ProgressBar | None] = ContextVar("feedbackml_progress", default=None)


class ProgressBar:
    """A one-line ``[████░░░░] 2/4 fitting themes · 3.2s`` bar, redrawn a few times a second.

    Parameters
    ----------
    stream : where to draw (stderr); nothing is drawn unless ``stream.isatty()``.
    label : word shown before the bar (the command name).
    interval : seconds between redraws of the elapsed time.
    """

    def __init__(self, stream: IO[str] | None = None, label: str = "feedbackml", width: int = 24,
                 interval: float = 0.2):
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.width = width
        self.interval = interval
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.description, self.index, self.total = "", 0, 0
        self._started = self._step_started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self, description: str, index: int, total: int) -> None:
        """Start step ``index`` of ``total`` (1-based), called ``description``."""
        with self._lock:
            self.description, self.index, self.total = description, index, total
            self._step_started = time.monotonic()
        self.draw()
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._tick, name="feedbackml-progress", daemon=True)
            self._thread.start()

    def line(self) -> str:
        done = max(self.index - 1, 0) / self.total if self.total else 0.0
        filled = int(round(done * self.width))
        elapsed = time.monotonic() - self._step_started
        return (f"{self.label} [{'█' * filled}{'░' * (self.width - filled)}] "
                f"{self.index}/{self.total} {self.description} · {elapsed:.1f}s")

    def draw(self) -> None:
        if not self.enabled or not self.total:
            return
        with self._lock:
            self.stream.write("\r" + self.line() + "\x1b[K")
            self.stream.flush()

    def clear(self) -> None:
        """Erase the bar so that a log line can be written in its place."""
        if self.enabled and self.total:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self.clear()

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self.draw()


@contextlib.contextmanager
def bar(stream: IO[str] | None = None, label: str = "feedbackml", enabled: bool = True) -> Iterator[ProgressBar | None]:
    """Show progress of the steps reported by :func:`step` inside the ``with`` block."""
    if not enabled:
        yield None
        return
    progress = ProgressBar(stream, label)
    token = _current.set(progress)
    try:
        yield progress
    finally:
        _current.reset(token)
        progress.close()


def step(description: str, index: int, total: int) -> None:
    """Report that step ``index`` of ``total`` starts (no-op when no bar is open)."""
    progress = _current.get()
    if progress is not None:
        progress.step(description, index, total)


class ProgressAwareHandler(logging.StreamHandler):
    """A log handler that erases the progress bar before a message and redraws it after."""

    def emit(self, record: logging.LogRecord) -> None:
        progress = _current.get()
        if progress is None or not progress.enabled:
            super().emit(record)
            return
        with progress._lock:
            progress.clear()
            super().emit(record)
        progress.draw()
