"""Kinds on the condolence register (慰问记录): caps per event and per member-year, the holiday
window, and benefits for members who paid no dues."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from unionxl.contract.schema import MEMBERS, MONTH_KEYS, STATUS_ACTIVE, VISITS
from unionxl.core.rules.kinds.common import (
    ANY_VISIT_TYPES,
    LIMIT,
    PLAN_ACTIVITIES,
    REASON_CONTAINS,
    REASON_EXCLUDES,
    VISIT_TYPES,
    in_period,
    member_count,
    plan_cell,
    planned_activities,
    types_text,
    visits,
    yuan,
)
from unionxl.core.rules.model import ROW, STATUS_OF, YEAR, Kind, Param, Rule, RuleResult, Violation, conclude
from unionxl.core.year.festivals import FestivalError, nearest_statutory
from unionxl.reading.book import Book


def per_event_cap(book: Book, rule: Rule) -> RuleResult:
    """Each condolence of the given types at most ``limit`` 元."""
    rows = visits(book, rule)
    rows = rows.loc[in_period(book, rule, rows["date"])]
    limit = rule.params["limit"]
    amounts = rows["amount"].fillna(0).astype("int64")
    table = book[VISITS.key]
    violations = [
        Violation(VISITS.title, table.cell("amount", row),
                  f"{rows['name'][row]} {rows['visit_type'][row]} {yuan(amounts[row])}，超过每次 {yuan(limit)} 的标准",
                  int(amounts[row]), limit, STATUS_OF[rule.severity])
        for row in rows.index[amounts.gt(limit)]
    ]
    worst = int(amounts.max()) if len(amounts) else 0
    return conclude(rule, violations, worst, limit, f"共 {len(rows)} 次，最高 {yuan(worst)}")


def per_member_year(book: Book, rule: Rule) -> RuleResult:
    """Per member and calendar year: total at most ``limit`` 元 and/or at most ``max_count`` times;
    with ``plan_activities``, the planned amount per member against ``limit`` too."""
    rows = visits(book, rule).sort_values("date", kind="stable")
    table = book[VISITS.key]
    limit, max_count = rule.params.get("limit"), rule.params.get("max_count")
    amounts = rows["amount"].fillna(0).astype("int64")
    keys = [rows["member_id"], rows["date"].dt.year]
    if rule.params.get("same_reason"):
        keys.append(rows["reason"])
    running = amounts.groupby(keys).cumsum()
    counts = amounts.groupby(keys).cumcount() + 1
    totals = amounts.groupby(keys).sum()
    violations: list[Violation] = []
    if limit is not None:
        crossing = running.gt(limit) & (running - amounts).le(limit)
        for row in rows.index[crossing]:
            key = tuple(k[row] for k in keys)
            total = int(totals[key])
            violations.append(Violation(
                VISITS.title, table.cell("amount", row),
                f"{rows['name'][row]} {rows['date'][row].year}年{types_text(rule)}累计 {yuan(total)}，"
                f"超过每人每年 {yuan(limit)}（自本行起超出）", total, limit, STATUS_OF[rule.severity]))
    if max_count is not None:
        for row in rows.index[counts.eq(max_count + 1)]:
            same = f"同一事由“{rows['reason'][row]}”" if rule.params.get("same_reason") else ""
            violations.append(Violation(
                VISITS.title, table.cell("date", row),
                f"{rows['name'][row]} {rows['date'][row].year}年{same}{types_text(rule)}第 {max_count + 1} 次，"
                f"超过每年 {max_count} 次", None, None, STATUS_OF[rule.severity]))
    worst = int(totals.max()) if len(totals) else 0
    detail = f"{len(totals)} 人，每人最高 {yuan(worst)}"
    plan = _plan_per_member(book, rule)
    if plan is not None:
        violation, said = plan
        detail += f"；{said}"
        violations += [violation] if violation else []
    return conclude(rule, violations, worst, limit, detail)


def _plan_per_member(book: Book, rule: Rule) -> tuple[Violation | None, str] | None:
    """The planned amount (活动日历 budgets of ``plan_activities``) per member against ``limit``."""
    categories, limit = rule.params.get("plan_activities"), rule.params.get("limit")
    if not categories or limit is None:
        return None
    rows = planned_activities(book, categories)
    if rows.empty:
        return None, "活动日历中没有该类活动的预算"
    planned, members = int(rows["budget"].sum()), member_count(book)
    if members == 0:
        return None, f"计划 {yuan(planned)}，会员台账没有会员，无法计算人均"
    each = planned // members
    said = f"计划 {yuan(planned)}，会员 {members} 人，人均 {yuan(each)}"
    if planned <= limit * members:
        return None, said
    cell = plan_cell(book, rows)
    return Violation(cell.split("!")[0], cell,
                     f"预算：活动日历中“{'、'.join(categories)}”类活动预算合计 {yuan(planned)}，会员 {members} 人，"
                     f"人均约 {yuan(each)}，超过每人每年 {yuan(limit)}", planned, limit * members,
                     STATUS_OF[rule.severity], side="plan"), said


def holiday_window(book: Book, rule: Rule) -> RuleResult:
    """Condolences of the given types dated within ``days`` days of a statutory holiday (python-holidays)."""
    rows = visits(book, rule)
    rows = rows.loc[rows["date"].notna() & in_period(book, rule, rows["date"])]
    days = int(rule.params.get("days", 30))
    table = book[VISITS.key]
    placed = _nearest_holidays(rows["date"])
    worst = max((distance for *_, distance in placed), default=0)
    far = [item for item in placed if item[-1] > days]
    cells = table.cells("date", pd.Index([row for row, *_ in far]))
    names, types = (rows["name"].to_dict(), rows["visit_type"].to_dict()) if far else ({}, {})
    violations = [
        Violation(VISITS.title, cell,
                  f"{names[row]} {types[row]}日期 {day:%Y-%m-%d}，在最近的法定节日"
                  f"（{name} {holiday:%Y-%m-%d}）{'前' if day < holiday else '后'} {distance} 天，超过 {days} 天",
                  None, None, STATUS_OF[rule.severity])
        for cell, (row, day, holiday, name, distance) in zip(cells, far)
    ]
    return conclude(rule, violations, len(violations), 0,
                    f"核对 {len(rows)} 次{types_text(rule)}，距法定节日最远 {worst} 天（允许 {days} 天）", unit="项")


def _nearest_holidays(dates: pd.Series) -> list[tuple[int, dt.date, dt.date, str, int]]:
    """(row, day, nearest statutory holiday, its name, distance) for each dated row whose day the
    calendars can place (the others are reported by the date checks), looked up once per distinct
    day: a register has thousands of rows but at most 366 days a year."""
    codes, stamps = pd.factorize(dates.dt.normalize())
    nearest: list[tuple | None] = []
    for stamp in stamps:
        try:
            nearest.append((stamp.date(), *nearest_statutory(stamp.date())))
        except FestivalError:
            nearest.append(None)
    return [(row, *nearest[code]) for row, code in zip(dates.index, codes) if code >= 0 and nearest[code]]


def dues_required(book: Book, rule: Rule) -> RuleResult:
    """Condolences of the given types to 在职 members who paid no dues at all in the year."""
    members = book[MEMBERS.key].data
    months = [k for k in MONTH_KEYS if k in members]
    paid = members[months].fillna(0).sum(axis=1) if months else pd.Series(0, index=members.index)
    unpaid = set(members.loc[members["status"].eq(STATUS_ACTIVE) & paid.eq(0), "member_id"].astype(str)) - {""}
    rows = visits(book, rule)
    rows = rows.loc[in_period(book, rule, rows["date"]) & rows["member_id"].astype(str).isin(unpaid)
                    & rows["amount"].fillna(0).gt(0)]
    table = book[VISITS.key]
    violations = [Violation(VISITS.title, table.cell("member_id", row),
                            f"{rows['name'][row]} 本年度未缴纳会费，却领取了{rows['visit_type'][row]} "
                            f"{yuan(int(rows['amount'][row]))}", int(rows["amount"][row]), None,
                            STATUS_OF[rule.severity]) for row in rows.index]
    return conclude(rule, violations, len(violations), 0, f"本年度未缴会费的在职会员 {len(unpaid)} 人", unit="项")


MAX_COUNT = Param("max_count", "int", "每人每年最多次数")

KINDS = (
    Kind("per_event_cap", per_event_cap, (VISIT_TYPES, LIMIT, REASON_CONTAINS, REASON_EXCLUDES), ROW,
         "每次慰问金额 ≤ 限额；定位：慰问记录“金额”单元格"),
    Kind("per_member_year", per_member_year,
         (ANY_VISIT_TYPES, Param("limit", "money", "每人每年累计限额（元）"), MAX_COUNT, REASON_CONTAINS,
          REASON_EXCLUDES, Param("same_reason", "bool", "按同一事由分别计次（如同一病种一年一次）"), PLAN_ACTIVITIES),
         YEAR, "每人每年累计金额/次数；有 plan_activities 时另核对计划人均；定位：超出的那一行、经费预算科目",
         one_of=(("limit", "max_count"),)),
    Kind("holiday_window", holiday_window, (VISIT_TYPES, Param("days", "int", "距最近法定节日的天数")), ROW,
         "节日慰问只在法定节日前后若干天内发放；定位：慰问记录“日期”单元格"),
    Kind("dues_required", dues_required, (VISIT_TYPES,), ROW,
         "全年未缴会费的在职会员不得享受集体福利；定位：慰问记录“会员编号”单元格"),
)
