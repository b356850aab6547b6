"""What unionxl reads from a sheet's XML itself, besides the values python-calamine gives.

One scan of each input sheet's XML (as bytes, never decoded) finds the cells that hold a
formula and those that hold an error value (calamine sees neither), the merged ranges, and
whether the sheet's used range is out of all proportion to the cells in it (a stray cell at
XFD2000 makes calamine build a dense grid of 32 million cells). Such a sparse sheet is
rewritten, here, to its cells that hold data with the empty rows and columns squeezed out,
and calamine reads that: memory stays proportional to the cells that hold data, and calamine
still interprets every value (shared strings, styles, dates) exactly as for any other sheet.

Valid OOXML in every form Excel reads: transitional or Strict namespaces, any namespace
prefix, attributes in any order or quoting, white space between elements, and cells or rows
without their optional ``r`` reference (positions follow from the order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: a cell formula: ``<f>`` is a cell's first child (CT_Cell: f, v, is, extLst)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)<")
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?["']""")
_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
#: a reference of two letters and a digit (group 2), or of three letters (a column past ZZ)
_TWO_LETTERS_OR_WIDE = re.compile(rb""" r=["']([A-Z]{2})([A-Z]|\d)""")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_HOLDS_DATA = re.compile(rb"<(?:\w+:)?(?:v>[^<]|is[\s>])")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b[^>]*?(?:/>|>)")

#: a sheet whose used range (rows × columns) exceeds this many times its cells, plus a
#: floor, is read sparsely; a dense sheet's range is its cells plus a few empty ones
SPARSE_FACTOR = 4
SPARSE_FLOOR = 100_000


def column_index(letters: bytes | str) -> int:
    """0-based index of column letters (A → 0, XFD → 16383)."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass
class Merge:
    """A merged range: 1-based rows, 0-based columns, inclusive."""

    top: int
    left: int
    bottom: int
    right: int


@dataclass
class SheetScan:
    #: references (``J12``) of the cells holding a formula
    formulas: set[str] = field(default_factory=set)
    #: (reference, error text) of the cells holding an error value
    errors: list[tuple[str, str]] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    #: the used range is far larger than the cells: read it through :func:`compact`
    sparse: bool = False


#: a cell's start tag with r="…" first, as Excel, LibreOffice, WPS, openpyxl and xlsxwriter write it
_TAG_R_FIRST = re.compile(rb"""<(?:\w+:)?c r="([A-Z]{1,3}\d+)"([^>]*)>\s*""")


def scan(xml: bytes) -> SheetScan:
    """Formulas, error cells, merges and the shape of one sheet.

    The usual sheet, every cell tag starting ``<c r="…"``, is scanned with C-level searches
    for its few ``<f>`` and ``t="e"``; any other form (attributes in another order or quoting,
    cells without references) is walked cell by cell, which is slower but exact.
    """
    root = _ROOT.search(xml)
    prefix = root.group(1) or b"" if root else b""
    tag = b"<" + prefix + b"c"
    cells = xml.count(tag + b" ")
    result = SheetScan(merges=_merges(xml) if b"mergeCell" in xml else [])
    if xml.count(tag + b' r="') < cells or xml.find(tag + b">") != -1:
        _scan_cell_by_cell(xml, result)
        return result
    result.formulas = _formula_refs(xml, prefix, tag + b' r="')
    result.errors = _error_cells(xml, prefix, tag + b' r="') if b't="e"' in xml else []
    height = _last_row(xml, prefix)
    width = _width(xml)
    result.sparse = width is None or height * width > SPARSE_FACTOR * cells + SPARSE_FLOOR
    return result


def _cell_before(xml: bytes, start_tag: bytes, pos: int) -> re.Match[bytes] | None:
    """The start tag of the cell that encloses *pos* (r first), or None."""
    start = xml.rfind(start_tag, 0, pos)
    return _TAG_R_FIRST.match(xml, start) if start != -1 else None


def _formula_refs(xml: bytes, prefix: bytes, start_tag: bytes) -> set[str]:
    refs: set[str] = set()
    for m in re.finditer(re.escape(b"<" + prefix + b"f") + rb"[\s>/]", xml):
        cell = _cell_before(xml, start_tag, m.start())
        # <f> must be the cell's first child, directly after its (not self-closing) start tag
        if cell is not None and cell.end() == m.start() and not cell.group(2).endswith(b"/"):
            refs.add(cell.group(1).decode())
    return refs


def _error_cells(xml: bytes, prefix: bytes, start_tag: bytes) -> list[tuple[str, str]]:
    out = []
    close = b"</" + prefix + b"c>"
    for m in re.finditer(rb't="e"', xml):
        cell = _cell_before(xml, start_tag, m.start())
        if cell is None or not cell.start(2) <= m.start() < cell.end(2) or cell.group(2).endswith(b"/"):
            continue  # another element's t="e", or an empty cell
        value = _VALUE.search(xml, cell.end(), xml.find(close, cell.end()))
        if value:
            out.append((cell.group(1).decode(), value.group(1).decode("utf-8", "replace")))
    return out


def _merges(xml: bytes) -> list[Merge]:
    out = []
    for m in _MERGE.finditer(xml):
        left, top = column_index(m.group(1)), int(m.group(2))
        right = column_index(m.group(3)) if m.group(3) else left
        bottom = int(m.group(4)) if m.group(4) else top
        out.append(Merge(top, left, bottom, right))
    return out


def _last_row(xml: bytes, prefix: bytes) -> int:
    tag = b"<" + prefix + b"row"
    start = max(xml.rfind(tag + b" "), xml.rfind(tag + b">"))  # not <rowBreaks>
    if start == -1:
        return 0
    number = _ROW_NUMBER.search(xml, start, xml.find(b">", start))
    return int(number.group(1)) if number else 0


def _width(xml: bytes) -> int | None:
    """The widest column: a two-letter one if any cell has one, else the header row's last cell;
    None for a sheet with a column past ZZ (one pass over the XML for both)."""
    two = set()
    for m in _TWO_LETTERS_OR_WIDE.finditer(xml):
        if not m.group(2).isdigit():
            return None
        two.add(m.group(1))
    if two:
        return column_index(max(two)) + 1
    data = _SHEET_DATA.search(xml)
    first = _ROW.search(xml, data.end()) if data else None
    refs = _REF.findall(first.group(2) or b"") if first else []
    return column_index(refs[-1][0]) + 1 if refs else 1


def cells(xml: bytes):
    """(row, column, attributes, body) of every cell, rows 1-based and columns 0-based,
    following the order where a row or cell has no ``r`` reference."""
    data = _SHEET_DATA.search(xml)
    if data is None:
        return
    row_number = 0
    for row in _ROW.finditer(xml, data.end()):
        number = _ROW_NUMBER.search(row.group(1))
        row_number = int(number.group(1)) if number else row_number + 1
        col = -1
        for cell in _CELL.finditer(row.group(2) or b""):
            ref = _REF.search(cell.group(1))
            col = column_index(ref.group(1)) if ref else col + 1
            yield row_number, col, cell.group(1), cell.group(2) or b""


def _scan_cell_by_cell(xml: bytes, result: SheetScan) -> None:
    """Formulas, errors and shape from every cell in turn, placed by r or by their order."""
    from unionxl.contract.schema import column_letter

    count = height = width = 0
    for row, col, attrs, body in cells(xml):
        count += 1
        height, width = max(height, row), max(width, col + 1)
        if _FORMULA.match(body.lstrip()):
            result.formulas.add(f"{column_letter(col)}{row}")
        if _ERROR_TYPE.search(attrs):
            value = _VALUE.search(body)
            if value:
                result.errors.append((f"{column_letter(col)}{row}", value.group(1).decode("utf-8", "replace")))
    result.sparse = height * width > SPARSE_FACTOR * count + SPARSE_FLOOR


@dataclass
class Compacted:
    """A sparse sheet squeezed to the cells that matter, and where they came from."""

    xml: bytes
    #: Excel row number of each row of the compacted sheet, in order
    rows: list[int]
    #: original 0-based column index of each column of the compacted sheet
    columns: list[int]


def compact(xml: bytes, max_rows: int) -> Compacted:
    """The sheet reduced to the cells that hold data, the empty rows and columns between them
    squeezed out; ``rows`` and ``columns`` map the result back to the sheet. Columns the
    treasurer added (with or without a header) stay, so rollover still carries them.

    Raises ``OverflowError`` past *max_rows* rows holding data.
    """
    from unionxl.contract.schema import column_letter

    root = _ROOT.search(xml)
    prefix = root.group(1) or b"" if root else b""
    data = _SHEET_DATA.search(xml)
    kept: dict[int, list[tuple[int, bytes, bytes]]] = {1: []}
    for row, col, attrs, body in cells(xml):
        if not _HOLDS_DATA.search(body):
            continue
        if row not in kept and len(kept) > max_rows:
            raise OverflowError(len(kept))
        kept.setdefault(row, []).append((col, attrs, body))
    columns = sorted({col for found in kept.values() for col, _, _ in found})
    new_col = {c: column_letter(i).encode() for i, c in enumerate(columns)}
    out = [xml[:data.start()] if data else b"", b"<%ssheetData>" % prefix]
    rows = sorted(kept)
    for i, row in enumerate(rows, start=1):
        out.append(b'<%srow r="%d">' % (prefix, i))
        for col, attrs, body in kept[row]:
            out.append(b'<%sc r="%s%d"%s>%s</%sc>' % (prefix, new_col[col], i, _REF.sub(b"", attrs), body, prefix))
        out.append(b"</%srow>" % prefix)
    out.append(b"</%ssheetData></%sworksheet>" % (prefix, prefix))
    return Compacted(b"".join(out), rows, columns)
