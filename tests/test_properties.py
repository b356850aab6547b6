"""Property tests: generated workbooks never crash the core, and valid ones total exactly.

Workbooks are generated as in-memory sheet grids (what both the file reader and the Excel
door hand to the core), so thousands of them run in seconds; a smaller run goes through
real files and the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from unionxl.core.audit import audit_book
from unionxl.cli import app
from unionxl.reading.coerce import coerce_book
from unionxl.reading.reader import build_tables
from unionxl.contract.schema import (
    ACTIVITY_CATEGORIES, ACTIVITY_STATUSES, BUDGET_TREE, DIRECTIONS, MEMBER_STATUSES, MONTH_KEYS, SETTING_ITEMS, SETTINGS, SHEETS, VISIT_FORMS,
    VISIT_TYPES,
)
from unionxl.core.summary import summarize
from unionxl.master.template import write_master
from unionxl.core.validate import validate_book
from tests.sizes import examples

YEAR = 2026
money = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False).map(float)
dates = st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR, 12, 31))
junk = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.booleans(), st.dates(), st.sampled_from(["", "#REF!", "２０２６年1月1日", "1,2,3元", "=1+1", "@x", "-"]))
#: junk a real .xlsx can hold (no NaN/inf, dates Excel can store)
file_junk = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**9, 10**9),
                      st.booleans(), st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
                      st.sampled_from(["", "２０２６年1月1日", "1,2,3元", "=1+1", "@x", "-"]))
ids = st.sampled_from([f"GH{i:03d}" for i in range(1, 9)])


def grid(key: str, rows: list[dict[str, object]]) -> list[list[object]]:
    sheet = SHEETS[key]
    return [[c.title for c in sheet.columns]] + [[r.get(c.key, "") for c in sheet.columns] for r in rows]


def settings_grid() -> list[list[object]]:
    values = {"union_name": "属性测试工会", "year": YEAR, "dues_rate": 0.005, "province": "湖北", "opening_balance": 1000}
    return [[c.title for c in SETTINGS.columns]] + [[s.title, values.get(s.key, s.default), ""] for s in SETTING_ITEMS]


valid_member = st.fixed_dictionaries({
    "member_id": ids, "name": st.sampled_from(["张三", "李四", "王五"]), "join_date": st.dates(dt.date(1990, 1, 1), dt.date(YEAR, 12, 1)),
    "status": st.sampled_from(MEMBER_STATUSES), "status_date": dates, "wage": money,
    **{k: money for k in MONTH_KEYS[:3]},
})
valid_journal = st.fixed_dictionaries({
    "date": dates, "voucher": st.text("记0123456789", min_size=1, max_size=6), "summary": st.sampled_from(["会费", "慰问", "活动"]),
    "direction": st.sampled_from(DIRECTIONS), "amount": money,
}).map(lambda r: dict(r, category=next(c.level2 for c in BUDGET_TREE if c.direction == r["direction"])))
valid_visit = st.fixed_dictionaries({
    "date": dates, "member_id": ids, "name": st.sampled_from(["张三", "李四"]), "visit_type": st.sampled_from(VISIT_TYPES),
    "amount": money, "form": st.sampled_from(VISIT_FORMS),
})


def any_row(valid: st.SearchStrategy, key: str, noise: st.SearchStrategy = junk) -> st.SearchStrategy:
    """A valid row with some cells replaced by junk of any type."""
    columns = [c.key for c in SHEETS[key].input_columns]
    return st.tuples(valid, st.dictionaries(st.sampled_from(columns), noise, max_size=4)).map(lambda t: {**t[0], **t[1]})


def run_core(members, journal, visits, audit: bool = True):
    grids = {SHEETS["settings"].title: settings_grid(), SHEETS["members"].title: grid("members", members),
             SHEETS["journal"].title: grid("journal", journal), SHEETS["visits"].title: grid("visits", visits),
             SHEETS["calendar"].title: grid("calendar", []),
             SHEETS["budget"].title: grid("budget", [{"code": c.code, "direction": c.direction, "level1": c.level1,
                                                      "level2": c.level2} for c in BUDGET_TREE])}
    book = coerce_book(build_tables(grids, None))
    return book, validate_book(book), summarize(book), audit_book(book) if audit else None


@settings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_row(valid_member, "members"), max_size=6), st.lists(any_row(valid_journal, "journal"), max_size=6),
       st.lists(any_row(valid_visit, "visits"), max_size=6))
def test_any_workbook_is_handled(members, journal, visits) -> None:
    book, result, summary, _ = run_core(members, journal, visits, audit=False)
    assert result.usable
    for finding in result.findings:
        assert finding.cell.startswith(finding.sheet)
    json.dumps(summary.to_dict(), ensure_ascii=False)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_row(valid_member, "members"), max_size=4), st.lists(any_row(valid_journal, "journal"), max_size=4),
       st.lists(any_row(valid_visit, "visits"), max_size=6))
def test_any_workbook_can_be_audited(members, journal, visits) -> None:
    *_, audit = run_core(members, journal, visits)
    assert {r["status"] for r in audit.to_dict()["results"]} <= {"pass", "warn", "fail"}
    json.dumps(audit.to_dict(), ensure_ascii=False)


def _fen(value: float) -> int:
    return int(Decimal(str(value)) * 100)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(valid_member, max_size=8), st.lists(valid_journal, max_size=8))
def test_valid_workbooks_total_exactly(members, journal) -> None:
    book, result, summary, _ = run_core(members, journal, [])
    assert not [f for f in result.findings if f.rule.startswith(("type-", "money-", "required"))]
    assert summary.dues["paid_fen"] == sum(_fen(m[k]) for m in members for k in MONTH_KEYS[:3])
    income = sum(_fen(r["amount"]) for r in journal if r["direction"] == "收入")
    expense = sum(_fen(r["amount"]) for r in journal if r["direction"] == "支出")
    assert (summary.journal["income_fen"], summary.journal["expense_fen"]) == (income, expense)
    assert summary.balance["closing_fen"] == 100_000 + income - expense


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(any_row(valid_member, "members", file_junk), max_size=4),
       st.lists(any_row(valid_journal, "journal", file_junk), max_size=4))
def test_files_through_the_cli_never_crash(tmp_path: Path, members, journal) -> None:
    path = tmp_path / "p.xlsx"
    write_master(path, {"union_name": "属性测试工会", "year": YEAR}, {"members": members, "journal": journal})
    result = CliRunner().invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert "内部错误" not in result.stderr


valid_activity = st.fixed_dictionaries({
    "month": st.integers(1, 12), "date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    "activity": st.sampled_from(["春节送温暖：慰问全体教职工", "中秋节茶话会", "重阳节慰问退休教师", "教职工读书会", "端午节包粽子"])
    | st.text(max_size=8),
    "category": st.sampled_from(ACTIVITY_CATEGORIES), "status": st.sampled_from(ACTIVITY_STATUSES),
    "note": st.text(max_size=8),
})


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_row(valid_member, "members"), max_size=5), st.lists(any_row(valid_activity, "calendar"), max_size=5))
def test_any_workbook_rolls_over_keeping_what_was_typed(members, calendar) -> None:
    """Whatever the cells hold (typo years, text in number cells), rollover works and copies every kept cell."""
    from unionxl.core.year.rollover import NOT_COPIED, rollover

    grids = {SHEETS["settings"].title: settings_grid(), SHEETS["members"].title: grid("members", members),
             SHEETS["calendar"].title: grid("calendar", calendar), SHEETS["journal"].title: grid("journal", []),
             SHEETS["visits"].title: grid("visits", []), SHEETS["budget"].title: grid("budget", [])}
    book = coerce_book(build_tables(grids, None))
    rolled = rollover(book, validate_book(book))
    for key in ("members", "calendar"):
        table = book[key]
        assert len(set(rolled.origins[key])) == len(rolled.rows[key])
        for row, origin in zip(rolled.rows[key], rolled.origins[key]):
            for column in table.sheet.input_columns:
                raw = table.raw.at[origin, column.key]
                if column.key in NOT_COPIED.get(key, {}) or raw is None or raw == "" or pd.isna(raw):
                    continue
                written = row[column.key]
                if isinstance(raw, dt.date) and not dt.date(1900, 1, 1) <= raw <= dt.date(2100, 12, 31):
                    assert written == raw.isoformat()  # a date Excel cannot hold, kept as its text
                else:
                    assert written == raw and type(written) is type(raw), (key, column.key, raw, written)
    for row, origin in zip(rolled.rows["calendar"], rolled.origins["calendar"]):
        if isinstance(book["calendar"].raw.at[origin, "date"], dt.date):
            assert isinstance(row["date"], dt.date) and row["date"].year == YEAR + 1 and row["month"] == row["date"].month
