"""Server-rendered SVG charts for the dashboard: no script, no external asset."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from unionxl.portal.db import ACCEPTED, FLAGGED, MISSING, PENDING, REJECTED, STATE_NAMES

#: state → fill; the order is the bar's order, left to right
_FILLS = {ACCEPTED: "#4caf50", FLAGGED: "#ff9800", REJECTED: "#e53935", PENDING: "#90a4ae", MISSING: "#bdbdbd"}
#: state → (label, fill)
STATE_STYLE = {state: (STATE_NAMES[state], fill) for state, fill in _FILLS.items()}


def status_bar(counts: dict[str, int], width: int = 720) -> Markup:
    """One stacked bar of the schools by state, with a legend giving each count."""
    total = sum(counts.values()) or 1
    bar_y, bar_h = 8, 34
    parts, x = [], 0.0
    for state, (label, fill) in STATE_STYLE.items():
        n = counts.get(state, 0)
        if not n:
            continue
        w = width * n / total
        parts.append(f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" fill="{fill}">'
                     f'<title>{escape(label)}：{n}</title></rect>')
        if w >= 28:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{bar_y + 23}" text-anchor="middle" fill="#fff" '
                         f'font-size="14" font-weight="bold">{n}</text>')
        x += w
    legend_x = 0
    for state, (label, fill) in STATE_STYLE.items():
        n = counts.get(state, 0)
        parts.append(f'<rect x="{legend_x}" y="{bar_y + bar_h + 14}" width="12" height="12" fill="{fill}"/>'
                     f'<text x="{legend_x + 17}" y="{bar_y + bar_h + 25}" font-size="13">{escape(label)} {n}</text>')
        legend_x += 140
    return _svg(width, bar_y + bar_h + 34, "各学校提交状态", parts)


def money_bars(rows: Sequence[tuple[str, int, int]], width: int = 720) -> Markup:
    """Income and expense (fen) of each counted school, one pair of bars per school."""
    if not rows:
        return Markup("")
    label_w, row_h = 220, 30
    peak = max(max(i, e) for _, i, e in rows) or 1
    span = width - label_w - 90
    parts = []
    for n, (name, income, expense) in enumerate(rows):
        y = n * row_h + 4
        short = name if len(name) <= 14 else name[:13] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="12">'
                     f'<title>{escape(name)}</title>{escape(short)}</text>')
        for k, (value, fill) in enumerate(((income, "#42a5f5"), (expense, "#ab47bc"))):
            w = max(1.0, span * value / peak)
            parts.append(f'<rect x="{label_w}" y="{y + k * 12}" width="{w:.1f}" height="11" fill="{fill}">'
                         f'<title>{"收入" if k == 0 else "支出"} {value / 100:,.2f} 元</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + k * 12 + 10}" font-size="10">{value / 100:,.0f}</text>')
    legend_y = len(rows) * row_h + 14
    parts.append(f'<rect x="{label_w}" y="{legend_y}" width="12" height="12" fill="#42a5f5"/>'
                 f'<text x="{label_w + 17}" y="{legend_y + 11}" font-size="13">全年收入（元）</text>'
                 f'<rect x="{label_w + 150}" y="{legend_y}" width="12" height="12" fill="#ab47bc"/>'
                 f'<text x="{label_w + 167}" y="{legend_y + 11}" font-size="13">全年支出（元）</text>')
    return _svg(width, legend_y + 20, "计入汇总的学校收支", parts)


def _svg(width: int, height: int, title: str, parts: list[str]) -> Markup:
    return Markup(f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
                  f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif"><title>{escape(title)}</title>'
                  + "".join(parts) + "</svg>")
