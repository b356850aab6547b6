"""The treasurer's year: festival dates, the standard plan, the holiday window rule, 本月待办, rollover dates."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import holidays
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from tests.fill import fill
from unionxl.core.audit import audit_book
from unionxl.cli import app
from unionxl.master.demo import build_demo
from unionxl.core.year.festivals import FestivalError, festival_date, nearest_statutory, previous_workday
from unionxl.core.year.plan import plan_items, plan_rows, redate
from unionxl.reading.reader import load_book
from unionxl.contract.schema import ACTIVITY_CATEGORIES, CATEGORIES
from unionxl.master.template import write_master
from unionxl.core.year.todo import age_on, default_month, todo
from unionxl.core.validate import validate_path

runner = CliRunner()
D = dt.date

# Lunar festivals as published (the checked dates, and 2025 from the State Council notice).
LUNAR = {
    2025: {"春节": D(2025, 1, 29), "端午": D(2025, 5, 31), "中秋": D(2025, 10, 6), "重阳": D(2025, 10, 29)},
    2026: {"春节": D(2026, 2, 17), "端午": D(2026, 6, 19), "中秋": D(2026, 9, 25), "重阳": D(2026, 10, 18)},
    2027: {"春节": D(2027, 2, 6), "端午": D(2027, 6, 9), "中秋": D(2027, 9, 15), "重阳": D(2027, 10, 8)},
}
SOLAR = {"元旦": (1, 1), "三八": (3, 8), "五一": (5, 1), "教师节": (9, 10), "国庆": (10, 1)}
QINGMING = {2025: D(2025, 4, 4), 2026: D(2026, 4, 5), 2027: D(2027, 4, 5)}


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_festival_dates(year: int) -> None:
    for key, day in LUNAR[year].items():
        assert festival_date(key, year) == day, key
    for key, (month, day) in SOLAR.items():
        assert festival_date(key, year) == D(year, month, day)
    assert festival_date("清明", year) == QINGMING[year]
    # lunardate and python-holidays agree on the lunar statutory festivals
    names = {"春节": "春节", "端午": "端午节", "中秋": "中秋节"}
    china = holidays.China(years=year, language="zh_CN")
    for key, name in names.items():
        assert min(d for d, n in china.items() if n == name) == festival_date(key, year)


def test_years_outside_the_calendars_are_refused() -> None:
    with pytest.raises(FestivalError, match="1950–2099"):
        festival_date("春节", 2100)
    assert festival_date("重阳", 2099) == D(2099, 10, 22)


def test_nearest_statutory_holiday_and_workdays() -> None:
    assert nearest_statutory(D(2025, 7, 18)) == (D(2025, 6, 2), "端午节", 46)
    assert nearest_statutory(D(2025, 12, 28)) == (D(2026, 1, 1), "元旦", 4)
    assert previous_workday(D(2026, 10, 18)) == D(2026, 10, 16)  # Sunday → Friday
    assert previous_workday(D(2026, 2, 17)) == D(2026, 2, 13)  # 春节 holidays and a weekend
    assert previous_workday(D(2026, 1, 1)) == D(2026, 1, 5)  # backwards would leave the year


def test_plan_data_follows_the_contract() -> None:
    items = plan_items()
    assert len(items) == 20
    for item in items:
        assert item.category in ACTIVITY_CATEGORIES, item.activity
        assert item.budget_item == "" or item.budget_item in CATEGORIES, item.activity
    rows = plan_rows(2026)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert all(r["date"].year == 2026 and r["date"].weekday() < 5 and r["status"] == "计划" for r in rows)


def test_new_fills_a_dated_plan_for_the_year(tmp_path: Path) -> None:
    book = tmp_path / "x.xlsx"
    result = runner.invoke(app, ["new", str(book), "--year", "2027", "--name", "日历小学工会委员会"])
    assert result.exit_code == 0, result.output
    assert "20 项 2027 年计划" in result.stdout
    calendar = {row["activity"]: row for row in _calendar(book)}
    assert calendar["重阳节慰问退休老教师"]["date"] == D(2027, 10, 8)
    assert calendar["重阳节慰问退休老教师"]["note"] == "重阳：10月8日"
    assert calendar["春节走访慰问70周岁以上退休教师"]["date"] == D(2027, 1, 25)  # 2 weeks before 2-06, a Monday
    assert calendar["端午节慰问教职工（节日慰问品）"]["date"] == D(2027, 6, 7)
    assert calendar["中秋节慰问教职工（节日慰问品）"]["date"] == D(2027, 9, 13)
    assert calendar["庆祝教师节暨优秀教职工表彰（在职、退休）"]["date"] == D(2027, 9, 10)
    assert {int(r["month"]) for r in calendar.values()} == set(range(1, 13)) - {5, 7}  # 五一 is marked in April
    assert validate_path(book).findings == []

    empty = tmp_path / "empty.xlsx"
    assert runner.invoke(app, ["new", str(empty), "--year", "2027", "--empty-calendar"]).exit_code == 0
    assert _calendar(empty) == []
    assert runner.invoke(app, ["new", str(tmp_path / "far.xlsx"), "--year", "2100"]).exit_code == 2


def _calendar(path: Path) -> list[dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("活动日历").to_python()
    keys = {"月份": "month", "计划日期": "date", "活动名称": "activity", "备注": "note"}
    head = rows[0]
    out = []
    for row in rows[1:]:
        record = {keys[h]: v for h, v in zip(head, row) if h in keys}
        if record["activity"]:
            record["date"] = record["date"].date() if isinstance(record["date"], dt.datetime) else record["date"]
            out.append(record)
    return out


def test_redate_moves_festival_rows_with_their_festival() -> None:
    assert redate("春节送温暖：慰问全体教职工", D(2025, 1, 20), 2026) == D(2026, 2, 6)  # 9 days before, to a Friday
    assert redate("中秋节慰问教职工", D(2025, 9, 28), 2026) == D(2026, 9, 17)
    assert redate("重阳节慰问退休教师", D(2025, 10, 29), 2026) == D(2026, 10, 16)
    assert redate("重阳节慰问退休老教师", D(2026, 10, 16), 2027) == D(2027, 10, 8)  # a plan row: from the plan
    assert redate("教职工周末登山", D(2025, 4, 19), 2026) == D(2026, 4, 19)  # a Saturday event stays on its date
    assert redate("读书分享会", D(2024, 2, 29), 2025) == D(2025, 2, 28)


def test_rollover_replans_the_calendar_with_next_years_dates(tmp_path: Path) -> None:
    demo = build_demo(mistakes=False)
    source = tmp_path / "2025.xlsx"
    write_master(source, demo.settings, demo.rows)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    target = tmp_path / "2026.xlsx"
    assert runner.invoke(app, ["rollover", str(source), "--out", str(target)]).exit_code == 0
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    calendar = {row["activity"]: row for row in _calendar(target)}
    assert calendar["春节送温暖：慰问全体教职工"]["date"] == D(2026, 2, 6)
    assert calendar["春节送温暖：慰问全体教职工"]["month"] == 2
    assert calendar["端午节慰问教职工"]["date"] == D(2026, 6, 18)
    assert calendar["重阳节慰问退休教师"]["date"] == D(2026, 10, 16)
    assert calendar["庆祝教师节座谈会暨表彰"]["date"] == D(2026, 9, 10)
    assert len(calendar) == len(demo.rows["calendar"])
    assert validate_path(target).errors == []


def _festival_visit(day: D, member: str = "GH001", name: str = "张三") -> dict[str, object]:
    return {"date": day, "member_id": member, "name": name, "visit_type": "节日慰问", "reason": "节日慰问品",
            "amount": 200, "form": "慰问品"}


def test_holiday_window_rule(template: Path, tmp_path: Path) -> None:
    members = [{"member_id": "GH001", "name": "张三", "join_date": D(2020, 9, 1), "status": "在职", "wage": 5000}]
    fill(template, {"members": members, "visits": [
        _festival_visit(D(2026, 1, 30)),  # 元旦 + 29: inside
        _festival_visit(D(2026, 7, 20)),  # 端午 6-19 + 31: outside
        _festival_visit(D(2026, 3, 7)),  # 清明 4-05 − 29: inside
    ]})
    result = next(r for r in audit_book(load_book(template)).results if r.rule.id == "holiday-window")
    assert result.status == "warn"
    [v] = result.violations
    assert v.cell == "慰问记录!A3"
    assert "端午节 2026-06-19）后 31 天，超过 30 天" in v.detail

    pack = tmp_path / "wider.toml"
    pack.write_text('[pack]\nid = "u"\nname = "本单位"\n\n[[rules]]\nid = "holiday-window"\noverride = true\ndays = 31\n',
                    encoding="utf-8")
    wider = next(r for r in audit_book(load_book(template), [pack]).results if r.rule.id == "holiday-window")
    assert wider.status == "pass"


def test_demo_todo_for_december_is_the_hand_checked_list(demo_book) -> None:
    result = runner.invoke(app, ["todo", str(demo_book[0]), "--today", "2026-11-23", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["month"] == 12  # a past year's book defaults to December
    assert [(i["group"], i["kind"], i["name"], i["cell"]) for i in data["items"]] == [
        ("（全体）", "活动安排", "年度工作总结、先进评比与账务上交", "活动日历!J20"),
        ("语文组", "会费欠缴", "沈建", "会员台账!V9"),
        ("语文组", "会费欠缴", "罗杰", "会员台账!U65"),
    ]
    assert data["items"][2]["detail"] == "11月、12月会费未缴足，共欠 42.50 元"


def test_todo_lists_each_kind_sorted_by_group(tmp_path: Path) -> None:
    """October of the clean demo year with one thing left undone of each kind, checked by hand."""
    demo = build_demo(mistakes=False)
    visits, members, calendar = demo.rows["visits"], demo.rows["members"], demo.rows["calendar"]
    visits[:] = [v for v in visits if not (
        (v["visit_type"] == "生日慰问" and v["member_id"] in ("GH044", "GH083"))  # born 10-16 and 10-09
        or (v["member_id"] == "GH112" and v["date"] == D(2025, 10, 29)))]  # retired, born 1946-09-02
    next(v for v in visits if v["reason"] == "骨折住院")["voucher"] = ""
    next(r for r in calendar if r["activity"] == "重阳节慰问退休教师")["status"] = "计划"
    members[1]["m10"] = None
    book = tmp_path / "october.xlsx"
    write_master(book, demo.settings, demo.rows)
    items = todo(load_book(book), 10, D(2025, 11, 1)).items
    assert [(i.group, i.kind, i.member_id, i.name, i.detail, i.cell) for i in items] == [
        ("（全体）", "活动安排", "", "重阳节慰问退休教师",
         "10月29日已过，状态仍为“计划”：请改为已完成或取消，并填实际金额和参与人数（负责人：工会主席）", "活动日历!J16"),
        ("数学组", "生日慰问", "GH044", "徐艳芳", "10月16日生日，今年尚未登记生日慰问", "会员台账!D45"),
        ("数学组", "会费欠缴", "GH002", "沈洋力", "10月会费未缴足，共欠 42.80 元", "会员台账!T3"),
        ("理综组", "补凭证号", "GH067", "肖华", "10月9日生病住院 500.00 元没有凭证号", "慰问记录!I414"),
        ("艺体组", "生日慰问", "GH083", "蒋然", "10月9日生日，今年尚未登记生日慰问", "会员台账!D84"),
        ("退休组", "高龄退休教职工慰问", "GH112", "丁嘉丽", "79岁，重阳（10月29日）前后尚未登记慰问", "会员台账!G113"),
    ]
    # Before the date, the same activity is simply this month's plan.
    early = todo(load_book(book), 10, D(2025, 10, 1)).items
    assert early[0].detail.startswith("本月计划，10月29日")


def test_done_activities_without_amounts(template: Path) -> None:
    fill(template, {"calendar": [
        {"month": 3, "date": D(2026, 3, 6), "activity": "开学座谈", "category": "民主管理", "status": "已完成"},
        {"month": 3, "date": D(2026, 3, 9), "activity": "女工活动", "category": "文体活动", "budget": 800,
         "status": "已完成"},
    ]})
    items = todo(load_book(template), 3, D(2026, 3, 20)).items
    assert [(i.name, i.detail, i.cell) for i in items] == [("女工活动", "已完成，未填实际金额", "活动日历!H3")]


def test_leap_day_birthdays_and_ages(template: Path) -> None:
    assert age_on(D(1956, 2, 29), D(2026, 2, 28)) == 69
    assert age_on(D(1956, 2, 29), D(2026, 3, 1)) == 70
    assert age_on(D(1956, 2, 29), D(2028, 2, 29)) == 72
    members = [
        {"member_id": "GH001", "name": "闰日", "birth_date": D(1992, 2, 29), "join_date": D(2015, 9, 1), "status": "在职"},
        {"member_id": "GH002", "name": "老教师", "birth_date": D(1956, 2, 1), "group": "退休组",
         "join_date": D(1980, 9, 1), "status": "退休", "status_date": D(2016, 2, 28)},
        {"member_id": "GH003", "name": "刚满七十", "birth_date": D(1956, 2, 18), "group": "退休组",
         "join_date": D(1980, 9, 1), "status": "退休", "status_date": D(2016, 2, 28)},
    ]
    fill(template, {"members": members})
    items = todo(load_book(template), 2, D(2026, 2, 1)).items
    assert [(i.kind, i.name, i.detail) for i in items] == [
        ("生日慰问", "闰日", "2月29日（今年按2月28日）生日，今年尚未登记生日慰问"),
        ("高龄退休教职工慰问", "老教师", "70岁，春节（2月17日）前后尚未登记慰问"),
    ]  # 刚满七十 turns 70 on 2-18, the day after 春节
    assert default_month(2026, D(2026, 2, 1)) == 2 and default_month(2027, D(2026, 2, 1)) == 1


def test_todo_report_is_a_printable_new_file(demo_book, tmp_path: Path) -> None:
    out = tmp_path / "todo.xlsx"
    before = hashlib.sha256(demo_book[0].read_bytes()).hexdigest()
    result = runner.invoke(app, ["todo", str(demo_book[0]), "--month", "12", "--today", "2026-01-05", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(demo_book[0].read_bytes()).hexdigest() == before
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("本月待办").to_python()
    assert rows[0][0] == "演示市实验小学工会委员会2025年12月 本月待办"
    assert rows[1][0] == "编制单位：演示市实验小学工会委员会" and "金额单位：元" in rows[1]
    assert rows[4] == ["工会小组", "事项", "会员编号", "姓名/活动", "说明", "位置", "完成"]  # under a blank row
    assert rows[6][:4] == ["语文组", "会费欠缴", "GH008", "沈建"] and rows[6][6] == "□"
    assert runner.invoke(app, ["todo", str(demo_book[0]), "--today", "2026-13-01"]).exit_code == 2
