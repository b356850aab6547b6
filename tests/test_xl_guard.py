"""The button guard on real xlwings objects (JSON-book engine): short messages, 校验结果, the log, no caller."""

from __future__ import annotations

import copy
import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from tests.test_xl import licence, payload  # noqa: F401  (the autouse licence gate applies here too)
from unionxl.contract.findings import ERROR
from unionxl.contract.schema import INPUT_SHEETS
from unionxl.files import log as failure_log
from unionxl.reading.coerce import coerce_book
from unionxl.reading.reader import build_tables
from unionxl.contract.findings import count_findings
from unionxl.reports.findings import build_findings
from unionxl.reports.grid import render_grid

xw = pytest.importorskip("xlwings")
pytestmark = pytest.mark.xlwings_key

#: "a few lines at most"
MAX_LINES, MAX_CHARS = 4, 200


def _press(entry: str, data: dict) -> list[dict]:
    import unionxl.xl as ux

    book = xw.Book(json=data)
    getattr(ux, entry)(book)
    return book.json()["actions"]


def _alert(actions: list[dict]) -> str:
    [alert] = [a for a in actions if a["func"] == "alert"]
    return alert["args"][0]


def _expected_findings(data: dict):
    """What the reader makes of the payload's grids: the problems that make the book unusable, and the rest."""
    def typed(value: object) -> object:  # the ISO dates the client sends, as xlwings reads them
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\.000Z", value):
            return dt.datetime.fromisoformat(value[:10])
        return value

    titles = {s.title for s in INPUT_SHEETS}
    grids = {s["name"]: [[typed(v) for v in row] for row in s["values"]] for s in data["sheets"] if s["name"] in titles}
    core = coerce_book(build_tables(grids, None))
    assert not core.usable
    return core.findings


@pytest.mark.parametrize("entry", ["validate_book", "check_budget_book", "summarize_book", "todo_book"])
def test_an_unusable_book_gets_a_short_message_and_every_problem_in_the_findings_sheet(
        tmp_path: Path, entry: str) -> None:
    from unionxl.master.demo import build_demo
    from unionxl.master.template import write_master

    demo = build_demo(seed=5, size=300, union_name="不能用小学工会委员会", mistakes=False)
    path = tmp_path / "big.xlsx"
    write_master(path, demo.settings, demo.rows)
    data = payload(path)
    data["sheets"] = [s for s in data["sheets"] if s["name"] != "收支明细"]
    members = next(s for s in data["sheets"] if s["name"] == "会员台账")
    wage = members["values"][0].index("月工资基数")
    for row in members["values"][1:]:
        if row[0]:
            row[wage] = "很多"  # 300 text wages: one error each, as a pasted column would give
    expected = _expected_findings(copy.deepcopy(data))
    errors = [f for f in expected if f.severity == ERROR]
    assert len(errors) > 300 and len("；".join(f.message for f in errors)) > 5000  # the old message box's size

    actions = _press(entry, data)
    message = _alert(actions)
    assert message.startswith("无法处理：缺少工作表“收支明细”")
    assert len(message) <= MAX_CHARS and message.count("\n") < MAX_LINES
    assert f"等 {len(expected)} 个问题" in message and "校验结果" in message and "Traceback" not in message
    [block] = [a for a in actions if a["func"] == "setValues" and a["values"][0][0] == "级别"]
    expected_grid = render_grid(build_findings(expected, count_findings(expected), {}).pages[0])
    assert block["values"] == expected_grid.values  # the whole list, each with its cell
    rows = block["values"][1:]
    assert ["错误", "缺少工作表", "收支明细", "收支明细"] == rows[0][:4]
    first_wage = next(r for r in rows if r[1] in ("金额不是数字", "应为数字"))
    assert first_wage[2] == "会员台账"
    assert re.fullmatch(r'=HYPERLINK\("#\'会员台账\'!I\d+","I\d+"\)', first_wage[3]), first_wage


def test_a_failure_in_the_core_writes_the_log_and_the_message_names_it(
        demo_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import unionxl.xl.entry as entry

    def broken(core):
        raise ZeroDivisionError("division by zero in a check")

    monkeypatch.setattr(entry, "run_validation", broken)
    monkeypatch.setenv("UNIONXL_LOG_DIR", str(tmp_path / "logs"))
    message = _alert(_press("validate_book", payload(demo_book[0])))
    [log] = (tmp_path / "logs").iterdir()
    assert str(log) in message and log.name.startswith("unionxl-") and log.suffix == ".log"
    assert message.count("\n") < MAX_LINES and "Traceback" not in message and "ZeroDivisionError" not in message
    text = log.read_text(encoding="utf-8")
    assert "action: validate" in text and "workbook: master.xlsx" in text
    assert f"xlwings {xw.__version__}" in text and "unionxl 0.1.0" in text and f"Python {sys.version.split()[0]}" in text
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: division by zero in a check" in text
    assert 'in broken\n    raise ZeroDivisionError' in text  # the frame that failed


def test_the_log_falls_back_to_the_temp_folder_when_its_folder_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("UNIONXL_LOG_DIR", str(blocker / "logs"))
    monkeypatch.setattr(failure_log.tempfile, "gettempdir", lambda: str(tmp_path / "temp"))
    written = failure_log.write_failure_log(ValueError("x"), "summarize", "m.xlsm")
    assert written is not None and written.parent == tmp_path / "temp"


def test_the_log_folder_is_the_users_local_log_folder_unless_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("UNIONXL_LOG_DIR", raising=False)
    assert failure_log.log_dir() == Path(platformdirs.user_log_dir("unionxl", appauthor=False))
    monkeypatch.setenv("UNIONXL_LOG_DIR", "/srv/x")
    assert failure_log.log_dir() == Path("/srv/x")


@pytest.mark.parametrize("entry", ["validate_book", "check_budget_book", "summarize_book", "todo_book", "new_year_book"])
def test_no_calling_workbook_prints_one_chinese_line(entry: str, capsys: pytest.CaptureFixture[str]) -> None:
    import unionxl.xl as ux
    from unionxl.xl.guard import NO_CALLER

    getattr(ux, entry)()
    out, err = capsys.readouterr()
    assert out == "" and err == NO_CALLER + "\n"
    assert re.search(r"[\u4e00-\u9fff]", err) and "Traceback" not in err


def test_no_calling_workbook_under_runpython_exits_non_zero_so_excel_shows_the_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import unionxl.xl as ux

    monkeypatch.setattr(sys, "argv", ["-c", "--wb=master.xlsm", "--from_xl=1"])
    with pytest.raises(SystemExit) as stop:
        ux.validate_book()
    assert stop.value.code == 1 and capsys.readouterr().err.count("\n") == 1
