"""决算表: 收入支出决算总表 and 支出明细决算表, in the lines of the 决算 software, for typing them in.

Subtotal lines are bold, the lines a base union leaves blank grey and empty, and every line
that could not be confirmed against the software says 待核实 in 说明 and in the note under
the table. The two sheets' amounts sit where the core's checks point (core/juesuan.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from unionxl.core.juesuan import (
    BLANK, BLANK_NOTE, DETAIL_SHEET, EMPTY, OTHER_GOODS_COLUMN, SUM, TOTAL, TOTAL_SHEET, UNCONFIRMED, FinalAccounts,
    Line
)
from unionxl.reports.heading import sign_offs, unit_line, year_period
from unionxl.reports.model import (
    BAD, GOOD, INT, MONEY, MUTED, STATUS, STRONG, TEXT, Column, Document, Note, Page, Section, Stamp, Status, Table
)
from unionxl.reports.model import Line as HeaderLine

TITLE = "决算表"
FUND = "资金性质：工会资金"
#: the 2009 工会02表's signers (工会主席、财务负责人、复核、制表), and the 设置 item holding each name
SIGNERS = (("工会主席", "chair"), ("财务负责人", ""), ("复核", ""), ("制表", "clerk"))
NUMBERING = "行次为本表自编，录入决算软件时以软件界面为准。"
EMPTY_NOTE = "见其他资本性支出"


def _label(line: Line) -> str:
    return "　" * line.spec.depth + line.label


def _note(line: Line, placed: Mapping[str, list[str]]) -> str:
    parts = []
    if line.spec.role == BLANK:
        parts.append(BLANK_NOTE)
    elif line.spec.role == EMPTY:
        parts.append(EMPTY_NOTE)
    if line.label in placed:
        parts.append(f"含自设科目“{'、'.join(placed[line.label])}”")
    if line.spec.unconfirmed:
        parts.append(UNCONFIRMED)
    return "；".join(parts)


def _emphasis(lines: list[Line]) -> dict[int, str]:
    out = {}
    for i, line in enumerate(lines):
        if line.spec.role in (SUM, TOTAL) or line.spec.depth == 0:
            out[i] = STRONG
        elif line.spec.role in (BLANK, EMPTY):
            out[i] = MUTED
    return out


def _placed(accounts: FinalAccounts) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for category, label in accounts.placed_elsewhere.items():
        out.setdefault(label, []).append(category)
    return out


def _unconfirmed_notes(lines: list[Line]) -> list[Note]:
    """One note per reason a line is 待核实, naming its lines; then where the blank lines come from."""
    reasons: dict[str, list[str]] = {}
    for x in lines:
        if x.spec.unconfirmed:
            reasons.setdefault(x.spec.unconfirmed, []).append(x.label)
    notes = [Note(f"说明：{NUMBERING}标“{UNCONFIRMED}”的行未能与决算软件核对，以软件为准：")]
    notes += [Note(f"{i}. {'、'.join(labels)}：{why}。") for i, (why, labels) in enumerate(reasons.items(), 1)]
    notes.append(Note("灰色各行为基层工会不填的科目（锦州市总工会《关于市直基层工会填报2023年度决算的通知》，2024年1月）。"))
    return notes


def _total_page(accounts: FinalAccounts, settings: Mapping[str, object], stamps: list[Stamp]) -> Page:
    placed = _placed(accounts)
    lines = accounts.lines
    rows = [[_label(x), x.no, x.budget, x.actual, x.difference, _note(x, placed)] for x in lines]
    table = Table([Column("项目"), Column("行次", INT, align="center"), Column("预算数", MONEY), Column("决算数", MONEY),
                   Column("差额（预算−决算）", MONEY), Column("说明")], rows, emphasis=_emphasis(lines))
    return Page(TOTAL_SHEET, f"{accounts.union_name}{TOTAL_SHEET}", (24, 6, 14, 14, 14, 26),
                lines=[unit_line(accounts.union_name, year_period(accounts.year)),
                       HeaderLine.of(f"{FUND}；数据来源：经费预算（预算数）、收支明细（决算数）、设置（上年结余）")],
                blocks=[table, *_unconfirmed_notes(lines), *stamps, sign_offs(settings, SIGNERS)])


def _checks(accounts: FinalAccounts) -> Section:
    expense = accounts.expense_lines
    agree = not [f for f in accounts.findings if f.rule == "juesuan-tables-mismatch"]
    placed = not [f for f in accounts.findings if f.rule == "juesuan-unplaced"]
    rows = [
        ["总表支出各行与本表相符", Status("相符" if agree else "不符", GOOD if agree else BAD)],
        ["收支明细全部归入决算行", Status("是" if placed else "否", GOOD if placed else BAD)],
    ]
    blocks: list[object] = [
        Table([Column("核对项目"), Column("结果", STATUS)], rows),
        Note(f"《收入支出决算总表》的支出各栏应与《支出明细决算表》对应科目相符（锦州市总工会通知第4条），已逐行核对 "
             f"{len(expense)} 行；本年收入合计、本年支出合计应等于收支明细的收入、支出合计。")]
    blocks += [Note(f"{f.cell}：{f.message}。{f.hint}") for f in accounts.findings]
    return Section("两表核对", blocks)


def _detail_page(accounts: FinalAccounts, settings: Mapping[str, object], stamps: list[Stamp]) -> Page:
    placed = _placed(accounts)
    lines = accounts.expense_lines
    rows = [[_label(x), x.no, x.detail_total, x.basic, x.project, x.detail_total, _note(x, placed)] for x in lines]
    table = Table([Column("项目（经济分类见右）"), Column("行次", INT, align="center"), Column("合计", MONEY),
                   Column("基本支出", MONEY), Column("项目支出", MONEY), Column(OTHER_GOODS_COLUMN, MONEY),
                   Column("说明")], rows, repeat_header=True, emphasis=_emphasis(lines))
    note = Note("经济分类：收支明细不分经济分类，按决算软件填报注意事项“若区分不出经济分类可填报在‘商品和服务支出’中的"
                f"‘其他商品和服务支出’（第43列）”，全部列入该列。基本支出与项目支出的划分为本系统默认（{UNCONFIRMED}）："
                "其他业务支出、其他支出列为基本支出，其余列为项目支出。" + NUMBERING)
    return Page(DETAIL_SHEET, f"{accounts.union_name}{DETAIL_SHEET}", (24, 5, 12, 12, 12, 15, 26),
                lines=[unit_line(accounts.union_name, year_period(accounts.year)),
                       HeaderLine.of(f"{FUND}；数据来源：收支明细（支出）")],
                blocks=[table, note, _checks(accounts), *stamps, sign_offs(settings, SIGNERS)])


def build_juesuan(accounts: FinalAccounts, settings: Mapping[str, object], stamp: str = "") -> Document:
    """Both tables; *stamp* (the book has validation errors) stands above each one's signatures, as on
    预算审核 (below the table, so the cells the 决算 checks name stay where they are)."""
    stamps = [Stamp(stamp)] if stamp else []
    return Document(f"{accounts.union_name} {year_period(accounts.year)}{TITLE}",
                    [_total_page(accounts, settings, stamps), _detail_page(accounts, settings, stamps)])
