"""Every report of the demo, as each front door renders it, against its stored snapshot.

The report files (CLI), the Excel door's write actions (xlwings JSON book) and the
terminal tables are compared cell by cell with tests/snapshots/*.json. A change to what
a treasurer sees shows up there as a reviewed diff (UNIONXL_UPDATE_SNAPSHOTS=1 rewrites).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import snapshot
from unionxl.cli import app
from unionxl.cli.app import out as app_out

runner = CliRunner()
TODAY = "2026-01-05"
app_out.width = 160  # what the CLI uses for a pipe, whatever COLUMNS the test machine has


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from unionxl.master.schools import write_schools

    folder = tmp_path_factory.mktemp("bureau")
    write_schools(folder, 4, seed=7, with_mistakes_every=3)
    (folder / "renamed.xlsx").write_text("这不是工作簿", encoding="utf-8")
    return folder


def _cli(*args: str) -> list[str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout.splitlines()


def _reports(book: Path, out: Path, bureau: Path) -> dict[str, tuple[Path, list[str]]]:
    """Each report written by its CLI command, with the command's terminal output."""
    b = str(book)
    return {
        "findings": (out / "findings.xlsx", _cli("validate", b, "--report", str(out / "findings.xlsx"))),
        "audit": (out / "audit.xlsx", _cli("check-budget", b, "--report", str(out / "audit.xlsx"))),
        "summary": (out / "summary.xlsx", _cli("summary", b, "--out", str(out / "summary.xlsx"))),
        "todo": (out / "todo.xlsx", _cli("todo", b, "--month", "12", "--today", TODAY, "--out", str(out / "todo.xlsx"))),
        "consolidation": (out / "bureau.xlsx", _cli("consolidate", str(bureau), "--out", str(out / "bureau.xlsx"))),
    }


@pytest.fixture(scope="module")
def written(demo_book, bureau: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    out = tmp_path_factory.mktemp("reports")
    return _reports(demo_book[0], out, bureau)


@pytest.mark.parametrize("report", ["findings", "audit", "summary", "todo", "consolidation"])
def test_report_file_cells(written, report: str) -> None:
    snapshot.check(f"file-{report}", snapshot.workbook(written[report][0]))


@pytest.mark.parametrize("report", ["findings", "audit", "summary", "todo", "consolidation"])
def test_terminal_output(written, report: str, tmp_path: Path) -> None:
    lines = [line.replace(str(tmp_path.parent), "<tmp>") for line in written[report][1]]
    snapshot.check(f"terminal-{report}", [line.rstrip() for line in lines if "已写入" not in line])


@pytest.mark.xlwings_key
@pytest.mark.parametrize("entry", ["validate_book", "check_budget_book", "summarize_book", "todo_book"])
def test_excel_door_actions(demo_book, entry: str) -> None:
    from tests.test_xl import run

    actions, titles = run(entry, demo_book[0])
    text = json.dumps({"titles": titles, "actions": actions}, ensure_ascii=False, default=str)
    text = text.replace(dt.date.today().isoformat(), "<today>")
    snapshot.check(f"excel-{entry}", json.loads(text))
