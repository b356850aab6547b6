"""学校汇总 (one row per school union, totals with live SUMs) and 问题工作簿 (what is not counted, and why)."""

from __future__ import annotations

from collections import Counter

from unionxl.contract.money import format_yuan
from unionxl.contract.schema import CONSOLIDATION_SHEET, PROBLEMS_SHEET
from unionxl.core.consolidate import CONFLICT, COPY_RULE, DUPLICATE, FIGURES, UNREADABLE, Consolidation
from unionxl.reports.heading import sign_offs, unit_line, year_period
from unionxl.reports.model import (
    BAD, GOOD, INFO, SCREEN_ONLY, SHEET_ONLY, STATUS, TEXT, WARN, Column, Document, Line, Note, Page, PrintHints,
    Status, Table,
)

#: problem kinds shown in red: nothing of those files is in the totals
SEVERE = (UNREADABLE, CONFLICT)
#: who signs the bureau's table (no names: 设置 belongs to the schools)
SIGNERS = (("负责人", ""), ("审核", ""), ("制表", ""))


def audit_status(row: dict[str, object]) -> Status:
    """A school's fund-rule audit in one cell: 通过, 提示 n 项 or 不通过 n 项."""
    fail, warn = row.get("audit_fail"), row.get("audit_warn")
    if fail is None:  # a row kept from before the audit was part of it
        return Status("未审核", INFO)
    if fail:
        return Status(f"不通过 {fail} 项", BAD)
    return Status(f"提示 {warn} 项", WARN) if warn else Status("通过", GOOD)


def bureau_name(result: Consolidation) -> str:
    """The 上级工会 most counted schools name in 设置 (the bureau whose table this is)."""
    names = Counter(str(r.get("parent_union") or "").strip() for r in result.rows)
    names.pop("", None)
    return names.most_common(1)[0][0] if names else ""


def _totals_line(result: Consolidation) -> str:
    t = result.totals
    which = f" {result.year} 年度的" if result.year else ""
    return (f"已汇总{which} {len(result.rows)} 个工会：会员 {t['members']} 人，慰问 {t['visits']} 人次，"
            f"帮扶 {t['hardship_members']} 人、{format_yuan(t['hardship_fen'])} 元，"
            f"收入 {format_yuan(t['income_fen'])} 元，支出 {format_yuan(t['expense_fen'])} 元。")


def build_consolidation(result: Consolidation, title: str = "", bureau: str = "") -> Document:
    """学校汇总 and 问题工作簿 of *result*; *bureau* (default: the schools' 上级工会) heads them."""
    bureau = bureau or bureau_name(result)
    year = year_period(result.year)
    heading = f"{bureau}{year}所属学校工会汇总表" if bureau else f"{year}学校工会汇总表"
    kinds = (TEXT, TEXT, *(kind for _, kind in FIGURES), STATUS)
    columns = [Column(h, k) for h, k in zip(CONSOLIDATION_SHEET.headers, kinds)]
    rows = [[str(r["union_name"]), str(r["file"]), *(r[key] for key, _ in FIGURES), audit_status(r)] for r in result.rows]
    rates = {i: result.totals[key] for i, (key, kind) in enumerate(FIGURES, start=2) if kind == "pct"}
    schools = Table(columns, rows, total=f"合计（{len(result.rows)} 个工会）", total_values=rates, repeat_header=True,
                    filter=True, freeze_columns=1, media=SHEET_ONLY)
    lines = [unit_line(bureau, year, "人数单位：人、人次"),
             Line.of("经费审核：按各校“设置”中的省份和年度适用的经费标准；错误数为工作簿校验的错误个数")]
    blocks: list[object] = [schools, Note(_totals_line(result), SCREEN_ONLY)]
    if result.not_counted:
        kinds = Counter(f.kind for f in result.not_counted)
        blocks.append(Note(f"未计入的工作簿 {len(result.not_counted)} 个（" + "、".join(f"{k} {n} 个" for k, n in kinds.items())
                           + f"），原因见“{PROBLEMS_SHEET.title}”"))
    file, union, kind, counted, detail = PROBLEMS_SHEET.headers
    problems = Table([Column(file), Column(union), Column(kind, STATUS), Column(counted, align="center"), Column(detail)],
                     [[p.file, p.union_name, Status(p.kind, BAD if p.kind in SEVERE else WARN), "是" if p.counted else "否",
                       p.detail] for p in result.problems], empty="所有工作簿均可读取且无错误")
    notes = [Note(f"说明：{COPY_RULE}。", SCREEN_ONLY)] if any(p.kind == DUPLICATE for p in result.problems) else []
    blocks.append(sign_offs({}, SIGNERS))
    landscape = PrintHints(landscape=True)
    problems_title = f"{bureau}{year}学校工作簿问题清单" if bureau else f"{year}学校工作簿问题清单"
    return Document(title or heading, [
        Page(CONSOLIDATION_SHEET.title, title or heading, CONSOLIDATION_SHEET.widths, lines=lines, blocks=blocks,
             hints=landscape),
        Page(PROBLEMS_SHEET.title, problems_title, PROBLEMS_SHEET.widths, lines=[unit_line(bureau, year)],
             blocks=[problems, *notes], hints=landscape),
    ])
