"""The demo workbook: realistic, and its documented mistakes are exactly what validate reports."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unionxl.cli import app
from unionxl.master.demo import Demo
from unionxl.reading.reader import load_book
from unionxl.contract.schema import VISIT_TYPES
from unionxl.core.validate import validate_path
from tests.conftest import ROOT

runner = CliRunner()


def test_documented_mistakes_are_exactly_the_errors_and_warnings(demo_book: tuple[Path, Demo]) -> None:
    path, demo = demo_book
    result = validate_path(path)
    reported = {(f.rule, f.severity, f.cell) for f in result.findings if f.severity != "info"}
    assert reported == {(m.rule, m.severity, m.cell) for m in demo.mistakes}
    assert result.counts["error"] == sum(m.severity == "error" for m in demo.mistakes) > 0


def test_committed_demo_reports_its_mistakes_by_cli() -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "workbooks" / "demo-master.xlsx"), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["counts"] == {"error": 11, "warning": 2, "info": 2}
    cells = {(f["rule"], f["cell"]) for f in payload["findings"]}
    assert ("member-left-dues", "会员台账!Q32") in cells
    assert ("voucher-amount-mismatch", "慰问记录!F416") in cells
    assert ("dues-journal-mismatch", "经费预算!F2") in cells


def test_demo_is_a_realistic_school_year(demo_book: tuple[Path, Demo]) -> None:
    book = load_book(demo_book[0])
    members = book["members"].data
    assert len(members) == 121  # 120 members plus the duplicated id
    assert set(members["status"]) == {"在职", "退休", "调离", "去世"}
    visits = book["visits"].data
    assert set(visits["visit_type"]) == set(VISIT_TYPES)
    calendar = book["calendar"].data
    assert sorted(set(calendar["month"].astype(int))) == list(range(1, 13))
    assert {"已完成", "计划", "取消"} <= set(calendar["status"])
    journal = book["journal"].data
    assert {"会费收入", "拨缴经费收入", "行政补助收入", "会员活动", "困难职工帮扶费"} <= set(journal["category"])


def test_demo_is_deterministic(tmp_path: Path, demo_book: tuple[Path, Demo]) -> None:
    from unionxl.master.demo import write_demo

    again = write_demo(tmp_path / "again.xlsx")
    assert again.mistakes == demo_book[1].mistakes
    assert (tmp_path / "again.xlsx").read_bytes() == demo_book[0].read_bytes()


def test_demo_command_writes_master_and_report(tmp_path: Path, demo_book: tuple[Path, Demo]) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    mistakes = len(demo_book[1].mistakes)
    assert f"故意设置了 {mistakes} 处错误，unionxl 发现了其中 {mistakes} 处" in result.stdout
    report = load_report(tmp_path / "d" / "demo-report.xlsx")
    assert report[0] == ["级别", "规则", "表", "单元格", "说明", "建议"]
    assert ["错误", "离会后仍记会费", "会员台账", "Q32"] in [r[:4] for r in report]


def load_report(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("校验结果").to_python()
