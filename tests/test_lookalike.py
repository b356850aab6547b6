"""Lookalike text changes none of unionxl's figures, and every such cell is reported.

The demo is rewritten with trailing, full-width and zero-width spaces, BOMs, NBSPs and
full-width letters in every column unionxl matches (科目, 收支, 会员编号, 慰问类型, 会员状态,
二级科目), and one month's dues typed as text. unionxl reads what was meant: every figure of
validation, totals, the 年度汇总, the audit and 本月待办 equals the clean demo's; each changed
cell has a finding, a warning wherever the workbook's own formulas compute otherwise (the
LibreOffice test shows what they compute), and the 年度汇总 says its figures follow unionxl.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.reading_corpus import LOOKALIKE_BUDGET_CATEGORY, lookalike_demo
from unionxl.core.audit import audit_book
from unionxl.core.summary import summarize
from unionxl.core.totals import balances, budget_actuals, member_dues, workbook_budget_actuals
from unionxl.core.validate import validate_book
from unionxl.core.year.todo import todo
from unionxl.reading.reader import load_book

READ_RULES = {"text-lookalike", "text-normalised", "number-as-text"}


@pytest.fixture(scope="module")
def books(demo_book, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("lookalike") / "lookalike.xlsx"
    touched = lookalike_demo(demo_book[0], path)
    return load_book(demo_book[0]), load_book(path), touched


def test_lookalike_text_changes_no_figure(books) -> None:
    clean, look, touched = books
    assert len(touched) > 50
    pd.testing.assert_series_equal(budget_actuals(look), budget_actuals(clean))
    assert balances(look) == balances(clean)
    pd.testing.assert_frame_equal(member_dues(look), member_dues(clean))
    ours, theirs = summarize(look).to_dict(), summarize(clean).to_dict()
    assert theirs.pop("notes") == [] and ours.pop("notes")
    assert ours == theirs
    audited, expected = audit_book(look).to_dict(), audit_book(clean).to_dict()
    # the audit names the book's validation counts: the same errors, more warnings (the lookalikes)
    assert audited.pop("validation")["errors"] == expected.pop("validation")["errors"]
    assert audited == expected
    day = dt.date(2025, 12, 1)
    assert todo(look, 12, day).to_dict() == todo(clean, 12, day).to_dict()


def test_every_lookalike_cell_is_reported_and_nothing_else_changes(books) -> None:
    clean, look, touched = books
    before = {(f.rule, f.cell) for f in validate_book(clean).findings}
    after = {(f.rule, f.cell) for f in validate_book(look).findings}
    assert before <= after
    assert {rule for rule, _ in after - before} <= READ_RULES
    assert {cell for rule, cell in after - before} == touched


def test_severity_follows_what_the_workbook_formulas_compute(books) -> None:
    clean, look, touched = books
    findings = {f.cell: f for f in validate_book(look).findings if f.rule in READ_RULES}
    journal = [f for cell, f in findings.items() if cell.startswith("收支明细!E")]
    # a row typed exactly like the budget's own lookalike (“文体活动 ”) is counted by the formula too
    literal = look["journal"].lookalikes["category"]
    alike = {look["journal"].cell("category", r) for r in literal.index[literal.eq(f"{LOOKALIKE_BUDGET_CATEGORY} ")]}
    assert alike and {f.cell for f in journal if f.severity == "info"} == alike
    warned = [f for f in journal if f.cell not in alike]
    assert warned and all(f.rule == "text-lookalike" and f.severity == "warning" for f in warned)
    assert all("不会把这一行" in f.message and "经费预算!F" in f.message for f in warned)
    visits = [f for cell, f in findings.items() if cell.startswith("慰问记录!")]
    assert visits and all(f.rule == "text-normalised" and f.severity == "info" for f in visits)
    # the budget row with a trailing space: the workbook's 实际发生 there counts only the rows typed alike
    budget = look["budget"]
    row = int(budget.data.index[budget.data["level2"].eq(LOOKALIKE_BUDGET_CATEGORY)][0])
    assert workbook_budget_actuals(look)[row] < budget_actuals(look)[row]
    message = findings[budget.cell("level2", row)].message
    assert findings[budget.cell("level2", row)].severity == "warning"
    assert budget.cell("actual", row) in message and "按原样比较文字" in message
