"""Bureau consolidation over good, bad and unreadable workbooks."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from unionxl.cli import app
from unionxl.core.consolidate import write_schools
from unionxl.reading.reader import load_book
from unionxl.core.summary import summarize

runner = CliRunner()


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("schools")
    write_schools(folder, 6, seed=7, with_mistakes_every=3)  # schools 3 and 6 carry the demo's mistakes
    (folder / "renamed.xlsx").write_text("这不是工作簿", encoding="utf-8")
    wb = openpyxl.load_workbook(folder / "school-001.xlsx")
    del wb["慰问记录"]
    wb.save(folder / "school-900.xlsx")
    (folder / "~$school-001.xlsx").write_bytes(b"lock")
    return folder


def test_consolidation_lists_broken_and_adds_up(bureau: Path, tmp_path: Path) -> None:
    out = tmp_path / "bureau.xlsx"
    result = runner.invoke(app, ["consolidate", str(bureau), "--out", str(out), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [s["file"] for s in payload["schools"]] == [f"school-00{i}.xlsx" for i in range(1, 7)]
    problems = {(p["file"], p["kind"]) for p in payload["problems"]}
    assert problems == {("renamed.xlsx", "无法读取"), ("school-900.xlsx", "无法读取"),
                        ("school-003.xlsx", "有错误"), ("school-006.xlsx", "有错误")}
    missing = next(p for p in payload["problems"] if p["file"] == "school-900.xlsx")
    assert "缺少工作表“慰问记录”" in missing["detail"]
    assert [s["errors"] for s in payload["schools"]] == [0, 0, 11, 0, 0, 11]

    # Totals equal the sum of each school's own summary, computed separately.
    summaries = [summarize(load_book(bureau / f"school-00{i}.xlsx")) for i in range(1, 7)]
    totals = payload["totals"]
    assert totals["members"] == sum(s.members["total"] for s in summaries)
    assert totals["visit_fen"] == sum(s.condolences["amount_fen"] for s in summaries)
    assert totals["hardship_members"] == sum(s.condolences["hardship_members"] for s in summaries)
    assert totals["income_fen"] == sum(s.journal["income_fen"] for s in summaries)
    assert totals["closing_fen"] == sum(s.balance["closing_fen"] for s in summaries)
    paid = sum(s.dues["paid_fen"] for s in summaries)
    assert totals["dues_rate"] == round(paid / sum(s.dues["expected_fen"] for s in summaries), 4)

    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("学校汇总").to_python()
    assert sheet[0][:3] == ["工会名称", "文件", "会员人数"]
    assert sheet[-1][0] == "合计（6 个工会）"
    assert sheet[-1][2] == totals["members"]
    assert sheet[-1][12] == pytest.approx(totals["income_fen"] / 100)
    listed = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("问题工作簿").to_python()
    assert {r[0] for r in listed[1:]} == {"renamed.xlsx", "school-900.xlsx", "school-003.xlsx", "school-006.xlsx"}


def test_generated_schools_are_reproducible(tmp_path: Path) -> None:
    a = write_schools(tmp_path / "a", 2, seed=5)
    b = write_schools(tmp_path / "b", 2, seed=5)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert runner.invoke(app, ["validate", str(a[0])]).exit_code == 0
