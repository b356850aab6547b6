"""Kinds on the activity calendar (活动日历): per-person costs, how many times a year, per-member
totals, and how many participants may win an award."""

from __future__ import annotations

import re
from fractions import Fraction

import pandas as pd

from unionxl.contract.schema import ACT_CANCELLED, CALENDAR
from unionxl.core.rules.kinds.common import KEYWORDS, calendar_dates, member_count, text_of, yuan
from unionxl.core.rules.model import STATUS_OF, YEAR, Kind, Param, Rule, RuleResult, Violation, conclude
from unionxl.reading.book import Book


def _activities(book: Book, rule: Rule) -> pd.DataFrame:
    """Calendar rows of the rule's 活动类别 and/or naming one of its words, not cancelled, in date order."""
    data = book[CALENDAR.key].data.assign(when=calendar_dates(book))
    chosen = data["status"].ne(ACT_CANCELLED) & data["activity"].astype(str).str.strip().ne("")
    if rule.params.get("categories"):
        chosen &= data["category"].isin(rule.params["categories"])
    if rule.params.get("keywords"):
        text = text_of(data, ["activity", "note"])
        chosen &= pd.concat([text.str.contains(w, regex=False) for w in rule.params["keywords"]], axis=1).any(axis=1)
    return data.loc[chosen].sort_values("when", kind="stable")


def activity_cap(book: Book, rule: Rule) -> RuleResult:
    """Matching activities: cost per participant at most ``per_person`` (actual and budget), at most
    ``max_count`` a year, and in total at most ``per_member_year`` per member (actual and budget)."""
    rows = _activities(book, rule)
    table = book[CALENDAR.key]
    status = STATUS_OF[rule.severity]
    violations: list[Violation] = []
    notes: list[str] = [f"{len(rows)} 项活动"]
    per_person = rule.params.get("per_person")
    worst = 0
    if per_person is not None:
        people = rows["participants"]
        missing = int((people.fillna(0).le(0) & (rows["actual"].notna() | rows["budget"].notna())).sum())
        for column, side, word in (("actual", "actual", "实际"), ("budget", "plan", "预算")):
            for row in rows.index[rows[column].notna() & people.fillna(0).gt(0)]:
                amount, count = int(rows[column][row]), int(people[row])
                if side == "actual":
                    worst = max(worst, amount // count)
                if amount > per_person * count:
                    violations.append(Violation(
                        CALENDAR.title, table.cell(column, row),
                        f"“{rows['activity'][row]}”{word} {yuan(amount)}，{count} 人，人均约 {yuan(amount // count)}，"
                        f"超过每人每次 {yuan(per_person)}", amount, per_person * count, status, side=side))
        notes.append(f"人均最高 {yuan(worst)}")
        if missing:
            notes.append(f"{missing} 项缺参与人数，未能核对人均")
    max_count = rule.params.get("max_count")
    if max_count is not None and len(rows) > max_count:
        row = rows.index[max_count]
        violations.append(Violation(CALENDAR.title, table.cell("activity", row),
                                    f"“{rows['activity'][row]}”是本年第 {max_count + 1} 次，超过每年 {max_count} 次",
                                    None, None, status, side="plan" if rows["actual"].isna()[row] else "actual"))
    yearly = rule.params.get("per_member_year")
    if yearly is not None:
        violations += _per_member(book, rule, rows, yearly, notes)
    unit = "元" if per_person is not None else "项"
    amount, limit = (worst, per_person) if per_person is not None else (len(rows), max_count)
    return conclude(rule, violations, amount, limit, "，".join(notes), unit=unit)


def _per_member(book: Book, rule: Rule, rows: pd.DataFrame, yearly: int, notes: list[str]) -> list[Violation]:
    members = member_count(book)
    if not members:
        notes.append("会员台账没有会员，无法计算人均")
        return []
    out = []
    table = book[CALENDAR.key]
    for column, side, word in (("actual", "actual", "实际"), ("budget", "plan", "预算")):
        amounts = rows[column].fillna(0).astype("int64")
        running = amounts.cumsum()
        total = int(amounts.sum())
        notes.append(f"{word}合计 {yuan(total)}，会员 {members} 人，人均约 {yuan(total // members)}")
        crossing = rows.index[running.gt(yearly * members)]
        if len(crossing):
            out.append(Violation(CALENDAR.title, table.cell(column, crossing[0]),
                                 f"{word}合计 {yuan(total)}，会员 {members} 人，人均约 {yuan(total // members)}，"
                                 f"超过每人每年 {yuan(yearly)}（自本行起超出）", total, yearly * members,
                                 STATUS_OF[rule.severity], side=side))
    return out


#: how the 备注 of an activity records its winners: “获奖12人”, “获奖人数：12”
WINNERS = re.compile(r"获奖(?:人数)?\s*[:：]?\s*(\d+)\s*人?")


def award_share(book: Book, rule: Rule) -> RuleResult:
    """Activities whose 备注 records the winners (“获奖12人”): winners at most ``share`` of 参与人数."""
    rows = _activities(book, rule)
    share = Fraction(str(rule.params["share"]))
    table = book[CALENDAR.key]
    winners = rows["note"].astype(str).str.extract(WINNERS, expand=False)
    counted = rows.loc[winners.notna()]
    violations, unknown = [], 0
    for row in counted.index:
        won, people = int(winners[row]), counted["participants"][row]
        if pd.isna(people) or int(people) <= 0:
            unknown += 1
            continue
        if Fraction(won, int(people)) > share:
            violations.append(Violation(CALENDAR.title, table.cell("note", row),
                                        f"“{counted['activity'][row]}”获奖 {won} 人，参与 {int(people)} 人，"
                                        f"超过参与人数的 {share.numerator}/{share.denominator}",
                                        None, None, STATUS_OF[rule.severity]))
    detail = f"备注写明获奖人数的活动 {len(counted)} 项"
    if unknown:
        detail += f"，其中 {unknown} 项缺参与人数"
    return conclude(rule, violations, len(violations), 0, detail, unit="项")


ACTIVITY_CATEGORIES = Param("categories", "texts", "活动日历的“活动类别”")

KINDS = (
    Kind("activity_cap", activity_cap,
         (ACTIVITY_CATEGORIES, KEYWORDS, Param("per_person", "money", "每人每次限额（元）：金额 ÷ 参与人数"),
          Param("max_count", "int", "每年最多次数"), Param("per_member_year", "money", "全年合计 ÷ 会员人数的限额（元）")),
         YEAR, "活动日历中某类活动：人均费用、每年次数、全年人均合计，实际与预算各核对；定位：该活动的金额或名称单元格",
         one_of=(("per_person", "max_count", "per_member_year"), ("categories", "keywords"))),
    Kind("award_share", award_share,
         (ACTIVITY_CATEGORIES, KEYWORDS, Param("share", "fraction", "获奖人数占参与人数的上限，如 \"2/3\"", required=True)),
         YEAR, "文体活动获奖人数不超过参与人数的一定比例（备注写明“获奖N人”）；定位：该活动“备注”单元格",
         one_of=(("categories", "keywords"),)),
)
