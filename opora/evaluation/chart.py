"""The chart of both groups' mean outcome by year as inline SVG (no image file, scales to a
phone's width; the page puts the same figures in a table beside it)."""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
TREATED_COLOUR = "#b02a37"  # contrast ≥ 4.5 on white
COMPARISON_COLOUR = "#0a58ca"


def _fmt(value: float) -> str:
    return f"{value:.2f}".replace(".", ",").replace("-", "−")


def means_svg(means: list[dict[str, Any]], start_year: int | None) -> str:
    """Two lines (programme schools, comparison schools) with the support start marked."""
    points = [m for m in means if m.get("treated") is not None and m.get("comparison") is not None]
    if len(points) < 2:
        return ""
    years = [int(m["year"]) for m in points]
    values = [float(m["treated"]) for m in points] + [float(m["comparison"]) for m in points]
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 0.5
    low, high = low - pad, high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: float) -> float:
        return LEFT + (year - years[0]) / max(years[-1] - years[0], 1) * plot_w

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="chart-title" class="evaluation-chart" style="max-width:{WIDTH}px">',
        f'<title id="chart-title">{escape(_("Средний индекс результатов по годам"))}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#6c757d"/>',
    ]
    for tick in (low + pad, (low + high) / 2, high - pad):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#212529">{_fmt(tick)}</text>'
            f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
            'stroke="#dee2e6"/>'
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - 18}" text-anchor="middle" font-size="12" '
            f'fill="#212529">{year}</text>'
        )
    if start_year is not None and years[0] < start_year <= years[-1]:
        mark = x(start_year - 0.5)
        parts.append(
            f'<line x1="{mark:.1f}" y1="{TOP}" x2="{mark:.1f}" y2="{TOP + plot_h}" '
            'stroke="#212529" stroke-dasharray="4 4"/>'
            f'<text x="{mark + 4:.1f}" y="{TOP + 12}" font-size="12" fill="#212529">'
            f"{escape(_('начало поддержки'))}</text>"
        )
    for key, colour, dash in (
        ("treated", TREATED_COLOUR, ""),
        ("comparison", COMPARISON_COLOUR, ' stroke-dasharray="6 3"'),
    ):
        path = " ".join(f"{x(int(m['year'])):.1f},{y(float(m[key])):.1f}" for m in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
        )
        for m in points:
            parts.append(
                f'<circle cx="{x(int(m["year"])):.1f}" cy="{y(float(m[key])):.1f}" r="3.5" '
                f'fill="{colour}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
