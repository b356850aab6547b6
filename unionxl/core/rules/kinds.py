"""The checker kinds a rule pack can use: pure functions from a typed book and a rule.

Each returns a :class:`RuleResult`: pass, or the offending rows with their cells and the
amount against the limit. Amounts are fen; a cap is kept when ``amount <= limit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from unionxl.contract.money import format_yuan
from unionxl.contract.schema import BUDGET, EXPENSE, JOURNAL, SHEETS, VISITS, balance_cell
from unionxl.core.rules import Rule
from unionxl.core.totals import balances, budget_actuals
from unionxl.core.year.festivals import FestivalError, nearest_statutory
from unionxl.reading.book import Book

PASS, FAIL, WARN = "pass", "fail", "warn"
STATUS_OF = {"error": FAIL, "warning": WARN}


@dataclass(frozen=True)
class Violation:
    sheet: str
    cell: str
    detail: str
    amount: int | None = None
    limit: int | None = None
    status: str = FAIL


@dataclass
class RuleResult:
    rule: Rule
    status: str
    violations: list[Violation] = field(default_factory=list)
    amount: int | None = None
    limit: int | None = None
    detail: str = ""
    #: what amount and limit count: fen ("元") or offending rows ("项")
    unit: str = "元"


def _conclude(rule: Rule, violations: list[Violation], amount: int | None, limit: int | None, detail: str,
              unit: str = "元") -> RuleResult:
    statuses = {v.status for v in violations}
    status = FAIL if FAIL in statuses else WARN if WARN in statuses else PASS
    return RuleResult(rule, status, violations, amount, limit, detail, unit)


def _yuan(fen: int | None) -> str:
    return f"{format_yuan(fen)} 元"


def _visits(book: Book, rule: Rule) -> pd.DataFrame:
    """Condolence rows of the rule's types, narrowed by words in 事由 when the rule says so."""
    data = book[VISITS.key].data
    rows = data.loc[data["visit_type"].isin(rule.params.get("visit_types", []))]
    text = rows["reason"] + " " + rows["note"]
    for word in rule.params.get("reason_contains", []):
        rows = rows.loc[text.loc[rows.index].str.contains(word, regex=False)]
    for word in rule.params.get("reason_excludes", []):
        rows = rows.loc[~text.loc[rows.index].str.contains(word, regex=False)]
    return rows.loc[rows["date"].notna() | rows["amount"].notna()]


def per_event_cap(book: Book, rule: Rule) -> RuleResult:
    """Each condolence of the given types at most ``limit`` 元."""
    rows = _visits(book, rule)
    limit = rule.params["limit"]
    amounts = rows["amount"].fillna(0).astype("int64")
    table = book[VISITS.key]
    over = amounts.gt(limit)
    violations = [
        Violation(VISITS.title, table.cell("amount", row),
                  f"{rows['name'][row]} {rows['visit_type'][row]} {_yuan(amounts[row])}，超过每次 {_yuan(limit)} 的标准",
                  int(amounts[row]), limit, STATUS_OF[rule.severity])
        for row in rows.index[over]
    ]
    worst = int(amounts.max()) if len(amounts) else 0
    return _conclude(rule, violations, worst, limit, f"共 {len(rows)} 次，最高 {_yuan(worst)}")


def per_member_year(book: Book, rule: Rule) -> RuleResult:
    """Per member and calendar year: total at most ``limit`` 元 and/or at most ``max_count`` times."""
    rows = _visits(book, rule).sort_values("date", kind="stable")
    table = book[VISITS.key]
    limit, max_count = rule.params.get("limit"), rule.params.get("max_count")
    amounts = rows["amount"].fillna(0).astype("int64")
    keys = [rows["member_id"], rows["date"].dt.year]
    running = amounts.groupby(keys).cumsum()
    counts = amounts.groupby(keys).cumcount() + 1
    totals = amounts.groupby(keys).sum()
    violations: list[Violation] = []
    if limit is not None:
        crossing = running.gt(limit) & (running - amounts).le(limit)
        for row in rows.index[crossing]:
            total = int(totals[(rows["member_id"][row], rows["date"][row].year)])
            violations.append(Violation(
                VISITS.title, table.cell("amount", row),
                f"{rows['name'][row]} {rows['date'][row].year}年{_types(rule)}累计 {_yuan(total)}，"
                f"超过每人每年 {_yuan(limit)}（自本行起超出）", total, limit, STATUS_OF[rule.severity]))
    if max_count is not None:
        for row in rows.index[counts.eq(max_count + 1)]:
            violations.append(Violation(
                VISITS.title, table.cell("date", row),
                f"{rows['name'][row]} {rows['date'][row].year}年{_types(rule)}第 {max_count + 1} 次，超过每年 {max_count} 次",
                None, None, STATUS_OF[rule.severity]))
    worst = int(totals.max()) if len(totals) else 0
    return _conclude(rule, violations, worst, limit, f"{len(totals)} 人，每人最高 {_yuan(worst)}")


def _types(rule: Rule) -> str:
    return "、".join(rule.params.get("visit_types", []))


def forbidden(book: Book, rule: Rule) -> RuleResult:
    """Rows that match ``match`` (column → allowed values) and/or contain a ``keywords`` word."""
    sheet = SHEETS[rule.params["sheet"]]
    table = book[sheet.key]
    data = table.data
    hit = pd.Series(True, index=data.index)
    for column, values in rule.params.get("match", {}).items():
        hit &= data[column].isin(values)
    words = rule.params.get("keywords", [])
    columns = rule.params.get("columns", [])
    found = pd.Series("", index=data.index, dtype=object)
    where = pd.Series("", index=data.index, dtype=object)
    if words:
        for column in columns:
            for word in words:
                new = found.eq("") & data[column].str.contains(word, regex=False)
                found[new], where[new] = word, column
        hit &= found.ne("")
    matched = list(rule.params.get("match", {}))
    first_match = matched[-1] if matched else columns[0] if columns else sheet.columns[0].key
    violations = []
    for row in data.index[hit]:
        column = where[row] or first_match
        said = f"含“{found[row]}”：" if found[row] else ""
        violations.append(Violation(sheet.title, table.cell(column, row),
                                    f"{said}{_describe(sheet.key, data, row)}", _amount(data, row), None,
                                    STATUS_OF[rule.severity]))
    return _conclude(rule, violations, len(violations), 0, f"检查 {len(data)} 行", unit="项")


def _describe(sheet_key: str, data: pd.DataFrame, row: int) -> str:
    if sheet_key == VISITS.key:
        return f"{data['name'][row]} {data['visit_type'][row]}（{data['form'][row]}）{data['reason'][row]}"
    return f"{data['summary'][row]}"


def _amount(data: pd.DataFrame, row: int) -> int | None:
    value = data["amount"][row] if "amount" in data else None
    return None if value is None or pd.isna(value) else int(value)


def balance(book: Book, rule: Rule) -> RuleResult:
    """收入 + 上年结余 ≥ 支出, for the budget (``of = "budget"``) or the year's actuals."""
    side = rule.params.get("of", "budget")
    sums = balances(book)[side]
    available = sums["income"] + sums["opening"]
    word = "预算" if side == "budget" else "实际"
    violations = []
    if sums["closing"] < 0:
        violations.append(Violation(BUDGET.title, balance_cell("closing", side),
                                    f"{word}收入 {_yuan(sums['income'])} + 上年结余 {_yuan(sums['opening'])} "
                                    f"< {word}支出 {_yuan(sums['expense'])}，赤字 {_yuan(-sums['closing'])}",
                                    sums["expense"], available, STATUS_OF[rule.severity]))
    return _conclude(rule, violations, sums["expense"], available,
                     f"{word}支出 {_yuan(sums['expense'])}，可用 {_yuan(available)}，年末结余 {_yuan(sums['closing'])}")


def over_budget(book: Book, rule: Rule) -> RuleResult:
    """Actual spending per category: over its budget warns; over budget × (1 + tolerance) is the rule's severity."""
    table = book[BUDGET.key]
    budget = table.data
    actual = budget_actuals(book)
    tolerance = float(rule.params.get("tolerance_pct", 0)) / 100
    planned = budget["budget"]
    rows = budget.index[budget["direction"].eq(EXPENSE) & planned.fillna(0).gt(0)]
    violations = []
    for row in rows:
        spent, plan = int(actual[row]), int(planned[row])
        if spent <= plan:
            continue
        beyond = spent > plan * (1 + tolerance)
        status = STATUS_OF[rule.severity] if beyond else WARN
        violations.append(Violation(BUDGET.title, table.cell("actual", row),
                                    f"“{budget['level2'][row]}”实际 {_yuan(spent)}，预算 {_yuan(plan)}，超支 {_yuan(spent - plan)}"
                                    + (f"，超过允许的 {tolerance:.0%} 幅度" if beyond else ""),
                                    spent, plan, status))
    return _conclude(rule, violations, len(violations), 0, f"核对 {len(rows)} 个支出科目", unit="项")


def unbudgeted(book: Book, rule: Rule) -> RuleResult:
    """Spending under a category that has no budget amount."""
    table = book[BUDGET.key]
    budget = table.data
    actual = budget_actuals(book)
    rows = budget.index[budget["direction"].eq(EXPENSE) & budget["budget"].fillna(0).eq(0) & actual.gt(0)]
    violations = [Violation(BUDGET.title, table.cell("budget", row),
                            f"“{budget['level2'][row]}”没有预算，却支出 {_yuan(int(actual[row]))}",
                            int(actual[row]), 0, STATUS_OF[rule.severity]) for row in rows]
    return _conclude(rule, violations, len(violations), 0, "预算外支出", unit="项")


def share_cap(book: Book, rule: Rule) -> RuleResult:
    """Spending of the given condolence types (or journal categories) at most ``limit_pct`` % of the year's income."""
    journal = book[JOURNAL.key].data
    income = balances(book)["actual"]["income"]
    if "visit_types" in rule.params:
        spent = int(_visits(book, rule)["amount"].fillna(0).sum())
    else:
        chosen = journal["direction"].eq(EXPENSE) & journal["category"].isin(rule.params.get("categories", []))
        spent = int(journal.loc[chosen, "amount"].fillna(0).sum())
    pct = float(rule.params["limit_pct"])
    limit = int(income * pct / 100)
    violations = []
    if spent > limit:
        violations.append(Violation(BUDGET.title, balance_cell("income", "actual"),
                                    f"{_types(rule) or '所选科目'}支出 {_yuan(spent)}，占全年收入 {_yuan(income)} 的 "
                                    f"{spent / income:.1%}，超过 {pct:g}%" if income else "全年没有收入",
                                    spent, limit, STATUS_OF[rule.severity]))
    return _conclude(rule, violations, spent, limit, f"占全年收入 {spent / income:.1%}" if income else "全年没有收入")


def holiday_window(book: Book, rule: Rule) -> RuleResult:
    """Condolences of the given types dated within ``days`` days of a statutory holiday (python-holidays)."""
    rows = _visits(book, rule)
    rows = rows.loc[rows["date"].notna()]
    days = int(rule.params.get("days", 30))
    table = book[VISITS.key]
    violations, worst = [], 0
    for row in rows.index:
        day = rows["date"][row].date()
        try:
            holiday, name, distance = nearest_statutory(day)
        except FestivalError:
            continue  # a date the calendars cannot place is reported by the date checks
        worst = max(worst, distance)
        if distance > days:
            side = "前" if day < holiday else "后"
            violations.append(Violation(
                VISITS.title, table.cell("date", row),
                f"{rows['name'][row]} {rows['visit_type'][row]}日期 {day:%Y-%m-%d}，在最近的法定节日"
                f"（{name} {holiday:%Y-%m-%d}）{side} {distance} 天，超过 {days} 天",
                None, None, STATUS_OF[rule.severity]))
    return _conclude(rule, violations, len(violations), 0,
                     f"核对 {len(rows)} 次{_types(rule)}，距法定节日最远 {worst} 天（允许 {days} 天）", unit="项")


Checker = Callable[[Book, Rule], RuleResult]

KINDS: dict[str, Checker] = {
    "balance": balance,
    "over_budget": over_budget,
    "unbudgeted": unbudgeted,
    "per_event_cap": per_event_cap,
    "per_member_year": per_member_year,
    "forbidden": forbidden,
    "share_cap": share_cap,
    "holiday_window": holiday_window,
}
