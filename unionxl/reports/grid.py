"""The Excel door's renderer: a page as one 2-D block of values plus a few formatting spans.

The xlwings front door writes the values with one range write, the fills with one
colour-matrix write, and each :class:`Span` with one call per property, so the cost in
Excel calls depends on the report's shape, never on the number of rows. The page is
placed exactly as in the report file (:func:`unionxl.reports.layout.plan`), without
charts (the door cannot draw them). User text that Excel would parse as a formula
(= + - @) gets a leading apostrophe; the only formulas are the HYPERLINK cells of link
columns, which jump to the cell in the same workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from unionxl.contract.schema import quote_sheet
from unionxl.files.safeio import FORMULA_TRIGGERS
from unionxl.reports import styles
from unionxl.reports.layout import (
    SIGN_OFF_COLUMNS, Placed, SectionTitle, SignDate, Signer, SignLine, Title, column_sum, line_spans, number, plan
)
from unionxl.reports.model import (
    INT, MUTED, STRONG, SUMMED, Column, Line, Link, Note, Page, Paragraph, Stamp, Status, Table
)

#: the fill of an emphasised table row (a form's subtotal line, a line left blank)
EMPHASIS_FILLS = {STRONG: styles.TOTAL_FILL, MUTED: styles.FORMULA_FILL}


@dataclass(frozen=True)
class Span:
    """A rectangle (0-based, inclusive) and what to set on it; each property set is one Excel call."""

    top: int
    left: int
    bottom: int
    right: int
    bold: bool = False
    size: float | None = None
    number_format: str | None = None
    wrap: bool = False
    merge: bool = False
    height: float | None = None
    width: float | None = None


@dataclass
class Grid:
    sheet: str
    values: list[list[object]]
    #: fill colour per (row, column)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    #: rows hold wrapped table text: let Excel fit their heights
    autofit_rows: bool = False


def as_text(value: object) -> object:
    """User text that Excel would parse as a formula gets a leading apostrophe (stored as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def hyperlink(link: Link) -> object:
    """A HYPERLINK formula that jumps to ``会员台账!F12`` inside the same workbook; a whole sheet stays text."""
    if not link.is_cell:
        return as_text(link.label)
    sheet, _, ref = link.ref.partition("!")
    label = link.label.replace('"', '""')
    return f'=HYPERLINK("#{quote_sheet(sheet)}!{ref}","{label}")'


def cell_value(value: object, column: Column) -> object:
    """What the door writes into one cell: 元 for fen, text for verdicts, links as HYPERLINK formulas."""
    if value is None:
        return ""
    if isinstance(value, Status):
        return value.text
    if isinstance(value, Link):
        return hyperlink(value)
    if isinstance(value, str):
        return as_text(value)
    if isinstance(value, dt.date):
        return value
    return number(value, column.kind)


def render_grid(page: Page) -> Grid:
    layout = plan(page, charts=False)
    width = page.width
    grid = Grid(page.name, [[""] * width for _ in range(layout.rows)])
    bold_rows: list[int] = []
    for placed in layout.parts:
        _draw(grid, placed, width, bold_rows)
        if isinstance(placed.part, Table) and any(placed.first <= r <= placed.last for r in layout.heights):
            last = placed.total if placed.total is not None else placed.last
            grid.spans.append(Span(placed.first, 0, last, len(placed.part.columns) - 1, wrap=True))
            grid.autofit_rows = True
    for row, height in layout.heights.items():
        part = next((p.part for p in layout.parts if p.row == row), None)
        if isinstance(part, (Paragraph, Stamp)):
            grid.spans.append(Span(row, 0, row, width - 1, merge=True, wrap=True, height=height))
    for top, bottom in _runs(bold_rows):
        grid.spans.append(Span(top, 0, bottom, width - 1, bold=True))
    for first, last, w in _runs_of(list(page.widths)):
        grid.spans.append(Span(0, first, 0, last, width=w))
    return grid


def _draw(grid: Grid, placed: Placed, width: int, bold_rows: list[int]) -> None:
    part, row, values = placed.part, placed.row, grid.values
    if isinstance(part, Title):
        values[row][0] = as_text(part.text)
        grid.spans.append(Span(row, 0, row, 0, size=styles.TITLE_SIZE))
        bold_rows.append(row)
    elif isinstance(part, Line):
        spans = line_spans(len(part.parts), width) or [(0, width - 1, "left")]
        texts = part.parts if len(spans) == len(part.parts) else (part.text,)
        for (first, _, _), text in zip(spans, texts):
            values[row][first] = as_text(text)
    elif isinstance(part, SectionTitle):
        values[row][0] = as_text(part.text)
        bold_rows.append(row)
    elif isinstance(part, (Note, Paragraph)):
        values[row][0] = as_text(part.text)
    elif isinstance(part, Stamp):
        values[row][0] = as_text(part.text)
        grid.fills[(row, 0)] = styles.TONE_FILLS[part.tone]
    elif isinstance(part, Table):
        _table(grid, placed)
        bold_rows.append(row)
        bold_rows += [placed.first + i for i, tone in part.emphasis.items() if tone == STRONG]
    elif isinstance(part, SignLine):
        role, blanks = SIGN_OFF_COLUMNS
        values[row][role] = as_text(part.label)
        values[row][blanks] = part.blanks
    elif isinstance(part, Signer):
        values[row][SIGN_OFF_COLUMNS[0]] = as_text(part.text)
        bold_rows.append(row)
    elif isinstance(part, SignDate):
        values[row][SIGN_OFF_COLUMNS[1]] = as_text(part.text)


def _table(grid: Grid, placed: Placed) -> None:
    table: Table = placed.part
    values, fills = grid.values, grid.fills
    for c, column in enumerate(table.columns):
        values[placed.row][c] = as_text(column.title)
        fills[(placed.row, c)] = styles.HEADER_FILL
    for r, row in enumerate(table.rows, start=placed.first):
        emphasis = EMPHASIS_FILLS.get(table.emphasis.get(r - placed.first, ""))
        for c, (value, column) in enumerate(zip(row, table.columns)):
            values[r][c] = cell_value(value, column)
            if isinstance(value, Status):
                fills[(r, c)] = styles.TONE_FILLS[value.tone]
            elif emphasis:
                fills[(r, c)] = emphasis
    if not table.rows and table.empty:
        values[placed.first][0] = as_text(table.empty)
    if placed.total is not None:
        total = values[placed.total]
        total[0] = as_text(table.total or "")
        for c, column in enumerate(table.columns):
            fills[(placed.total, c)] = styles.TOTAL_FILL
            if c in table.total_values:
                value = table.total_values[c]
                total[c] = "" if value is None else number(value, column.kind)
            elif c and column.kind in SUMMED:
                total[c] = number(column_sum(table, c), column.kind)
    if not table.rows:
        return
    last = placed.total if placed.total is not None else placed.last
    for first, end, kind in _runs_of([c.kind for c in table.columns]):
        if kind in styles.NUMBER_FORMATS and kind != INT:  # counts read well in General
            grid.spans.append(Span(placed.first, first, last, end, number_format=styles.NUMBER_FORMATS[kind]))


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs."""
    out: list[tuple[int, int]] = []
    for r in sorted(set(rows)):
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _runs_of(items: list) -> list[tuple[int, int, object]]:
    """Runs of equal neighbours as (first, last, item)."""
    out: list[tuple[int, int, object]] = []
    for i, item in enumerate(items):
        if out and out[-1][2] == item:
            out[-1] = (out[-1][0], i, item)
        else:
            out.append((i, i, item))
    return out

