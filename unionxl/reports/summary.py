"""年度汇总: printable tables of the year's figures, native charts, and the drafted 年度工作总结."""

from __future__ import annotations

from collections.abc import Mapping

from unionxl.contract.money import format_yuan
from unionxl.contract.schema import EXPENSE, MEMBER_STATUSES, SUMMARY_SHEET
from unionxl.core.summary import Summary
from unionxl.reports.heading import sign_offs, unit_line, year_period
from unionxl.reports.model import (
    INT, MONEY, PCT, TEXT, WARN, Chart, Column, Document, Line, Note, Page, Paragraph, Section, Series, Stamp, Table
)

WIDTHS = (16, 12, 12, 12, 12, 13, 13, 12)
TOTAL = "合计"
#: who signs the 年度汇总, and the 设置 item holding each name
SIGNERS = (("工会主席", "chair"), ("经审负责人", "auditor"), ("制表", "clerk"))


def _plotted(rows: list[int], values: list[list[object]], columns: tuple[int, ...]) -> list[int]:
    """The rows a chart of spending may draw: a negative amount (a refund, a reversal) is never a bar."""
    return [r for r in rows if all(not isinstance(values[r][c], int) or values[r][c] >= 0 for c in columns)]


def _left_out(table: Table, drawn: list[int], rows: list[int]) -> list[Note]:
    names = [str(table.rows[r][0]) for r in rows if r not in drawn]
    return [Note(f"图中未画出金额为负数（退款或冲销）的{'、'.join(names)}，请核对收支明细。")] if names else []


def _columns(*spec: tuple[str, str]) -> list[Column]:
    return [Column(title, kind) for title, kind in spec]


def _members(s: Summary) -> Section:
    m = s.members
    groups = [[g, *[v[k] for k in MEMBER_STATUSES]] for g, v in m["by_group"].items()]
    return Section("一、会员情况", [
        Table(_columns(("会员状态", TEXT), ("人数", INT)), [[k, m["by_status"][k]] for k in MEMBER_STATUSES],
              total=TOTAL),
        Note(f"本年新入会 {m['new_members']} 人，调离或去世 {m['left']} 人，本年退休 {m['retired_this_year']} 人。"),
        Table(_columns(("工会小组", TEXT), *[(k, INT) for k in MEMBER_STATUSES]), groups, total=TOTAL),
    ])


def _dues(s: Summary) -> Section:
    d = s.dues
    rows = [[f"{r['month']}月", r["expected_fen"], r["paid_fen"], r["expected_fen"] - r["paid_fen"]] for r in d["monthly"]]
    rate = f"{d['collection_rate']:.1%}" if d["collection_rate"] is not None else "—"
    return Section("二、会费收缴", [
        Table(_columns(("月份", TEXT), ("应缴", MONEY), ("实缴", MONEY), ("差额", MONEY)), rows, total=TOTAL),
        Note(f"全年收缴率 {rate}；欠缴会员 {d['members_in_arrears']} 人。"),
    ])


def _condolences(s: Summary) -> Section:
    c = s.condolences
    by_type = c["by_type"]
    table = Table(_columns(("慰问类型", TEXT), ("人次", INT), ("人数", INT), ("金额", MONEY)),
                  [[k, v["visits"], v["members"], v["amount_fen"]] for k, v in by_type.items() if v["visits"]],
                  total=TOTAL)
    blocks: list[object] = [table, Note(
        f"帮扶困难职工 {c['hardship_members']} 人、金额 {format_yuan(c['hardship_fen'])} 元；"
        f"走访慰问离退休老同志 {c['retirees_visited']} 人；看望慰问住院和去世会员 {c['ill_and_death_visits']} 人次。")]
    drawn = _plotted(list(range(len(table.rows))), table.rows, (3,))
    if any(table.rows[r][3] for r in drawn):
        blocks.append(Chart("慰问金额（按类型）", table, 0, [Series("慰问金额（元）", 3, "#5B9BD5")], horizontal=True,
                            rows=drawn))
    blocks += _left_out(table, drawn, list(range(len(table.rows))))
    return Section("三、慰问与帮扶", blocks)


def _activities(s: Summary) -> Section:
    rows = [[k, v["planned"], v["done"], v["cancelled"], v["participants"], v["budget_fen"], v["actual_fen"]]
            for k, v in s.activities["by_category"].items()]
    return Section("四、活动开展", [Table(
        _columns(("活动类别", TEXT), ("计划", INT), ("已完成", INT), ("取消", INT), ("参与人次", INT), ("预算", MONEY),
                 ("实际", MONEY)), rows, total=TOTAL)])


def _journal(s: Summary) -> Section:
    table = Table(_columns(("月份", TEXT), ("收入", MONEY), ("支出", MONEY)),
                  [[f"{r['month']}月", r["income_fen"], r["expense_fen"]] for r in s.journal["monthly"]], total=TOTAL)
    months = list(range(len(table.rows)))
    drawn = _plotted(months, table.rows, (1, 2))
    chart = Chart("月度收支", table, 0, [Series("支出（元）", 2, "#ED7D31"), Series("收入（元）", 1, "#70AD47")], rows=drawn)
    return Section("五、经费收支", [table, chart, *_left_out(table, drawn, months)])


def _budget(s: Summary) -> Section:
    budget = [r for r in s.budget if r["budget_fen"] or r["actual_fen"]]
    table = Table(_columns(("科目", TEXT), ("收支", TEXT), ("预算", MONEY), ("实际", MONEY), ("差额", MONEY), ("执行率", PCT)),
                  [[r["category"], r["direction"], r["budget_fen"], r["actual_fen"], r["difference_fen"], r["execution"]]
                   for r in budget])
    blocks: list[object] = [table]
    expense = [i for i, r in enumerate(budget) if r["direction"] == EXPENSE]
    drawn = _plotted(expense, table.rows, (2, 3))
    if drawn:
        blocks.append(Chart("支出科目：预算与实际（元）", table, 0,
                            [Series("预算", 2, "#A5A5A5"), Series("实际", 3, "#4472C4")], horizontal=True,
                            rows=drawn))
    return Section("六、预算执行", blocks + _left_out(table, drawn, expense))


def _balance(s: Summary) -> Section:
    b = s.balance
    return Section("七、年度结余", [Table(_columns(("项目", TEXT), ("金额", MONEY)), [
        ["上年结余", b["opening_fen"]], ["本年收入", b["income_fen"]], ["本年支出", b["expense_fen"]],
        ["年末结余", b["closing_fen"]]])])


def build_summary(s: Summary, narrative: str, source_name: str = "",
                  validation_counts: Mapping[str, int] | None = None,
                  settings: Mapping[str, object] | None = None) -> Document:
    """The 年度汇总 page; *narrative* is the drafted 年度工作总结 (``unionxl.core.narrative.draft``);
    *settings* (设置) name the people who sign it."""
    title = SUMMARY_SHEET.title
    blocks: list[object] = [_members(s), _dues(s), _condolences(s), _activities(s), _journal(s), _budget(s),
                            _balance(s),
                            Section("八、年度工作总结（草稿，请核对后使用）", [Paragraph(narrative or "（暂无可引用的数据）")])]
    if validation_counts is not None:
        errors = validation_counts.get("error", 0)
        blocks.append(Note(f"校验：{errors} 个错误、{validation_counts.get('warning', 0)} 个警告"
                           + ("。请先改正错误，汇总数字才可靠。" if errors else "。")))
    blocks.append(sign_offs(settings or {}, SIGNERS))
    page = Page(title, f"{s.union_name}{s.year or ''}{title}", WIDTHS,
                lines=[unit_line(s.union_name, year_period(s.year)),
                       Line.of(f"人数单位：人、人次。数据来源：{source_name or '主工作簿'}")],
                stamps=[Stamp(note, WARN) for note in s.notes], blocks=blocks)
    return Document(f"{s.union_name} {title}", [page])
