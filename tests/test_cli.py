"""Exit codes, JSON shape, and the never-damage guarantee of the headless commands."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from typer.testing import CliRunner

from unionxl.cli import app
from tests.test_validation import make

runner = CliRunner()


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_clean_workbook_exits_zero_with_one_json_object(template: Path) -> None:
    result = runner.invoke(app, ["validate", str(make(template)), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"findings": [], "counts": {"error": 0, "warning": 0, "info": 0}, "usable": True}


def test_errors_exit_one_and_report_leaves_input_untouched(template: Path, tmp_path: Path) -> None:
    book = make(template, (("visits", 0, "name", "李思"),))
    before, stamp = _hash(book), os.stat(book).st_mtime_ns
    report = tmp_path / "out" / "校验结果.xlsx"
    result = runner.invoke(app, ["validate", str(book), "--report", str(report)])
    assert result.exit_code == 1
    assert "慰问记录!C2" in result.stdout
    assert _hash(book) == before and os.stat(book).st_mtime_ns == stamp
    assert report.is_file()
    assert not [p for p in report.parent.iterdir() if p.name.startswith(".")]  # no temp file left


def test_report_may_not_replace_the_input(template: Path) -> None:
    before = _hash(template)
    result = runner.invoke(app, ["validate", str(template), "--report", str(template)])
    assert result.exit_code == 2
    assert "就是输入的文件" in result.stderr and "--force 也不会" in result.stderr
    assert _hash(template) == before


def test_unusable_file_exits_two_with_one_chinese_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "不是 Excel 工作簿" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_sheet_exits_two_but_still_prints_json(template: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(template)
    del wb["收支明细"]
    wb.save(template)
    result = runner.invoke(app, ["validate", str(template), "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["usable"] is False
    assert payload["findings"][0]["rule"] == "sheet-missing"
    assert "缺少工作表“收支明细”" in result.stderr


def test_open_workbook_is_read_with_a_notice(template: Path) -> None:
    (template.parent / ("~$" + template.name)).write_bytes(b"owner")
    result = runner.invoke(app, ["validate", str(template)])
    assert result.exit_code == 0
    assert "正在 Excel/WPS 中打开" in result.stderr


def test_formula_like_text_is_written_as_text(template: Path, tmp_path: Path) -> None:
    """A member named '=1+1' stays text in the report, never a formula."""
    import openpyxl

    book = make(template, (("visits", 0, "name", "=HYPERLINK(\"http://x\",\"点我\")"),))
    report = tmp_path / "r.xlsx"
    runner.invoke(app, ["validate", str(book), "--report", str(report)])
    ws = openpyxl.load_workbook(report)["校验结果"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any('=HYPERLINK("http://x","点我")' in t for t in texts)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
