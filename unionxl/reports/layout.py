"""Print layout helpers: spreadsheet apps do not grow rows for wrapped text on load."""

from __future__ import annotations

from collections.abc import Sequence

LINE_HEIGHT = 16


def display_width(text: str) -> int:
    """Columns a string takes: a CJK character counts two, and so do curly quotes, which CJK fonts draw full width."""
    return sum(2 if ord(ch) > 0x2E7F or 0x2018 <= ord(ch) <= 0x201F else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines *text* needs in a column *width* characters wide (Excel's column-width unit)."""
    usable = max(1, int(width) - 1)
    return sum(max(1, -(-display_width(part) // usable)) for part in text.split("\n"))


def row_height(values: Sequence[object], widths: Sequence[float]) -> float:
    lines = max((wrapped_lines(v, w) for v, w in zip(values, widths) if isinstance(v, str)), default=1)
    return LINE_HEIGHT * lines
