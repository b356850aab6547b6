"""The vectorised keyword and holiday-window kinds give exactly what the row-by-row versions gave.

The oracles below are the former implementations (one pandas string pass per word and
column; one ``nearest_statutory`` call per row), kept here only to compare against. The
books are random but seeded: texts built from the banned words, allowed phrases that hold
them, blanks and plain words; condolence dates across three years, one before 1950 (which the
festival calendars cannot place).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest

from unionxl.contract.schema import JOURNAL, SHEETS, VISIT_FORMS, VISIT_TYPES, VISITS
from unionxl.core.rules.kinds import KINDS
from unionxl.core.rules.kinds.common import in_period, types_text, visits
from unionxl.core.rules.kinds.text import _amount, _dates, _describe
from unionxl.core.rules.model import STATUS_OF, Rule, Violation, conclude
from unionxl.core.year.festivals import FestivalError, nearest_statutory
from unionxl.master.template import write_master
from unionxl.reading.reader import load_book

WORDS = ["购物卡", "宴请", "高档", "旅游", "卡"]
ALLOWED = ["旅游景区年票", "蛋糕卡"]
FRAGMENTS = WORDS + ALLOWED + ["会员活动", "慰问", "春节", "", "工会", "年终"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 3)))


def _book(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365)) for _ in range(400)]
    days[7] = dt.date(1949, 6, 1)
    visit_rows = [dict(date=day, member_id=f"GH{n % 40:03d}", name=f"会员{n % 40}", visit_type=rng.choice(VISIT_TYPES),
                       reason=_text(rng), amount=rng.choice([100, 200, 300]), form=rng.choice(VISIT_FORMS),
                       handler="经办人", note=_text(rng)) for n, day in enumerate(days)]
    journal_rows = [dict(date=dt.date(2025, n % 12 + 1, n % 28 + 1), voucher=f"记-{n:04d}", summary=_text(rng),
                         direction="支出", category="会员活动", amount=rng.randint(1, 900), note=_text(rng))
                    for n in range(300)]
    path = tmp_path / f"book-{seed}.xlsx"
    write_master(path, {"union_name": "测试小学工会委员会", "year": 2025, "province": "湖北"},
                 {"visits": visit_rows, "journal": journal_rows})
    return load_book(path)


def _rule(kind: str, **params) -> Rule:
    return Rule("t", "测试", "测试依据", kind, "error", True, params, "case",
                effective_from=dt.date(2024, 3, 1), effective_to=dt.date(2026, 10, 31))


def forbidden_by_rows(book, rule: Rule):
    """The former ``forbidden``: a ``str.contains`` per word per column."""
    sheet = SHEETS[rule.params["sheet"]]
    table = book[sheet.key]
    data = table.data
    hit = in_period(book, rule, _dates(book, sheet.key))
    for column, values in rule.params.get("match", {}).items():
        hit &= data[column].isin(values)
    words, columns = rule.params.get("keywords", []), rule.params.get("columns", [])
    found = pd.Series("", index=data.index, dtype=object)
    where = pd.Series("", index=data.index, dtype=object)
    if words:
        for column in columns:
            text = data[column].astype(str)
            for phrase in rule.params.get("allowed", []):
                text = text.str.replace(phrase, "\u3000", regex=False)
            for word in words:
                new = found.eq("") & text.str.contains(word, regex=False)
                found[new], where[new] = word, column
        hit &= found.ne("")
    matched = list(rule.params.get("match", {}))
    first_match = matched[-1] if matched else columns[0] if columns else sheet.columns[0].key
    violations = []
    for row in data.index[hit]:
        said = f"含“{found[row]}”：" if found[row] else ""
        violations.append(Violation(sheet.title, table.cell(where[row] or first_match, row),
                                    f"{said}{_describe(sheet.key, data, row)}", _amount(data, row), None,
                                    STATUS_OF[rule.severity]))
    return conclude(rule, violations, len(violations), 0, f"检查 {len(data)} 行", unit="项")


def holiday_window_by_rows(book, rule: Rule):
    """The former ``holiday_window``: one calendar look-up per row."""
    rows = visits(book, rule)
    rows = rows.loc[rows["date"].notna() & in_period(book, rule, rows["date"])]
    days = int(rule.params.get("days", 30))
    violations, worst = [], 0
    for row in rows.index:
        day = rows["date"][row].date()
        try:
            holiday, name, distance = nearest_statutory(day)
        except FestivalError:
            continue
        worst = max(worst, distance)
        if distance > days:
            side = "前" if day < holiday else "后"
            violations.append(Violation(
                VISITS.title, book[VISITS.key].cell("date", row),
                f"{rows['name'][row]} {rows['visit_type'][row]}日期 {day:%Y-%m-%d}，在最近的法定节日"
                f"（{name} {holiday:%Y-%m-%d}）{side} {distance} 天，超过 {days} 天",
                None, None, STATUS_OF[rule.severity]))
    return conclude(rule, violations, len(violations), 0,
                    f"核对 {len(rows)} 次{types_text(rule)}，距法定节日最远 {worst} 天（允许 {days} 天）", unit="项")


RULES = [
    _rule("forbidden", sheet="journal", columns=["summary", "note"], keywords=WORDS),
    _rule("forbidden", sheet="journal", columns=["note", "summary"], keywords=WORDS[::-1], allowed=ALLOWED),
    _rule("forbidden", sheet="visits", columns=["reason", "note"], keywords=WORDS, allowed=ALLOWED),
    _rule("forbidden", sheet="visits", match={"form": ["慰问金"]}, columns=["reason"], keywords=["卡"]),
    _rule("forbidden", sheet="visits", match={"visit_type": ["节日慰问"], "form": ["慰问金"]}),
    _rule("holiday_window", visit_types=["节日慰问", "生日慰问"], days=30),
    _rule("holiday_window", visit_types=list(VISIT_TYPES), days=3),
]
ORACLES = {"forbidden": forbidden_by_rows, "holiday_window": holiday_window_by_rows}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_kinds_equal_the_row_by_row_ones(tmp_path: Path, seed: int) -> None:
    book = _book(tmp_path, seed)
    flagged = 0
    for rule in RULES:
        fast, slow = KINDS[rule.kind].check(book, rule), ORACLES[rule.kind](book, rule)
        assert fast == slow, rule.params
        flagged += len(fast.violations)
    assert flagged > 100  # the books do exercise the rules


def test_a_word_inside_an_allowed_phrase_and_the_first_column_with_a_word(tmp_path: Path) -> None:
    rows = [dict(date=dt.date(2025, 3, 1), voucher="记-1", summary="旅游景区年票", direction="支出", category="会员活动",
                 amount=10, note="宴请"),
            dict(date=dt.date(2025, 3, 2), voucher="记-2", summary="高档宴请", direction="支出", category="会员活动",
                 amount=20, note="购物卡")]
    path = tmp_path / "book.xlsx"
    write_master(path, {"union_name": "测试小学工会委员会", "year": 2025}, {"journal": rows})
    result = KINDS["forbidden"].check(load_book(path), _rule("forbidden", sheet="journal", columns=["summary", "note"],
                                                             keywords=["宴请", "旅游", "高档"], allowed=ALLOWED))
    assert [(v.cell, v.detail, v.amount) for v in result.violations] == [
        (f"{JOURNAL.title}!H2", "含“宴请”：旅游景区年票", 1000),
        (f"{JOURNAL.title}!C3", "含“宴请”：高档宴请", 2000),
    ]
