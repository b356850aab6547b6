"""The report model and its three renderers, on a document holding every kind of block.

Each renderer is read back the way its audience meets it: the .xlsx with openpyxl (styles,
merges, print setup) and python-calamine (the cached totals), the Excel door's grid as the
values and formatting it carries, the terminal as the text rich prints. The demo's own
reports are covered cell by cell in tests/test_snapshots.py; here, that the file and the
Excel door of each demo report hold the same cells (one builder, one answer).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from rich.console import Console

from unionxl.reports import styles
from unionxl.reports.grid import render_grid
from unionxl.reports.layout import SIGN_OFF_GAP, SignLine, plan
from unionxl.reports.model import (
    BAD, DATE, GOOD, INT, LINK, MONEY, PCT, SCREEN_ONLY, STATUS, Chart, Column, Document, Line, Link, Note, Page,
    Paragraph, PrintHints, Section, Series, SignOff, SignOffs, Stamp, Status, Table,
)
from unionxl.reports.terminal import print_document
from unionxl.reports.xlsx import write_xlsx

WIDTHS = (14, 12, 12, 12, 12, 16)


def _document() -> tuple[Document, Table, Table]:
    columns = [Column("项目"), Column("人数", INT), Column("金额", MONEY), Column("比例", PCT), Column("日期", DATE),
               Column("位置", LINK)]
    rows = [["=1+1", 3, 123456, 0.5, dt.date(2026, 3, 8), Link("会员台账!F12", "F12")],
            ["第二项", 4, 50, 0.25, None, Link("会员台账", "会员台账")]]
    money = Table(columns, rows, total="合计", total_values={3: 0.4}, repeat_header=True, filter=True,
                  freeze_columns=1)
    verdicts = Table([Column("结果", STATUS), Column("说明", screen=False), Column("引号", LINK)],
                     [[Status("不通过", BAD), "仅在纸上", Link('慰问记录!C2', 'say "hi"')],
                      [Status("通过", GOOD), "", Link("慰问记录!C3")]], new_page=True)
    empty = Table([Column("事项")], [], empty="本月没有待办事项。")
    page = Page("测试页", "测试工会2026年度测试表", WIDTHS,
                lines=[Line.of("编制单位：测试工会", "2026年度", "金额单位：元")],
                stamps=[Stamp("工作簿校验有 2 个错误，本表不得作为审核依据")],
                blocks=[money, Note("只在屏幕上", SCREEN_ONLY),
                        Section("一、明细", [verdicts, empty, Paragraph("一段总结。" * 30)]),
                        Chart("金额", money, 0, [Series("金额（元）", 2, "#5B9BD5")], horizontal=True),
                        SignOffs([SignOff("工会主席", "张建国"), SignOff("经办人")])],
                hints=PrintHints(landscape=True))
    return Document("测试文档", [page]), money, verdicts


@pytest.fixture()
def written(tmp_path: Path) -> Path:
    path = tmp_path / "doc.xlsx"
    write_xlsx(path, _document()[0])
    return path


def test_layout_places_every_part_once() -> None:
    document, money, verdicts = _document()
    layout = plan(document.pages[0])
    rows = {type(p.part).__name__: p.row for p in layout.parts}
    assert rows["Title"] == 0 and rows["Line"] == 1 and rows["Stamp"] == 2
    tables = layout.tables()
    assert [(t.row, t.first, t.last, t.total) for t in tables[:1]] == [(4, 5, 6, 7)]  # a blank row under the stamp
    chart = next(p for p in layout.parts if isinstance(p.part, Chart))
    signed = next(p for p in layout.parts if isinstance(p.part, SignLine))
    # new_page: the table starts a page, under its section title; the sign-off block does not fit
    # under the chart on that page and moves whole to the next
    assert layout.breaks == [tables[1].row - 1, signed.row - SIGN_OFF_GAP]
    assert chart.source is tables[0]
    assert plan(document.pages[0], charts=False).rows == layout.rows - styles.CHART_ROWS - 1


def test_file_cells_styles_and_print_setup(written: Path) -> None:
    wb = openpyxl.load_workbook(written)
    ws = wb["测试页"]
    assert wb.properties.title == "测试文档"
    assert ws["A1"].value == "测试工会2026年度测试表" and ws["A1"].font.sz == styles.TITLE_SIZE
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A1:F1", "A2:B2", "C2:D2", "E2:F2", "A3:F3"}
    assert [ws[c].alignment.horizontal for c in ("A2", "C2", "E2")] == ["left", "center", "right"]
    stamp = ws["A3"]
    assert stamp.font.b and stamp.fill.fgColor.rgb.endswith(styles.TONE_FILLS[BAD][1:]) and stamp.border.left.style == "medium"
    assert ws["A5"].value == "项目" and ws["A5"].fill.fgColor.rgb.endswith(styles.HEADER_FILL[1:])
    assert ws["A6"].value == "=1+1" and ws["A6"].data_type == "s"  # user text stays text
    assert (ws["C6"].value, ws["C6"].number_format) == (1234.56, "#,##0.00")
    assert (ws["D6"].value, ws["D6"].number_format) == (0.5, "0.0%")
    assert ws["E6"].value == dt.datetime(2026, 3, 8) and ws["E6"].number_format == "yyyy-mm-dd"
    assert ws["E7"].value is None and ws["F6"].value == "F12"
    assert (ws["A8"].value, ws["B8"].value, ws["C8"].value, ws["D8"].value) == ("合计", "=SUM(B6:B7)", "=SUM(C6:C7)", 0.4)
    assert ws.print_title_rows == "$5:$5" and ws.auto_filter.ref == "A5:F7" and ws.freeze_panes == "B6"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws["A10"].value == "一、明细" and ws["A11"].value == "结果" and ws["A12"].value == "不通过"
    assert [b.id for b in ws.row_breaks.brk][:1] == [9]  # the new_page table starts a page, with its section title
    assert ws["A12"].fill.fgColor.rgb.endswith(styles.TONE_FILLS[BAD][1:]) and ws["A12"].font.b
    assert ws["C12"].value == 'say "hi"'
    assert ws["A14"].value == "事项" and ws["A15"].value == "本月没有待办事项。"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "只在屏幕上" not in texts
    assert "工会主席：张建国" in texts and "经办人：" in texts and texts.count(styles.SIGN_OFF_BLANKS) == 2
    paragraph = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("一段"))
    assert ws.row_dimensions[paragraph.row].height > 2 * 16  # sized to its wrapped lines


def test_file_totals_cache_the_core_figures(written: Path) -> None:
    rows = CalamineWorkbook.from_path(str(written)).get_sheet_by_name("测试页").to_python()
    assert rows[7][:4] == ["合计", 7, 1235.06, 0.4]  # 123456 + 50 fen, summed as fen


def test_file_chart_reads_its_table_top_down(written: Path) -> None:
    with zipfile.ZipFile(written) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    assert "<c:barDir val=\"bar\"/>" in xml and "'测试页'!$C$6:$C$7" in xml.replace("测试页!", "'测试页'!")
    cat_axis = xml.split("<c:catAx>")[1].split("</c:catAx>")[0]
    assert '<c:orientation val="maxMin"/>' in cat_axis


def test_grid_values_links_and_formatting() -> None:
    grid = render_grid(_document()[0].pages[0])
    values = grid.values
    assert values[0][0] == "测试工会2026年度测试表"
    assert [values[1][0], values[1][2], values[1][4]] == ["编制单位：测试工会", "2026年度", "金额单位：元"]
    assert values[5][:4] == ["'=1+1", 3, 1234.56, 0.5]  # escaped text; money in 元
    assert values[5][5] == '=HYPERLINK("#\'会员台账\'!F12","F12")' and values[6][5] == "会员台账"
    assert values[7][:4] == ["合计", 7, 1235.06, 0.4]  # cached totals, never formulas
    verdict_row = next(r for r, row in enumerate(values) if row[0] == "不通过")
    assert values[verdict_row][1] == "仅在纸上"  # the sheet has every column; only the terminal drops some
    assert values[verdict_row][2] == '=HYPERLINK("#\'慰问记录\'!C2","say ""hi""")'
    assert grid.fills[(2, 0)] == styles.TONE_FILLS[BAD] and grid.fills[(4, 0)] == styles.HEADER_FILL
    assert grid.fills[(verdict_row, 0)] == styles.TONE_FILLS[BAD] and grid.fills[(7, 1)] == styles.TOTAL_FILL
    formats = {(s.left, s.right, s.number_format) for s in grid.spans if s.number_format}
    assert formats == {(2, 2, "#,##0.00"), (3, 3, "0.0%"), (4, 4, "yyyy-mm-dd")}
    merged = [s for s in grid.spans if s.merge]
    assert [values[s.top][0][:2] for s in merged] == ["工作", "一段"]  # the stamp and the paragraph
    assert all(s.height for s in merged)
    assert not any("只在屏幕上" in str(v) for row in values for v in row)
    formulas = [v for row in values for v in row if isinstance(v, str) and v.startswith("=")]
    assert all(v.startswith("=HYPERLINK(") for v in formulas)


def test_terminal_shows_the_screen_parts() -> None:
    console = Console(record=True, width=160, color_system=None)
    print_document(console, _document()[0])
    text = console.export_text()
    assert text.splitlines()[0] == "测试工会2026年度测试表"
    assert "编制单位：测试工会    2026年度    金额单位：元" in text and "本表不得作为审核依据" in text
    assert "会员台账!F12" in text and "1,234.56" in text and "50.0%" in text and "2026-03-08" in text
    assert "只在屏幕上" in text and "一、明细" in text and "本月没有待办事项。" in text
    assert "仅在纸上" not in text and "说明" not in text  # a column marked screen=False
    assert "工会主席" not in text  # sign-off lines are for paper


def test_table_rows_must_fit_the_columns() -> None:
    with pytest.raises(ValueError):
        Table([Column("a"), Column("b")], [["only one"]])
    with pytest.raises(ValueError):
        Column("x", "currency")
    with pytest.raises(TypeError):
        Table([Column("标题")], [[123]])  # a rule pack's title typed as a number never reaches a cell


def test_each_demo_report_file_and_excel_door_hold_the_same_cells(demo_book, tmp_path: Path) -> None:
    from unionxl.core.audit import audit_book
    from unionxl.core.narrative import draft
    from unionxl.core.summary import summarize
    from unionxl.core.validate import validate_book
    from unionxl.core.year.todo import todo
    from unionxl.reading.reader import load_book
    from unionxl.reports.audit import build_audit
    from unionxl.reports.findings import build_findings
    from unionxl.reports.summary import build_summary
    from unionxl.reports.todo import build_todo

    book = load_book(demo_book[0])
    result = validate_book(book)
    summary = summarize(book)
    documents = [build_findings(result.findings, result.counts, book.settings.values),
                 build_audit(audit_book(book), book.settings.values),
                 build_summary(summary, draft(summary), demo_book[0].name),
                 build_todo(todo(book, 12, dt.date(2026, 1, 5)), str(book.settings.get("union_name")))]
    for document in documents:
        page = document.pages[0]
        path = tmp_path / f"{page.name}.xlsx"
        write_xlsx(path, document)
        file_rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(page.name).to_python(skip_empty_area=False)
        grid = render_grid(page)
        charts = {p.row for p in plan(page).parts if isinstance(p.part, Chart)}
        shown = [row for r, row in enumerate(file_rows) if not any(c <= r <= c + styles.CHART_ROWS for c in charts)]
        door = [[_shown(v) for v in row] for row in grid.values]
        width = len(door[0])
        assert [[_shown(v) for v in row + [""] * (width - len(row))] for row in shown][:len(door)] == door, page.name


def _shown(value: object) -> object:
    """A cell as a reader sees it: the link's text, dates as dates, numbers as floats."""
    if isinstance(value, str) and value.startswith("=HYPERLINK("):
        return value.rsplit(',"', 1)[1][:-2].replace('""', '"')
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def test_load_policy_says_why_a_book_cannot_serve_a_command(template: Path) -> None:
    from typer.testing import CliRunner

    from unionxl.cli import app
    from unionxl.contract.errors import UnusableWorkbook
    from unionxl.reading.load import AUDIT, ROLLOVER, TODO, load, refusal
    from unionxl.reading.reader import load_book

    from unionxl.contract.schema import SETTINGS, SETTINGS_BY_KEY, column_letter, settings_value_cell

    wb = openpyxl.load_workbook(template)
    row, col = settings_value_cell(SETTINGS_BY_KEY["year"])
    no_year = f"“年度”应为四位年份，例如 2026（{SETTINGS.title}!{column_letter(col)}{row + 1}），无法列出待办"
    wb[SETTINGS.title].cell(row + 1, col + 1).value = None
    wb.save(template)
    book = load_book(template)
    assert book.year is None
    assert refusal(book, AUDIT) is None  # auditing needs no year
    assert refusal(book, TODO) == no_year
    with pytest.raises(UnusableWorkbook, match="无法结转"):
        load(template, ROLLOVER)
    result = CliRunner().invoke(app, ["todo", str(template)])
    assert result.exit_code == 2 and no_year in result.stderr

    del wb["收支明细"]
    wb.save(template)
    assert refusal(load_book(template), AUDIT) == "缺少工作表“收支明细”"
    for command in (["check-budget", str(template)], ["summary", str(template)], ["todo", str(template)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2 and result.stderr.strip() == "无法使用：缺少工作表“收支明细”", command
