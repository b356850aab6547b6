"""Rolling a workbook over to the next year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from unionxl.cli import app
from unionxl.core.consolidate import write_schools
from unionxl.reading.reader import load_book
from unionxl.core.summary import summarize
from unionxl.core.validate import validate_path

runner = CliRunner()


def test_rollover_keeps_members_carries_balance_and_validates(tmp_path: Path) -> None:
    [school] = write_schools(tmp_path / "s", 1, seed=21)
    before = hashlib.sha256(school.read_bytes()).hexdigest()
    target = tmp_path / "next.xlsx"
    result = runner.invoke(app, ["rollover", str(school), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(school.read_bytes()).hexdigest() == before

    old, new = load_book(school), load_book(target)
    members = old["members"].data
    leavers = members["status"].isin(["调离", "去世"]) & members["status_date"].dt.year.le(2025)
    assert sorted(new["members"].data["member_id"]) == sorted(members.loc[~leavers, "member_id"])
    for name in members.loc[leavers, "name"]:
        assert name in result.stdout
    assert new.year == 2026
    assert new.settings.get("opening_balance") == summarize(old).balance["closing_fen"]
    assert new["members"].data[[f"m{k}" for k in range(1, 13)]].isna().all().all()
    assert new["journal"].data.empty and new["visits"].data.empty
    budget = new["budget"].data.set_index("level2")
    old_actual = summarize(old).budget
    dues_line = next(r for r in old_actual if r["category"] == "会费收入")
    assert budget.at["会费收入", "prior_actual"] == dues_line["actual_fen"]
    assert budget.at["会费收入", "prior_budget"] == dues_line["budget_fen"]
    calendar = new["calendar"].data
    assert set(calendar["status"]) == {"计划"} and (calendar["date"].dt.year == 2026).all()
    assert validate_path(target).errors == []


def test_rollover_refuses_to_overwrite(tmp_path: Path) -> None:
    [school] = write_schools(tmp_path / "s", 1, seed=22)
    target = tmp_path / "next.xlsx"
    target.write_bytes(b"keep")
    assert runner.invoke(app, ["rollover", str(school), "--out", str(target)]).exit_code == 2
    assert target.read_bytes() == b"keep"
