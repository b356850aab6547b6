"""Kinds that read what a row says: forbidden forms and words, and spending that belongs to the
employer (单位行政, 职工福利费) but was paid from union funds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unionxl.contract.schema import CALENDAR, EXPENSE, JOURNAL, MEMBERS, SHEETS, VISITS
from unionxl.core.rules.kinds.common import CATEGORIES, KEYWORDS, calendar_dates, in_period, text_of, yuan
from unionxl.core.rules.model import ROW, STATUS_OF, Kind, Param, Rule, RuleResult, Violation, conclude
from unionxl.reading.book import Book


def _dates(book: Book, sheet_key: str) -> pd.Series:
    return calendar_dates(book) if sheet_key == CALENDAR.key else book[sheet_key].data["date"]


def first_words(values: pd.Series, words: list[str], allowed: list[str] = ()) -> pd.Series:
    """Per row, the first of *words* (in their order) that the text contains outside the
    *allowed* phrases, or "". Worked out once per distinct text: rows repeat theirs, and a
    plain ``in`` per word beats one pandas string pass per word."""
    codes, texts = pd.factorize(values)
    found = []
    for text in texts:
        said = str(text)
        for phrase in allowed:
            said = said.replace(phrase, "\u3000")  # a banned word inside an allowed phrase does not count
        found.append(next((word for word in words if word in said), ""))
    # a blank cell's code is -1: the "" appended last
    return pd.Series(np.array(found + [""], dtype=object)[codes], index=values.index, dtype=object)


def forbidden(book: Book, rule: Rule) -> RuleResult:
    """Rows that match ``match`` (column → allowed values) and/or contain a ``keywords`` word
    outside the ``allowed`` phrases (reported at the first such column, with its first word)."""
    sheet = SHEETS[rule.params["sheet"]]
    table = book[sheet.key]
    data = table.data
    hit = in_period(book, rule, _dates(book, sheet.key))
    for column, values in rule.params.get("match", {}).items():
        hit &= data[column].isin(values)
    words = rule.params.get("keywords", [])
    columns = rule.params.get("columns", [])
    allowed = rule.params.get("allowed", [])
    found = pd.Series("", index=data.index, dtype=object)
    where = pd.Series("", index=data.index, dtype=object)
    if words:
        for column in columns:
            word = first_words(data[column], words, allowed)
            new = found.eq("") & word.ne("")
            found[new], where[new] = word[new], column
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
    return conclude(rule, violations, len(violations), 0, f"检查 {len(data)} 行", unit="项")


def _describe(sheet_key: str, data: pd.DataFrame, row: int) -> str:
    if sheet_key == VISITS.key:
        return f"{data['name'][row]} {data['visit_type'][row]}（{data['form'][row]}）{data['reason'][row]}"
    if sheet_key == CALENDAR.key:
        return f"{data['activity'][row]}"
    return f"{data['summary'][row]}"


def _amount(data: pd.DataFrame, row: int) -> int | None:
    column = "amount" if "amount" in data else "actual" if "actual" in data else None
    value = data[column][row] if column else None
    return None if value is None or pd.isna(value) else int(value)


def fund_source(book: Book, rule: Rule) -> RuleResult:
    """Union-fund spending on what the rule says the employer pays (``payer``): journal expense rows
    of ``categories`` or naming a ``keywords`` word (unless they say an ``unless`` word, e.g. 补助),
    or condolences to members whose 会员状态 is one of ``member_statuses`` on the visit's date."""
    if rule.params["sheet"] == JOURNAL.key:
        rows, table, describe = _journal_rows(book, rule)
    else:
        rows, table, describe = _visit_rows(book, rule)
    payer = rule.params["payer"]
    violations = [Violation(table.sheet.title, table.cell("amount", row),
                            f"{describe(row)} {yuan(int(rows['amount'][row]))} 由工会经费支出；{payer}",
                            int(rows["amount"][row]), None, STATUS_OF[rule.severity]) for row in rows.index]
    total = int(rows["amount"].sum()) if len(rows) else 0
    return conclude(rule, violations, total, 0, f"工会经费支出 {len(rows)} 笔，合计 {yuan(total)}")


def _journal_rows(book: Book, rule: Rule):
    table = book[JOURNAL.key]
    data = table.data
    text = text_of(data, rule.params.get("columns", ["summary", "note"]))
    named = data["category"].isin(rule.params.get("categories", []))
    for word in rule.params.get("keywords", []):
        named |= text.str.contains(word, regex=False)
    for word in rule.params.get("unless", []):
        named &= ~text.str.contains(word, regex=False)
    chosen = (named & data["direction"].eq(EXPENSE) & data["amount"].fillna(0).gt(0)
              & in_period(book, rule, data["date"]))
    return data.loc[chosen], table, lambda row: f"“{data['summary'][row]}”"


def _visit_rows(book: Book, rule: Rule):
    table = book[VISITS.key]
    data = table.data
    members = book[MEMBERS.key].data.drop_duplicates("member_id").set_index("member_id")
    status = data["member_id"].map(members["status"]).fillna("")
    since = data["member_id"].map(members["status_date"])
    chosen = data["amount"].fillna(0).gt(0) & in_period(book, rule, data["date"])
    if rule.params.get("visit_types"):
        chosen &= data["visit_type"].isin(rule.params["visit_types"])
    if rule.params.get("member_statuses"):
        # a member retired later in the year was still 在职 when visited before that day
        chosen &= status.isin(rule.params["member_statuses"]) & (since.isna() | data["date"].isna() | since.le(data["date"]))
    text = text_of(data, ["reason", "note"])
    for word in rule.params.get("keywords", []):
        chosen &= text.str.contains(word, regex=False)
    for word in rule.params.get("unless", []):
        chosen &= ~text.str.contains(word, regex=False)
    return data.loc[chosen], table, lambda row: f"{data['name'][row]}（{status[row]}）{data['visit_type'][row]}"


COLUMNS = Param("columns", "texts", "在这些列中查找关键词（列的英文键，如 summary、note、reason）")

KINDS = (
    Kind("forbidden", forbidden,
         (Param("sheet", "text", "visits、journal 或 calendar", required=True, choices=("visits", "journal", "calendar")),
          Param("match", "table", "列 → 命中的取值（如 form = [\"慰问金\"]）"), KEYWORDS, COLUMNS,
          Param("allowed", "texts", "允许的说法：含在其中的关键词不算命中（如“旅游景区年票”）")), ROW,
         "禁止的形式或关键词（现金、购物卡、宴请……）；定位：命中的单元格", one_of=(("match", "keywords"),)),
    Kind("fund_source", fund_source,
         (Param("sheet", "text", "journal（收支明细）或 visits（慰问记录）", required=True, choices=("journal", "visits")),
          CATEGORIES, KEYWORDS, COLUMNS, Param("unless", "texts", "含这些词的行不算（如“补助”）"),
          Param("visit_types", "texts", "慰问类型"), Param("member_statuses", "texts", "会员状态（如 退休）"),
          Param("payer", "text", "应由谁负担（写给财务看的一句话）", required=True)), ROW,
         "应由单位行政或职工福利费负担、却由工会经费支出的行；定位：该行“金额”单元格",
         one_of=(("categories", "keywords", "member_statuses"),)),
)
