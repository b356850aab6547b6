"""The figures of the 经费审查委员会's report on the year's accounts (经审审查报告), gathered once.

The report (reports/review.py) only words them; every figure comes from a core result the
other reports use too: the 决算 lines (income and spending by line), ``totals.balances`` (the
balance), the 年度汇总's members, dues and 慰问 figures, the fund-rule audit and the validation.
Structure after three real reports and the research's template, docs/year-end-package.md §3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from unionxl.contract.findings import ERROR, WARNING, Finding, rule_title
from unionxl.contract.schema import EXPENSE, INCOME, JOURNAL, STATUS_ACTIVE, STATUS_RETIRED
from unionxl.core.audit import Audit
from unionxl.core.juesuan import FILL, SUM, FinalAccounts
from unionxl.core.rules.kinds import FAIL, WARN
from unionxl.core.summary import Summary
from unionxl.core.totals import balances
from unionxl.core.validate import ValidationResult
from unionxl.reading.book import Book


@dataclass(frozen=True)
class Share:
    """An amount and its share of its side's total (None when the total is 0)."""

    label: str
    amount: int
    share: float | None


@dataclass(frozen=True)
class Execution:
    """One line's budget execution: 预算数, 决算数, 差额 (预算 − 实际), 执行率."""

    label: str
    direction: str
    budget: int
    actual: int

    @property
    def difference(self) -> int:
        return self.budget - self.actual

    @property
    def rate(self) -> float | None:
        return self.actual / self.budget if self.budget else None


@dataclass(frozen=True)
class Problem:
    """One item of 存在问题: a fund rule that failed or needs checking, or a validation rule's findings."""

    title: str
    severity: str
    count: int
    cells: tuple[str, ...]
    detail: str


@dataclass
class Review:
    union_name: str
    year: int | None
    members: int
    active: int
    retired: int
    vouchers: int
    income: list[Share]
    expense: list[Share]
    dues_expected: int
    dues_paid: int
    visits: int
    visit_amount: int
    #: the 决算's lines of level 1 (those a report names), income then expenditure
    execution: list[Execution]
    #: the expenditure lines (sub-items included) whose actual exceeds their budget
    overspent: list[Execution]
    #: totals.balances(book): {"budget"|"actual": {"income", "opening", "expense", "closing"}}
    balance: dict[str, dict[str, int]]
    audit_counts: dict[str, int]
    validation_counts: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    #: findings of the 决算's own checks (two tables agree, every amount on a line)
    accounts_findings: int = 0

    @property
    def dues_rate(self) -> float | None:
        return self.dues_paid / self.dues_expected if self.dues_expected else None

    def side(self, direction: str) -> tuple[int, int]:
        """(budget, actual) of one side, as 经费预算's balance block has them."""
        key = "income" if direction == INCOME else "expense"
        return self.balance["budget"][key], self.balance["actual"][key]


def _shares(accounts: FinalAccounts, direction: str, total: int) -> list[Share]:
    lines = [x for x in accounts.lines if x.spec.direction == direction and x.spec.depth == 1
             and x.spec.role in (FILL, SUM) and x.actual]
    return [Share(x.label, int(x.actual or 0), (x.actual or 0) / total if total else None) for x in lines]


def _validation_problems(findings: list[Finding]) -> list[Problem]:
    """The validation's errors and warnings, one item per rule (a thousand cells are one problem)."""
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity in (ERROR, WARNING):
            out.setdefault(f.rule, []).append(f)
    return [Problem(rule_title(rule), fs[0].severity, len(fs), tuple(f.cell for f in fs), fs[0].message)
            for rule, fs in out.items()]


def _audit_problems(audit: Audit) -> list[Problem]:
    out = []
    for result in audit.results:
        if result.status not in (FAIL, WARN):
            continue
        rows = result.violations
        detail = "；".join(v.detail for v in rows[:3]) if rows else result.detail
        out.append(Problem(result.rule.title, ERROR if result.status == FAIL else WARNING, max(1, len(rows)),
                           tuple(v.cell for v in rows), detail))
    return out


def review(book: Book, summary: Summary, accounts: FinalAccounts, audit: Audit,
           validation: ValidationResult) -> Review:
    sides = balances(book)
    journal = book[JOURNAL.key].data
    vouchers = journal["voucher"].replace("", pd.NA).dropna().nunique()
    status = summary.members["by_status"]
    execution = [Execution(x.label, x.spec.direction, int(x.budget or 0), int(x.actual or 0))
                 for x in accounts.lines
                 if x.spec.depth == 1 and x.spec.role in (FILL, SUM) and (x.budget or x.actual)]
    overspent = [Execution(x.label, EXPENSE, int(x.budget or 0), int(x.actual or 0)) for x in accounts.expense_lines
                 if x.spec.role == FILL and (x.actual or 0) > (x.budget or 0)]
    problems = _audit_problems(audit) + _validation_problems(validation.findings + accounts.findings)
    return Review(
        union_name=accounts.union_name, year=accounts.year,
        members=int(summary.members["total"]), active=int(status[STATUS_ACTIVE]), retired=int(status[STATUS_RETIRED]),
        vouchers=int(vouchers),
        income=_shares(accounts, INCOME, sides["actual"]["income"]),
        expense=_shares(accounts, EXPENSE, sides["actual"]["expense"]),
        dues_expected=int(summary.dues["expected_fen"]), dues_paid=int(summary.dues["paid_fen"]),
        visits=int(summary.condolences["visits"]), visit_amount=int(summary.condolences["amount_fen"]),
        execution=execution, overspent=overspent, balance=sides, audit_counts=audit.counts, validation_counts=validation.counts, accounts_findings=len(accounts.findings),
        problems=problems,
    )
