"""A progress bar for sweeps on a terminal: samples done, rate, time left — and nothing at all on a pipe.

It writes to standard error, redrawing one line at most every :data:`REDRAW_S` seconds. The wall clock it reads
is only for this display; nothing it shows reaches the results.
"""

from __future__ import annotations

import time
from typing import TextIO

REDRAW_S = 0.2
WIDTH = 24  # characters of the bar


class Progress:
    """``advance(k)`` as samples complete; ``close()`` at the end."""

    def __init__(self, total: int, *, done: int = 0, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = done
        self.stream = stream
        self.enabled = stream is not None and _is_terminal(stream)
        self._start_done = done
        self._started = time.monotonic()
        self._drawn = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        if self.enabled and (time.monotonic() - self._drawn >= REDRAW_S or self.done >= self.total):
            self._draw()

    def _draw(self) -> None:
        assert self.stream is not None
        now = time.monotonic()
        self._drawn = now
        elapsed = max(now - self._started, 1e-9)
        rate = (self.done - self._start_done) / elapsed
        left = (self.total - self.done) / rate if rate > 0 else None
        filled = int(WIDTH * self.done / self.total) if self.total else WIDTH
        eta = "--:--" if left is None else _clock(left)
        self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done:,}/{self.total:,} samples  "
                          f"{rate:,.0f}/s  {eta} left ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.stream is not None:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
