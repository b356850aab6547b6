"""Reading a master workbook file into raw tables.

python-calamine reads the values (ten times faster than openpyxl on a 10,000-member
ledger); what it cannot see (formulas, error values, merged ranges, the shape of the used
range) comes from one scan of each sheet's XML (:mod:`unionxl.reading.sheetxml`). A sheet
whose used range is far larger than its cells (a stray cell at XFD150000) is squeezed to
the cells that hold data first, so memory follows the cells that hold data. Everything
that can make a file unusable is turned into :class:`UnusableWorkbook` with a one-line
Chinese reason here, before any parsing.
"""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException, ElementTree
from python_calamine import CalamineWorkbook

from unionxl.reading import sheetxml
from unionxl.reading.book import Book, Settings, Table
from unionxl.reading.coerce import coerce_book
from unionxl.reading.text import blank_mask, difference, is_blank_value, normal
from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.findings import ERROR, INFO, WARNING, Finding
from unionxl.contract.schema import FORMULA_READERS, INPUT_SHEETS, Kind, Sheet, column_letter

#: Refuse archives that would expand beyond this (zip bombs, absurd workbooks).
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
#: Rows holding data read per sheet; a sheet with more is refused.
MAX_ROWS = 200_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")

Grid = list[list[object]]
_TOO_MANY_ROWS = "工作表“{title}”超过 {rows} 行有数据，unionxl 不处理这么大的表，请删除多余的行后再试"


@dataclass
class SheetRead:
    """One input sheet as read from the file: its values and what its XML says about them."""

    grid: Grid
    scan: sheetxml.SheetScan
    #: for a squeezed sparse sheet, the Excel row of each grid row and the column of each grid column
    rows: list[int] | None = None
    columns: list[int] | None = None


def load_book(path: str | Path) -> Book:
    """Read and type a master workbook; raises :class:`UnusableWorkbook`."""
    path = Path(path)
    sheets = read_sheets(path)
    book = build_tables({t: s.grid for t, s in sheets.items()}, {t: s.scan.formulas for t, s in sheets.items()},
                        source=str(path), layout=sheets)
    book.findings += [_error_finding(title, ref, text) for title, s in sheets.items() for ref, text in s.scan.errors]
    book.sheet_names = sheet_names(path)
    return coerce_book(book)


def read_sheets(path: Path) -> dict[str, SheetRead]:
    """Every input sheet present in the file, read with memory proportional to its cells.

    calamine parses each dense sheet in a thread of its own (it releases the GIL) while the
    next sheet's XML is scanned here; its results and errors are taken in sheet order, as if
    it had run after the scans.
    """
    _check_container(path)
    try:
        with _calamine_executor() as calamine:
            opened = calamine.submit(_open, path)
            reads: dict[str, Future] = {}
            with zipfile.ZipFile(path) as zf:
                parts = _sheet_parts(zf)
                scans: dict[str, sheetxml.SheetScan] = {}
                squeezed: dict[str, sheetxml.Compacted] = {}
                for sheet in INPUT_SHEETS:
                    part = parts.get(sheet.title)
                    if part is None or part not in zf.namelist():
                        continue
                    xml = zf.read(part)
                    scans[sheet.title] = sheetxml.scan(xml)
                    if scans[sheet.title].sparse:
                        try:
                            squeezed[sheet.title] = sheetxml.compact(xml, MAX_ROWS + 1)
                        except OverflowError as exc:
                            raise UnusableWorkbook(_TOO_MANY_ROWS.format(title=sheet.title, rows=MAX_ROWS)) from exc
                    else:
                        reads[sheet.title] = calamine.submit(_read_if_present, opened, path, sheet.title)
                    del xml
                sparse_book = _squeezed_workbook(zf, parts, squeezed) if squeezed else None
            _, names = opened.result()
            out: dict[str, SheetRead] = {}
            for sheet in INPUT_SHEETS:
                if sheet.title not in names:
                    continue
                scan = scans.get(sheet.title, sheetxml.SheetScan())
                if sheet.title in squeezed:
                    done = squeezed[sheet.title]
                    grid = sparse_book.get_sheet_by_name(sheet.title).to_python(skip_empty_area=False)
                    out[sheet.title] = SheetRead(grid, scan, done.rows, done.columns)
                else:
                    read = reads.get(sheet.title) or calamine.submit(_read_if_present, opened, path, sheet.title)
                    out[sheet.title] = SheetRead(read.result(), scan)
            return out
    except (UnusableWorkbook, MemoryError):  # running out of memory is not a damaged file
        raise
    except Exception as exc:  # calamine raises several unrelated types
        raise UnusableWorkbook(f"无法读取工作簿“{path.name}”：文件已损坏或不是有效的 .xlsx（{type(exc).__name__}）") from exc


#: address space a process must have left to start calamine's thread
_THREAD_HEADROOM = 256 * 2**20


class _HereAndNow(Executor):
    """Runs each call at once in the calling thread (the read without calamine's thread)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        done: Future = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # kept for .result(), in sheet order, like the thread's
            done.set_exception(exc)
        return done


def _calamine_executor() -> Executor:
    """calamine's thread, unless the address space is bounded (``RLIMIT_AS``: a consolidate or
    portal worker) with little of it left: a thread's stack is an allocation too, and a thread
    that cannot start leaves CPython waiting in ``Thread.start`` for ever instead of raising
    ``MemoryError``. The read is then the same, only not overlapped."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    except (ImportError, OSError, ValueError):  # Windows: no such limit
        return ThreadPoolExecutor(1)
    if limit == resource.RLIM_INFINITY:
        return ThreadPoolExecutor(1)
    try:
        with open("/proc/self/status") as status:
            mapped = next(int(line.split()[1]) for line in status if line.startswith("VmSize:")) * 1024
    except (OSError, StopIteration, ValueError):  # no /proc: assume the limit is near
        return _HereAndNow()
    return ThreadPoolExecutor(1) if limit - mapped > _THREAD_HEADROOM else _HereAndNow()


def _open(path: Path) -> tuple[CalamineWorkbook, set[str]]:
    """In the calamine thread: the workbook and its sheet names (only that thread touches the workbook)."""
    workbook = CalamineWorkbook.from_path(str(path))
    return workbook, set(workbook.sheet_names)


def _read_if_present(opened: Future, path: Path, title: str) -> Grid | None:
    """In the calamine thread: the sheet's grid, if the workbook calamine opened has it."""
    workbook, names = opened.result()
    return _read_grid(workbook, path, title) if title in names else None


def sheet_names(path: Path) -> list[str]:
    """Every sheet's name, in the workbook's order."""
    with zipfile.ZipFile(path) as zf:
        return list(_sheet_parts(zf))


def _squeezed_workbook(zf: zipfile.ZipFile, parts: dict[str, str], squeezed: dict[str, sheetxml.Compacted]):
    """The workbook in memory with the sparse sheets squeezed and the other sheets emptied,
    for calamine to read the squeezed ones with the file's own strings and styles."""
    replaced = {parts[title]: done.xml for title, done in squeezed.items()}
    others = set(parts.values()) - set(replaced)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for info in zf.infolist():
            if info.filename in replaced:
                out.writestr(info.filename, replaced[info.filename])
            elif info.filename in others:
                out.writestr(info.filename, _EMPTY_SHEET)
            else:
                out.writestr(info.filename, zf.read(info.filename))
    buffer.seek(0)
    return CalamineWorkbook.from_filelike(buffer)


_EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def _error_finding(title: str, ref: str, text: str) -> Finding:
    return Finding("cell-error", ERROR, title, f"{title}!{ref}",
                   f"单元格是错误值 {text}，unionxl 按空白处理", "请改正引用或公式，填入正确的值")


def _read_grid(workbook: CalamineWorkbook, path: Path, title: str) -> Grid:
    try:
        grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False, nrows=MAX_ROWS + 2)
    except BaseException as exc:  # a Rust panic reaches Python as pyo3's PanicException, a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        grid = _read_grid_slowly(path, title)
    if len(grid) > MAX_ROWS + 1:
        raise UnusableWorkbook(_TOO_MANY_ROWS.format(title=title, rows=MAX_ROWS))
    return grid


def _read_grid_slowly(path: Path, title: str) -> Grid:
    """The sheet through openpyxl, for the one case calamine cannot read.

    python-calamine 0.9 panics on a date-formatted cell holding a huge negative number
    (e.g. -1e12: chrono's TimeDelta overflows). openpyxl reads such a cell as the error
    text "#VALUE!", which the date check then reports at its cell.
    """
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl's "marked as a date but outside the limits"
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = workbook[title].iter_rows(min_row=1, min_col=1, max_row=MAX_ROWS + 2, values_only=True)
            return [["" if v is None else v for v in row] for row in rows]
        finally:
            workbook.close()


def _check_container(path: Path) -> None:
    if not path.is_file():
        raise UnusableWorkbook(f"找不到文件：{path}")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in path.read_bytes():
            raise UnusableWorkbook(f"“{path.name}”设置了打开密码（已加密），请在 Excel 中取消密码后另存为 .xlsx 再试")
        raise UnusableWorkbook(f"“{path.name}”是旧版 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 再试")
    if not head.startswith(_ZIP_MAGIC):
        raise UnusableWorkbook(f"“{path.name}”不是 Excel 工作簿（.xlsx），请选择 unionxl 生成的主工作簿")
    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(info.file_size for info in zf.infolist())
            has_workbook = "xl/workbook.xml" in zf.namelist()
    except zipfile.BadZipFile as exc:
        raise UnusableWorkbook(f"“{path.name}”已损坏，无法作为 .xlsx 打开") from exc
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise UnusableWorkbook(
            f"“{path.name}”解压后超过 {MAX_UNCOMPRESSED_BYTES // 2**20} MB，疑似异常文件，已拒绝读取")
    if not has_workbook:
        raise UnusableWorkbook(f"“{path.name}”不是 Excel 工作簿（缺少 workbook.xml），可能是其他格式改了扩展名")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → XML part path, from workbook.xml and its relationships.

    Namespaces are matched by local name: transitional and Strict OOXML
    (http://purl.oclc.org/ooxml/...) name the same elements in different namespaces.
    """
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (DefusedXmlException, ElementTree.ParseError, KeyError) as exc:
        raise UnusableWorkbook("工作簿的结构文件含有不安全或损坏的 XML（如外部实体），已拒绝读取") from exc
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if _local(r.tag) == "Relationship"}
    parts: dict[str, str] = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.startswith("{") and _local(k) == "id"), "")
        target = targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = path
    return parts


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _title(value: object) -> str:
    """A header cell as text: 2026.0 is "2026", nothing is ""."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _header_positions(header: list[object]) -> tuple[dict[str, list[int]], list[tuple[int, str, str]]]:
    """Title → grid positions of the header row, and (position, literal, title) of the headers
    that were read in normal form (a trailing or zero-width space in a pasted header)."""
    positions: dict[str, list[int]] = {}
    tidied = []
    for i, value in enumerate(header):
        literal = "" if value is None else str(value)
        title = normal(literal)
        if title:
            positions.setdefault(title, []).append(i)
            if title != literal:
                tidied.append((i, literal, title))
    return positions, tidied


def build_tables(grids: dict[str, Grid], formulas: dict[str, set[str]] | None, source: str = "",
                 layout: dict[str, SheetRead] | None = None) -> Book:
    """Raw tables from 2-D grids (row 0 = the header row); shared by the file and Excel doors.

    ``formulas`` maps a sheet title to the references holding a formula; ``None`` means
    the caller cannot tell, and the overwritten-formula check is skipped. ``layout`` (from
    the file door) carries each sheet's merged ranges and, for a squeezed sparse sheet,
    where its rows and columns came from.
    """
    findings: list[Finding] = []
    tables: dict[str, Table] = {}
    for sheet in INPUT_SHEETS:
        grid = grids.get(sheet.title)
        if grid is None:
            findings.append(Finding(
                "sheet-missing", ERROR, sheet.title, sheet.title,
                f"缺少工作表“{sheet.title}”", "请使用 unionxl 模板，不要删除或重命名工作表"))
            continue
        read = (layout or {}).get(sheet.title)
        table, problems = _table_from_grid(sheet, grid, None if formulas is None else formulas.get(sheet.title, set()),
                                           read)
        findings.extend(problems)
        tables[sheet.key] = table
    usable = not any(f.rule in ("sheet-missing", "column-missing", "column-duplicate") for f in findings)
    return Book(tables, Settings({}, {}), findings, usable=usable, source=source)


def _table_from_grid(sheet: Sheet, grid: Grid, formula_refs: set[str] | None,
                     read: SheetRead | None = None) -> tuple[Table, list[Finding]]:
    header = list(grid[0]) if grid else []
    found, tidied = _header_positions(header)
    origin = (read.columns if read is not None and read.columns is not None else None)
    where = (lambda i: origin[i]) if origin is not None else (lambda i: i)  # grid column → sheet column
    findings: list[Finding] = []
    positions: dict[str, int] = {}
    for column in sheet.columns:
        places = found.get(column.title)
        if not places and column.optional:
            continue
        if not places:
            ref = f"{sheet.title}!{column_letter(sheet.index(column.key))}1"
            findings.append(Finding(
                "column-missing", ERROR, sheet.title, ref,
                f"“{sheet.title}”缺少列“{column.title}”（第1行应有此表头）",
                "请恢复模板的表头；列名不能改动"))
            continue
        positions[column.key] = places[0]
        for extra in places[1:]:
            findings.append(Finding(
                "column-duplicate", ERROR, sheet.title, f"{sheet.title}!{column_letter(where(extra))}1",
                f"“{sheet.title}”的列“{column.title}”出现了两次", "请删除重复的列"))
    known = {c.title for c in sheet.columns}
    for title, places in found.items():
        if title not in known:
            findings.append(Finding(
                "column-unknown", INFO, sheet.title, f"{sheet.title}!{column_letter(where(places[0]))}1",
                f"“{sheet.title}”中的列“{title}”不属于模板，unionxl 不读取它"))
    for i, literal, title in tidied:
        if title in known:
            findings.append(Finding(
                "text-normalised", INFO, sheet.title, f"{sheet.title}!{column_letter(where(i))}1",
                f"表头“{literal}”{difference(literal, title)}，已按“{title}”读取", "请删除多余的空格或不可见字符"))

    # the grid column by column (one C-level transpose), every row as wide as the widest
    lengths = set(map(len, grid))
    width = max(lengths, default=0)
    body = grid[1:]
    if len(lengths) > 1:
        body = [list(r) + [""] * (width - len(r)) for r in body]
    columns = [np.fromiter(c, dtype=object, count=len(body)) for c in zip(*body)] if body else \
        [np.empty(0, dtype=object) for _ in range(width)]
    numbers = np.array(read.rows[1:len(body) + 1] if read is not None and read.rows is not None
                       else range(2, 2 + len(body)), dtype="int64")
    # rows with nothing a treasurer can see in any input column are not read
    blank = np.ones(len(body), dtype=bool) if any(c.key in positions for c in sheet.input_columns) else \
        np.zeros(len(body), dtype=bool)
    for column in sheet.input_columns:  # each column looks only at the rows still blank so far
        if column.key in positions and blank.any():
            rows = np.flatnonzero(blank)
            blank[rows] = blank_mask(pd.Series(columns[positions[column.key]][rows], dtype=object)).to_numpy()
    keep = ~blank
    kept = pd.Index(numbers[keep], dtype="int64")
    raw = pd.DataFrame({key: columns[pos][keep] for key, pos in positions.items()}, index=kept, dtype=object)
    # the treasurer's own columns, every body row (rollover carries them), at their sheet columns
    claimed = {p for title, places in found.items() if title in known for p in places}
    titles = {p: _title(header[p] if p < len(header) else None) for p in range(width) if p not in claimed}
    shown = [p for p, title in titles.items() if title or not all(map(is_blank_value, columns[p]))]
    extra = pd.DataFrame({where(p): columns[p] for p in shown}, index=pd.Index(numbers, dtype="int64"),
                         columns=[where(p) for p in shown], dtype=object)
    extra_titles = {where(p): titles[p] for p in shown}
    positions = {key: where(pos) for key, pos in positions.items()}
    if read is not None and read.scan.merges:
        findings += _fill_merges(sheet, raw, positions, read.scan.merges)
    table = Table(sheet, raw, positions, extra=extra, extra_titles=extra_titles)
    if formula_refs is not None and sheet.formula_columns:
        letters = {c.key: column_letter(positions[c.key]) for c in sheet.formula_columns if c.key in positions}
        table.formulas = pd.DataFrame({key: [f"{letter}{r}" in formula_refs for r in raw.index]
                                       for key, letter in letters.items()}, index=raw.index, dtype=bool)
    return table, findings


def _fill_merges(sheet: Sheet, raw: pd.DataFrame, positions: dict[str, int],
                 merges: list[sheetxml.Merge]) -> list[Finding]:
    """Merged ranges over data rows hold their value in the top-left cell only, as Excel stores them.

    A treasurer who merges 工会小组 over a group's rows means every row is in that group, so a
    text column's value is read into the merged rows that hold other data (never into empty
    rows), with a note; where a formula of the workbook reads that column, Excel sees only the
    top-left cell, so the note is a warning saying so. Numbers and dates are not filled: a
    merged 金额 counts once, in Excel and in unionxl alike.
    """
    by_position = {pos: sheet.col(key) for key, pos in positions.items()}
    findings = []
    for merge in merges:
        column = by_position.get(merge.left)
        if merge.top < 2 or column is None or column.formula:
            continue
        area = f"{column_letter(merge.left)}{merge.top}:{column_letter(merge.right)}{merge.bottom}"
        corner = f"{sheet.title}!{column_letter(merge.left)}{merge.top}"
        below = [r for r in raw.index if merge.top < r <= merge.bottom]
        hint = "请取消合并单元格，在每一行分别填写"
        value = raw.at[merge.top, column.key] if merge.top in raw.index else ""
        if column.kind in (Kind.TEXT, Kind.CHOICE) and below and str(value).strip():
            raw.loc[below, column.key] = value
            readers = FORMULA_READERS.get((sheet.key, column.key))
            rows = _row_span(below)
            if readers:
                findings.append(Finding(
                    "merged-cells", WARNING, sheet.title, corner,
                    f"“{column.title}”的合并单元格 {area} 只在左上角存有“{value}”：unionxl 把它读作第 {rows} 行的值，"
                    f"但工作簿的公式（{'、'.join(readers)}）只读取左上角，不会把第 {rows} 行计入，"
                    "两者的结果不同", hint))
            else:
                findings.append(Finding(
                    "merged-cells", INFO, sheet.title, corner,
                    f"“{column.title}”的合并单元格 {area} 只在左上角存有“{value}”，"
                    f"已按合并区域读作第 {rows} 行的值", hint))
        elif merge.bottom > merge.top or merge.right > merge.left:
            findings.append(Finding(
                "merged-cells", INFO, sheet.title, corner,
                f"合并单元格 {area} 只有左上角有值，其余单元格按空白读取（与 Excel 的公式一致）", hint))
    return findings


def _row_span(rows: list[int]) -> str:
    """“3–5” for consecutive rows, “3、5、8” otherwise."""
    if rows == list(range(rows[0], rows[-1] + 1)) and len(rows) > 2:
        return f"{rows[0]}–{rows[-1]}"
    return "、".join(str(r) for r in rows)
