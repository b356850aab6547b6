"""The report-file renderer: a :class:`~unionxl.reports.model.Document` as a new .xlsx, through xlsxwriter.

Every page becomes a sheet laid out by :func:`unionxl.reports.layout.plan`, styled from
:mod:`unionxl.reports.styles`, printable on A4. Money is written as 元 numbers; a totals
row holds live SUM formulas whose cached results are the core's figures, so a viewer that
does not recalculate still shows them. Text is always written as text, never as a formula.
The file is written atomically and never replaces *source* (the master it was made from).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from unionxl.contract.schema import column_letter, quote_sheet
from unionxl.files.safeio import atomic_output
from unionxl.reports import styles
from unionxl.reports.layout import (
    SIGN_OFF_COLUMNS, Placed, Plan, SectionTitle, SignDate, Signer, SignLine, Title, column_sum, line_spans, number, plan
)
from unionxl.reports.model import (
    DATE, MUTED, STATUS, STRONG, SUMMED, TEXT, Chart, Column, Document, Line, Link, Note, Page, Paragraph, Stamp,
    Status, Table
)

#: the look of an emphasised table row: a form's subtotal line, a line left blank
EMPHASIS = {STRONG: {"bold": True, "bg_color": styles.TOTAL_FILL},
            MUTED: {"font_color": styles.MUTED_COLOR, "bg_color": styles.FORMULA_FILL}}


class Formats:
    """xlsxwriter formats are per workbook: each combination of properties is made once."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple, object] = {}

    def get(self, **props: object):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(dict(styles.BASE, **props))
        return self._cache[key]

    def cell(self, kind: str, **extra: object):
        """A bordered table cell of *kind*: text wraps, numbers take their number format."""
        props: dict[str, object] = {"border": 1, "valign": "top"}
        if kind in styles.NUMBER_FORMATS:
            props["num_format"] = styles.NUMBER_FORMATS[kind]
        else:
            props["text_wrap"] = True
        return self.get(**props, **extra)


class _Aligned:
    """The cell formats of one column, with the column's own alignment."""

    def __init__(self, formats: Formats, align: str | None) -> None:
        self.formats, self.extra = formats, {"align": align} if align else {}

    def cell(self, kind: str, **extra: object):
        return self.formats.cell(kind, **self.extra, **extra)


def write_xlsx(path: Path, document: Document, source: Path | None = None) -> None:
    """Write *document* to a new workbook at *path*, atomically; refuses to replace *source*."""
    with atomic_output(Path(path), protect=source) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": document.title, "created": styles.DOC_DATE})
        formats = Formats(wb)
        for page in document.pages:
            _PageWriter(wb, formats, page).write()
        wb.close()


class _PageWriter:
    def __init__(self, wb: Workbook, formats: Formats, page: Page) -> None:
        self.wb, self.f, self.page = wb, formats, page
        self.ws: Worksheet = wb.add_worksheet(page.name)
        self.last = page.width - 1
        #: the next hidden column right of the page a chart may gather its cells into
        self.spare = page.width

    def write(self) -> None:
        page, ws = self.page, self.ws
        for c, width in enumerate(page.widths):
            ws.set_column(c, c, width)
        layout = plan(page)
        for placed in layout.parts:
            self._draw(placed)
        for row, height in layout.heights.items():
            ws.set_row(row, height)
        if layout.breaks:
            ws.set_h_pagebreaks(layout.breaks)
        self._list_hints(layout)
        hints = page.hints
        styles.setup_page(ws, hints.landscape, page.title if hints.title_in_header else None, hints.fit_width)
        ws.hide_gridlines(2)

    def _list_hints(self, layout: Plan) -> None:
        tables = layout.tables()
        repeat = next((t for t in tables if t.part.repeat_header), None)
        if repeat is not None:
            self.ws.repeat_rows(0 if self.page.hints.repeat_heading else repeat.row, repeat.row)
        for t in tables:
            table: Table = t.part
            if table.filter:
                self.ws.autofilter(t.row, 0, max(t.last, t.row + 1), len(table.columns) - 1)
            if table.freeze_columns is not None:
                self.ws.freeze_panes(t.row + 1, table.freeze_columns)

    def _merged(self, row: int, text: str, fmt, first: int = 0, last: int | None = None) -> None:
        last = self.last if last is None else last
        if last > first:
            self.ws.merge_range(row, first, row, last, text, fmt)
        else:
            self.ws.write_string(row, first, text, fmt)

    def _draw(self, placed: Placed) -> None:
        part, row, f = placed.part, placed.row, self.f
        if isinstance(part, Title):
            self._merged(row, part.text, f.get(bold=True, font_size=styles.TITLE_SIZE, align="center",
                                               valign="vcenter"))
        elif isinstance(part, Line):
            self._line(row, part)
        elif isinstance(part, Note):
            self._merged(row, part.text, f.get(font_color=styles.NOTE_COLOR, valign="vcenter", text_wrap=True))
        elif isinstance(part, SectionTitle):
            self._merged(row, part.text, f.get(bold=True, font_size=styles.SECTION_SIZE, bottom=2, valign="vcenter"))
        elif isinstance(part, Stamp):
            self._merged(row, part.text, f.get(bold=True, font_size=styles.STAMP_SIZE, font_color=styles.STAMP_COLOR,
                                               text_wrap=True, border=2, border_color=styles.STAMP_COLOR,
                                               bg_color=styles.TONE_FILLS[part.tone], align="center",
                                               valign="vcenter"))
        elif isinstance(part, Paragraph):
            self._merged(row, part.text, f.get(text_wrap=True, valign="top", border=1))
        elif isinstance(part, Table):
            self._table(placed)
        elif isinstance(part, Chart):
            self._chart(placed)
        elif isinstance(part, SignLine):
            self.ws.write_string(row, SIGN_OFF_COLUMNS[0], part.label, f.get(bold=True, valign="vcenter"))
            self.ws.write_string(row, SIGN_OFF_COLUMNS[1], part.blanks, f.get(valign="vcenter"))
        elif isinstance(part, Signer):
            self.ws.write_string(row, SIGN_OFF_COLUMNS[0], part.text, f.get(bold=True, valign="vcenter"))
        elif isinstance(part, SignDate):
            self.ws.write_string(row, SIGN_OFF_COLUMNS[1], part.text, f.get(valign="vcenter"))

    def _line(self, row: int, line: Line) -> None:
        spans = line_spans(len(line.parts), self.page.width)
        if spans is None:
            self._merged(row, line.text, self.f.get(font_color=styles.NOTE_COLOR, valign="vcenter", text_wrap=True))
            return
        for (first, last, align), text in zip(spans, line.parts):
            self._merged(row, text, self.f.get(font_color=styles.NOTE_COLOR, valign="vcenter", align=align), first,
                         last)

    def _table(self, placed: Placed) -> None:
        table: Table = placed.part
        ws, f = self.ws, self.f
        head = f.get(bold=True, border=1, bg_color=styles.HEADER_FILL, align="center", valign="top", text_wrap=True)
        for c, column in enumerate(table.columns):
            ws.write_string(placed.row, c, column.title, head)
        for i, values in enumerate(table.rows):
            extra = EMPHASIS.get(table.emphasis.get(i, ""), {})
            for c, (value, column) in enumerate(zip(values, table.columns)):
                self._cell(placed.first + i, c, value, column, **extra)
        if not table.rows and table.empty:
            self._merged(placed.first, table.empty, f.cell(TEXT), 0, len(table.columns) - 1)
        if placed.total is not None:
            self._total(placed)

    def _cell(self, row: int, col: int, value: object, column: Column, **extra: object) -> None:
        ws = self.ws
        f = _Aligned(self.f, column.align)
        if value is None or value == "":
            ws.write_blank(row, col, None, f.cell(column.kind, **extra))
        elif isinstance(value, Status):
            ws.write_string(row, col, value.text, f.cell(STATUS, **{**extra, "bold": True,
                                                                     "bg_color": styles.TONE_FILLS[value.tone]}))
        elif isinstance(value, (str, Link)):
            ws.write_string(row, col, str(value), f.cell(TEXT, **extra))
        elif column.kind == DATE:
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), f.cell(DATE, **extra))  # type: ignore[arg-type]
        else:
            ws.write_number(row, col, number(value, column.kind), f.cell(column.kind, **extra))  # type: ignore[arg-type]

    def _total(self, placed: Placed) -> None:
        table: Table = placed.part
        ws, f, row = self.ws, self.f, placed.total
        fill = {"bold": True, "bg_color": styles.TOTAL_FILL}
        ws.write_string(row, 0, table.total or "", f.cell(TEXT, **fill))
        for c, column in enumerate(table.columns[1:], start=1):
            if c in table.total_values:
                value = table.total_values[c]
                if value is None:
                    ws.write_blank(row, c, None, f.cell(column.kind, **fill))
                else:
                    ws.write_number(row, c, number(value, column.kind), f.cell(column.kind, **fill))
            elif column.kind in SUMMED:
                letter = column_letter(c)
                ws.write_formula(row, c, f"=SUM({letter}{placed.first + 1}:{letter}{placed.last + 1})",
                                 f.cell(column.kind, **fill), number(column_sum(table, c), column.kind))
            else:
                ws.write_blank(row, c, None, f.cell(TEXT, **fill))

    def _chart(self, placed: Placed) -> None:
        chart: Chart = placed.part
        rows = [placed.source.first + r for r in chart.plotted()]
        columns = [chart.categories, *(s.column for s in chart.series)]
        xl = self.wb.add_chart({"type": "bar" if chart.horizontal else "column"})
        if rows == list(range(rows[0], rows[-1] + 1)):
            ranges = {c: self._range(rows[0], rows[-1], c) for c in columns}
        else:  # rows left out (a refund): the plotted cells gathered into one contiguous block
            ranges = self._gathered(placed, rows, columns)
            xl.show_hidden_data()
        for s in chart.series:
            xl.add_series({"name": s.name, "categories": ranges[chart.categories], "values": ranges[s.column],
                           "fill": {"color": s.color}})
        xl.set_title({"name": chart.title})
        # every category labelled (interval 1), small enough to fit. xlsxwriter's y axis of a bar
        # chart is its category axis: reversed, the bars read top-down in table order, and the value
        # axis crosses at the last category, so it stays at the bottom and reads 0 → max
        labels = {"interval_unit": 1, "num_font": {"size": 8}}
        if chart.horizontal:
            xl.set_y_axis({"reverse": True, "crossing": "max", **labels})
        else:
            xl.set_x_axis(labels)
        xl.set_size(styles.CHART_SIZE)
        xl.set_legend({"position": "bottom"})
        self.ws.insert_chart(placed.row, 0, xl)

    def _range(self, first: int, last: int, col: int) -> str:
        letter = column_letter(col)
        return f"={quote_sheet(self.page.name)}!${letter}${first + 1}:${letter}${last + 1}"

    def _gathered(self, placed: Placed, rows: list[int], columns: list[int]) -> dict[int, str]:
        """A chart that leaves table rows out draws from references to its cells (``=A87``) in
        hidden columns right of the page, one contiguous range per column: a chart over a
        several-area range has no cached values, and viewers that do not recalculate draw nothing.
        """
        chart: Chart = placed.part
        ranges = {}
        for col in columns:
            spare, kind = self.spare, chart.table.columns[col].kind
            self.spare += 1
            self.ws.set_column(spare, spare, None, None, {"hidden": True})
            for k, r in enumerate(rows):
                value = chart.table.rows[r - placed.source.first][col]
                cached = number(value, kind) if isinstance(value, int) else str(value)
                self.ws.write_formula(placed.row + k, spare, f"={column_letter(col)}{r + 1}", None, cached)
            ranges[col] = self._range(placed.row, placed.row + len(rows) - 1, spare)
        return ranges
