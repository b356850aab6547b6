"""Where each part of a page goes on a sheet: rows, spans and heights, shared by both sheet renderers.

The xlsxwriter renderer (report files) and the grid renderer (the Excel door) place a page
identically by following :func:`plan`; they differ only in how they draw each placed part.
Spreadsheet apps do not grow rows for wrapped text on load, so heights are computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from unionxl.reports.model import MONEY, Chart, Link, Note, Page, Paragraph, Section, SignOffs, Stamp, Status, Table
from unionxl.reports.styles import CHART_ROWS, FONT_SIZE, SIGN_OFF_HEIGHT, STAMP_SIZE, TITLE_HEIGHT

LINE_HEIGHT = 16
#: room above and below running text in a frame
FRAME_PADDING = 8
#: blank rows above the sign-off lines (room to sign)
SIGN_OFF_GAP = 2
#: the columns of a sign-off line: role and name, then the blanks to sign and date
SIGN_OFF_COLUMNS = (1, 3)


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


def _shown(value: object) -> str | None:
    """The text a cell shows, for sizing its row (numbers never wrap)."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, (Status, Link)) else None


def _needed(values: Sequence[object], widths: Sequence[float]) -> float | None:
    """A row's height when its wrapped text needs more than one line, else None (the default height)."""
    height = row_height([_shown(v) for v in values], widths)
    return height if height > LINE_HEIGHT else None


@dataclass
class Placed:
    """One part of the page at its row (and, for a table, the rows of its body and totals)."""

    row: int
    part: object
    #: tables: the header row is ``row``; body rows first..last (an empty table's note row counts as
    #: first == last); the totals row or None
    first: int = 0
    last: int = -1
    total: int | None = None
    #: charts: the placement of the table they draw
    source: Placed | None = None


@dataclass
class Title:
    text: str


@dataclass
class SectionTitle:
    text: str


@dataclass
class Plan:
    page: Page
    parts: list[Placed] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    #: rows before which a page break goes
    breaks: list[int] = field(default_factory=list)
    rows: int = 0

    def tables(self) -> list[Placed]:
        return [p for p in self.parts if isinstance(p.part, Table)]


def plan(page: Page, charts: bool = True) -> Plan:
    """Place every sheet part of *page* top to bottom; *charts* False leaves no room for charts."""
    out = Plan(page)
    widths = list(page.widths)
    full = sum(widths)
    row = 0

    def put(part: object, height: float | None = None) -> Placed:
        nonlocal row
        placed = Placed(row, part)
        out.parts.append(placed)
        if height:
            out.heights[row] = height
        row += 1
        return placed

    def text_height(text: str, padding: float = 0, size: float = 1) -> float | None:
        lines = wrapped_lines(text, full / size)
        return LINE_HEIGHT * size * lines + padding if lines > 1 or padding else None

    if page.title and not page.hints.title_in_header:
        put(Title(page.title), TITLE_HEIGHT)
    for line in page.lines:
        if line.media.sheet:
            put(line, text_height(line.text))
    stamp_size = STAMP_SIZE / FONT_SIZE  # a stamp's text is larger than the body's
    for stamp in page.stamps:
        if stamp.media.sheet:
            put(stamp, text_height(stamp.text, FRAME_PADDING, stamp_size))
    if row and page.blocks and isinstance(page.blocks[0], Table):
        row += 1  # a blank row between the page's heading and its first table (a section brings its own)
    placed_tables: dict[int, Placed] = {}

    def place(blocks: Sequence[object]) -> None:
        nonlocal row
        for block in blocks:
            if not block.media.sheet:  # type: ignore[attr-defined]
                continue
            if isinstance(block, Section):
                row += 1
                put(SectionTitle(block.title))
                place(block.blocks)
            elif isinstance(block, Table):
                placed_tables[id(block)] = _place_table(out, block, row, widths)
                row = out.rows
            elif isinstance(block, Note):
                put(block, text_height(block.text))
            elif isinstance(block, Stamp):
                put(block, text_height(block.text, FRAME_PADDING, stamp_size))
            elif isinstance(block, Paragraph):
                put(block, text_height(block.text, FRAME_PADDING))
            elif isinstance(block, Chart):
                if not charts:
                    continue
                source = placed_tables.get(id(block.table))
                if source is None:
                    raise ValueError(f"chart “{block.title}” draws a table that is not placed before it")
                out.parts.append(Placed(row + 1, block, source=source))
                row += CHART_ROWS + 1
            elif isinstance(block, SignOffs):
                row += SIGN_OFF_GAP
                for line in block.lines:
                    put(line, SIGN_OFF_HEIGHT)
            else:
                raise TypeError(f"unknown block {type(block).__name__}")

    place(page.blocks)
    out.rows = row
    return out


def _place_table(out: Plan, table: Table, row: int, widths: list[float]) -> Placed:
    if table.keep_together and row > 0:
        above = out.parts[-1] if out.parts else None
        titled = above is not None and isinstance(above.part, SectionTitle) and above.row == row - 1
        out.breaks.append(row - 1 if titled else row)  # a section title goes over to the new page with its table
    titles = [c.title for c in table.columns]
    header = Placed(row, table)
    if (h := _needed(titles, widths)) is not None:
        out.heights[row] = h
    row += 1
    header.first = row
    for values in table.rows:
        if (h := _needed(values, widths)) is not None:
            out.heights[row] = h
        row += 1
    if not table.rows and table.empty:
        row += 1
    header.last = row - 1
    if table.total is not None and table.rows:
        header.total = row
        row += 1
    out.parts.append(header)
    out.rows = row
    return header


def number(value: object, kind: str) -> float:
    """A cell's number on the sheet: fen become 元, everything else as it is."""
    return value / 100 if kind == MONEY else value  # type: ignore[operator,return-value]


def column_sum(table: Table, col: int) -> int:
    """The sum a totals row shows, in the column's own unit (fen for money, summed exactly)."""
    return sum(v for v in (row[col] for row in table.rows) if isinstance(v, int) and not isinstance(v, bool))


def line_spans(parts: int, width: int) -> list[tuple[int, int, str]] | None:
    """Column spans for a header line of several parts (left, centre…, right); None for one part."""
    if parts <= 1 or width < parts:
        return None
    size = width // parts
    spans = []
    for i in range(parts):
        first = i * size
        last = width - 1 if i == parts - 1 else first + size - 1
        align = "left" if i == 0 else "right" if i == parts - 1 else "center"
        spans.append((first, last, align))
    return spans
