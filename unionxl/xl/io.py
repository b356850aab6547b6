"""Reading input sheets from and writing owned sheets to an xlwings Book, in blocks."""

from __future__ import annotations

import xlwings as xw

from unionxl.reading.book import Book
from unionxl.reading.coerce import coerce_book
from unionxl.contract.findings import ERROR, WARNING, Finding
from unionxl.reading.reader import build_tables
from unionxl.contract.schema import FINDINGS_SHEET, INPUT_SHEETS, OUTPUT_SHEETS
from unionxl.reports.grid import Grid, render_grid
from unionxl.reports.model import BAD, Document
from unionxl.reports.styles import TONE_FILLS

MARK_COLOR = TONE_FILLS[BAD]
#: xlwings' Range.set_colors takes at most this many cells per call
MAX_COLOR_CELLS = 10_000
#: more marks than this only slow Excel down; the 校验结果 list still has them all
MAX_MARKS = 300
#: the hidden block in 校验结果 remembering which cells were marked and their old fill
MARKS_COLUMN = 11  # K
OWNED_TITLES = {s.title for s in OUTPUT_SHEETS}


def _sheet_names(book: xw.Book) -> list[str]:
    return [s.name for s in book.sheets]


def read_book(book: xw.Book) -> Book:
    """One values read per input sheet (plus one formulas read where the engine has them).

    Whether the book can serve a button is the load policy's to say (:mod:`unionxl.reading.load`).
    """
    names = _sheet_names(book)
    grids: dict[str, list[list[object]]] = {}
    formulas: dict[str, set[str]] | None = {}
    for spec in INPUT_SHEETS:
        if spec.title not in names:
            continue
        sheet = book.sheets[spec.title]
        last = sheet.used_range.last_cell
        block = sheet.range((1, 1), (last.row, last.column))
        grids[spec.title] = block.options(ndim=2).value
        if formulas is not None and spec.formula_columns:
            try:
                texts = block.formula
            except NotImplementedError:  # the JSON/remote engine carries values only
                formulas = None
                continue
            formulas[spec.title] = {
                f"{xw.utils.col_name(c + 1)}{r + 1}"
                for r, row in enumerate(texts) for c, text in enumerate(row)
                if isinstance(text, str) and text.startswith("=")
            }
    core = coerce_book(build_tables(grids, formulas, source=book.name))
    core.sheet_names = names
    return core


def write_document(book: xw.Book, document: Document) -> None:
    """Each page of *document* into its own sheet of *book*."""
    for page in document.pages:
        write_grid(book, render_grid(page))


def write_grid(book: xw.Book, grid: Grid) -> xw.Sheet:
    """Replace the content of one of unionxl's own sheets with *grid*: one values write, one colour
    write (per 10,000 cells), one call per formatting property of each span."""
    if grid.sheet not in OWNED_TITLES:
        raise ValueError(f"{grid.sheet} is not a sheet unionxl owns")
    if grid.sheet in _sheet_names(book):
        sheet = book.sheets[grid.sheet]
        sheet.clear()
    else:
        sheet = book.sheets.add(grid.sheet, after=book.sheets[len(book.sheets) - 1])
    sheet["A1"].value = grid.values
    _write_fills(sheet, grid.fills)
    for span in grid.spans:
        target = sheet.range((span.top + 1, span.left + 1), (span.bottom + 1, span.right + 1))
        if span.merge:
            target.merge()
        if span.bold:
            target.font.bold = True
        if span.size:
            target.font.size = span.size
        if span.number_format:
            target.number_format = span.number_format
        if span.wrap:
            target.wrap_text = True
        if span.height:
            target.row_height = span.height
        if span.width:
            target.column_width = span.width
    if grid.autofit_rows:
        sheet.autofit("rows")
    return sheet


def _write_fills(sheet: xw.Sheet, fills: dict[tuple[int, int], str]) -> None:
    """The fills as colour matrices over their bounding box (``...`` keeps a cell as it is)."""
    if not fills:
        return
    top, bottom = min(r for r, _ in fills), max(r for r, _ in fills)
    left, right = min(c for _, c in fills), max(c for _, c in fills)
    rows_per_write = max(1, MAX_COLOR_CELLS // (right - left + 1))
    for first in range(top, bottom + 1, rows_per_write):
        last = min(bottom, first + rows_per_write - 1)
        matrix = [[fills.get((r, c), ...) for c in range(left, right + 1)] for r in range(first, last + 1)]
        sheet.range((first + 1, left + 1), (last + 1, right + 1)).set_colors(matrix)


def previous_marks(book: xw.Book) -> list[list[object]]:
    if FINDINGS_SHEET.title not in _sheet_names(book):
        return []
    sheet = book.sheets[FINDINGS_SHEET.title]
    first = sheet.range((1, MARKS_COLUMN))
    if first.value != "标记":
        return []
    return [r for r in first.options(ndim=2, expand="down").resize(None, 3).value[1:] if r and r[0]]


def remark_cells(book: xw.Book, findings: list[Finding], previous: list[list[object]]) -> int:
    """Clear last run's marks (*previous*, restoring the old fill) and mark this run's offending cells.

    The marked cells and their previous fill are kept in a hidden block of 校验结果, so the
    next run restores exactly what was there; no other formatting is touched.
    """
    names = set(_sheet_names(book))
    for title, ref, old in previous:
        if title in names:
            book.sheets[title][ref].color = old or None
    inputs = {s.title for s in INPUT_SHEETS}
    cells: list[tuple[str, str]] = []
    for f in findings:
        sheet, _, ref = f.cell.partition("!")
        if ref and sheet in inputs and f.severity in (ERROR, WARNING) and (sheet, ref) not in cells:
            cells.append((sheet, ref))
    cells = cells[:MAX_MARKS]
    block: list[list[object]] = [["标记", "单元格", "原底色"]]
    for sheet, ref in cells:
        target = book.sheets[sheet][ref]
        try:
            old = target.color
        except NotImplementedError:
            old = None
        block.append([sheet, ref, _hex(old)])
        target.color = MARK_COLOR
    owned = book.sheets[FINDINGS_SHEET.title]
    owned.range((1, MARKS_COLUMN)).value = block
    owned.range((1, MARKS_COLUMN)).resize(1, 3).column_width = 0
    return len(cells)


def _hex(color: object) -> str:
    if isinstance(color, tuple):
        return "#{:02X}{:02X}{:02X}".format(*color)
    return color or ""
