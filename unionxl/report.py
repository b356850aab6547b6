"""Report workbooks: a new file holding the sheets unionxl owns, never the master itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from unionxl.findings import Finding
from unionxl.safeio import atomic_output
from unionxl.schema import FINDINGS_SHEET, SEVERITY_TITLES

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
