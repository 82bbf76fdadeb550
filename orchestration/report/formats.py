"""Text in the report: escaping of everything from the data, and number formats."""

from __future__ import annotations

import html
import math


def esc(value) -> str:
    """Text from the data, safe inside HTML or SVG text and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def shorten(text: str, limit: int = 38) -> str:
    """Shorten a label for display (before escaping); the full text stays in the mark's tooltip."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# ---------------------------------------------------------------- number and date formats

def fmt_number(value: float) -> str:
    """Compact: 950, 12k, 3.4M, 1.2B; small fractions keep their significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    v = abs(value)
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= limit:
            scaled = value / limit
            return f"{scaled:.0f}{suffix}" if abs(scaled) >= 100 else f"{scaled:.3g}{suffix}"
    if v == 0 or v >= 1:
        return f"{value:.4g}" if v < 100 else f"{value:.0f}"
    return f"{value:.2g}"


def fmt_share(value: float) -> str:
    """A fraction as a percentage: 42%, 3.1%, 0.05%."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    pct = value * 100
    if pct == 0 or abs(pct) >= 10:
        return f"{pct:.0f}%"
    return f"{pct:.1f}%" if abs(pct) >= 1 else f"{pct:.2g}%"


def fmt_pct_change(value: float) -> str:
    """A signed percentage (the value is already in percent): +12.3%, -4.0%, +265%."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:+.0f}%" if abs(value) >= 100 else f"{value:+.1f}%"


def fmt_int(value) -> str:
    return f"{int(value):,}" if value is not None else "n/a"


# ---------------------------------------------------------------- scales and ticks
