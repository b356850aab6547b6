"""校验结果: every finding of a validation, one row each, in the order a treasurer fixes them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from unionxl.contract.findings import Finding, rule_title
from unionxl.contract.schema import FINDINGS_SHEET, SEVERITY_TITLES
from unionxl.reports.heading import UNIT
from unionxl.reports.model import (
    BAD, INFO, LINK, STATUS, WARN, Column, Document, Link, Note, Page, PrintHints, Status, Table
)

SEVERITY_TONES = {"error": BAD, "warning": WARN, "info": INFO}
#: the list's title, union and year are in the printed page header (its first row is the header
#: row the Excel door's UNION_CHECK reads); the unit of the amounts its messages quote goes under it
UNIT_NOTE = f"{UNIT}。"


def _columns() -> list[Column]:
    """FINDINGS_SHEET's columns; 表 stays off the terminal, where 单元格 shows the whole reference."""
    severity, rule, sheet, cell, message, hint = FINDINGS_SHEET.headers
    return [Column(severity, STATUS), Column(rule), Column(sheet, screen=False), Column(cell, LINK), Column(message),
            Column(hint)]


def book_title(settings: Mapping[str, object]) -> str:
    """“某某工会 2025年”: the union and year a report is about."""
    name = settings.get("union_name") or "工会"
    year = settings.get("year")
    return f"{name} {year}年" if year else str(name)


def counts_line(counts: Mapping[str, int]) -> str:
    return f"共 {counts['error']} 个错误、{counts['warning']} 个警告、{counts['info']} 条提示。"


def build_findings(findings: Sequence[Finding], counts: Mapping[str, int], settings: Mapping[str, object]) -> Document:
    sheet = FINDINGS_SHEET
    title = f"{book_title(settings)} {sheet.title}"
    rows = [[Status(SEVERITY_TITLES[f.severity], SEVERITY_TONES[f.severity]), rule_title(f.rule), f.sheet,
             Link(f.cell, f.cell.split("!", 1)[-1]), f.message, f.hint] for f in findings]
    table = Table(_columns(), rows, empty="未发现问题", repeat_header=True, filter=True, freeze_columns=0)
    page = Page(sheet.title, title, sheet.widths, blocks=[table, Note(counts_line(counts) + UNIT_NOTE)],
                hints=PrintHints(landscape=True, title_in_header=True))
    return Document(f"{sheet.title} {book_title(settings)}", [page])
