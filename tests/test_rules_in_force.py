"""Rules in force by year, the current figures, the plan checked, and no clean sign-off on bad data.

Books are written with the template writer for a given province and 设置!年度, then audited;
each new rule passes at its limit, fails just above it, and is not applied in a year when it
is not in force.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.fill import fill
from tests.test_validation import make
from unionxl.cli import app
from unionxl.contract.schema import AUDIT_SHEET, BUDGET_TREE, balance_cell
from unionxl.core.audit import Audit, audit_book, verdict
from unionxl.core.lookups import cap_yuan
from unionxl.core.rules import resolve
from unionxl.core.rules.kinds import KINDS, MONEY_PARAMS
from unionxl.core.rules.model import PARAM_TYPES, ROW, YEAR
from unionxl.core.validate import validate_book
from unionxl.master.template import write_master
from unionxl.reading.reader import load_book
from unionxl.reports.audit import build_audit
from unionxl.reports.grid import render_grid

runner = CliRunner()

MEMBERS = [
    dict(member_id="GH001", name="张三", gender="男", birth_date=dt.date(1980, 5, 10), group="语文组",
         join_date=dt.date(2010, 9, 1), status="在职", wage=5000),
    dict(member_id="GH002", name="李四", gender="女", birth_date=dt.date(1982, 3, 2), group="数学组",
         join_date=dt.date(2012, 9, 1), status="在职", wage=5000),
    dict(member_id="GH003", name="王五", gender="男", birth_date=dt.date(1955, 1, 15), group="退休组",
         join_date=dt.date(1990, 9, 1), status="退休", status_date=dt.date(2015, 1, 31)),
]
NAMES = {m["member_id"]: m["name"] for m in MEMBERS}


def visit(month: int, day: int, kind: str, amount: float, member: str = "GH001", reason: str = "",
          form: str = "慰问品", note: str = "") -> dict[str, object]:
    return dict(date=(month, day), member_id=member, name=NAMES[member], visit_type=kind, reason=reason or kind,
                amount=amount, form=form, note=note)


def entry(month: int, day: int, summary: str, amount: float, category: str = "会员活动", direction: str = "支出",
          note: str = "") -> dict[str, object]:
    return dict(date=(month, day), voucher=f"记-{month:02d}{day:02d}", summary=summary, direction=direction,
                category=category, amount=amount, note=note)


def activity(month: int, day: int, name: str, category: str = "文体活动", actual: float | None = None,
             budget: float | None = None, participants: int | None = None, status: str = "已完成",
             note: str = "", item: str = "会员活动") -> dict[str, object]:
    return dict(month=month, date=(month, day), activity=name, category=category, budget_item=item, budget=budget,
                actual=actual, participants=participants, status=status, note=note)


def write_book(path: Path, year: int, province: str, *, visits=(), journal=(), calendar=(), budget=None,
               members=None, opening: float = 100_000) -> Path:
    """A book of *year*: row dates given as (month, day) are put in that year."""
    def dated(rows):
        return [{k: (dt.date(year, *v) if k == "date" else v) for k, v in row.items()} for row in rows]

    rows = {"visits": dated(visits), "journal": dated(journal), "calendar": dated(calendar),
            "members": members if members is not None else MEMBERS,
            "budget": [{"code": c.code, "direction": c.direction, "level1": c.level1, "level2": c.level2,
                        "budget": (budget or {}).get(c.level2)} for c in BUDGET_TREE]}
    write_master(path, {"union_name": "测试小学工会委员会", "year": year, "province": province,
                        "opening_balance": opening}, rows)
    return path


def audited(path: Path, extra: list[Path] = ()) -> Audit:
    return audit_book(load_book(path), list(extra))


def results(audit: Audit, rule_id: str) -> list:
    return [r for r in audit.results if r.rule.id == rule_id]


def the(audit: Audit, rule_id: str):
    [result] = results(audit, rule_id)
    return result


def flagged(audit: Audit) -> set[tuple[str, str]]:
    return {(r.rule.id, r.status) for r in audit.results if r.status != "pass"}


# --- periods -----------------------------------------------------------------------------

def test_a_rule_applies_in_the_years_its_period_overlaps() -> None:
    """福建 1300 is in force 2018-01-01 … 2018-12-31, 1800 from 2019-01-01: the boundary year by year."""
    def cap(year: int) -> list[int]:
        return [r.params["limit"] for r in resolve("福建", year).rules if r.id == "cap-holiday-year"]

    assert (cap(2017), cap(2018), cap(2019), cap(2026)) == ([], [130000], [180000], [180000])
    assert [r.params["limit"] for r in resolve("福建", None).rules if r.id == "cap-holiday-year"] == [180000]
    both = [r for r in resolve("福建", None, history=True).rules if r.id == "cap-holiday-year"]
    assert [(r.params["limit"], r.period) for r in both] == [(130000, "2018-01-01 至 2018-12-31"), (180000, "2019-01-01 起")]


def test_row_rules_judge_each_row_by_the_version_in_force_on_its_date(tmp_path: Path) -> None:
    """2025 has two versions of outing-length (same-day local outings until 03-19, 2天1晚 from 03-20)."""
    book = write_book(tmp_path / "b.xlsx", 2025, "湖北", journal=[
        entry(3, 19, "组织会员外地旅游", 800, "文体活动"), entry(3, 20, "组织会员外地旅游", 800, "文体活动"),
    ])
    old, new = results(audited(book), "outing-length")
    assert old.rule.effective_to == dt.date(2025, 3, 19) and new.rule.effective_from == dt.date(2025, 3, 20)
    assert [v.cell for v in old.violations] == ["收支明细!C2"] and old.status == "warn"
    assert new.status == "pass"


def test_year_rules_use_the_version_in_force_at_the_end_of_the_year(tmp_path: Path) -> None:
    """黑龙江's cap rose from 1000 to 1800 on 2025-04-30: the year 2025 is judged by 1800, all of it."""
    def holiday(second: float, year: int = 2025):
        book = write_book(tmp_path / f"h{year}.xlsx", year, "黑龙江",
                          visits=[visit(1, 20, "节日慰问", 1500, reason="春节慰问"), visit(10, 1, "节日慰问", second, reason="国庆慰问")])
        return the(audited(book), "cap-holiday-year")

    at_limit = holiday(300)
    assert (at_limit.status, at_limit.limit, at_limit.rule.pack) == ("pass", 180000, "《黑龙江省工会实施提振消费的十二项措施》（2025）")
    assert holiday(300.01).status == "warn"
    before = holiday(300, 2024)
    assert (before.status, before.limit, before.violations[0].cell) == ("warn", 100000, "慰问记录!F2")


def union_pack(tmp_path: Path, rule: str, head: str = "") -> Path:
    """A union's own pack (``--rules``) holding one error-level rule ``t``."""
    path = tmp_path / "ours.toml"
    path.write_text(f'[pack]\nid = "ours"\nname = "本校细则"\n{head}\n[[rules]]\nid = "t"\nbasis = "本校决议"\n'
                    f'severity = "error"\nconfirmed = true\n{textwrap.dedent(rule)}', encoding="utf-8")
    return path


def test_a_unions_own_pack_with_a_period(tmp_path: Path) -> None:
    pack = union_pack(tmp_path, """
        title = "生日慰问不超过40元"
        kind = "per_event_cap"
        visit_types = ["生日慰问"]
        limit = 40
    """, head="effective_from = 2026-07-01")
    book = write_book(tmp_path / "b.xlsx", 2026, "湖北",
                      visits=[visit(6, 30, "生日慰问", 50), visit(7, 1, "生日慰问", 50, member="GH002")])
    result = the(audited(book, [pack]), "t")
    assert [v.cell for v in result.violations] == ["慰问记录!F3"]  # 06-30 is before the union's rule
    assert "t" not in {r.id for r in resolve("湖北", 2025, [pack]).rules}


def test_the_same_book_audited_as_2018_and_as_2026(tmp_path: Path) -> None:
    """One 福建 book, two years: the 2018 rules and the 2019/2025 rules give two sets of results."""
    def book(year: int) -> Audit:
        return audited(write_book(tmp_path / f"fj{year}.xlsx", year, "福建", visits=[
            visit(1, 20, "节日慰问", 900, reason="春节慰问"), visit(10, 1, "节日慰问", 600, reason="国庆慰问"),
            visit(5, 10, "生育", 800, member="GH002"), visit(6, 6, "结婚", 1200, member="GH002"),
            visit(3, 3, "生病住院", 800, reason="住院治疗", form="慰问金"),
        ], journal=[
            entry(4, 20, "组织会员赴外地旅游（两日游）", 3000, "文体活动"),
            entry(5, 20, "购买跨区域旅游景区年票", 600, "会员活动"),
            entry(8, 10, "职工暑期疗休养", 5000, "劳模职工疗休养"),
            entry(9, 10, "工会年终宴请", 800, "其他活动"),
            entry(12, 15, "拨缴经费", 20000, "拨缴经费收入", "收入"),
        ]))

    old, new = book(2018), book(2026)
    assert flagged(old) == {("cap-holiday-year", "fail"), ("cap-birth", "fail"), ("cap-hospital", "fail"),
                            ("outing-length", "warn"), ("banned-banquets", "fail"), ("unbudgeted", "warn")}
    assert flagged(new) == {("cap-wedding", "fail"), ("cap-hospital", "fail"), ("fund-recuperation", "warn"),
                            ("banned-banquets", "fail"), ("unbudgeted", "warn")}
    assert [v.cell for v in the(old, "outing-length").violations] == ["收支明细!C2", "收支明细!C3"]
    assert the(new, "cap-holiday-year").amount == the(old, "cap-holiday-year").amount == 150000
    assert (the(old, "cap-holiday-year").limit, the(new, "cap-holiday-year").limit) == (130000, 180000)
    assert "cap-wedding" not in {r.rule.id for r in old.results}
    assert "fund-recuperation" not in {r.rule.id for r in old.results}


# --- the 2025 national measures: what is now allowed passes, the bans still fail -------------

@pytest.mark.parametrize(("summary", "status"), [
    ("组织会员春秋游（跨区域，2天1晚）", "pass"),
    ("购买跨区域旅游景区年票", "pass"),
    ("组织会员观影", "pass"),
    ("会员文化旅游消费券", "pass"),
    ("工会年终宴请", "fail"),
    ("会员KTV活动", "fail"),
])
def test_spending_the_2025_measures_allow_is_not_flagged(tmp_path: Path, summary: str, status: str) -> None:
    audit = audited(write_book(tmp_path / "b.xlsx", 2026, "湖北", journal=[entry(5, 20, summary, 600, "文体活动")]))
    assert the(audit, "banned-banquets").status == status
    assert the(audit, "outing-length").status == "pass"


def test_outings_longer_than_two_days_one_night(tmp_path: Path) -> None:
    audit = audited(write_book(tmp_path / "b.xlsx", 2026, "湖北", journal=[entry(5, 20, "职工秋游（3天2晚）", 900, "文体活动")]))
    result = the(audit, "outing-length")
    assert (result.status, result.violations[0].cell) == ("warn", "收支明细!C2")


# --- each new cap: pass at the limit, fail just above, not applied when not in force ---------

CAPS = [
    # (province, year in force, year not in force, pack id, rule id, visit type, reason, limit 元)
    ("福建", 2019, 2018, "fujian-2019", "cap-holiday-year", "节日慰问", "国庆慰问", 1800),
    ("福建", 2019, 2018, "fujian-2019", "cap-wedding", "结婚", "", 1000),
    ("福建", 2019, 2018, "fujian-2019", "cap-birth", "生育", "", 1000),
    ("福建", 2019, 2018, "fujian-2019", "cap-retirement", "退休", "", 1000),
    ("福建", 2018, 2019, "fujian-2018", "cap-hospital", "生病住院", "住院治疗", 500),
    ("福建", 2018, 2017, "fujian-2018", "cap-hospital-surgery", "生病住院", "住院手术", 1000),
    ("河南", 2018, 2017, "henan-2018", "cap-holiday-year", "节日慰问", "国庆慰问", 2000),
    ("河南", 2018, 2017, "henan-2018", "cap-birthday", "生日慰问", "", 300),
    ("河南", 2018, 2017, "henan-2018", "cap-wedding", "结婚", "", 500),
    ("河南", 2018, 2017, "henan-2018", "cap-birth", "生育", "", 500),
    ("河南", 2018, 2017, "henan-2018", "cap-retirement", "退休", "", 1000),
    ("河南", 2018, 2017, "henan-2018", "cap-hospital", "生病住院", "", 1000),
    ("河南", 2018, 2017, "henan-2018", "cap-own-death", "本人去世", "", 2000),
    ("河南", 2018, 2017, "henan-2018", "cap-kin-death", "直系亲属去世", "", 1000),
    ("辽宁", 2025, 2024, "liaoning-2025", "cap-holiday-year", "节日慰问", "国庆慰问", 2000),
    ("辽宁", 2025, 2024, "liaoning-2025", "cap-wedding", "结婚", "", 800),
    ("黑龙江", 2026, 2024, "heilongjiang-2025", "cap-holiday-year", "节日慰问", "国庆慰问", 1800),
    ("黑龙江", 2026, 2024, "heilongjiang-2025", "cap-birthday-year", "生日慰问", "", 300),
    ("黑龙江", 2024, 2026, "heilongjiang-2017", "cap-holiday-year", "节日慰问", "国庆慰问", 1000),
    ("山西", 2026, 2024, "shanxi-2025", "cap-holiday-year", "节日慰问", "国庆慰问", 2200),
    ("山西", 2026, 2024, "shanxi-2025", "cap-birthday", "生日慰问", "", 500),
    ("山西", 2024, 2026, "shanxi-service", "cap-holiday-year", "节日慰问", "国庆慰问", 1500),
    ("上海", 2025, 2024, "shanghai-2025", "leping-year", "其他", "乐品上海商品", 1000),
    ("广东", 2026, None, "guangdong", "cap-holiday-year", "节日慰问", "国庆慰问", 2500),
    ("安徽", 2026, 2024, "anhui-2025", "cap-holiday-year", "节日慰问", "国庆慰问", 2200),
    ("安徽", 2026, 2024, "anhui-2025", "cap-birthday", "生日慰问", "", 500),
    ("安徽", 2026, 2024, "anhui-2025", "cap-wedding", "结婚", "", 2000),
    ("安徽", 2026, 2024, "anhui-2025", "cap-birth", "生育", "", 2000),
    ("安徽", 2026, 2024, "anhui-2025", "cap-hospital", "生病住院", "", 2000),
    ("安徽", 2026, 2024, "anhui-2025", "cap-own-death", "本人去世", "", 2000),
    ("安徽", 2026, 2024, "anhui-2025", "cap-kin-death", "直系亲属去世", "", 2000),
    ("安徽", 2026, 2024, "anhui-2025", "cap-retirement", "退休", "", 2000),
    ("安徽", 2026, 2024, "anhui-2025", "cap-hardship", "困难帮扶", "", 2000),
    ("安徽", 2024, 2026, "anhui-2018", "cap-holiday-year", "节日慰问", "国庆慰问", 1500),
]


@pytest.mark.parametrize(("province", "year", "other", "pack", "rule_id", "kind", "reason", "limit"), CAPS,
                         ids=[f"{c[3]}:{c[4]}" for c in CAPS])
def test_cap_in_force(tmp_path: Path, province: str, year: int, other: int | None, pack: str, rule_id: str,
                      kind: str, reason: str, limit: int) -> None:
    name = next(p.name for p in resolve(province, None, history=True).packs if p.id == pack)

    def result(amount: float, in_year: int):
        path = write_book(tmp_path / f"{in_year}-{amount}.xlsx", in_year, province,
                          visits=[visit(10, 1, kind, amount, reason=reason)])
        return [r for r in results(audited(path), rule_id) if r.rule.pack == name]

    [ok] = result(limit, year)
    assert (ok.status, ok.limit) == ("pass", limit * 100)
    [over] = result(limit + 0.01, year)
    assert over.status == {"error": "fail", "warning": "warn"}[over.rule.severity]
    assert [v.cell for v in over.violations] == ["慰问记录!F2"] and over.violations[0].amount == limit * 100 + 1
    if other is not None:
        assert result(limit + 0.01, other) == []


# --- checks on the calendar: outings, shows, awards ---------------------------------------------

def _outings(n: int) -> list[dict[str, object]]:
    return [activity(3 + i, 10, f"春秋游第{i + 1}次（春游）", actual=100, participants=2) for i in range(n)]


@pytest.mark.parametrize(("province", "pack"), [("湖北", "national-2025"), ("上海", "shanghai-2025"),
                                                ("辽宁", "liaoning-2025"), ("山西", "shanxi-2025")])
def test_at_most_four_outings_a_year(tmp_path: Path, province: str, pack: str) -> None:
    name = next(p.name for p in resolve(province, None, history=True).packs if p.id == pack)

    def result(n: int, year: int = 2026):
        path = write_book(tmp_path / f"{year}-{n}.xlsx", year, province, calendar=_outings(n))
        return [r for r in results(audited(path), "outing-count") if r.rule.pack == name]

    assert result(4)[0].status == "pass"
    [five] = result(5)
    assert (five.status, [v.cell for v in five.violations]) == ("fail", ["活动日历!C6"])
    assert result(5, 2024) == []


@pytest.mark.parametrize(("rule_id", "name", "limit"), [("shows-per-person", "组织会员观看演出", 300),
                                                        ("outing-per-person", "秋游（2天1晚）", 900)])
def test_shanghai_per_person_caps_on_actual_and_budget(tmp_path: Path, rule_id: str, name: str, limit: int) -> None:
    def result(actual: float, budget: float, year: int = 2025):
        path = write_book(tmp_path / f"{year}-{actual}-{budget}.xlsx", year, "上海",
                          calendar=[activity(5, 20, name, actual=actual, budget=budget, participants=3)])
        return results(audited(path), rule_id)

    [ok] = result(limit * 3, limit * 3)
    assert (ok.status, ok.amount, ok.limit) == ("pass", limit * 100, limit * 100)
    [over] = result(limit * 3 + 0.01, limit * 3 + 0.01)
    assert [(v.cell, v.side) for v in over.violations] == [("活动日历!H2", "actual"), ("活动日历!G2", "plan")]
    assert result(limit * 3 + 0.01, limit * 3, 2024) == []


@pytest.mark.parametrize(("province", "limit"), [("辽宁", 300), ("山西", 500)])
def test_shows_per_member_a_year(tmp_path: Path, province: str, limit: int) -> None:
    members = len([m for m in MEMBERS if m["status"] in ("在职", "退休")])

    def result(total: float, year: int = 2026):
        path = write_book(tmp_path / f"{year}-{total}.xlsx", year, province, calendar=[
            activity(4, 20, "组织会员观影", actual=total / 2, budget=total / 2, participants=3),
            activity(9, 20, "文艺演出观演", actual=total / 2, budget=total / 2, participants=3)])
        return results(audited(path), "shows-year")

    assert result(limit * members)[0].status == "pass"
    [over] = result(limit * members + 0.02)
    assert [(v.cell, v.side) for v in over.violations] == [("活动日历!H3", "actual"), ("活动日历!G3", "plan")]
    assert result(limit * members + 0.02, 2024) == []


@pytest.mark.parametrize(("winners", "status"), [(12, "pass"), (13, "fail")])
def test_henan_award_share_two_thirds(tmp_path: Path, winners: int, status: str) -> None:
    def result(year: int):
        path = write_book(tmp_path / f"{year}.xlsx", year, "河南", calendar=[
            activity(9, 30, "教职工合唱比赛", actual=1000, participants=18, note=f"获奖{winners}人"),
            activity(10, 30, "拔河比赛", actual=500, participants=20, note="未评奖")])
        return results(audited(path), "award-share")

    [result_in_force] = result(2026)
    assert result_in_force.status == status
    assert [v.cell for v in result_in_force.violations] == ([] if status == "pass" else ["活动日历!K2"])
    assert result(2017) == []


# --- fund source: what the employer pays ---------------------------------------------------------

@pytest.mark.parametrize(("summary", "status"), [("职工暑期疗休养", "warn"), ("职工疗休养（工会补助部分）", "pass"),
                                                 ("暑期读书会", "pass")])
def test_recuperation_is_the_employers(tmp_path: Path, summary: str, status: str) -> None:
    def result(year: int):
        path = write_book(tmp_path / f"{year}.xlsx", year, "湖北", journal=[entry(7, 20, summary, 5000, "劳模职工疗休养")])
        return results(audited(path), "fund-recuperation")

    [in_force] = result(2026)
    assert in_force.status == status
    if status == "warn":
        [v] = in_force.violations
        assert (v.cell, v.amount) == ("收支明细!F2", 500000) and "单位职工福利费" in v.detail
    assert result(2024) == []


def test_anhui_2025_retirees_and_health_checks_belong_to_the_administration(tmp_path: Path) -> None:
    def audit(year: int) -> Audit:
        return audited(write_book(tmp_path / f"{year}.xlsx", year, "安徽", visits=[
            visit(10, 1, "节日慰问", 300, member="GH003", reason="重阳节慰问退休教师"),
            visit(10, 1, "节日慰问", 300, member="GH001", reason="国庆慰问"),
        ], journal=[entry(11, 8, "教职工健康体检", 9000, "职工服务支出"), entry(11, 9, "读书分享会", 500, "职工教育")]))

    new = audit(2026)
    retirees, checkups = the(new, "fund-retirees"), the(new, "fund-health-check")
    assert [v.cell for v in retirees.violations] == ["慰问记录!F2"] and retirees.status == "warn"
    assert "王五（退休）" in retirees.violations[0].detail
    assert [v.cell for v in checkups.violations] == ["收支明细!F2"] and checkups.status == "warn"
    assert not results(audit(2024), "fund-retirees") and not results(audit(2024), "fund-health-check")


def test_a_member_visited_before_retiring_is_not_a_retiree(tmp_path: Path) -> None:
    members = [dict(MEMBERS[0], status="退休", status_date=dt.date(2026, 6, 30))] + MEMBERS[1:]
    path = write_book(tmp_path / "b.xlsx", 2026, "安徽", members=members, visits=[
        visit(5, 1, "节日慰问", 300, reason="劳动节慰问"), visit(10, 1, "节日慰问", 300, reason="国庆慰问")])
    assert [v.cell for v in the(audited(path), "fund-retirees").violations] == ["慰问记录!F3"]


@pytest.mark.parametrize(("paid", "status"), [(25, "pass"), (None, "warn")])
def test_anhui_2025_no_collective_benefits_without_dues(tmp_path: Path, paid: float | None, status: str) -> None:
    members = [dict(m, **{f"m{k}": paid for k in range(1, 13)}) if m["status"] == "在职" else m for m in MEMBERS]
    path = write_book(tmp_path / "b.xlsx", 2026, "安徽", members=members,
                      visits=[visit(10, 1, "节日慰问", 300, member="GH002", reason="国庆慰问")])
    result = the(audited(path), "dues-for-benefits")
    assert result.status == status
    assert [v.cell for v in result.violations] == ([] if paid else ["慰问记录!B2"])


@pytest.mark.parametrize(("second", "status"), [("骨折", "pass"), ("肺炎", "warn")])
def test_anhui_2025_same_illness_once_a_year(tmp_path: Path, second: str, status: str) -> None:
    path = write_book(tmp_path / "b.xlsx", 2026, "安徽", visits=[
        visit(3, 1, "生病住院", 500, reason="肺炎", form="慰问金"), visit(9, 1, "生病住院", 500, reason=second, form="慰问金")])
    result = the(audited(path), "hospital-once-a-year")
    assert result.status == status
    assert [v.cell for v in result.violations] == ([] if status == "pass" else ["慰问记录!A3"])


# --- the plan: 经费预算 / 活动日历 amounts submitted before the year --------------------------------

def test_planned_holiday_spending_per_member_against_the_annual_cap(tmp_path: Path) -> None:
    """湖北 1200 a member a year; 3 members: a plan of 3600 passes, 3600.01 fails at the 经费预算 line."""
    def result(planned: float):
        path = write_book(tmp_path / f"{planned}.xlsx", 2026, "湖北", calendar=[
            activity(1, 20, "春节慰问", "节日慰问", budget=planned / 2),
            activity(9, 20, "中秋慰问", "节日慰问", budget=planned / 2),
            activity(6, 1, "取消的慰问", "节日慰问", budget=5000, status="取消")])
        return the(audited(path), "cap-holiday-year")

    ok = result(3600)
    assert ok.status == "pass" and "人均 1,200.00 元" in ok.detail
    over = result(3600.02)
    [v] = over.violations
    assert (v.cell, v.side, v.amount, v.limit, over.status) == ("经费预算!E13", "plan", 360002, 360000, "fail")


def test_planned_holiday_share_of_income(tmp_path: Path) -> None:
    """National 30 % (warning): planned holidays 3000 of a planned income 10000 pass, 3000.01 warns."""
    def result(planned: float):
        path = write_book(tmp_path / f"{planned}.xlsx", 2026, "浙江", budget={"会费收入": 10000, "会员活动": 9000},
                          calendar=[activity(1, 20, "春节慰问", "节日慰问", budget=planned)])
        return the(audited(path), "holiday-share")

    assert result(3000).status == "pass"
    over = result(3000.01)
    [v] = over.violations
    assert (v.cell, v.side, v.limit) == (balance_cell("income", "budget"), "plan", 300000)


def test_guangdong_holiday_share_of_budgeted_expenditure(tmp_path: Path) -> None:
    """广东: actual holidays ≤ 40 % of the budgeted expenditure, and the planned ones too."""
    def result(actual: float, planned: float):
        path = write_book(tmp_path / f"{actual}-{planned}.xlsx", 2026, "广东", budget={"会员活动": 10000},
                          visits=[visit(10, 1, "节日慰问", actual, reason="国庆慰问")],
                          calendar=[activity(10, 1, "国庆慰问", "节日慰问", budget=planned)])
        return the(audited(path), "holiday-share")

    ok = result(4000, 4000)
    assert (ok.status, ok.rule.pack, ok.limit) == ("pass", "广东省基层工会经费收支管理实施细则（试行）", 400000)
    over = result(4000.01, 4000.01)
    assert [(v.cell, v.side) for v in over.violations] == [(balance_cell("expense", "budget"), "actual"),
                                                           (balance_cell("expense", "budget"), "plan")]


def test_share_of_budget_lines_checks_the_plan_too(tmp_path: Path) -> None:
    pack = union_pack(tmp_path, """
        title = "宣传活动不超过收入的 10%"
        kind = "share_cap"
        categories = ["宣传活动"]
        limit_pct = 10
    """)
    path = write_book(tmp_path / "b.xlsx", 2026, "湖北", budget={"会费收入": 10000, "宣传活动": 1000.01},
                      journal=[entry(2, 1, "会费", 10000, "会费收入", "收入"), entry(3, 1, "宣传栏", 1000, "宣传活动")])
    result = the(audited(path, [pack]), "t")
    assert [(v.cell, v.side, v.amount) for v in result.violations] == [(balance_cell("income", "budget"), "plan", 100001)]


def test_deficit_plan_is_reported_at_the_budget_cell(tmp_path: Path) -> None:
    path = write_book(tmp_path / "b.xlsx", 2026, "湖北", budget={"会费收入": 1000, "会员活动": 1100.01}, opening=100)
    [v] = the(audited(path), "budget-balance").violations
    assert (v.cell, v.side) == (balance_cell("closing", "budget"), "plan")


# --- no clean sign-off on bad data ----------------------------------------------------------------

def _clean(template: Path) -> Path:
    book = make(template)
    fill(book, {}, settings={"opening_balance": 1000})
    return book


def test_a_clean_book_passes_with_no_stamp(template: Path, tmp_path: Path) -> None:
    report = tmp_path / "a.xlsx"
    result = runner.invoke(app, ["check-budget", str(_clean(template)), "--json", "--report", str(report)])
    payload = json.loads(result.stdout)
    assert result.exit_code == 0, payload["counts"]
    assert payload["validation"] == {"errors": 0, "warnings": 0} and payload["stamp"] == ""
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name(AUDIT_SHEET.title).to_python()
    assert not any("不得作为审核依据" in str(c) for r in rows for c in r)


def test_a_book_with_a_validation_error_exits_one_and_is_stamped(template: Path, tmp_path: Path) -> None:
    book = _clean(template)
    make(book, (("visits", 0, "name", "李思"),))  # a name that does not match the ledger: an error
    fill(book, {}, settings={"opening_balance": 1000})
    expected = validate_book(load_book(book)).counts
    report = tmp_path / "a.xlsx"
    result = runner.invoke(app, ["check-budget", str(book), "--json", "--report", str(report)])
    payload = json.loads(result.stdout)
    assert payload["counts"]["fail"] == 0  # the rules alone would pass
    assert result.exit_code == 1
    assert payload["validation"] == {"errors": expected["error"], "warnings": expected["warning"]} == {"errors": 1, "warnings": 0}
    stamp = "工作簿校验有 1 个错误，本表不得作为审核依据"
    assert payload["stamp"] == stamp
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name(AUDIT_SHEET.title).to_python()
    where = next(i for i, r in enumerate(rows) if r[0] == stamp)
    signatures = [i for i, r in enumerate(rows) if str(r[1]).startswith(("工会主席", "经审委员会", "经办人"))]
    assert signatures and where < min(signatures)  # above the sign-off lines
    text = runner.invoke(app, ["check-budget", str(book)])
    assert text.exit_code == 1 and stamp in text.stdout


def audit_grid(audit: Audit, settings: dict[str, object]) -> list[list[object]]:
    """The 预算审核 values the Excel door writes."""
    return render_grid(build_audit(audit, settings).pages[0]).values


def test_the_excel_grid_carries_the_stamp_above_the_signatures(template: Path) -> None:
    book = make(template, (("visits", 0, "name", "李思"),))
    loaded = load_book(book)
    grid = audit_grid(audit_book(loaded), loaded.settings.values)
    where = next(i for i, r in enumerate(grid) if r[0] == "工作簿校验有 1 个错误，本表不得作为审核依据")
    assert where < next(i for i, r in enumerate(grid) if str(r[1]).startswith("工会主席"))


def test_each_opinion_follows_its_own_rows_status(demo_book, tmp_path: Path) -> None:
    """over-budget has a failing and a warning row: the warning row is 请核实, never 不符合，须整改."""
    path, _ = demo_book
    audit = audit_book(load_book(path))
    result = the(audit, "over-budget")
    assert {v.status for v in result.violations} == {"fail", "warn"}
    expected = {v.cell: verdict(v.status, result.rule) for v in result.violations}
    assert set(expected.values()) == {"不符合，须整改（标准待核实）", "请核实（标准待核实）"}
    report = tmp_path / "a.xlsx"
    runner.invoke(app, ["check-budget", str(path), "--report", str(report)])
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name(AUDIT_SHEET.title).to_python()
    title = result.rule.title  # what the 规则 column shows: the rule's title, never its id
    sheet = {r[3]: r[8] for r in rows if r[1] == title and r[3] in expected}
    grid = {r[3].split('"')[-2]: r[8]  # the 明细 rows: their 单元格 is a link
            for r in audit_grid(audit, {}) if r[1] == title and str(r[3]).startswith("=HYPERLINK(")}
    payload = json.loads(runner.invoke(app, ["check-budget", str(path), "--json"]).stdout)
    data = {r["cell"]: r["opinion"] for r in payload["results"] if r["rule"] == "over-budget"}
    assert sheet == grid == data == expected


# --- the model: declared parameters, no import circle --------------------------------------------

def test_money_params_derive_from_the_kinds_declarations() -> None:
    assert MONEY_PARAMS == {p.name for k in KINDS.values() for p in k.params if p.type == "money"}
    assert {"limit", "per_person", "per_member_year"} <= MONEY_PARAMS
    assert {p.type for k in KINDS.values() for p in k.params} <= set(PARAM_TYPES)
    assert {k.scope for k in KINDS.values()} == {ROW, YEAR}
    # a money parameter of any kind is converted to fen
    shows = next(r for r in resolve("上海", 2026).rules if r.id == "shows-per-person")
    assert shows.params["per_person"] == 30000


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_declared_parameter_is_type_checked(tmp_path: Path, kind: str) -> None:
    from unionxl.core.rules import RulePackError, load_pack

    wrong = {"money": '"三百"', "number": '"三十"', "int": "1.5", "text": "3", "texts": '"一个词"', "table": "3",
             "bool": '"是"', "fraction": '"三分之二"'}
    for param in KINDS[kind].params:
        path = tmp_path / f"{kind}-{param.name}.toml"
        path.write_text(f'[pack]\nid = "x"\nname = "x"\n[[rules]]\nid = "x"\ntitle = "t"\nbasis = "b"\nkind = "{kind}"\n'
                        f'severity = "error"\nconfirmed = true\n{param.name} = {wrong[param.type]}\n', encoding="utf-8")
        with pytest.raises(RulePackError, match=param.name):
            load_pack(path)


def test_the_rules_modules_import_no_circle() -> None:
    """The rules package's own import graph (model ← kinds ← loader) has no cycle."""
    base = ROOT / "unionxl" / "core" / "rules"
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in base.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {m for m in imported if m in modules and m != name}
    done: set[str] = set()

    def visit_(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " → ".join(path + (name,))
        if name not in done:
            for other in graph[name]:
                visit_(other, path + (name,))
            done.add(name)

    for name in graph:
        visit_(name, ())
    assert "unionxl.core.rules" not in graph["unionxl.core.rules.kinds"]


# --- the worksheet function ----------------------------------------------------------------------

def test_cap_udf_uses_the_year() -> None:
    assert (cap_yuan("节日慰问", "福建", 2018), cap_yuan("节日慰问", "福建", 2026)) == (1300.0, 1800.0)
    assert (cap_yuan("生育", "福建", 2018), cap_yuan("生育", "福建", 2019)) == (500.0, 1000.0)
    assert (cap_yuan("节日慰问", "黑龙江", 2024), cap_yuan("节日慰问", "黑龙江", 2025)) == (1000.0, 1800.0)
    assert cap_yuan("结婚", "福建", 2018) == "" and cap_yuan("结婚", "福建", 2026) == 1000.0
