"""Progress of long loads: a callback that receives a line of text, throttled, with an optional bar."""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """A progress callback that says nothing."""


class ThrottledProgress:
    """Reports progress at most every ``interval`` seconds (and always when forced); optionally a tqdm bar."""

    def __init__(self, report: Progress, interval: float = 5.0, bar: bool = False, unit: str = "models"):
        self.report = report
        self.interval = interval
        self.last = 0.0
        self.bar = None
        if bar:
            from tqdm import tqdm

            self.bar = tqdm(unit=f" {unit}", unit_scale=True, dynamic_ncols=True, desc="hub models")

    def update(self, advance: int, text: str, force: bool = False) -> None:
        if self.bar is not None:
            self.bar.update(advance)
        now = time.monotonic()
        if force or now - self.last >= self.interval:
            self.last = now
            self.report(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
