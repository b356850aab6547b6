"""A report as data: what the treasurer reads, built once from core results, drawn by any renderer.

A :class:`Document` is a list of :class:`Page` (one sheet of a workbook, one part of a
Word document): a title, header lines, warning stamps, blocks (sections, tables, notes,
paragraphs, charts, sign-off lines) and print hints. Builders in this package make one
document per report; the renderers beside them (``xlsx`` for files, ``grid`` for the
Excel door, ``terminal`` for the CLI) draw it without knowing which report it is, so a
title, a sign-off line or a repeated header row is a feature of the model, never code in
one report.

Cells hold plain values: text as ``str``, money as integer fen, percentages as fractions
(0.999), dates as ``datetime.date``, counts as ``int``; a ``status`` cell is a
:class:`Status`, a ``link`` cell a :class:`Link`. A ``str`` in a column of another kind
is shown as text (“2 项”, “不得出现”). Every block says on which media it appears: on the
sheet (files and the Excel door) and/or on the screen (the terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

#: column kinds
TEXT, INT, MONEY, PCT, DATE, LINK, STATUS = "text", "int", "money", "pct", "date", "link", "status"
KINDS = (TEXT, INT, MONEY, PCT, DATE, LINK, STATUS)
#: kinds a totals row sums
SUMMED = (INT, MONEY)
#: tones of a status cell or a stamp: each renderer has one colour per tone
GOOD, WARN, BAD, INFO = "good", "warn", "bad", "info"
#: row emphasis in a table: a subtotal line of a form (bold, shaded) and a line left blank (grey)
STRONG, MUTED = "strong", "muted"


@dataclass(frozen=True)
class Status:
    """A verdict cell (通过 / 不通过, 错误 / 警告 …) drawn in its tone's colour."""

    text: str
    tone: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Link:
    """A reference into the master workbook (``会员台账!F12``), shown as *text*.

    The Excel door makes it a HYPERLINK to the cell (the master is the same workbook);
    a report file shows *text* (the master is another file); the terminal shows *ref*.
    A ref without ``!`` (a whole sheet) is never a link.
    """

    ref: str
    text: str = ""

    @property
    def label(self) -> str:
        return self.text or self.ref

    @property
    def is_cell(self) -> bool:
        return "!" in self.ref

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT
    #: False: left out on the terminal, which is narrower than paper
    screen: bool = True
    #: "center" for a tick box or a short code; None: text left, numbers right
    align: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Media:
    """Where a block appears: on the sheet (report files, the Excel door) and on the screen (terminal)."""

    sheet: bool = True
    screen: bool = True


EVERYWHERE = Media()
SHEET_ONLY = Media(screen=False)
SCREEN_ONLY = Media(sheet=False)


@dataclass
class Table:
    columns: Sequence[Column]
    rows: list[list[object]]
    #: a totals row: this label in the first column, SUMs under int and money columns
    total: str | None = None
    #: totals-row values given instead of a SUM (a rate is not a sum of rates), by column index
    total_values: dict[int, object] = field(default_factory=dict)
    #: what the body says when there are no rows
    empty: str = ""
    #: print hint: repeat this table's header row on every printed page
    repeat_header: bool = False
    #: list hints: an autofilter on the header, and freeze panes under it (with this many columns)
    filter: bool = False
    freeze_columns: int | None = None
    #: print hint: start the table on a new page (its section title goes with it). Without it a
    #: table shorter than a page still never splits: it moves to the next page when it does not fit
    new_page: bool = False
    #: row emphasis by body row index: STRONG (a form's subtotal line) or MUTED (a line left blank)
    emphasis: dict[int, str] = field(default_factory=dict)
    #: print hint: the height of every body row in points (room to sign by hand), else as the text needs
    row_height: float | None = None
    media: Media = EVERYWHERE

    def __post_init__(self) -> None:
        width = len(self.columns)
        texts = [i for i, c in enumerate(self.columns) if c.kind == TEXT]
        if any(tone not in (STRONG, MUTED) for tone in self.emphasis.values()):
            raise ValueError(f"unknown row emphasis in {self.emphasis!r}")
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} cells in a table of {width} columns: {row!r}")
            for i in texts:  # a number where text belongs is a caller's mistake (a pack's title = 123), not a cell
                if not isinstance(row[i], (str, Status, Link, type(None))):
                    raise TypeError(f"column {self.columns[i].title!r} holds {row[i]!r}, not text")

    def screen_columns(self) -> list[int]:
        """The columns the terminal shows."""
        return [i for i, c in enumerate(self.columns) if c.screen]


@dataclass(frozen=True)
class Note:
    """A one-line remark under a table or a section title (grey on paper)."""

    text: str
    media: Media = EVERYWHERE


@dataclass(frozen=True)
class Paragraph:
    """A block of running text in a frame (the 年度工作总结 draft)."""

    text: str
    media: Media = EVERYWHERE


@dataclass(frozen=True)
class Stamp:
    """A visible warning block (“本表不得作为审核依据”): framed, in its tone's colour, never overlooked."""

    text: str
    tone: str = BAD
    media: Media = EVERYWHERE


@dataclass(frozen=True)
class Series:
    name: str
    column: int
    color: str


@dataclass
class Chart:
    """A native chart over the cells of one table of the same page.

    ``horizontal`` draws bars (categories listed top-down in table order), else columns;
    ``rows`` limits the chart to those body rows of the table, in table order (a refund row
    with a negative amount, say, is left out rather than drawn as a bar pointing the other way).
    Every category is labelled.
    """

    title: str
    table: Table
    categories: int
    series: Sequence[Series]
    horizontal: bool = False
    rows: Sequence[int] | None = None
    media: Media = SHEET_ONLY

    def plotted(self) -> list[int]:
        """The body rows the chart draws."""
        return sorted(self.rows) if self.rows is not None else list(range(len(self.table.rows)))


@dataclass(frozen=True)
class SignOff:
    """One sign-off line of a form: role and name, then room to sign and date by hand."""

    role: str
    name: str = ""


@dataclass
class SignOffs:
    """The sign-off block of a form: who signs (“某某工会经费审查委员会（盖章）”), one line per
    signer, and the date line (“2026年1月15日”, or blanks to fill in by hand)."""

    lines: Sequence[SignOff]
    signer: str = ""
    date: str = ""
    media: Media = SHEET_ONLY


Block = Union[Table, Note, Paragraph, Stamp, Chart, SignOffs, "Section"]


@dataclass
class Section:
    """A titled part of a page (一、会员情况 …) holding blocks in reading order."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    media: Media = EVERYWHERE


@dataclass(frozen=True)
class Line:
    """A header line under the title; several parts are spread across the width (left, centre…, right),
    as in “编制单位：某某工会    2025年度    金额单位：元”."""

    parts: tuple[str, ...]
    media: Media = EVERYWHERE

    @classmethod
    def of(cls, *parts: str, media: Media = EVERYWHERE) -> Line:
        return cls(tuple(parts), media)

    @property
    def text(self) -> str:
        return "    ".join(self.parts)


@dataclass(frozen=True)
class PrintHints:
    landscape: bool = False
    #: shrink to the paper's width (height runs on to as many pages as needed)
    fit_width: bool = True
    #: put the title in the printed page header instead of a row (for list sheets whose first row is the header)
    title_in_header: bool = False
    #: repeat every row from the top of the page down to the first repeated table header on each
    #: printed page (a receipt list: its title and distribution line stand above every page)
    repeat_heading: bool = False


@dataclass
class Page:
    """One sheet of a workbook (one part of a document): named, titled, laid out top to bottom."""

    name: str
    title: str | None
    widths: Sequence[float]
    lines: list[Line] = field(default_factory=list)
    stamps: list[Stamp] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    hints: PrintHints = PrintHints()

    @property
    def width(self) -> int:
        return len(self.widths)

    def tables(self) -> list[Table]:
        """Every table of the page in reading order, sections included."""
        return [b for b in walk(self.blocks) if isinstance(b, Table)]


@dataclass
class Document:
    title: str
    pages: list[Page]


def walk(blocks: Sequence[Block]) -> list[Block]:
    """Blocks in reading order with sections opened (the section itself first)."""
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, Section):
            out += walk(block.blocks)
    return out
