"""Where each part of a page goes on a sheet: rows, spans, heights and page breaks, shared by both
sheet renderers.

The xlsxwriter renderer (report files) and the grid renderer (the Excel door) place a page
identically by following :func:`plan`; they differ only in how they draw each placed part.
Spreadsheet apps do not grow rows for wrapped text on load, so heights are computed here, and
so are the page breaks of the report files: a table, a chart or the sign-off block that fits on
one printed page is moved whole to the next page rather than split (its section title goes with
it), which needs an estimate of what one A4 page holds (:func:`page_capacity`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from unionxl.reports.model import MONEY, Chart, Link, Note, Page, Paragraph, Section, SignOffs, Stamp, Status, Table
from unionxl.reports.styles import (
    A4_POINTS, CHART_ROWS, FONT_SIZE, MARGINS, SIGN_BLANK, SIGN_OFF_BLANKS, SIGN_OFF_HEIGHT, STAMP_SIZE, TITLE_HEIGHT
)

LINE_HEIGHT = 16
#: points one column-width unit takes on paper (Excel: 7 pixels a character plus 5, at 0.75 pt a pixel)
POINTS_PER_CHARACTER, COLUMN_PADDING = 5.25, 3.75
#: the part of the printable height the layout fills before it breaks: room for a spreadsheet app
#: that draws rows a little taller than :data:`LINE_HEIGHT`
PAGE_FILL = 0.9
#: a table longer than a page keeps at least its header and this many rows together
ORPHAN_ROWS = 3
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
class Signer:
    """Who signs a sign-off block (“某某工会经费审查委员会（盖章）”)."""

    text: str


@dataclass
class SignDate:
    """The date line under a sign-off block."""

    text: str


@dataclass
class SignLine:
    """One signer's line: “工会主席：张建国” and the blanks to sign (and date, when the block has no date line)."""

    label: str
    blanks: str


@dataclass
class Plan:
    page: Page
    parts: list[Placed] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    #: rows before which a page break goes
    breaks: list[int] = field(default_factory=list)
    rows: int = 0
    #: (first, last) row ranges that print on one page when they fit on one
    groups: list[tuple[int, int]] = field(default_factory=list)
    #: rows that go over to the next page with the group right under them (section titles)
    leads: set[int] = field(default_factory=set)

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
                out.groups.append((row, row + CHART_ROWS))
                row += CHART_ROWS + 1
            elif isinstance(block, SignOffs):
                row += SIGN_OFF_GAP
                first = row
                if block.signer:
                    put(Signer(block.signer), SIGN_OFF_HEIGHT)
                blanks = SIGN_BLANK if block.date else SIGN_OFF_BLANKS
                for line in block.lines:
                    put(SignLine(f"{line.role}：{line.name}", blanks), SIGN_OFF_HEIGHT)
                if block.date:
                    put(SignDate(block.date), SIGN_OFF_HEIGHT)
                out.groups.append((first - SIGN_OFF_GAP, row - 1))
            else:
                raise TypeError(f"unknown block {type(block).__name__}")

    place(page.blocks)
    out.rows = row
    out.leads = {p.row for p in out.parts if isinstance(p.part, SectionTitle)}
    _paginate(out, page_capacity(page))
    return out


def column_points(width: float) -> float:
    """Points a column *width* characters wide takes on paper."""
    return width * POINTS_PER_CHARACTER + COLUMN_PADDING


def page_capacity(page: Page) -> float:
    """Sheet points that print on one A4 page of *page*: fitting the width shrinks the sheet."""
    hints = page.hints
    width, height = reversed(A4_POINTS) if hints.landscape else A4_POINTS
    printable_width = width - (MARGINS["left"] + MARGINS["right"]) * 72
    printable_height = (height - (MARGINS["top"] + MARGINS["bottom"]) * 72) * PAGE_FILL
    sheet_width = sum(column_points(w) for w in page.widths)
    scale = min(1.0, printable_width / sheet_width) if hints.fit_width and sheet_width else 1.0
    return printable_height / scale


def _paginate(out: Plan, capacity: float) -> None:
    """Add a page break before each group that would otherwise be split but fits on a page.

    The rows are laid on pages as a spreadsheet app prints them; a forced break (a table that
    starts a new page) starts a new page; a group that does not fit in what is left of the page
    but fits on a page of its own starts the next one, with the section title right above it.
    """
    def height(r: int) -> float:
        return out.heights.get(r, LINE_HEIGHT)

    starts: dict[int, int] = {}
    for first, last in out.groups:
        while first - 1 in out.leads:  # a section title goes with what follows it
            first -= 1
        starts[first] = max(last, starts.get(first, first))
    forced = set(out.breaks)
    breaks: list[int] = []
    used = 0.0
    for r in range(out.rows):
        if r in forced and r > 0:
            breaks.append(r)
            used = 0.0
        elif r in starts and used > 0:
            need = sum(height(x) for x in range(r, starts[r] + 1))
            if need > capacity:  # it splits anyway: only its head (title, header, a few rows) stays together
                need = sum(height(x) for x in range(r, min(starts[r], r + ORPHAN_ROWS + 2) + 1))
            if used + need > capacity:
                breaks.append(r)
                used = 0.0
        if used + height(r) > capacity:  # the app's own break
            used = 0.0
        used += height(r)
    out.breaks = breaks


def _place_table(out: Plan, table: Table, row: int, widths: list[float]) -> Placed:
    if table.new_page and row > 0:
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
        h = _needed(values, widths)
        if table.row_height is not None:
            h = max(h or 0, table.row_height)
        if h is not None:
            out.heights[row] = h
        row += 1
    if not table.rows and table.empty:
        row += 1
    header.last = row - 1
    if table.total is not None and table.rows:
        header.total = row
        row += 1
    out.parts.append(header)
    out.groups.append((header.row, row - 1))
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
