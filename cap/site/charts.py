"""Where the trend charts' lines, bars and labels go: numbers only, the templates draw them.

Every chart is readable without colour: each line has its own dash pattern and marker
shape and is labelled at its end with its name and last value; bars carry their value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: (stroke colour, dash pattern, marker) per series, in order; colours pass 3:1 on white.
STYLES = (
    ("#1f5fa8", "", "circle"),
    ("#5b3f8c", "8 4", "square"),
    ("#138a7e", "2 3", "diamond"),
    ("#27304a", "12 4 2 4", "triangle"),
    ("#6d6d6d", "4 4", "circle"),
    ("#b3261e", "", "square"),
    ("#7a4f01", "8 3 2 3", "diamond"),
    ("#00695c", "1 4", "triangle"),
)

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 44, 190, 14, 40
LABEL_GAP = 15
#: A bar chart's top margin: room for the value over the tallest bar.
BAR_TOP = 24
#: A line's label is wrapped between words to fit the right margin (13px text: about 7px a
#: character), so that a long theme name is never cut off at the chart's edge.
LABEL_CHARS = 24


def wrap_label(text: str, width: int = LABEL_CHARS) -> list[str]:
    """`text` on lines of at most `width` characters, broken between words only (a word
    longer than that has a line of its own, cut to fit with an ellipsis)."""
    lines: list[str] = []
    for word in text.split():
        if len(word) > width:
            word = word[:width - 1] + "\u2026"
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]


def _scale(most: int) -> tuple[int, list[int]]:
    """A round top for the y axis and its ticks."""
    most = max(most, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if most / step <= 6:
            top = -(-most // step) * step
            return top, list(range(0, top + 1, step))
    step = 10 ** len(str(most))
    return step, [0, step]


def _x_labels(days: list[dt.date], xs: list[float]) -> list[dict]:
    """Month labels under the axis: every month when few, else each January (and the first)."""
    out = []
    every = len(days) <= 14
    for i, (day, x) in enumerate(zip(days, xs)):
        if every:
            out.append({"x": x, "text": day.strftime("%b %y")})
        elif day.month == 1 or i == 0:
            out.append({"x": x, "text": day.strftime("%b %Y")})
    if len(out) > 1 and out[1]["x"] - out[0]["x"] < 70:  # the first month too close to the next January
        out.pop(0)
    for label in out:
        label["anchor"] = "middle"
    if out and out[-1]["x"] >= WIDTH - RIGHT - 30:  # the last month ends at the axis' end, clear of the line labels
        out[-1]["anchor"] = "end"
    return out


def line_chart(chart_id: str, title: str, days: list[dt.date], series: list[Series]) -> dict:
    """A line per series over the months, each labelled at its right end."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top, ticks = _scale(max((v for s in series for v in s.values), default=0))
    n = len(days)
    xs = [LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2) for i in range(n)]

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / top

    lines = []
    for index, s in enumerate(series):
        colour, dash, marker = STYLES[index % len(STYLES)]
        points = [(x, y(v)) for x, v in zip(xs, s.values)]
        path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(points))
        lines.append({"name": s.name, "colour": colour, "dash": dash, "marker": marker, "d": path,
                      "points": points if n <= 36 else points[-1:], "last": s.values[-1] if s.values else 0,
                      "end_y": points[-1][1] if points else y(0),
                      "label_lines": wrap_label(f"{s.name}: {s.values[-1] if s.values else 0}")})
    # Labels at the right end, each on as many lines as it needs, nudged apart so that none
    # overlaps another, and kept inside the chart (moved up from the bottom if need be).
    placed = sorted(lines, key=lambda ln: ln["end_y"])
    previous = -1e9  # the baseline of the last line of the label above
    for ln in placed:
        ln["label_y"] = max(ln["end_y"] + 4, previous + LABEL_GAP)
        previous = ln["label_y"] + LABEL_GAP * (len(ln["label_lines"]) - 1)
    overflow = previous - (HEIGHT - 4)
    if overflow > 0:
        for ln in placed:
            ln["label_y"] -= overflow
    return {
        "id": chart_id, "title": title, "width": WIDTH, "height": HEIGHT,
        "left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": TOP + plot_h,
        "ticks": [{"y": y(t), "value": t} for t in ticks],
        "x_labels": _x_labels(days, xs), "label_x": WIDTH - RIGHT + 10, "label_gap": LABEL_GAP, "lines": lines,
        "description": "; ".join(f"{s.name}: {s.values[-1] if s.values else 0} at the end" for s in series),
    }


def bar_chart(chart_id: str, title: str, days: list[dt.date], values: list[int]) -> dict:
    """A bar per month, its value written above it when not zero."""
    plot_w, plot_h = WIDTH - LEFT - 20, HEIGHT - BAR_TOP - BOTTOM
    top, ticks = _scale(max(values, default=0))
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1.0)
    bars = []
    xs = []
    for i, v in enumerate(values):
        x = LEFT + slot * i + (slot - bar_w) / 2
        h = plot_h * v / top
        xs.append(x + bar_w / 2)
        bars.append({"x": x, "y": BAR_TOP + plot_h - h, "w": bar_w, "h": h, "value": v, "cx": x + bar_w / 2,
                     "day": days[i]})
    return {
        "id": chart_id, "title": title, "width": WIDTH, "height": HEIGHT,
        "left": LEFT, "right": WIDTH - 20, "top": BAR_TOP, "bottom": BAR_TOP + plot_h,
        "ticks": [{"y": BAR_TOP + plot_h - plot_h * t / top, "value": t} for t in ticks],
        "x_labels": _x_labels(days, xs), "bars": bars, "show_values": n <= 36,
        "description": f"{sum(values)} in all; most in one month: {max(values, default=0)}",
    }
