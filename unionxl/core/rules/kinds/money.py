"""Kinds on the year's money: balance, budget execution, and shares of income or budget —
each on the actuals and, where 经费预算 or 活动日历 carries a planned figure, on the plan."""

from __future__ import annotations

from unionxl.contract.schema import BUDGET, EXPENSE, JOURNAL, balance_cell
from unionxl.core.rules.kinds.common import (
    ANY_VISIT_TYPES,
    CATEGORIES,
    PLAN_ACTIVITIES,
    REASON_CONTAINS,
    REASON_EXCLUDES,
    planned_activities,
    types_text,
    visits,
    yuan,
)
from unionxl.core.rules.model import STATUS_OF, WARN, YEAR, Kind, Param, Rule, RuleResult, Violation, conclude
from unionxl.core.totals import balances, budget_actuals
from unionxl.reading.book import Book


def balance(book: Book, rule: Rule) -> RuleResult:
    """收入 + 上年结余 ≥ 支出, for the budget (``of = "budget"``) or the year's actuals."""
    side = rule.params.get("of", "budget")
    sums = balances(book)[side]
    available = sums["income"] + sums["opening"]
    word = "预算" if side == "budget" else "实际"
    violations = []
    if sums["closing"] < 0:
        violations.append(Violation(BUDGET.title, balance_cell("closing", side),
                                    f"{word}收入 {yuan(sums['income'])} + 上年结余 {yuan(sums['opening'])} "
                                    f"< {word}支出 {yuan(sums['expense'])}，赤字 {yuan(-sums['closing'])}",
                                    sums["expense"], available, STATUS_OF[rule.severity],
                                    side="plan" if side == "budget" else "actual"))
    return conclude(rule, violations, sums["expense"], available,
                    f"{word}支出 {yuan(sums['expense'])}，可用 {yuan(available)}，年末结余 {yuan(sums['closing'])}")


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
                                    f"“{budget['level2'][row]}”实际 {yuan(spent)}，预算 {yuan(plan)}，超支 {yuan(spent - plan)}"
                                    + (f"，超过允许的 {tolerance:.0%} 幅度" if beyond else ""),
                                    spent, plan, status))
    return conclude(rule, violations, len(violations), 0, f"核对 {len(rows)} 个支出科目", unit="项")


def unbudgeted(book: Book, rule: Rule) -> RuleResult:
    """Spending under a category that has no budget amount."""
    table = book[BUDGET.key]
    budget = table.data
    actual = budget_actuals(book)
    rows = budget.index[budget["direction"].eq(EXPENSE) & budget["budget"].fillna(0).eq(0) & actual.gt(0)]
    violations = [Violation(BUDGET.title, table.cell("budget", row),
                            f"“{budget['level2'][row]}”没有预算，却支出 {yuan(int(actual[row]))}",
                            int(actual[row]), 0, STATUS_OF[rule.severity]) for row in rows]
    return conclude(rule, violations, len(violations), 0, "预算外支出", unit="项")


#: what a share is taken of: (balance side, balance line, words)
SHARE_BASES = {
    "income": {"actual": ("actual", "income", "全年收入"), "plan": ("budget", "income", "预算收入")},
    "budget_expense": {"actual": ("budget", "expense", "本年预算支出"), "plan": ("budget", "expense", "本年预算支出")},
}


def share_cap(book: Book, rule: Rule) -> RuleResult:
    """Spending of the given condolence types (or journal categories) at most ``limit_pct`` % of the
    year's income (``of = "income"``) or of the budgeted expenditure (``of = "budget_expense"``);
    the planned figure (经费预算 lines, or 活动日历 budgets of ``plan_activities``) against the same share."""
    sums = balances(book)
    pct = float(rule.params["limit_pct"])
    base = SHARE_BASES[rule.params.get("of", "income")]
    what = types_text(rule) if "visit_types" in rule.params else "、".join(rule.params.get("categories", []))
    violations: list[Violation] = []

    def check(side: str, spent: int, prefix: str) -> str:
        balance_side, line, words = base[side]
        total = sums[balance_side][line]
        limit = int(total * pct / 100)
        if not total:
            if spent > 0:
                violations.append(Violation(BUDGET.title, balance_cell(line, balance_side),
                                            f"{prefix}{words}为 0，{what}却支出 {yuan(spent)}", spent, 0,
                                            STATUS_OF[rule.severity], side=side))
            return f"{prefix}{words}为 0"
        said = f"{prefix}{what} {yuan(spent)}，占{words} {yuan(total)} 的 {spent / total:.1%}"
        if spent > limit:
            violations.append(Violation(BUDGET.title, balance_cell(line, balance_side), f"{said}，超过 {pct:g}%",
                                        spent, limit, STATUS_OF[rule.severity], side=side))
        return said

    if "visit_types" in rule.params:
        spent = int(visits(book, rule)["amount"].fillna(0).sum())
    else:
        journal = book[JOURNAL.key].data
        chosen = journal["direction"].eq(EXPENSE) & journal["category"].isin(rule.params.get("categories", []))
        spent = int(journal.loc[chosen, "amount"].fillna(0).sum())
    balance_side, line, _ = base["actual"]
    limit = int(sums[balance_side][line] * pct / 100)
    detail = check("actual", spent, "")
    planned = _planned_spending(book, rule)
    if planned is not None:
        detail += "；" + check("plan", planned, "预算：")
    return conclude(rule, violations, spent, limit, detail)


def _planned_spending(book: Book, rule: Rule) -> int | None:
    """The plan's figure for a share: 经费预算 lines of ``categories``, or 活动日历 budgets of ``plan_activities``."""
    if "categories" in rule.params:
        data = book[BUDGET.key].data
        chosen = data["direction"].eq(EXPENSE) & data["level2"].isin(rule.params["categories"])
        return int(data.loc[chosen, "budget"].fillna(0).sum())
    if rule.params.get("plan_activities"):
        return int(planned_activities(book, rule.params["plan_activities"])["budget"].sum())
    return None


KINDS = (
    Kind("balance", balance, (Param("of", "text", "budget（预算）或 actual（实际）", choices=("budget", "actual")),), YEAR,
         "收入 + 上年结余 ≥ 支出；定位：经费预算旁“年末结余”单元格"),
    Kind("over_budget", over_budget, (Param("tolerance_pct", "number", "允许超出预算的百分比"),), YEAR,
         "支出科目实际超预算：超出即提示，超出容差判 severity；定位：该科目“实际发生”单元格"),
    Kind("unbudgeted", unbudgeted, (), YEAR, "预算为空或 0 的支出科目发生了支出；定位：该科目“预算金额”单元格"),
    Kind("share_cap", share_cap,
         (ANY_VISIT_TYPES, CATEGORIES, Param("limit_pct", "number", "占比上限（%）", required=True),
          Param("of", "text", "income（全年收入）或 budget_expense（本年预算支出）", choices=tuple(SHARE_BASES)),
          REASON_CONTAINS, REASON_EXCLUDES, PLAN_ACTIVITIES), YEAR,
         "某类支出占全年收入（或预算支出）的比例，实际与预算各核对一次；定位：经费预算旁“收入合计”或“支出合计”",
         one_of=(("visit_types", "categories"),)),
)
