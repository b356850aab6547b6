"""The Word renderer: a :class:`~unionxl.reports.model.Document` as a new .docx, through python-docx.

The fourth renderer beside xlsx, grid and terminal, and like them it knows nothing of the
report: a page's title is the centred heading, its header lines stand under it, a section is
a bold heading, running text is an indented paragraph a committee edits, a table is a Word
table with a totals row, a sign-off block is right-aligned with room to sign and the date.
Text is 仿宋 and headings 黑体 on A4 (the look of a Chinese official document); money is
shown in 元 with two decimals. Written atomically, never over *source*.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from unionxl.contract.money import format_yuan
from unionxl.files.safeio import atomic_output
from unionxl.reports.layout import column_sum
from unionxl.reports.model import (
    DATE, INT, MONEY, PCT, SUMMED, Chart, Document, Line, Link, Note, Page, Paragraph, Section, SignOffs, Stamp,
    Status, Table
)
from unionxl.reports.styles import NOTE_COLOR, SIGN_BLANK, STAMP_COLOR

BODY_FONT, HEADING_FONT = "仿宋", "黑体"
BODY_SIZE, TITLE_SIZE, HEADING_SIZE, SMALL_SIZE = 12, 16, 12, 10.5
#: first-line indent of running text: two characters
INDENT = Pt(BODY_SIZE * 2)
_NOTE_RGB = RGBColor.from_string(NOTE_COLOR.lstrip("#"))
_STAMP_RGB = RGBColor.from_string(STAMP_COLOR.lstrip("#"))


def cell_text(value: object, kind: str) -> str:
    """What a table cell shows on paper."""
    if value is None or value == "":
        return ""
    if isinstance(value, (Status, Link, str)):
        return str(value)
    if kind == MONEY:
        return format_yuan(value)  # type: ignore[arg-type]
    if kind == PCT:
        return f"{value:.1%}"
    if kind == DATE and isinstance(value, dt.date):
        return value.isoformat()
    if kind == INT:
        return f"{value:,}"
    return str(value)


def _font(run, name: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False, color: RGBColor | None = None):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color
    return run


class _Writer:
    def __init__(self) -> None:
        self.doc = new_docx()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.6)
        section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(BODY_SIZE)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    def text(self, text: str, align=None, indent: bool = False, **font) -> None:
        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        fmt = p.paragraph_format
        fmt.space_after = Pt(4)
        fmt.line_spacing = 1.5
        if indent:
            fmt.first_line_indent = INDENT
        _font(p.add_run(text), **font)

    def page(self, page: Page, first: bool) -> None:
        if not first:
            self.doc.add_page_break()
        if page.title:
            self.text(page.title, WD_ALIGN_PARAGRAPH.CENTER, name=HEADING_FONT, size=TITLE_SIZE, bold=True)
        for line in page.lines:
            self.line(line)
        for stamp in page.stamps:
            self.stamp(stamp)
        for block in page.blocks:
            self.block(block)

    def line(self, line: Line) -> None:
        if line.media.sheet:
            self.text(line.text, WD_ALIGN_PARAGRAPH.CENTER, size=SMALL_SIZE, color=_NOTE_RGB)

    def stamp(self, stamp: Stamp) -> None:
        if stamp.media.sheet:
            self.text(stamp.text, WD_ALIGN_PARAGRAPH.CENTER, name=HEADING_FONT, bold=True, color=_STAMP_RGB)

    def block(self, block: object) -> None:
        if not block.media.sheet:  # type: ignore[attr-defined]
            return
        if isinstance(block, Section):
            self.text(block.title, name=HEADING_FONT, size=HEADING_SIZE, bold=True)
            for inner in block.blocks:
                self.block(inner)
        elif isinstance(block, Paragraph):
            self.text(block.text, indent=True)
        elif isinstance(block, Note):
            self.text(block.text, size=SMALL_SIZE, color=_NOTE_RGB)
        elif isinstance(block, Stamp):
            self.stamp(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, SignOffs):
            self.sign_offs(block)
        elif isinstance(block, Chart):
            pass  # a chart is drawn by the spreadsheet renderers; its table is on the page
        else:
            raise TypeError(f"unknown block {type(block).__name__}")

    def table(self, table: Table) -> None:
        rows = table.rows or ([[table.empty] + [""] * (len(table.columns) - 1)] if table.empty else [])
        total = table.total is not None and table.rows
        grid = self.doc.add_table(rows=1 + len(rows) + (1 if total else 0), cols=len(table.columns))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        numeric = [c.kind in (MONEY, PCT, INT) for c in table.columns]

        def put(r: int, c: int, text: str, bold: bool = False) -> None:
            p = grid.rows[r].cells[c].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric[c] and r else WD_ALIGN_PARAGRAPH.LEFT if r else \
                WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(text), size=SMALL_SIZE, bold=bold)

        for c, column in enumerate(table.columns):
            put(0, c, column.title, bold=True)
        for r, values in enumerate(rows, 1):
            for c, (value, column) in enumerate(zip(values, table.columns)):
                put(r, c, cell_text(value, column.kind))
        if total:
            last = len(rows) + 1
            put(last, 0, table.total or "", bold=True)
            for c, column in enumerate(table.columns[1:], start=1):
                value = table.total_values.get(c, column_sum(table, c) if column.kind in SUMMED else None)
                put(last, c, cell_text(value, column.kind), bold=True)
        if table.repeat_header:
            grid.rows[0]._tr.get_or_add_trPr().append(_element("w:tblHeader"))

    def sign_offs(self, block: SignOffs) -> None:
        self.text("")
        right = WD_ALIGN_PARAGRAPH.RIGHT
        if block.signer:
            self.text(block.signer, right)
        for line in block.lines:
            self.text(f"{line.role}：{line.name}{'　' if line.name else ''}{SIGN_BLANK.split('：', 1)[-1]}", right)
        if block.date:
            self.text(block.date, right)


def _element(tag: str):
    from docx.oxml import OxmlElement

    return OxmlElement(tag)


def write_docx(path: Path, document: Document, source: Path | None = None) -> None:
    """Write *document* to a new Word file at *path*, atomically; refuses to replace *source*."""
    writer = _Writer()
    writer.doc.core_properties.title = document.title
    writer.doc.core_properties.author = "unionxl"
    for i, page in enumerate(document.pages):
        writer.page(page, first=i == 0)
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    with atomic_output(Path(path), protect=source) as tmp:
        _write_reproducibly(buffer, tmp)


#: every part's time stamp in the .docx zip (python-docx stamps the clock's, so the same report
#: written twice had two sha256 in manifest.json); the zip format's own epoch
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _write_reproducibly(package: io.BytesIO, target: Path) -> None:
    """Copy the zip in *package* to *target* with fixed part times, so equal reports are equal bytes."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, _ZIP_EPOCH)
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            out.writestr(fixed, source.read(info))
