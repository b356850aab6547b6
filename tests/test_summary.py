"""Summary figures against an independent computation from the demo generator's own rows.

The expectations below never go through the reader, the typing or the summary code: they
are plain Python over the rows the generator wrote into the workbook.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionxl.cli import app
from unionxl.master.demo import DEMO_YEAR, Demo
from unionxl.reading.reader import load_book
from unionxl.core.narrative import draft
from unionxl.core.summary import summarize
from tests.test_validation import make

runner = CliRunner()


def fen(value: object) -> int:
    return round(value * 100) if isinstance(value, (int, float)) else 0


@pytest.fixture(scope="module")
def figures(demo_book: tuple[Path, Demo]) -> tuple[dict, Demo]:
    return summarize(load_book(demo_book[0])).to_dict(), demo_book[1]


@pytest.fixture(scope="module")
def narrative(demo_book: tuple[Path, Demo]) -> str:
    return draft(summarize(load_book(demo_book[0])))


def test_member_figures(figures) -> None:
    s, demo = figures
    members = demo.rows["members"]
    assert s["members"]["total"] == len(members) == 121
    assert s["members"]["by_status"] == dict(Counter(m["status"] for m in members)) | {}
    assert s["members"]["new_members"] == sum(m["join_date"].year == DEMO_YEAR for m in members)
    changed = [m for m in members if m.get("status_date") and m["status_date"].year == DEMO_YEAR]
    assert s["members"]["left"] == sum(m["status"] in ("调离", "去世") for m in changed) == 2
    assert s["members"]["retired_this_year"] == sum(m["status"] == "退休" for m in changed) == 2
    groups = Counter(m["group"] for m in members)
    assert {g: sum(v.values()) for g, v in s["members"]["by_group"].items()} == dict(groups)


def _due(member: dict) -> range:
    join = member["join_date"]
    start = join.month if join.year == DEMO_YEAR else (1 if join.year < DEMO_YEAR else 13)
    end = 12
    if member["status"] != "在职" and member.get("status_date"):
        changed = member["status_date"]
        end = changed.month if changed.year == DEMO_YEAR else (0 if changed.year < DEMO_YEAR else 12)
    return range(start, end + 1)


def test_dues_figures(figures) -> None:
    s, demo = figures
    members = demo.rows["members"]
    paid = [sum(fen(m.get(f"m{k}")) for m in members) for k in range(1, 13)]
    expected = [0] * 12
    for m in members:
        if m.get("wage"):
            monthly = math.floor(m["wage"] / 10) * 10 // 2  # 0.5 % of whole 10 元, in fen
            for k in _due(m):
                expected[k - 1] += monthly
    assert [r["paid_fen"] for r in s["dues"]["monthly"]] == paid
    assert [r["expected_fen"] for r in s["dues"]["monthly"]] == expected
    assert s["dues"]["paid_fen"] == sum(paid) == 4_107_875
    assert s["dues"]["collection_rate"] == round(sum(paid) / sum(expected), 4)
    assert s["dues"]["members_in_arrears"] == 2


def test_condolence_figures(figures) -> None:
    s, demo = figures
    visits = [v for v in demo.rows["visits"] if v["date"].year == DEMO_YEAR]
    for kind in {v["visit_type"] for v in visits}:
        rows = [v for v in visits if v["visit_type"] == kind]
        got = s["condolences"]["by_type"][kind]
        assert (got["visits"], got["members"], got["amount_fen"]) == (
            len(rows), len({v["member_id"] for v in rows}), sum(fen(v["amount"]) for v in rows)), kind
    hardship = [v for v in visits if v["visit_type"] == "困难帮扶"]
    assert s["condolences"]["hardship_members"] == len({v["member_id"] for v in hardship}) == 3
    assert s["condolences"]["hardship_fen"] == 650_000
    retired = {m["member_id"] for m in demo.rows["members"] if m["status"] == "退休"}
    assert s["condolences"]["retirees_visited"] == len({v["member_id"] for v in visits if v["member_id"] in retired})
    assert s["condolences"]["ill_and_death_visits"] == sum(v["visit_type"] in ("生病住院", "本人去世") for v in visits) == 5


def test_activity_figures(figures) -> None:
    s, demo = figures
    calendar = demo.rows["calendar"]
    done = [r for r in calendar if r["status"] == "已完成"]
    assert s["activities"]["done"] == len(done) == 17
    assert s["activities"]["cancelled"] == 1 and s["activities"]["planned"] == 1
    assert s["activities"]["participants"] == sum(r["participants"] for r in done if isinstance(r["participants"], int))
    assert s["activities"]["actual_fen"] == sum(fen(r["actual"]) for r in calendar)
    by_month = defaultdict(int)
    for r in done:
        by_month[r["month"]] += 1
    assert [m["done"] for m in s["activities"]["by_month"]] == [by_month[k] for k in range(1, 13)]
    assert s["activities"]["health_check_participants"] == 0  # the 体检 row's 状态 is the invalid “完成”


def test_journal_budget_and_balance(figures) -> None:
    s, demo = figures
    journal = demo.rows["journal"]
    income = sum(fen(r["amount"]) for r in journal if r["direction"] == "收入")
    expense = sum(fen(r["amount"]) for r in journal if r["direction"] == "支出")
    assert (s["journal"]["income_fen"], s["journal"]["expense_fen"]) == (income, expense)
    for month in range(1, 13):
        row = s["journal"]["monthly"][month - 1]
        assert row["expense_fen"] == sum(fen(r["amount"]) for r in journal
                                         if r["direction"] == "支出" and r["date"].month == month)
    sports = next(r for r in s["budget"] if r["category"] == "文体活动")
    assert sports["budget_fen"] == 1_200_000
    assert sports["actual_fen"] == sum(fen(r["amount"]) for r in journal if r["category"] == "文体活动") == 1_671_000
    assert sports["execution"] == round(1_671_000 / 1_200_000, 4)
    opening = fen(demo.settings["opening_balance"])
    assert s["balance"]["closing_fen"] == opening + income - expense
    assert s["balance"]["closing_yuan"] == round((opening + income - expense) / 100, 2)


def test_narrative_quotes_the_figures(narrative: str) -> None:
    text = narrative
    assert text.startswith("2025年，会员台账共登记会员121人（在职105人、退休14人）")
    assert "全年共开展活动17项，参与教职工996人次" in text
    assert "帮扶困难职工3人，帮扶金额6,500元" in text
    assert "走访慰问生病住院教职工4人次，发放慰问金2,300元" in text
    assert "健康体检" not in text  # zero: left out, not written as 0


def test_narrative_leaves_out_zero_figures(template: Path) -> None:
    assert draft(summarize(load_book(template))) == ""
    text = draft(summarize(load_book(make(template))))
    assert "慰问" in text and "帮扶" not in text and "结婚" not in text


def test_summary_command_json_and_report(demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["summary", str(demo_book[0]), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["validation"]["error"] == sum(m.severity == "error" for m in demo_book[1].mistakes)
    assert payload["condolences"]["hardship_yuan"] == 6500.0
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("年度汇总").to_python()
    assert rows[0][0] == "演示市实验小学工会委员会2025年度汇总"
    texts = [c for r in rows for c in r if isinstance(c, str)]
    assert payload["narrative"] in texts
    hardship = next(r for r in rows if r[0] == "困难帮扶")
    assert hardship[1:4] == [4.0, 3.0, 6500.0]
