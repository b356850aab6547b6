"""学校汇总 (one row per school union, totals with live SUMs) and 问题工作簿 (what is not counted, and why)."""

from __future__ import annotations

from collections import Counter

from unionxl.contract.money import format_yuan
from unionxl.contract.schema import CONSOLIDATION_SHEET, PROBLEMS_SHEET
from unionxl.core.consolidate import CONFLICT, COPY_RULE, DUPLICATE, FIGURES, UNREADABLE, Consolidation
from unionxl.reports.model import (
    BAD, SCREEN_ONLY, SHEET_ONLY, STATUS, TEXT, WARN, Column, Document, Note, Page, PrintHints, Status, Table,
)

#: problem kinds shown in red: nothing of those files is in the totals
SEVERE = (UNREADABLE, CONFLICT)


def _totals_line(result: Consolidation) -> str:
    t = result.totals
    which = f" {result.year} 年度的" if result.year else ""
    return (f"已汇总{which} {len(result.rows)} 个工会：会员 {t['members']} 人，慰问 {t['visits']} 人次，"
            f"帮扶 {t['hardship_members']} 人、{format_yuan(t['hardship_fen'])} 元，"
            f"收入 {format_yuan(t['income_fen'])} 元，支出 {format_yuan(t['expense_fen'])} 元。")


def build_consolidation(result: Consolidation, title: str = "") -> Document:
    columns = [Column(h, k) for h, k in zip(CONSOLIDATION_SHEET.headers, (TEXT, TEXT, *(kind for _, kind in FIGURES)))]
    rows = [[str(r["union_name"]), str(r["file"]), *(r[key] for key, _ in FIGURES)] for r in result.rows]
    rates = {i: result.totals[key] for i, (key, kind) in enumerate(FIGURES, start=2) if kind == "pct"}
    schools = Table(columns, rows, total=f"合计（{len(result.rows)} 个工会）", total_values=rates, repeat_header=True,
                    filter=True, freeze_columns=1, media=SHEET_ONLY)
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
    landscape = PrintHints(landscape=True)
    return Document(title or CONSOLIDATION_SHEET.title, [
        Page(CONSOLIDATION_SHEET.title, None, CONSOLIDATION_SHEET.widths, blocks=blocks, hints=landscape),
        Page(PROBLEMS_SHEET.title, None, PROBLEMS_SHEET.widths, blocks=[problems, *notes], hints=landscape),
    ])
