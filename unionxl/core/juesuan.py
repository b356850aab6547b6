"""The 决算 (final accounts) in the lines of the national 决算 software for base unions.

Two tables, as the 全总 单机版 software has them (research: docs/year-end-package.md §1):
《收入支出决算总表》 (every income and expenditure line: budget, actual, difference) and
《支出明细决算表》 (the expenditure lines again, split into 基本支出 / 项目支出 and by economic
class). The software's own 行次 and some labels are not public; the lines below join the
jzzgh.com notice (what a base union leaves blank), the 2021 sub-items of 职工活动支出 and the
2009 sub-lines of 资本性支出, and every line that could not be confirmed says why in
:attr:`Line.unconfirmed`.

The lines are derived from the schema's budget tree (``BUDGET_TREE``): a category is placed
on the line of its code, so a renamed category moves with its line. Only the lines the tree
does not hold (the ones a base union leaves blank, and the 资本性支出 sub-lines) are named here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from unionxl.contract.findings import ERROR, WARNING, Finding
from unionxl.contract.schema import BUDGET, BUDGET_TREE, CATEGORIES, EXPENSE, INCOME, JOURNAL, Category
from unionxl.core.totals import balances
from unionxl.reading.book import Book

#: line roles: a (sub)total, a line filled from categories, a line a base union leaves blank,
#: a line the software has that the budget tree does not split out, the year's balances
TOTAL, SUM, FILL, BLANK, EMPTY, OPENING, CLOSING = "total", "sum", "fill", "blank", "empty", "opening", "closing"

#: what the sheets call a blank line, and a line the tree does not split out
BLANK_NOTE = "基层工会不填"
#: the notice's fallback economic column, where every expenditure goes (jzzgh.com point 4)
OTHER_GOODS_COLUMN = "其他商品和服务支出（第43列）"
#: the provinces whose rules leave 投资收益 blank (辽工发[2023]2号; the national 32号 list keeps it)
NO_INVESTMENT_INCOME = ("辽宁",)

UNCONFIRMED = "待核实"
_NOT_IN_NOTICE = "决算软件是否有此行、名称是否如此，未能核对"
_NAMES_2009 = "2009年制度的名称，2021年制度下的名称未能核对"
_CAPITAL_2009 = "2009年制度的资本性支出子目，未能与决算软件核对"


@dataclass(frozen=True)
class Spec:
    """One line of the 决算 as data: its label, role, the category codes it takes, its depth."""

    label: str
    role: str
    direction: str = ""
    codes: tuple[str, ...] = ()
    depth: int = 1
    unconfirmed: str = ""
    #: lines this (sub)total adds up, by label
    parts: tuple[str, ...] = ()


#: labels the software uses for the budget tree's sub-items, where they differ from the tree's
#: own names: the 2021 sub-items of 职工活动支出 end in 支出 (福建省直工会, 每日一学(201))
def _child_label(category: Category) -> str:
    return category.level2 + "支出" if category.level1 == "职工活动支出" else category.level2


#: lines inserted after a budget-tree code (the jzzgh.com blank list; 资本性支出's 2009 sub-lines)
_BLANK_AFTER: dict[str, tuple[str, ...]] = {
    "103": ("政府补助收入",),
    "104": ("附属单位上缴收入",),
    "201": ("职工活动组织支出",),
    "204": ("行政支出",),
    "205": ("补助下级支出", "对附属单位的支出"),
}
#: 资本性支出's sub-lines (2009 工会02表): blank ones per jzzgh.com, the rest not split by the tree
_CAPITAL_LINES: tuple[tuple[str, str], ...] = (
    ("房屋建筑物购建", BLANK), ("办公设备购置", EMPTY), ("专用设备购置", EMPTY), ("交通工具购置", BLANK),
    ("大型修缮", BLANK), ("信息网络购建", EMPTY), ("其他资本性支出", FILL),
)
#: why a line taken from the tree could not be confirmed, by code (research §1.2)
_UNCONFIRMED: dict[str, str] = {
    "103": "决算软件中可能写作“上级补助收入”，" + _NOT_IN_NOTICE,
    "104": _NOT_IN_NOTICE,
    "105": _NOT_IN_NOTICE,
    "107": _NOT_IN_NOTICE,
    "206": _NOT_IN_NOTICE,
    "207": _NOT_IN_NOTICE,
    **{c.code: _NAMES_2009 for c in BUDGET_TREE if c.level1 in ("维权支出", "业务支出") and c.level1 != c.level2},
}
#: 基本支出 (routine running costs); every other expenditure is 项目支出 (a default, 待核实: no source
#: says how a base union splits them, research §1.4)
BASIC_CODES = ("20404", "207")

INCOME_TOTAL = "一、本年收入合计"
EXPENSE_TOTAL = "二、本年支出合计"
OPENING_LINE = "三、上年结转结余"
CLOSING_LINE = "四、年末结转结余"


def _groups(direction: str) -> list[tuple[str, list[Category]]]:
    """The tree's level-1 groups of one direction, in order, each with its categories."""
    out: dict[str, list[Category]] = {}
    for c in BUDGET_TREE:
        if c.direction == direction:
            out.setdefault(c.level1, []).append(c)
    return list(out.items())


def _code(categories: list[Category]) -> str:
    """A group's own code: the common prefix of its categories' codes (201 for 20101 … 20106)."""
    return categories[0].code[:3]


def line_specs(province: str = "") -> list[Spec]:
    """Every line of the 总表 in order, for a union of *province* (投资收益 is blank in 辽宁)."""
    lines: list[Spec] = []
    for direction, total in ((INCOME, INCOME_TOTAL), (EXPENSE, EXPENSE_TOTAL)):
        body: list[Spec] = []
        for level1, cats in _groups(direction):
            code = _code(cats)
            if code == "205":
                body.append(Spec(level1, SUM, direction, parts=tuple(label for label, _ in _CAPITAL_LINES)))
                for label, role in _CAPITAL_LINES:
                    codes = tuple(c.code for c in cats) if role == FILL else ()
                    note = _CAPITAL_2009 if role != BLANK else ""
                    body.append(Spec(label, role, direction, codes, 2, note))
            elif len(cats) == 1 and cats[0].level2 == level1:
                role = BLANK if code == "106" and province in NO_INVESTMENT_INCOME else FILL
                codes = (cats[0].code,) if role == FILL else ()
                note = "" if role == BLANK else ("仅辽宁省规定基层工会不填" if code == "106" else _UNCONFIRMED.get(code, ""))
                body.append(Spec(level1, role, direction, codes, 1, note))
            else:
                body.append(Spec(level1, SUM, direction, parts=tuple(_child_label(c) for c in cats)))
                body += [Spec(_child_label(c), FILL, direction, (c.code,), 2, _UNCONFIRMED.get(c.code, ""))
                         for c in cats]
            body += [Spec(label, BLANK, direction) for label in _BLANK_AFTER.get(code, ())]
        tops = tuple(s.label for s in body if s.depth == 1)
        lines += [Spec(total, TOTAL, direction, depth=0, parts=tops), *body]
    unsure = "年初、年末结转结余行的名称未能与决算软件核对"
    lines += [Spec(OPENING_LINE, OPENING, depth=0, unconfirmed=unsure),
              Spec(CLOSING_LINE, CLOSING, depth=0, unconfirmed=unsure)]
    return lines


@dataclass
class Line:
    """One line of the 决算 with its figures in fen (None: the line is not filled)."""

    no: int
    spec: Spec
    budget: int | None = None
    actual: int | None = None
    #: 支出明细决算表: 基本支出 and 项目支出 (their sum is the 合计, all of it in column 43)
    basic: int | None = None
    project: int | None = None

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def difference(self) -> int | None:
        """预算数 − 决算数, as 经费预算's 差额."""
        return None if self.budget is None or self.actual is None else self.budget - self.actual

    @property
    def detail_total(self) -> int | None:
        return None if self.basic is None else self.basic + (self.project or 0)


@dataclass
class FinalAccounts:
    union_name: str
    year: int | None
    province: str
    lines: list[Line]
    #: journal categories not in the tree, placed on their group's 其他 line (category → line label)
    placed_elsewhere: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def line(self, label: str) -> Line:
        return next(x for x in self.lines if x.label == label)

    @property
    def expense_lines(self) -> list[Line]:
        return [x for x in self.lines if x.spec.direction == EXPENSE]

    def unconfirmed(self) -> list[Line]:
        return [x for x in self.lines if x.spec.unconfirmed]


def _line_of_code(specs: list[Spec]) -> dict[str, Spec]:
    return {code: s for s in specs for code in s.codes}


def _category_line(category: str, direction: str, level1: str, by_code: dict[str, Spec]) -> tuple[Spec | None, bool]:
    """The line a category goes on, and whether it is the tree's own category.

    A category of the tree goes on its code's line; a category the treasurer added to
    经费预算 under a level-1 of the tree goes on that group's last line (其他活动, 其他维权支出 …).
    """
    known = CATEGORIES.get(category)
    if known is not None and known.direction == direction:
        return by_code.get(known.code), True
    group = [c for c in BUDGET_TREE if c.level1 == level1 and c.direction == direction]
    return (by_code.get(group[-1].code), False) if group else (None, False)


def final_accounts(book: Book) -> FinalAccounts:
    """The 决算 of *book*: budget from 经费预算, actual from 收支明细, by category onto the lines."""
    province = str(book.settings.get("province", "") or "")
    specs = line_specs(province)
    by_code = _line_of_code(specs)
    budget = book[BUDGET.key].data
    journal = book[JOURNAL.key].data
    level1_of = {(r.level2, r.direction): r.level1 for r in budget.itertuples()}
    placed: dict[str, str] = {}
    budget_sum: dict[str, int] = defaultdict(int)
    actual_sum: dict[str, int] = defaultdict(int)
    basic_sum: dict[str, int] = defaultdict(int)
    unplaced: list[tuple[str, str]] = []  # (收支, the 收支明细 cell of its 科目)

    def target(category: str, direction: str) -> Spec | None:
        spec, own = _category_line(category, direction, level1_of.get((category, direction), ""), by_code)
        if spec is not None and not own:
            placed[category] = spec.label
        return spec

    for r in budget.itertuples():
        spec = target(r.level2, r.direction)
        if spec is not None and not pd.isna(r.budget):
            budget_sum[spec.label] += int(r.budget)
    for row, r in zip(journal.index, journal.itertuples()):
        if pd.isna(r.amount):
            continue
        spec = target(r.category, r.direction)
        if spec is None:
            unplaced.append((r.direction, book[JOURNAL.key].cell("category", row)))
            continue
        actual_sum[spec.label] += int(r.amount)
        known = CATEGORIES.get(r.category)
        if r.direction == EXPENSE and known is not None and known.code in BASIC_CODES:
            basic_sum[spec.label] += int(r.amount)
    lines = [Line(i, s) for i, s in enumerate(specs, 1)]
    by_label = {x.label: x for x in lines}
    for x in lines:
        if x.spec.role == FILL:
            x.budget, x.actual = budget_sum.get(x.label, 0), actual_sum.get(x.label, 0)
            if x.spec.direction == EXPENSE:
                x.basic = basic_sum.get(x.label, 0)
                x.project = x.actual - x.basic
    for x in reversed(lines):  # sub-totals before totals: a total's parts sit below it
        if x.spec.role in (SUM, TOTAL):
            parts = [by_label[p] for p in x.spec.parts]
            x.budget = sum(p.budget or 0 for p in parts)
            x.actual = sum(p.actual or 0 for p in parts)
            if x.spec.direction == EXPENSE:
                x.basic = sum(p.basic or 0 for p in parts)
                x.project = sum(p.project or 0 for p in parts)
    sides = balances(book)
    opening = by_label[OPENING_LINE]
    opening.budget = opening.actual = sides["actual"]["opening"]
    closing = by_label[CLOSING_LINE]
    closing.budget, closing.actual = sides["budget"]["closing"], sides["actual"]["closing"]
    accounts = FinalAccounts(str(book.settings.get("union_name", "") or ""), book.year, province, lines, placed)
    accounts.findings = checks(accounts, sides, unplaced, book)
    return accounts


#: the sheets of 决算表.xlsx, which the findings of the checks point into
TOTAL_SHEET = "收入支出决算总表"
DETAIL_SHEET = "支出明细决算表"
#: the columns of the amounts on both sheets, for the findings' cells (see reports/juesuan.py)
TOTAL_ACTUAL_COLUMN = "D"
DETAIL_TOTAL_COLUMN = "C"
#: rows above the first line on both sheets (title, two header lines, a blank row, the table header)
FIRST_LINE_ROW = 6


def total_cell(line: Line) -> str:
    return f"{TOTAL_SHEET}!{TOTAL_ACTUAL_COLUMN}{FIRST_LINE_ROW + line.no - 1}"


def detail_cell(accounts: FinalAccounts, line: Line) -> str:
    first = accounts.expense_lines[0].no
    return f"{DETAIL_SHEET}!{DETAIL_TOTAL_COLUMN}{FIRST_LINE_ROW + line.no - first}"


def checks(accounts: FinalAccounts, sides: dict[str, dict[str, int]], unplaced: list[tuple[str, str]],
           book: Book) -> list[Finding]:
    """The notice's own check (the 总表's expenditure lines equal the 明细表's), the totals against
    收支明细 (totals.balances), and amounts on lines a base union leaves blank."""
    out: list[Finding] = []
    for line in accounts.expense_lines:
        if line.actual != line.detail_total and line.spec.role not in (BLANK, EMPTY):
            out.append(Finding(
                "juesuan-tables-mismatch", ERROR, TOTAL_SHEET, total_cell(line),
                f"《收入支出决算总表》“{line.label}”为 {_yuan(line.actual)} 元，《支出明细决算表》为 "
                f"{_yuan(line.detail_total)} 元，两表不符（{detail_cell(accounts, line)}）",
                "两表应一致；请把此情况报告给维护者"))
    for direction, label, key in ((INCOME, INCOME_TOTAL, "income"), (EXPENSE, EXPENSE_TOTAL, "expense")):
        line = accounts.line(label)
        journal = sides["actual"][key]
        if line.actual != journal:
            cells = [cell for side, cell in unplaced if side == direction]
            where = "、".join(cells[:3]) + (f" 等 {len(cells)} 处" if len(cells) > 3 else "")
            out.append(Finding(
                "juesuan-unplaced", ERROR, TOTAL_SHEET, total_cell(line),
                f"“{label}”为 {_yuan(line.actual)} 元，收支明细的{direction}合计为 {_yuan(journal)} 元，"
                f"相差 {_yuan(journal - (line.actual or 0))} 元未能归入决算行" + (f"（{where}）" if where else ""),
                "这些行的科目不在经费预算的科目中、与收支方向不符，或是基层工会不填的科目；请按校验结果改正科目"))
    closing = accounts.line(CLOSING_LINE)
    if (closing.actual or 0) < 0:
        out.append(Finding("juesuan-negative-balance", WARNING, TOTAL_SHEET, total_cell(closing),
                           f"年末结转结余为 {_yuan(closing.actual)} 元，是负数", "核对上年结余和全年收支"))
    if accounts.province in NO_INVESTMENT_INCOME:
        journal = book[JOURNAL.key]
        investment = next(c.level2 for c in BUDGET_TREE if c.code == "106")
        rows = journal.data.index[journal.data["category"].eq(investment) & journal.data["amount"].fillna(0).ne(0)]
        out += [Finding("juesuan-blank-line", WARNING, JOURNAL.title, journal.cell("category", r),
                        f"{accounts.province}省规定基层工会不填“{investment}”，此行记在了该科目上",
                        "核对这笔收入的性质，改记到应填的科目") for r in rows]
    return out


def _yuan(fen: int | None) -> str:
    from unionxl.contract.money import format_yuan

    return format_yuan(fen) or "0.00"
