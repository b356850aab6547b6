"""The Excel front door on real xlwings objects, through xlwings' JSON-book engine.

`xw.Book(json=payload)` is the engine behind xlwings Server: the payload is what the
VBA/Office.js client sends, and ``book.json()["actions"]`` is what would be done in Excel.
It needs an xlwings PRO licence key: tests/conftest.py sets XLWINGS_LICENSE_KEY=noncommercial
in the test process only (the product itself never needs a key). Set UNIONXL_SKIP_XLWINGS=1 to
switch them off; they then say so as skips, never pass silently.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from unionxl.master.schools import write_schools
from unionxl.core.lookups import cap_yuan, dues_yuan, open_errors
from unionxl.core.validate import validate_path
from unionxl.reading.reader import load_book
from unionxl.reports.findings import build_findings
from unionxl.reports.grid import render_grid

xw = pytest.importorskip("xlwings")
pytestmark = pytest.mark.xlwings_key


@pytest.fixture(autouse=True)
def licence() -> None:
    if os.environ.get("UNIONXL_SKIP_XLWINGS") == "1":
        pytest.skip("UNIONXL_SKIP_XLWINGS=1: JSON-book tests switched off")
    if not xw.__pro__:
        pytest.fail("xlwings' JSON-book engine is locked: XLWINGS_LICENSE_KEY was not set before xlwings was imported")


def _iso(value: object) -> object:
    """Dates as the Excel client sends them (JavaScript's toISOString)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value


def payload(path: Path, name: str = "master.xlsx") -> dict:
    """What the xlwings VBA client sends for a workbook: every sheet's used values."""
    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for title in wb.sheet_names:
        values = wb.get_sheet_by_name(title).to_python(skip_empty_area=False) or [[""]]
        sheets.append({"name": title, "values": [[_iso(v) for v in row] for row in values], "pictures": [], "tables": []})
    return {"client": "VBA", "version": xw.__version__, "names": [], "sheets": sheets,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"}}


def run(entry: str, path: Path) -> tuple[list[dict], list[str]]:
    import unionxl.xl as ux

    book = xw.Book(json=payload(path))
    getattr(ux, entry)(book)
    titles = [s.name for s in book.sheets]
    return book.json()["actions"], titles


def _sheet_index(titles: list[str], title: str) -> int:
    return titles.index(title)


def test_validate_writes_findings_marks_cells_and_never_touches_inputs(demo_book) -> None:
    path, demo = demo_book
    actions, titles = run("validate_book", path)
    # The JSON engine carries values only, so the overwritten-formula check (which reads
    # .formula through COM in real Excel) has nothing to look at here.
    findings = [f for f in validate_path(path).findings if f.rule != "formula-overwritten"]
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    expected_grid = render_grid(build_findings(findings, counts, load_book(path).settings.values).pages[0])
    owned = _sheet_index(titles, "校验结果")
    writes = [a for a in actions if a["func"] == "setValues"]
    assert writes[0]["sheet_position"] == owned and writes[0]["values"] == expected_grid.values
    assert writes[0]["values"][1][3].startswith('=HYPERLINK("#\'活动日历\'!I6"')
    inputs = {_sheet_index(titles, t) for t in ("设置", "活动日历", "会员台账", "慰问记录", "收支明细", "经费预算")}
    touched = [a for a in actions if a["sheet_position"] in inputs]
    assert {a["func"] for a in touched} == {"setRangeColor"}  # only marks: no input value changes
    marked = {(titles[a["sheet_position"]], a["start_row"] + 1, a["start_column"]) for a in touched}
    expected = {(m.cell.split("!")[0], int(re.sub(r"[A-Z]", "", m.cell.split("!")[1])),
                 ord(m.cell.split("!")[1][0]) - 65) for m in demo.mistakes if m.rule != "formula-overwritten"}
    assert marked == expected
    marks_block = next(a for a in writes if a["values"][0][0] == "标记")
    assert len(marks_block["values"]) == 1 + len(expected)
    alert = next(a for a in actions if a["func"] == "alert")
    assert f"{counts['error']} 个错误" in alert["args"][0]


@pytest.mark.parametrize("size", [300, 3000])
def test_write_actions_stay_bounded(tmp_path: Path, size: int) -> None:
    from unionxl.master.demo import build_demo
    from unionxl.master.template import write_master

    demo = build_demo(seed=size, size=size, union_name="规模测试学校工会", mistakes=False)
    path = tmp_path / "big.xlsx"
    write_master(path, demo.settings, demo.rows)
    for entry in ("validate_book", "check_budget_book", "summarize_book", "todo_book"):
        actions, _ = run(entry, path)
        marks = sum(a["func"] == "setRangeColor" and a["args"] == ["#F8CBAD"] for a in actions)
        assert len(actions) - marks <= 30, (entry, [a["func"] for a in actions])
        assert len([a for a in actions if a["func"] == "setValues"]) <= 2


def test_previous_marks_are_restored(demo_book) -> None:
    import unionxl.xl as ux

    data = payload(demo_book[0])
    data["sheets"].append({"name": "校验结果", "pictures": [], "tables": [],
                           "values": [["级别"] + [""] * 9 + ["标记", "单元格", "原底色"],
                                      [""] * 10 + ["会员台账", "B7", "#FFFF00"],
                                      [""] * 10 + ["收支明细", "C3", ""]]})
    book = xw.Book(json=data)
    ux.validate_book(book)
    inputs = {1, 2, 3, 4, 5, 6}  # 设置 … 经费预算 after 使用说明
    restores = [a for a in book.json()["actions"]
                if a["func"] == "setRangeColor" and a["args"] != ["#F8CBAD"] and a["sheet_position"] in inputs]
    assert [(a["args"], a["start_row"], a["start_column"]) for a in restores] == [(["#FFFF00"], 6, 1), ([None], 2, 2)]
    assert not any(a["func"] == "addSheet" for a in book.json()["actions"])


def test_check_budget_and_summary_write_their_sheets(demo_book) -> None:
    actions, titles = run("check_budget_book", demo_book[0])
    block = next(a for a in actions if a["func"] == "setValues")
    assert titles[block["sheet_position"]] == "预算审核"
    assert block["values"][0][0] == "演示市实验小学工会委员会2025年度经费收支审核表"
    assert block["values"][4] == ["序号", "审核项目", "依据", "有效期", "结果", "实际", "限额", "差额", "审核意见"]
    death = next(r for r in block["values"] if r[1] == "会员本人去世慰问不超过1000元")
    assert death[4:8] == ["不通过", 2000.0, 1000.0, -1000.0]  # the same row as the report file's
    signed = [c for r in block["values"] for c in r if isinstance(c, str) and c.startswith("工会主席：")]
    assert signed == ["工会主席：张建国"]
    assert "不通过 4 条" in next(a for a in actions if a["func"] == "alert")["args"][0]

    actions, titles = run("summarize_book", demo_book[0])
    block = next(a for a in actions if a["func"] == "setValues")
    assert titles[block["sheet_position"]] == "年度汇总"
    assert block["values"][0][0] == "演示市实验小学工会委员会2025年度汇总"
    assert ["困难帮扶", 4, 3, 6500.0] in [r[:4] for r in block["values"]]


def test_todo_writes_this_months_list_with_links(demo_book) -> None:
    from unionxl.core.year.todo import default_month, todo
    from unionxl.reports.todo import build_todo

    actions, titles = run("todo_book", demo_book[0])
    [block] = [a for a in actions if a["func"] == "setValues"]
    assert titles[block["sheet_position"]] == "本月待办"
    core = load_book(demo_book[0])
    today = dt.date.today()
    expected = render_grid(build_todo(todo(core, default_month(2025, today), today), "演示市实验小学工会委员会").pages[0])
    assert block["values"] == expected.values
    assert block["values"][0][0] == "演示市实验小学工会委员会2025年12月 本月待办"
    assert block["values"][6][:4] == ["语文组", "会费欠缴", "GH008", "沈建"]
    assert block["values"][6][5] == '=HYPERLINK("#\'会员台账\'!V9","会员台账!V9")'
    assert "共有 3 项待办" in next(a for a in actions if a["func"] == "alert")["args"][0]


def test_new_year_writes_a_new_file_and_leaves_the_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [school] = write_schools(tmp_path / "s", 1, seed=11)
    monkeypatch.chdir(tmp_path)
    actions, _ = run("new_year_book", school)
    assert [a["func"] for a in actions] == ["alert"]
    rolled = tmp_path / "master-2026.xlsx"
    assert rolled.is_file() and "master-2026.xlsx" in actions[0]["args"][0]
    result = validate_path(rolled)
    assert result.errors == []


def test_new_year_never_replaces_a_next_year_book_the_treasurer_has_filled(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    [school] = write_schools(tmp_path / "s", 1, seed=11)
    monkeypatch.chdir(tmp_path)
    run("new_year_book", school)
    rolled = tmp_path / "master-2026.xlsx"
    actions, _ = run("new_year_book", school)  # untouched since unionxl made it: made again
    assert "已生成 2026 年度工作簿" in actions[0]["args"][0]
    wb = openpyxl.load_workbook(rolled)
    wb["会员台账"]["B2"] = "新同事"
    wb.save(rolled)
    filled = rolled.read_bytes()
    actions, _ = run("new_year_book", school)
    assert [a["func"] for a in actions] == ["alert"]
    message = actions[0]["args"][0]
    assert message.startswith("无法处理：") and "master-2026.xlsx" in message and "之后被修改过" in message
    assert "请先把它改名或移到别处" in message and "--force" not in message
    assert rolled.read_bytes() == filled


def test_unusable_book_gets_a_chinese_message_not_a_traceback(demo_book) -> None:
    import unionxl.xl as ux

    data = payload(demo_book[0])
    data["sheets"] = [s for s in data["sheets"] if s["name"] != "收支明细"]
    book = xw.Book(json=data)
    ux.validate_book(book)
    [alert] = [a for a in book.json()["actions"] if a["func"] == "alert"]
    assert alert["args"][0].startswith("无法处理：") and "收支明细" in alert["args"][0]
    assert "Traceback" not in alert["args"][0]


def test_udfs_are_plain_functions_underneath() -> None:
    from unionxl.xl import udfs

    assert udfs.UNION_DUES(5437) == dues_yuan(5437) == 27.15
    assert dues_yuan(5439.99, 0.005) == 27.15 and dues_yuan("") == ""
    assert udfs.UNION_CAP("生日慰问", "湖北") == cap_yuan("生日慰问", "湖北") == 300.0
    assert cap_yuan("节日慰问", "陕西") == 1000.0
    assert cap_yuan("结婚", "全国") == ""
    assert open_errors([["级别", "规则", "表", "单元格", "说明", "建议"], ["错误"], ["警告"], ["错误"]]) == 2
    assert open_errors(None) == 0


def test_new_year_carries_added_columns_and_says_what_it_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.treasurer import treasurers_book

    source = tmp_path / "2025.xlsx"
    treasurers_book(source)
    monkeypatch.chdir(tmp_path)
    actions, _ = run("new_year_book", source)
    [alert] = [a["args"][0] for a in actions if a["func"] == "alert"]
    assert "注意：本工作簿有 4 个错误，已照原样结转：" in alert and "使用说明" in alert
    rolled = CalamineWorkbook.from_path(str(tmp_path / "master-2026.xlsx"))
    members = rolled.get_sheet_by_name("会员台账").to_python()
    phone = members[0].index("联系电话")
    assert members[1][phone] == 13800138000 and members[2][phone] == "138-0013-8001"
    assert members[1][members[0].index("家庭住址")] == "𡈽𡌛村🎉3号"
    guide = [r[0] for r in rolled.get_sheet_by_name("使用说明").to_python()]
    assert "【从上一年度结转】" in guide
    assert any("“通讯录” 未带入" in line for line in guide)


def test_fills_of_a_long_sheet_are_written_in_blocks(demo_book) -> None:
    from unionxl.reports.grid import Grid
    from unionxl.xl.io import MAX_COLOR_CELLS, write_grid

    book = xw.Book(json=payload(demo_book[0]))
    rows = MAX_COLOR_CELLS // 2 + 10  # two columns: just over one block of cells
    grid = Grid("校验结果", [["", ""] for _ in range(rows)], {(r, c): "#F8CBAD" for r in range(rows) for c in (0, 1)})
    write_grid(book, grid)
    blocks = [a for a in book.json()["actions"] if a["func"] == "setRangeColors"]
    assert [(a["start_row"], a["row_count"]) for a in blocks] == [(0, MAX_COLOR_CELLS // 2), (MAX_COLOR_CELLS // 2, 10)]
    with pytest.raises(ValueError):
        write_grid(book, Grid("会员台账", [[""]]))  # never an input sheet


def test_a_book_without_a_year_gets_the_load_policys_message(demo_book) -> None:
    import unionxl.xl as ux
    from unionxl.contract.schema import SETTINGS, SETTINGS_BY_KEY, column_letter, settings_value_cell

    data = payload(demo_book[0])
    settings = next(s for s in data["sheets"] if s["name"] == SETTINGS.title)
    row, col = settings_value_cell(SETTINGS_BY_KEY["year"])
    settings["values"][row][col] = ""
    book = xw.Book(json=data)
    ux.todo_book(book)
    [alert] = [a for a in book.json()["actions"] if a["func"] == "alert"]
    cell = f"{SETTINGS.title}!{column_letter(col)}{row + 1}"
    assert alert["args"][0].startswith(f"无法处理：“年度”应为四位年份，例如 2026（{cell}）")  # the load policy's finding
    listed = next(a for a in book.json()["actions"] if a["func"] == "setValues" and a["values"][0][0] == "级别")
    assert [r[1] for r in listed["values"][1:] if r[0] in ("错误", "警告", "提示")] == ["设置的值无效"]  # and only it (by its title), in 校验结果
