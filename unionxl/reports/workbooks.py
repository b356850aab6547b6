"""Report workbooks: a new file holding the sheets unionxl owns, never the master itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from unionxl.core.audit import STATUS_TITLES, UNCONFIRMED, Audit, opinion, verdict
from unionxl.core.consolidate import FIGURES, Consolidation

from unionxl.contract.findings import Finding
from unionxl.files.safeio import atomic_output
from unionxl.reports.layout import row_height
from unionxl.contract.schema import AUDIT_SHEET, CONSOLIDATION_SHEET, FINDINGS_SHEET, PROBLEMS_SHEET, SEVERITY_TITLES, column_letter

_SEVERITY_FILL = {"error": "#F8CBAD", "warning": "#FFE699", "info": "#DDEBF7"}


def finding_rows(findings: Sequence[Finding]) -> list[list[str]]:
    """The 校验结果 table body, shared by the file report and the Excel front door."""
    return [[SEVERITY_TITLES[f.severity], f.rule, f.sheet, f.cell.split("!", 1)[-1], f.message, f.hint]
            for f in findings]


def write_findings_report(path: Path, findings: Sequence[Finding], title: str, source: Path | None = None) -> None:
    """Write the 校验结果 sheet to a new workbook, atomically; refuses to replace *source*."""
    sheet = FINDINGS_SHEET
    with atomic_output(Path(path), protect=source) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": f"{sheet.title} {title}", "created": dt.datetime(2026, 1, 1)})
        base = {"font_name": "等线", "font_size": 10.5, "valign": "top", "text_wrap": True, "border": 1}
        head = wb.add_format(dict(base, bold=True, bg_color="#DDEBF7", align="center"))
        fills = {k: wb.add_format(dict(base, bg_color=v)) for k, v in _SEVERITY_FILL.items()}
        plain = wb.add_format(base)
        ws = wb.add_worksheet(sheet.title)
        for c, (header, width) in enumerate(zip(sheet.headers, sheet.widths)):
            ws.set_column(c, c, width)
            ws.write_string(0, c, header, head)
        for r, (finding, values) in enumerate(zip(findings, finding_rows(findings)), start=1):
            ws.write_string(r, 0, values[0], fills[finding.severity])
            for c, value in enumerate(values[1:], start=1):
                ws.write_string(r, c, value, plain)
            ws.set_row(r, row_height(values, sheet.widths))
        if not findings:
            ws.write_string(1, 0, "未发现问题", plain)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(findings)), len(sheet.headers) - 1)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_header(f"&C&\"等线,Bold\"&14{_escape(title)} {sheet.title}")
        ws.set_footer("&C第 &P 页，共 &N 页")
        wb.close()


def _escape(text: str) -> str:
    """Header/footer text treats & as a control character."""
    return text.replace("&", "&&")


def write_audit_report(path: Path, audit: Audit, settings: dict[str, object], source: Path | None = None) -> None:
    """The 预算审核 sheet: one row per rule, the offending rows below, sign-off lines; A4 landscape."""
    sheet = AUDIT_SHEET
    name = str(settings.get("union_name") or "本工会")
    year = settings.get("year")
    with atomic_output(Path(path), protect=source) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": f"{name} {sheet.title}", "created": dt.datetime(2026, 1, 1)})
        base = {"font_name": "等线", "font_size": 10, "valign": "top"}
        fmt = {
            "cell": wb.add_format(dict(base, border=1, text_wrap=True)),
            "money": wb.add_format(dict(base, border=1, num_format="#,##0.00")),
            "head": wb.add_format(dict(base, border=1, bold=True, bg_color="#DDEBF7", align="center", text_wrap=True)),
            "pass": wb.add_format(dict(base, border=1, bold=True, bg_color="#C6EFCE")),
            "warn": wb.add_format(dict(base, border=1, bold=True, bg_color="#FFE699")),
            "fail": wb.add_format(dict(base, border=1, bold=True, bg_color="#F8CBAD")),
        }
        ws = wb.add_worksheet(sheet.title)
        for c, width in enumerate(sheet.widths):
            ws.set_column(c, c, width)
        last = len(sheet.headers) - 1
        ws.merge_range(0, 0, 0, last, f"{name}{f'{year}年度' if year else ''}经费收支审核表",
                       wb.add_format(dict(base, bold=True, font_size=16, align="center")))
        ws.set_row(0, 28)
        ws.merge_range(1, 0, 1, last, f"适用标准：{'；'.join(audit.ruleset.names)}。{audit.ruleset.notice}"
                       f"标注“{UNCONFIRMED}”的标准未能与文件原文核对，仅供参考。金额单位：元。",
                       wb.add_format(dict(base, font_color="#595959", text_wrap=True)))
        ws.set_row(1, 30)
        row = _table_row(ws, 3, list(sheet.headers), fmt, sheet.widths, header=True)
        for i, result in enumerate(audit.results, 1):
            rule = result.rule
            money = result.unit == "元"
            amount = result.amount if money else f"{result.amount} 项"
            limit = result.limit if money else ("不得出现" if result.limit == 0 else f"{result.limit} 项")
            diff = result.limit - result.amount if money and None not in (result.limit, result.amount) else ""
            basis = rule.basis + ("" if rule.confirmed else f"（{UNCONFIRMED}）")
            row = _table_row(ws, row, [str(i), rule.id, rule.title, basis, STATUS_TITLES[result.status],
                                       amount, limit, diff, opinion(result)], fmt, sheet.widths, status=result.status)
        problems = [(r, v) for r in audit.results for v in r.violations]
        row += 1
        ws.merge_range(row, 0, row, last, f"不符合及需核实事项明细（共 {len(problems)} 项）",
                       wb.add_format(dict(base, bold=True)))
        detail_headers = ["序号", "规则", "单元格", "说明", "结果", "实际", "限额", "差额", "审核意见"]
        row = _table_row(ws, row + 1, detail_headers, fmt, sheet.widths, header=True)
        for i, (result, v) in enumerate(problems, 1):
            diff = v.limit - v.amount if None not in (v.limit, v.amount) else ""
            row = _table_row(ws, row, [str(i), result.rule.id, v.cell, v.detail, STATUS_TITLES[v.status],
                                       v.amount, v.limit, diff, verdict(v.status, result.rule)], fmt, sheet.widths,
                             status=v.status)
        row += 1
        if audit.stamp:
            row += 1
            ws.merge_range(row, 0, row, last, audit.stamp,
                           wb.add_format(dict(base, bold=True, font_size=14, font_color="#C00000", border=2,
                                              border_color="#C00000", align="center", valign="vcenter")))
            ws.set_row(row, 30)
        plain = wb.add_format(base)
        bold = wb.add_format(dict(base, bold=True))
        for role, key in (("工会主席", "chair"), ("经审委员会", "auditor"), ("经办人", "clerk")):
            row += 1
            ws.write_string(row, 1, f"{role}：{settings.get(key) or ''}", bold)
            ws.write_string(row, 3, "签字：______________________      日期：________年____月____日", plain)
            ws.set_row(row, 24)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.repeat_rows(3)
        ws.set_footer("&C第 &P 页，共 &N 页")
        wb.close()


def _table_row(ws, row: int, values: list[object], fmt: dict, widths: tuple[float, ...], header: bool = False,
               status: str = "") -> int:
    """Write one bordered row (fen amounts as 元 numbers, text as text), sized to its wrapped text."""
    for c, value in enumerate(values):
        if header:
            ws.write_string(row, c, str(value), fmt["head"])
        elif c == 4 and status:
            ws.write_string(row, c, str(value), fmt[status])
        elif isinstance(value, int):
            ws.write_number(row, c, value / 100, fmt["money"])
        else:
            ws.write_string(row, c, "" if value is None else str(value), fmt["cell"])
    ws.set_row(row, row_height(values, widths))
    return row + 1


def write_consolidation_report(path: Path, result: Consolidation, title: str = "") -> None:
    """学校汇总 (one row per union, a totals row with live SUMs) and 问题工作簿 (what could not be used)."""
    with atomic_output(Path(path)) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": title or CONSOLIDATION_SHEET.title, "created": dt.datetime(2026, 1, 1)})
        base = {"font_name": "等线", "font_size": 10, "border": 1, "valign": "vcenter"}
        fmt = {
            "head": wb.add_format(dict(base, bold=True, bg_color="#DDEBF7", align="center", text_wrap=True)),
            "text": wb.add_format(base),
            "wrap": wb.add_format(dict(base, text_wrap=True)),
            "int": wb.add_format(dict(base, num_format="#,##0")),
            "money": wb.add_format(dict(base, num_format="#,##0.00")),
            "pct": wb.add_format(dict(base, num_format="0.0%")),
            "total": wb.add_format(dict(base, bold=True, bg_color="#F2F2F2")),
            "total_int": wb.add_format(dict(base, bold=True, bg_color="#F2F2F2", num_format="#,##0")),
            "total_money": wb.add_format(dict(base, bold=True, bg_color="#F2F2F2", num_format="#,##0.00")),
            "total_pct": wb.add_format(dict(base, bold=True, bg_color="#F2F2F2", num_format="0.0%")),
        }
        ws = wb.add_worksheet(CONSOLIDATION_SHEET.title)
        for c, (header, width) in enumerate(zip(CONSOLIDATION_SHEET.headers, CONSOLIDATION_SHEET.widths)):
            ws.set_column(c, c, width)
            ws.write_string(0, c, header, fmt["head"])
        ws.set_row(0, 30)
        for r, row in enumerate(result.rows, start=1):
            ws.write_string(r, 0, str(row["union_name"]), fmt["text"])
            ws.write_string(r, 1, str(row["file"]), fmt["text"])
            for c, (key, kind) in enumerate(FIGURES, start=2):
                value = row[key]
                if value is None:
                    ws.write_blank(r, c, None, fmt[kind])
                else:
                    ws.write_number(r, c, value / 100 if kind == "money" else value, fmt[kind])
        total_row = len(result.rows) + 1
        totals = result.totals
        ws.write_string(total_row, 0, f"合计（{len(result.rows)} 个工会）", fmt["total"])
        ws.write_blank(total_row, 1, None, fmt["total"])
        for c, (key, kind) in enumerate(FIGURES, start=2):
            value = totals[key]
            cached = 0 if value is None else value / 100 if kind == "money" else value
            if kind == "pct":
                ws.write_number(total_row, c, cached, fmt["total_pct"])
            else:
                letter = column_letter(c)
                ws.write_formula(total_row, c, f"=SUM({letter}2:{letter}{total_row})", fmt[f"total_{kind}"], cached)
        if result.not_counted:
            kinds = Counter(f.kind for f in result.not_counted)
            ws.write_string(total_row + 2, 0, f"未计入的工作簿 {len(result.not_counted)} 个（"
                            + "、".join(f"{k} {n} 个" for k, n in kinds.items()) + f"），原因见“{PROBLEMS_SHEET.title}”")
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, max(1, len(result.rows)), len(CONSOLIDATION_SHEET.headers) - 1)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        problems = wb.add_worksheet(PROBLEMS_SHEET.title)
        for c, (header, width) in enumerate(zip(PROBLEMS_SHEET.headers, PROBLEMS_SHEET.widths)):
            problems.set_column(c, c, width)
            problems.write_string(0, c, header, fmt["head"])
        for r, p in enumerate(result.problems, start=1):
            values = (p.file, p.union_name, p.kind, "是" if p.counted else "否", p.detail)
            for c, value in enumerate(values):
                problems.write_string(r, c, value, fmt["wrap"])
            problems.set_row(r, row_height(values, PROBLEMS_SHEET.widths))
        if not result.problems:
            problems.write_string(1, 0, "所有工作簿均可读取且无错误", fmt["text"])
        problems.set_paper(9)
        problems.set_landscape()
        problems.fit_to_pages(1, 0)
        wb.close()
