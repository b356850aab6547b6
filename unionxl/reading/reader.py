"""Reading a master workbook file into raw tables.

python-calamine reads the values (ten times faster than openpyxl on a 10,000-member
ledger); it cannot see formulas, so the few formula columns are found by scanning the
sheet XML directly. Everything that can make a file unusable is turned into
:class:`UnusableWorkbook` with a one-line Chinese reason here, before any parsing.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

import pandas as pd
from defusedxml import DefusedXmlException, ElementTree
from python_calamine import CalamineWorkbook

from unionxl.reading.book import Book, Settings, Table
from unionxl.reading.coerce import coerce_book
from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.findings import ERROR, INFO, Finding
from unionxl.contract.schema import INPUT_SHEETS, Sheet, column_letter

#: Refuse archives that would expand beyond this (zip bombs, absurd workbooks).
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
#: Rows read per sheet; a sheet with more used rows is refused.
MAX_ROWS = 200_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")

Grid = list[list[object]]
#: cell values that leave a row empty: nothing, or white space a treasurer cannot see
_BLANKS = ("", " ", "  ", "\u3000", "\t")


def load_book(path: str | Path) -> Book:
    """Read and type a master workbook; raises :class:`UnusableWorkbook`."""
    path = Path(path)
    _check_container(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = set(workbook.sheet_names)
        grids = {
            s.title: _read_grid(workbook, path, s.title) for s in INPUT_SHEETS if s.title in names
        }
    except UnusableWorkbook:
        raise
    except Exception as exc:  # calamine raises several unrelated types
        raise UnusableWorkbook(f"无法读取工作簿“{path.name}”：文件已损坏或不是有效的 .xlsx（{type(exc).__name__}）") from exc
    formulas, errors = scan_sheet_xml(path, list(grids), _formula_letters(grids))
    book = build_tables(grids, formulas, source=str(path))
    book.findings += errors
    book.sheet_names = list(workbook.sheet_names)
    return coerce_book(book)


def _read_grid(workbook: CalamineWorkbook, path: Path, title: str) -> Grid:
    try:
        grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False, nrows=MAX_ROWS + 2)
    except BaseException as exc:  # a Rust panic reaches Python as pyo3's PanicException, a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        grid = _read_grid_slowly(path, title)
    if len(grid) > MAX_ROWS + 1:
        raise UnusableWorkbook(f"工作表“{title}”超过 {MAX_ROWS} 行，unionxl 不处理这么大的表，请删除多余的空行后再试")
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


def _formula_letters(grids: dict[str, Grid]) -> dict[str, set[str]]:
    """Letters of each sheet's formula columns, as the header row places them."""
    out: dict[str, set[str]] = {}
    for sheet in INPUT_SHEETS:
        if sheet.title not in grids or not sheet.formula_columns:
            continue
        positions = _header_positions(grids[sheet.title][0] if grids[sheet.title] else [])
        out[sheet.title] = {
            column_letter(positions[c.title][0]) for c in sheet.formula_columns if c.title in positions
        }
    return out


def scan_sheet_xml(
    path: Path, titles: list[str], letters: dict[str, set[str]],
) -> tuple[dict[str, set[str]], list[Finding]]:
    """What calamine cannot see, from one read of each sheet's XML: the references (``J12``)
    in each sheet's given formula columns that still hold a formula, and the cells holding
    an error value (#REF!, #DIV/0!, …), which calamine reads as blank."""
    formulas: dict[str, set[str]] = {}
    findings: list[Finding] = []
    with zipfile.ZipFile(path) as zf:
        parts = _sheet_parts(zf)
        for title in titles:
            part = parts.get(title)
            if part is None or part not in zf.namelist():
                continue
            xml = zf.read(part).decode("utf-8", errors="replace")
            if letters.get(title):
                formulas[title] = _formula_refs(xml, letters[title])
            findings += _error_cells(title, xml)
    return formulas, findings


def _formula_refs(xml: str, columns: set[str]) -> set[str]:
    # In OOXML a cell's <f> (formula) is its first child, before <v>: a formula cell
    # is an opening <c ...> tag followed directly by <f.
    pattern = re.compile(r'<(?:\w+:)?c r="(' + "|".join(sorted(columns)) + r')(\d+)"[^>]*?(?<!/)><(?:\w+:)?f[\s>/]')
    return {m.group(1) + m.group(2) for m in pattern.finditer(xml)}


_ERROR_CELL = re.compile(r'<(?:\w+:)?c r="([A-Z]+\d+)"[^>]*?\bt="e"[^>]*?(?<!/)>(?:<(?:\w+:)?f[^<]*(?:</(?:\w+:)?f>)?)?<(?:\w+:)?v>([^<]*)<')


def _error_cells(title: str, xml: str) -> list[Finding]:
    if 't="e"' not in xml:
        return []
    return [Finding("cell-error", ERROR, title, f"{title}!{m.group(1)}",
                    f"单元格是错误值 {m.group(2)}，unionxl 按空白处理", "请改正引用或公式，填入正确的值")
            for m in _ERROR_CELL.finditer(xml)]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → XML part path, from workbook.xml and its relationships."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    ns_pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (DefusedXmlException, ElementTree.ParseError, KeyError) as exc:
        raise UnusableWorkbook("工作簿的结构文件含有不安全或损坏的 XML（如外部实体），已拒绝读取") from exc
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{ns_pkg}Relationship")}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = path
    return parts


def _title(value: object) -> str:
    """A header cell as text: 2026.0 is "2026", nothing is ""."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _header_positions(header: list[object]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for i, value in enumerate(header):
        title = str(value).strip() if value is not None else ""
        if title:
            positions.setdefault(title, []).append(i)
    return positions


def build_tables(grids: dict[str, Grid], formulas: dict[str, set[str]] | None, source: str = "") -> Book:
    """Raw tables from 2-D grids (row 0 = the header row); shared by the file and Excel doors.

    ``formulas`` maps a sheet title to the references holding a formula; ``None`` means
    the caller cannot tell, and the overwritten-formula check is skipped.
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
        table, problems = _table_from_grid(sheet, grid, None if formulas is None else formulas.get(sheet.title, set()))
        findings.extend(problems)
        tables[sheet.key] = table
    usable = not any(f.rule in ("sheet-missing", "column-missing", "column-duplicate") for f in findings)
    return Book(tables, Settings({}, {}), findings, usable=usable, source=source)


def _table_from_grid(sheet: Sheet, grid: Grid, formula_refs: set[str] | None) -> tuple[Table, list[Finding]]:
    header = list(grid[0]) if grid else []
    found = _header_positions(header)
    findings: list[Finding] = []
    positions: dict[str, int] = {}
    for column in sheet.columns:
        places = found.get(column.title)
        if not places and column.optional:
            continue
        if not places:
            where = f"{sheet.title}!{column_letter(sheet.index(column.key))}1"
            findings.append(Finding(
                "column-missing", ERROR, sheet.title, where,
                f"“{sheet.title}”缺少列“{column.title}”（第1行应有此表头）",
                "请恢复模板的表头；列名不能改动"))
            continue
        positions[column.key] = places[0]
        for extra in places[1:]:
            findings.append(Finding(
                "column-duplicate", ERROR, sheet.title, f"{sheet.title}!{column_letter(extra)}1",
                f"“{sheet.title}”的列“{column.title}”出现了两次", "请删除重复的列"))
    known = {c.title for c in sheet.columns}
    for title, places in found.items():
        if title not in known:
            findings.append(Finding(
                "column-unknown", INFO, sheet.title, f"{sheet.title}!{column_letter(places[0])}1",
                f"“{sheet.title}”中的列“{title}”不属于模板，unionxl 不读取它"))

    width = max((len(r) for r in grid), default=0)
    body = [list(r) + [""] * (width - len(r)) for r in grid[1:]]
    frame = pd.DataFrame(body, dtype=object, columns=range(width)) if body else pd.DataFrame(columns=range(width), dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    raw = pd.DataFrame({key: frame[pos] if pos in frame.columns else pd.Series("", index=frame.index, dtype=object)
                        for key, pos in positions.items()}, index=frame.index, dtype=object)
    claimed = {p for title, places in found.items() if title in known for p in places}
    titles = {p: _title(header[p] if p < len(header) else None) for p in frame.columns if p not in claimed}
    extra = frame[[p for p, title in titles.items() if title or not (frame[p].isna() | frame[p].isin(_BLANKS)).all()]]
    input_keys = [c.key for c in sheet.input_columns if c.key in raw.columns]
    if input_keys:
        inputs = raw[input_keys]
        blank = (inputs.isna() | inputs.isin(_BLANKS)).all(axis=1)
        raw = raw.loc[~blank]
    table = Table(sheet, raw, positions, extra=extra, extra_titles={p: titles[p] for p in extra.columns})
    if formula_refs is not None and sheet.formula_columns:
        table.formulas = pd.DataFrame({
            c.key: [f"{column_letter(positions[c.key])}{r}" in formula_refs for r in raw.index]
            for c in sheet.formula_columns if c.key in positions
        }, index=raw.index, dtype=bool)
    return table, findings
