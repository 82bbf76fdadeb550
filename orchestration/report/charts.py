"""Inline SVG charts for the static report: no script, no font or file from anywhere.

Every function returns one ``<svg>`` element as a string. Every piece of text that may come from the
data (model ids, licence names, family names) goes through ``esc`` before it is written, so it shows
as text and is never parsed as markup. Each drawn data mark carries ``class="mark"`` and a native
``<title>`` tooltip; the browser test counts the marks to know a chart really rendered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date

from orchestration.report.formats import esc, fmt_int, fmt_number, fmt_pct_change, fmt_share, shorten

__all__ = ["esc", "fmt_int", "fmt_number", "fmt_pct_change", "fmt_share", "shorten", "line_chart",
           "stacked_area_chart", "bar_chart", "stacked_bar_chart", "legend", "colour"]

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 14, 44

# Colour-blind-friendly qualitative palette (Okabe-Ito order, then extra distinct tones).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
           "#8C564B", "#7F7F7F", "#17BECF", "#BCBD22"]


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (the first tick <= lo, the last >= hi)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if (hi - lo) / (m * magnitude) <= count)
    first = math.floor(lo / step + 1e-9) * step
    ticks, t = [], first
    while t < hi - 1e-9 * step:
        ticks.append(round(t, 12))
        t += step
    ticks.append(round(t, 12))
    return ticks


def log_ticks(lo: float, hi: float) -> list[float]:
    low = math.floor(math.log10(lo))
    high = max(math.ceil(math.log10(hi)), low + 1)
    return [10.0 ** p for p in range(low, high + 1)]


def date_ticks(lo: int, hi: int) -> list[tuple[int, str]]:
    """Ticks on day ordinals: years, quarters, months or weeks, whichever gives a handful."""
    first, last = date.fromordinal(lo), date.fromordinal(hi)
    months = (last.year - first.year) * 12 + last.month - first.month
    if months >= 30:
        return [(date(y, 1, 1).toordinal(), str(y)) for y in range(first.year + (first.month > 1 or first.day > 1),
                                                                    last.year + 1)]
    if months >= 3:
        every = 1 if months <= 8 else 3 if months <= 24 else 6
        ticks, y, m = [], first.year, first.month
        while True:
            m += 1
            if m > 12:
                y, m = y + 1, 1
            day = date(y, m, 1)
            if day > last:
                return ticks
            if (m - 1) % every == 0:
                ticks.append((day.toordinal(), day.strftime("%Y-%m")))
    step = max(1, (hi - lo) // 5)
    return [(d, date.fromordinal(d).isoformat()) for d in range(lo, hi + 1, step)]


class Axis:
    """Maps data values onto pixels, linear or logarithmic, with its ticks and their labels."""

    def __init__(self, values: Sequence[float], start: float, end: float, *, log: bool = False,
                 dates: bool = False, zero: bool = False, fmt: Callable[[float], str] = fmt_number,
                 fixed: tuple[float, float] | None = None):
        self.log, self.start, self.end, self.fmt = log, start, end, fmt
        values = [v for v in values if v is not None and math.isfinite(v) and (not log or v > 0)]
        lo, hi = (min(values), max(values)) if values else (1.0, 10.0) if log else (0.0, 1.0)
        if fixed:
            lo, hi = fixed
        if dates:
            if hi <= lo:
                lo, hi = lo - 3, hi + 3
            self.ticks = date_ticks(int(lo), int(hi))
            self.lo, self.hi = lo, hi
        elif log:
            values = log_ticks(lo, hi)
            self.ticks = [(v, fmt(v)) for v in values]
            self.lo, self.hi = values[0], values[-1]
        else:
            if zero:
                lo, hi = min(lo, 0.0), max(hi, 0.0)
            values = nice_ticks(lo, hi) if not fixed else nice_ticks(*fixed)
            self.ticks = [(v, fmt(v)) for v in values]
            self.lo, self.hi = values[0], values[-1]

    def __call__(self, value: float) -> float:
        if self.log:
            value = max(value, self.lo)
            share = (math.log10(value) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        else:
            share = (value - self.lo) / ((self.hi - self.lo) or 1.0)
        return self.start + share * (self.end - self.start)


# ---------------------------------------------------------------- frame pieces

def _svg(label: str, body: list[str], height: int = HEIGHT) -> str:
    return (f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
            f'role="img" aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
            f'<title>{esc(label)}</title>' + "".join(body) + "</svg>")


def _x_axis(axis: Axis, y: float, label: str, left: float = LEFT) -> list[str]:
    out = [f'<line class="axis" x1="{left}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"/>']
    for value, text in axis.ticks:
        x = axis(value)
        if left - 0.5 <= x <= WIDTH - RIGHT + 0.5:
            out.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{y}"/>'
                       f'<text class="tick" x="{x:.1f}" y="{y + 16}" text-anchor="middle">{esc(text)}</text>')
    out.append(f'<text class="axis-label" x="{(left + WIDTH - RIGHT) / 2}" y="{y + 36}" '
               f'text-anchor="middle">{esc(label)}</text>')
    return out


def _y_axis(axis: Axis, label: str, bottom: float) -> list[str]:
    out = [f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/>']
    for value, text in axis.ticks:
        y = axis(value)
        out.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
                   f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{esc(text)}</text>')
    out.append(f'<text class="axis-label" transform="translate(14 {(TOP + bottom) / 2}) rotate(-90)" '
               f'text-anchor="middle">{esc(label)}</text>')
    return out


def _x_value(x, dates: bool) -> float:
    return x.toordinal() if dates else float(x)


def _x_text(x, dates: bool, fmt: Callable[[float], str]) -> str:
    return x.isoformat() if dates else fmt(x)


# ---------------------------------------------------------------- charts

def line_chart(series: dict[str, Sequence[tuple]], *, title: str, x_label: str, y_label: str,
               dates: bool = True, x_log: bool = False, y_log: bool = False, y_zero: bool = True,
               x_fmt: Callable[[float], str] = fmt_number, y_fmt: Callable[[float], str] = fmt_number,
               step: bool = False, y_fixed: tuple[float, float] | None = None) -> str:
    """One line per series of (x, y) points; x are dates (``dates``) or numbers. ``step`` draws
    values that hold until the next point (cumulative maxima). Non-positive values are left out
    of a log axis."""
    bottom = HEIGHT - BOTTOM
    xs = [_x_value(x, dates) for points in series.values() for x, _ in points]
    ys = [y for points in series.values() for _, y in points if y is not None]
    x_axis = Axis(xs, LEFT, WIDTH - RIGHT, log=x_log, dates=dates, fmt=x_fmt)
    y_axis = Axis(ys, bottom, TOP, log=y_log, zero=y_zero and not y_log, fmt=y_fmt, fixed=y_fixed)
    body = _y_axis(y_axis, y_label, bottom) + _x_axis(x_axis, bottom, x_label)
    for i, (name, points) in enumerate(series.items()):
        kept = [(x, y) for x, y in sorted(points, key=lambda p: _x_value(p[0], dates))
                if y is not None and math.isfinite(y) and (not y_log or y > 0) and (not x_log or float(x) > 0)]
        if not kept:
            continue
        coords = []
        for x, y in kept:
            px, py = x_axis(_x_value(x, dates)), y_axis(y)
            if step and coords:
                coords.append(f"{px:.1f},{coords[-1].split(',')[1]}")
            coords.append(f"{px:.1f},{py:.1f}")
        last_x, last_y = kept[-1]
        tip = f"{name}: {y_fmt(last_y)} at {_x_text(last_x, dates, x_fmt)} (last point)"
        body.append(f'<polyline class="mark line" fill="none" stroke="{colour(i)}" stroke-width="2" '
                    f'points="{" ".join(coords)}"><title>{esc(tip)}</title></polyline>')
        if len(kept) == 1:  # a single point shows as a dot
            body.append(f'<circle class="mark" cx="{coords[0].split(",")[0]}" cy="{coords[0].split(",")[1]}" '
                        f'r="3" fill="{colour(i)}"><title>{esc(tip)}</title></circle>')
    return _svg(title, body)


def stacked_area_chart(xs: Sequence[date], layers: dict[str, Sequence[float]], *, title: str,
                       y_label: str, x_label: str) -> str:
    """Layers of shares stacked over dates (each column sums to at most 1)."""
    bottom = HEIGHT - BOTTOM
    ords = [x.toordinal() for x in xs]
    x_axis = Axis(ords, LEFT, WIDTH - RIGHT, dates=True)
    y_axis = Axis([0.0, 1.0], bottom, TOP, fmt=fmt_share, fixed=(0.0, 1.0))
    body = _y_axis(y_axis, y_label, bottom) + _x_axis(x_axis, bottom, x_label)
    base = [0.0] * len(xs)
    for i, (name, values) in enumerate(layers.items()):
        top = [b + (v or 0.0) for b, v in zip(base, values)]
        upper = [f"{x_axis(o):.1f},{y_axis(t):.1f}" for o, t in zip(ords, top)]
        lower = [f"{x_axis(o):.1f},{y_axis(b):.1f}" for o, b in reversed(list(zip(ords, base)))]
        mean = sum(v or 0.0 for v in values) / max(len(values), 1)
        tip = f"{name}: {fmt_share(mean)} on average over {len(values)} periods"
        body.append(f'<polygon class="mark area" fill="{colour(i)}" fill-opacity="0.85" stroke="#fff" '
                    f'stroke-width="0.5" points="{" ".join(upper + lower)}"><title>{esc(tip)}</title></polygon>')
        base = top
    return _svg(title, body)


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, x_label: str, log: bool = False,
              fmt: Callable[[float], str] = fmt_number, colours: Sequence[str] | None = None,
              label_width: int = 250) -> str:
    """Horizontal bars, one per (label, value), in the given order; the value is printed at the bar's end. The plot
    keeps room for three bars at least, so that a chart of one or two stays readable."""
    bar, gap = 18, 6
    height = TOP + max(len(rows), 3) * (bar + gap) + BOTTOM
    bottom = height - BOTTOM
    left = label_width
    values = [v for _, v in rows if v is not None]
    axis = Axis(values, left, WIDTH - RIGHT - 50, log=log, zero=not log, fmt=fmt)
    body = [f'<line class="axis" x1="{left}" y1="{TOP}" x2="{left}" y2="{bottom}"/>',
            *_x_axis(axis, bottom, x_label, left=left)]
    for i, (label, value) in enumerate(rows):
        y = TOP + i * (bar + gap) + gap / 2
        origin = axis(axis.lo) if log else axis(0.0)
        end = axis(value) if value is not None and (not log or value > 0) else origin
        x0, x1 = min(origin, end), max(origin, end)
        fill = colours[i] if colours else colour(0)
        body.append(f'<text class="tick bar-label" x="{left - 6}" y="{y + bar * 0.72:.1f}" '
                    f'text-anchor="end">{esc(shorten(label, label_width // 7))}</text>'
                    f'<rect class="mark bar" x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1.0):.1f}" '
                    f'height="{bar}" fill="{fill}"><title>{esc(label)}: {esc(fmt(value))}</title></rect>'
                    f'<text class="value" x="{x1 + 4:.1f}" y="{y + bar * 0.72:.1f}">{esc(fmt(value))}</text>')
    return _svg(title, body, height)


def stacked_bar_chart(rows: Sequence[tuple[str, dict[str, float]]], layers: Sequence[str], *, title: str,
                      x_label: str, label_width: int = 160) -> str:
    """Horizontal bars of shares, one per (label, {layer: share}), the layers stacked in the given order."""
    bar, gap = 18, 6
    height = TOP + len(rows) * (bar + gap) + BOTTOM
    axis = Axis([0.0, 1.0], label_width, WIDTH - RIGHT - 20, fmt=fmt_share, fixed=(0.0, 1.0))
    body = [f'<line class="axis" x1="{label_width}" y1="{TOP}" x2="{label_width}" y2="{height - BOTTOM}"/>',
            *_x_axis(axis, height - BOTTOM, x_label, left=label_width)]
    for i, (label, shares) in enumerate(rows):
        y, start = TOP + i * (bar + gap) + gap / 2, 0.0
        body.append(f'<text class="tick bar-label" x="{label_width - 6}" y="{y + bar * 0.72:.1f}" '
                    f'text-anchor="end">{esc(shorten(label, label_width // 7))}</text>')
        for j, layer in enumerate(layers):
            share = shares.get(layer) or 0.0
            if share <= 0:
                continue
            x0, x1 = axis(start), axis(start + share)
            body.append(f'<rect class="mark bar" x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1.0):.1f}" '
                        f'height="{bar}" fill="{colour(j)}"><title>{esc(label)}, {esc(layer)}: '
                        f'{esc(fmt_share(share))}</title></rect>')
            start += share
    return _svg(title, body, height)


def legend(names: Sequence[str]) -> str:
    items = "".join(f'<li><span class="swatch" style="background:{colour(i)}"></span>{esc(name)}</li>'
                    for i, name in enumerate(names))
    return f'<ul class="legend">{items}</ul>'


def thin_out(points: list[tuple], limit: int = 400) -> list[tuple]:
    """At most ``limit`` points of a long series, evenly spaced, first and last kept."""
    if len(points) <= limit:
        return points
    stride = (len(points) - 1) / (limit - 1)
    return [points[round(i * stride)] for i in range(limit)]


def log_thin_out(points: list[tuple], limit: int = 400) -> list[tuple]:
    """Points for a log-x axis: keep those whose x lands on distinct steps of log(x)."""
    if len(points) <= limit:
        return points
    top = math.log10(max(float(p[0]) for p in points) or 1.0) or 1.0
    kept, seen = [], set()
    for p in points:
        bucket = round(math.log10(max(float(p[0]), 1.0)) / top * (limit - 1))
        if bucket not in seen:
            seen.add(bucket)
            kept.append(p)
    if kept[-1] is not points[-1]:
        kept.append(points[-1])
    return kept
