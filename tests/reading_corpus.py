"""The reading corpus: valid files readers used to give up on, and text that only looks equal.

`python tests/reading_corpus.py OUTDIR` writes every case; tests/test_reading_corpus.py reads
each and asserts its outcome. Every case starts from the clean, consistent workbook of
tests/corpus.py (a template filled by openpyxl) and changes one thing; ``made`` says how.
The expected outcome is either *like the clean book* (valid OOXML in another form must read
exactly as the clean book: same typed tables, no finding) or the findings it must produce
at exact cells; ``check`` asserts what was read where that matters (a merged 工会小组 read
into its rows, 省份 read as 湖北), ``grid`` bounds what the reader builds for a sheet (rows,
columns), so a stray cell at XFD150000 is shown not to cost memory.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus import Builder, _cells, _clean, write_all  # noqa: E402
from tests.fill import fill  # noqa: E402
from tests.test_validation import base_rows  # noqa: E402
from unionxl.contract.schema import JOURNAL, MEMBERS  # noqa: E402
from unionxl.reading.book import Book  # noqa: E402
from unionxl.reading.reader import _sheet_parts  # noqa: E402


@dataclass(frozen=True)
class ReadCase:
    name: str
    made: str
    build: Builder
    #: the book must read exactly as the clean one: same typed tables, no finding
    like_clean: bool = False
    #: (rule, cell) findings that must be reported
    findings: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    #: rule ids that must not be reported (the wrong reading a reader used to give)
    absent: frozenset[str] = field(default_factory=frozenset)
    #: 0 no error, 1 errors, 2 refused; None: not asserted
    exit_code: int | None = None
    check: Callable[[Book], None] | None = None
    #: sheet title → (max rows, max columns) of the grid the reader builds for it
    grid: dict[str, tuple[int, int]] = field(default_factory=dict)


_CLEAN: list[bytes] = []


def clean(path: Path) -> None:
    """The clean workbook of tests/corpus.py, built once and copied."""
    if not _CLEAN:
        _clean(path)
        _CLEAN.append(path.read_bytes())
    else:
        path.write_bytes(_CLEAN[0])


def edited(edit: Callable[[openpyxl.Workbook], None]) -> Builder:
    def build(path: Path) -> None:
        clean(path)
        wb = openpyxl.load_workbook(path)
        edit(wb)
        wb.save(path)
    return build


def changed(change: tuple) -> Builder:
    """The clean rows with (sheet, row index, column key, value) changes, filled into a template."""
    def build(path: Path) -> None:
        from tests.test_validation import make
        from unionxl.master.template import write_master

        write_master(path, {"union_name": "语料测试小学工会委员会", "year": 2026, "province": "湖北"})
        make(path, change)
    return build


def rezipped(change: Callable[[str, str, bytes], bytes], base: Builder = clean) -> Builder:
    """The *base* workbook with each part rewritten by ``change(part, sheet title or "", data)``."""
    def build(path: Path) -> None:
        base(path)
        src = path.with_suffix(".src.xlsx")
        path.rename(src)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            titles = {part: title for title, part in _sheet_parts(zin).items()}
            for info in zin.infolist():
                zout.writestr(info, change(info.filename, titles.get(info.filename, ""), zin.read(info.filename)))
        src.unlink()
    return build


def in_sheets(change: Callable[[bytes], bytes], only: str = "") -> Callable[[str, str, bytes], bytes]:
    return lambda part, title, data: change(data) if title and (not only or title == only) else data


# --- valid OOXML in other forms -------------------------------------------------------------

_STRICT = (
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
)


def _strict(part: str, title: str, data: bytes) -> bytes:
    for old, new in _STRICT:
        data = data.replace(old, new)
    return data


def _reorder(data: bytes) -> bytes:
    """<c r="J5" s="1" t="s"> → <c s="1" t="s" r="J5">: r last, t before it."""
    return re.sub(rb'<c r="([A-Z]+\d+)"((?: [a-z]+="[^"]*")*)', lambda m: b"<c" + m.group(2) + b' r="' + m.group(1) + b'"', data)


def _drop_implied_refs(data: bytes) -> bytes:
    """Remove every r="…" that the order implies (a row after the previous one, a cell right
    of the previous one), as streaming writers do: positions follow from the order."""
    out, previous_row, last = [], 0, 0
    for piece in re.split(rb"(<row [^>]*>|<c [^>]*>)", data):
        row = re.match(rb'<row r="(\d+)"', piece)
        cell = re.match(rb'<c r="([A-Z]+)\d+"', piece)
        if row:
            number = int(row.group(1))
            piece = piece.replace(b' r="%d"' % number, b"") if number == previous_row + 1 else piece
            previous_row, last = number, -1
        elif cell:
            col = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(cell.group(1).decode()))) - 1
            piece = re.sub(rb' r="[A-Z]+\d+"', b"", piece) if col == last + 1 else piece
            last = col
        out.append(piece)
    return b"".join(out)


def _pretty(data: bytes) -> bytes:
    """Indented XML: white space between every element (inside cells too)."""
    return re.sub(rb"><(?!/t>)", b">\n  <", data).replace(b"<t>\n  ", b"<t>")


def _prefixed(data: bytes) -> bytes:
    """Every element under an x: prefix, the namespace declared on the root."""
    data = data.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
    data = re.sub(rb"<(/?)(?!x:|\?)([A-Za-z])", rb"<\1x:\2", data)
    return data


def _single_quotes(data: bytes) -> bytes:
    return re.sub(rb' (r|s|t)="([^"]*)"', rb" \1='\2'", data)


def _iso_dates(data: bytes) -> bytes:
    """The journal's dates as ISO 8601 date cells (t="d"), as Strict OOXML writers store them."""
    serial = re.compile(rb'<c r="(A\d+)" s="(\d+)" t="n"><v>(\d+)</v></c>')

    def iso(m: re.Match[bytes]) -> bytes:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(m.group(3)))
        return b'<c r="%s" s="%s" t="d"><v>%sT00:00:00</v></c>' % (m.group(1), m.group(2), day.isoformat().encode())
    return serial.sub(iso, data)


def _error_ref(data: bytes) -> bytes:
    """收支明细!G6 (经办人) becomes a #REF! error cell, attributes in Excel's other order."""
    return re.sub(rb'(<row r="6"[^>]*>.*?)(</row>)', rb'\1<c t="e" r="G6"><v>#REF!</v></c>\2', data, count=1, flags=re.S)


# --- far cells -------------------------------------------------------------------------------


def _stray(ref: str, value: object, title: str = JOURNAL.title) -> Builder:
    return edited(_cells(title, {ref: value}))


def _stray_with_page_break(wb: openpyxl.Workbook) -> None:
    from openpyxl.worksheet.pagebreak import Break

    ws = wb[JOURNAL.title]
    ws["XFD150000"] = "x"
    ws.row_breaks.append(Break(id=4))  # <rowBreaks> after <sheetData>: not the sheet's last row


def _stray_kept(row: int) -> Callable[[Book], None]:
    """The squeezed sheet keeps the stray cell at its place among the added columns (rollover carries them)."""
    def check(book: Book) -> None:
        extra = book["journal"].extra
        assert list(extra.columns) == [16383] and extra.at[row, 16383] == "x", extra
    return check


def _styled_empty_far(data: bytes) -> bytes:
    """A formatted but empty cell at XFD150000 (a whole row's format pasted far down)."""
    return data.replace(b"</sheetData>", b'<row r="150000"><c r="XFD150000" s="1"/></row></sheetData>')


# --- blank-looking rows and merged cells ----------------------------------------------------

_BLANK_LOOKING = (" ", "\u00a0", "\u200b", "\ufeff", "\u3000\u3000", " \u200b\u00a0 ")


def _blank_rows(wb: openpyxl.Workbook) -> None:
    ws = wb[JOURNAL.title]
    for offset, text in enumerate(_BLANK_LOOKING):
        for col in range(1, len(JOURNAL.columns) + 1):
            ws.cell(8 + offset, col).value = text


def _group_read_into_merged_rows(book: Book) -> None:
    assert list(book["members"].data["group"])[:3] == ["语文组"] * 3, list(book["members"].data["group"])


def _merge_group(wb: openpyxl.Workbook) -> None:
    ws = wb[MEMBERS.title]
    ws["E3"] = ws["E4"] = None
    ws.merge_cells("E2:E4")


def _merge_category(wb: openpyxl.Workbook) -> None:
    wb[JOURNAL.title].merge_cells("E2:E3")


def _merge_amount(wb: openpyxl.Workbook) -> None:
    wb[JOURNAL.title].merge_cells("F2:F3")


def _read_as(key: str, expected: object) -> Callable[[Book], None]:
    def check(book: Book) -> None:
        assert book.settings.values[key] == expected, book.settings.values[key]
    return check


def _journal_column(key: str, expected: list[object]) -> Callable[[Book], None]:
    def check(book: Book) -> None:
        assert list(book["journal"].data[key]) == expected, list(book["journal"].data[key])
    return check


def _beyond_capacity(path: Path) -> None:
    clean(path)
    extra = [dict(r, member_id=f"GH1{i:02d}") for i, r in enumerate(base_rows()["members"][:2])]
    fill(path, {"members": extra}, start={"members": MEMBERS.last_row + 1})


def _formulas_deleted(wb: openpyxl.Workbook) -> None:
    ws = wb[MEMBERS.title]
    for row in (3, 4):
        ws[f"X{row}"] = None


DUES_ACTUAL = "经费预算!F2"  # 实际发生 of 会费收入
INCOME_ACTUAL = "经费预算!O3"  # 收支平衡: 收入合计, 实际
J, B = JOURNAL.title, "经费预算"
AS_CLEAN = dict(like_clean=True, exit_code=0)
#: the journal's header and five rows, plus the stray cell's row and column
SMALL_JOURNAL = {J: (7, len(JOURNAL.columns) + 1)}

CASES: list[ReadCase] = [
    # Valid OOXML that must read exactly as the clean workbook
    ReadCase("strict-ooxml", "every part's namespaces rewritten to Strict OOXML (purl.oclc.org), as Excel's "
             "“Strict Open XML 电子表格” writes them (LibreOffice cannot save Strict: its Office Open XML filter "
             "writes transitional namespaces)", rezipped(_strict), **AS_CLEAN, absent=frozenset({"formula-overwritten"})),
    ReadCase("attributes-reordered", "every cell's r attribute moved after s and t (<c s=\"1\" t=\"s\" r=\"J5\">)",
             rezipped(in_sheets(_reorder)), **AS_CLEAN),
    ReadCase("error-cell-reordered", "收支明细!G6 added as <c t=\"e\" r=\"G6\"><v>#REF!</v></c> (t before r)",
             rezipped(in_sheets(lambda d: _error_ref(_reorder(d)), J)), exit_code=1,
             findings=frozenset({("cell-error", f"{J}!G6")})),
    ReadCase("no-cell-references", "every r=\"…\" the order implies removed from rows and cells (valid: positions "
             "follow from the order)", rezipped(in_sheets(_drop_implied_refs)), **AS_CLEAN),
    ReadCase("pretty-printed", "white space and line breaks between all elements of each sheet, inside cells too",
             rezipped(in_sheets(_pretty)), **AS_CLEAN),
    ReadCase("namespace-prefix", "each sheet's elements written as <x:c>, <x:f>… under a prefixed namespace",
             rezipped(in_sheets(_prefixed)), **AS_CLEAN),
    ReadCase("single-quoted", "the r, s and t attributes of rows and cells quoted with ' instead of \"",
             rezipped(in_sheets(_single_quotes)), **AS_CLEAN),
    ReadCase("iso-date-cells", "收支明细's dates stored as ISO 8601 date cells (t=\"d\") instead of serial numbers",
             rezipped(in_sheets(_iso_dates, J)), **AS_CLEAN),
    # Far cells: the grid stays proportional to the cells that hold data
    ReadCase("stray-cell-xfd2000", "收支明细!XFD2000 = \"x\" (the last column; took 1.3 GB before)",
             _stray("XFD2000", "x"), **AS_CLEAN, grid=SMALL_JOURNAL, check=_stray_kept(2000)),
    ReadCase("stray-cell-xfd150000", "收支明细!XFD150000 = \"x\" (aborted the process before)",
             _stray("XFD150000", "x"), **AS_CLEAN, grid=SMALL_JOURNAL, check=_stray_kept(150000)),
    ReadCase("stray-cell-with-page-break", "收支明细!XFD150000 = \"x\" and a manual page break after row 4",
             edited(_stray_with_page_break), **AS_CLEAN, grid=SMALL_JOURNAL),
    ReadCase("styled-empty-cell-far", "a formatted empty cell <c r=\"XFD150000\" s=\"1\"/> in 收支明细",
             rezipped(in_sheets(_styled_empty_far, J)), **AS_CLEAN, grid=SMALL_JOURNAL),
    ReadCase("stray-value-far-below", "收支明细!C150000 = \"补记\": a real entry far below, read as its row (as Excel)",
             _stray("C150000", "补记"), exit_code=1,
             findings=frozenset({("required-missing", f"{J}!A150000"), ("required-missing", f"{J}!F150000")}),
             grid={J: (8, len(JOURNAL.columns))}),
    ReadCase("stray-header-far-right", "收支明细!XFD1 = \"联系电话\": a header in the last column",
             _stray("XFD1", "联系电话"), exit_code=0, findings=frozenset({("column-unknown", f"{J}!XFD1")}),
             grid={J: (7, len(JOURNAL.columns) + 1)}),
    ReadCase("stray-blank-member-row", "会员台账!A150000 = \" \" (a space far below the ledger)",
             _stray("A150000", " ", MEMBERS.title), **AS_CLEAN),
    # Blank-looking rows are empty, as a treasurer sees them
    ReadCase("blank-looking-rows", "收支明细 rows 8–13 filled with spaces, NBSP, zero-width spaces, BOMs, full-width "
             "spaces and a mix", edited(_blank_rows), **AS_CLEAN),
    ReadCase("blank-looking-amount", "收支明细!F6 (a required 金额) holds only a zero-width space",
             changed((("journal", 4, "amount", "\u200b"),)), exit_code=1,
             findings=frozenset({("required-missing", f"{J}!F6")}), absent=frozenset({"type-money"})),
    # Merged cells
    ReadCase("merged-group", "会员台账!E2:E4 (工会小组) merged over three members, “语文组” in E2 only",
             edited(_merge_group), exit_code=0, findings=frozenset({("merged-cells", "会员台账!E2")}),
             check=_group_read_into_merged_rows),
    ReadCase("merged-category", "收支明细!E2:E3 (科目) merged: Excel's SUMIFS sees 会费收入 on row 2 only",
             edited(_merge_category), exit_code=0, findings=frozenset({("merged-cells", f"{J}!E2")}),
             check=_journal_column("category", ["会费收入", "会费收入", "会费收入", "会员活动", "会员活动"])),
    ReadCase("merged-amount", "收支明细!F2:F3 (金额) merged: only F2 holds the amount, in Excel too",
             edited(_merge_amount), exit_code=1,
             findings=frozenset({("merged-cells", f"{J}!F2"), ("required-missing", f"{J}!F3")})),
    # Settings in tolerable spellings
    *(ReadCase(f"province-{label}", f"设置!B5 (省份) = “{text}”", edited(_cells("设置", {"B5": text})), exit_code=0,
               findings=frozenset({("setting-normalised", "设置!B5")}), check=_read_as("province", "湖北"))
      for label, text in (("with-suffix", "湖北省"), ("union-name", "湖北省总工会"), ("spaces", " 湖北 "))),
    ReadCase("province-unknown", "设置!B5 (省份) = “湖广”: an error, never a silent 全国", edited(_cells("设置", {"B5": "湖广"})),
             exit_code=1, findings=frozenset({("setting-invalid", "设置!B5")}), check=_read_as("province", "湖广")),
    ReadCase("province-blank", "设置!B5 (省份) emptied", edited(_cells("设置", {"B5": None})), exit_code=0,
             findings=frozenset({("setting-normalised", "设置!B5")}), check=_read_as("province", "全国")),
    ReadCase("year-with-unit", "设置!B4 (年度) = “2026年” typed as text", edited(_cells("设置", {"B4": "2026年"})),
             exit_code=0, findings=frozenset({("number-as-text", "设置!B4")}), check=_read_as("year", 2026)),
    ReadCase("rate-as-percent-text", "设置!B6 (会费比例) = “0.5%” typed as text", edited(_cells("设置", {"B6": "0.5%"})),
             exit_code=0, findings=frozenset({("number-as-text", "设置!B6")}), check=_read_as("dues_rate", 0.005)),
    ReadCase("rate-in-words", "设置!B6 (会费比例) = “千分之五”: refused, the workbook's formulas cannot use it",
             edited(_cells("设置", {"B6": "千分之五"})), exit_code=1, findings=frozenset({("type-number", "设置!B6")})),
    ReadCase("setting-title-lookalike", "设置!A4 (项目) = “年度 ” with a trailing space",
             edited(_cells("设置", {"A4": "年度 "})), exit_code=0, findings=frozenset({("text-normalised", "设置!A4")}),
             check=_read_as("year", 2026)),
    # Lookalike text: counted as meant by unionxl, and the cell reported where Excel's formulas differ
    *(ReadCase(f"category-{label}", f"收支明细!E2 (科目) = “会费收入{tail}”", changed((("journal", 0, "category", f"会费收入{tail}"),)),
               exit_code=0, findings=frozenset({("text-lookalike", f"{J}!E2")}), absent=frozenset({"choice-invalid"}))
      for label, tail in (("trailing-space", " "), ("full-width-space", "\u3000"), ("nbsp", "\u00a0"),
                          ("zero-width-space", "\u200b"))),
    ReadCase("category-bom", "收支明细!E5 (科目) = “\\ufeff会员活动” (a BOM pasted in front)",
             changed((("journal", 3, "category", "\ufeff会员活动"),)), exit_code=0,
             findings=frozenset({("text-lookalike", f"{J}!E5")})),
    ReadCase("direction-zero-width", "收支明细!D4 (收支) = “收入\\u200b”",
             changed((("journal", 2, "direction", "收入\u200b"),)), exit_code=0,
             findings=frozenset({("text-lookalike", f"{J}!D4")}), absent=frozenset({"category-direction"})),
    ReadCase("budget-category-lookalike", "经费预算!D13 (二级科目 会员活动) = “会员活动 ”",
             edited(_cells(B, {"D13": "会员活动 "})), exit_code=0, findings=frozenset({("text-lookalike", f"{B}!D13")}),
             absent=frozenset({"choice-invalid"})),
    ReadCase("member-id-full-width", "慰问记录!B2 (会员编号) = “ＧＨ００２” in full-width letters and digits",
             changed((("visits", 0, "member_id", "ＧＨ００２"),)), exit_code=0,
             findings=frozenset({("text-normalised", "慰问记录!B2")}), absent=frozenset({"member-unknown"})),
    ReadCase("ledger-id-trailing-space", "会员台账!A3 (会员编号 GH002) = “GH002 ”",
             changed((("members", 1, "member_id", "GH002 "),)), exit_code=0,
             findings=frozenset({("text-normalised", "会员台账!A3")}), absent=frozenset({"member-unknown"})),
    ReadCase("status-lookalike-dated", "会员台账!G3 (会员状态) = “在职\\u00a0” with a 状态变更日期: Excel's 欠缴 stops there",
             changed((("members", 1, "status", "在职\u00a0"), ("members", 1, "status_date", dt.date(2026, 6, 30)))),
             findings=frozenset({("text-lookalike", "会员台账!G3")})),
    ReadCase("visit-type-lookalike", "慰问记录!D3 (慰问类型) = “生日慰问 ”",
             changed((("visits", 1, "visit_type", "生日慰问 "),)), exit_code=0,
             findings=frozenset({("text-normalised", "慰问记录!D3")})),
    ReadCase("calendar-kangxi-radical", "活动日历!F2 (预算科目 文体活动) with the Kangxi radical ⽂ (U+2F42) for 文",
             changed((("calendar", 0, "budget_item", "\u2f42体活动"),)), exit_code=0,
             findings=frozenset({("text-normalised", "活动日历!F2")}), absent=frozenset({"choice-invalid"})),
    ReadCase("header-zero-width", "收支明细!F1 (表头 金额) = “金额\\u200b”", edited(_cells(J, {"F1": "金额\u200b"})),
             exit_code=0, findings=frozenset({("text-normalised", f"{J}!F1")}), absent=frozenset({"column-missing"})),
    # Formula cells: empty (deleted) is not overwritten; rows past the prepared ones are named
    ReadCase("formulas-deleted", "会员台账!X3:X4 (欠缴) cleared with the Delete key", edited(_formulas_deleted),
             exit_code=0, findings=frozenset({("formula-missing", "会员台账!X3")}), absent=frozenset({"formula-overwritten"})),
    ReadCase("rows-beyond-capacity", f"two members written at 会员台账 rows {MEMBERS.last_row + 1}–{MEMBERS.last_row + 2}, "
             "past the rows the template prepared", _beyond_capacity,
             findings=frozenset({("formula-area-exceeded", f"会员台账!J{MEMBERS.last_row + 1}")}),
             absent=frozenset({"formula-overwritten", "formula-missing"})),
]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "reading-corpus"), CASES):
        print(written)


# --- the demo with lookalike text everywhere (tests/test_lookalike.py, tests/test_libreoffice.py) ---

#: how pasted text arrives: a trailing space, full-width space, zero-width space, BOM, NBSP, or clean
LOOKALIKE_VARIANTS: tuple[Callable[[str], str], ...] = (
    lambda v: v + " ", lambda v: v + "\u3000", lambda v: v + "\u200b", lambda v: "\ufeff" + v,
    lambda v: v + "\u00a0", lambda v: v,
)
#: the demo's budget category given a trailing space in 经费预算 (its journal rows keep theirs)
LOOKALIKE_BUDGET_CATEGORY = "文体活动"


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in text)


def lookalike_demo(src: Path, dst: Path) -> set[str]:
    """The demo with lookalike text in every matched column (科目, 收支 and 凭证号 of the journal,
    会员编号, 慰问类型 and 凭证号 of the visits, 会员编号 and 会员状态 of the ledger, one 二级科目)
    and one month's dues typed as text; returns the cells changed. Written by openpyxl, as
    another program would."""
    wb = openpyxl.load_workbook(src)
    touched: set[str] = set()

    def change(title: str, letter: str, rows: range, alter: Callable[[int, str], str]) -> None:
        ws = wb[title]
        for row in rows:
            cell = ws[f"{letter}{row}"]
            if isinstance(cell.value, str) and cell.value:
                new = alter(row, cell.value)
                if new != cell.value:
                    cell.value = new
                    touched.add(f"{title}!{letter}{row}")

    def cycle(offset: int) -> Callable[[int, str], str]:
        return lambda row, value: LOOKALIKE_VARIANTS[(row + offset) % len(LOOKALIKE_VARIANTS)](value)

    journal, visits, members = wb[JOURNAL.title], wb["慰问记录"], wb[MEMBERS.title]
    change(JOURNAL.title, "E", range(2, journal.max_row + 1), cycle(0))
    change(JOURNAL.title, "D", range(2, journal.max_row + 1, 7), cycle(3))
    change("慰问记录", "B", range(2, visits.max_row + 1, 3), lambda row, v: full_width(v))
    change("慰问记录", "D", range(3, visits.max_row + 1, 4), cycle(1))
    change("慰问记录", "I", range(2, visits.max_row + 1, 5), cycle(4))
    change(JOURNAL.title, "B", range(3, journal.max_row + 1, 4), cycle(5))
    change(MEMBERS.title, "A", range(2, members.max_row + 1, 5), lambda row, v: v + " ")
    change(MEMBERS.title, "G", range(3, members.max_row + 1, 6), cycle(2))
    budget = wb["经费预算"]
    row = next(r for r in range(2, budget.max_row + 1) if budget[f"D{r}"].value == LOOKALIKE_BUDGET_CATEGORY)
    change("经费预算", "D", range(row, row + 1), lambda row, v: v + " ")
    paid = next(c for c in members[2] if isinstance(c.value, (int, float)) and c.column > 10)
    paid.value = f"{paid.value:g}"
    touched.add(f"{MEMBERS.title}!{paid.coordinate}")
    wb.save(dst)
    return touched
