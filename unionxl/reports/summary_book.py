"""The 年度汇总 report workbook: printable tables, native Excel charts and the drafted summary.

Amounts are written as 元 numbers with live SUM formulas in the totals rows (their cached
results are the core's figures, so a viewer that does not recalculate still shows them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from unionxl.reports.layout import row_height
from unionxl.files.safeio import atomic_output
from unionxl.contract.schema import MEMBER_STATUSES, SUMMARY_SHEET, column_letter
from unionxl.core.summary import Summary

_WIDTHS = (14, 12, 12, 12, 12, 13, 13, 12)
_CHART_ROWS = 16


class _Writer:
    """Writes sections top to bottom, keeping the row cursor and the formats."""

    def __init__(self, wb: Workbook, ws: Worksheet) -> None:
        self.wb, self.ws, self.row = wb, ws, 0
        base = {"font_name": "等线", "font_size": 10, "valign": "vcenter"}
        self.f = {
            "title": wb.add_format(dict(base, bold=True, font_size=16, align="center")),
            "note": wb.add_format(dict(base, font_color="#595959")),
            "section": wb.add_format(dict(base, bold=True, font_size=12, bottom=2)),
            "head": wb.add_format(dict(base, bold=True, border=1, bg_color="#DDEBF7", align="center", text_wrap=True)),
            "text": wb.add_format(dict(base, border=1)),
            "int": wb.add_format(dict(base, border=1, num_format="#,##0")),
            "money": wb.add_format(dict(base, border=1, num_format="#,##0.00")),
            "pct": wb.add_format(dict(base, border=1, num_format="0.0%")),
            "total_text": wb.add_format(dict(base, border=1, bold=True, bg_color="#F2F2F2")),
            "total_int": wb.add_format(dict(base, border=1, bold=True, bg_color="#F2F2F2", num_format="#,##0")),
            "total_money": wb.add_format(dict(base, border=1, bold=True, bg_color="#F2F2F2", num_format="#,##0.00")),
            "para": wb.add_format(dict(base, text_wrap=True, valign="top", border=1)),
        }

    def line(self, text: str, style: str = "note") -> None:
        self.ws.merge_range(self.row, 0, self.row, len(_WIDTHS) - 1, text, self.f[style])
        self.row += 1

    def section(self, text: str) -> None:
        self.row += 1
        self.line(text, "section")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]], kinds: Sequence[str],
              total: bool = True) -> tuple[int, int]:
        """Write a bordered table; ``kinds`` per column: text/int/money/pct. Returns (first, last) data rows."""
        for c, header in enumerate(headers):
            self.ws.write_string(self.row, c, header, self.f["head"])
        self.row += 1
        first = self.row
        for values in rows:
            for c, (value, kind) in enumerate(zip(values, kinds)):
                self._cell(self.row, c, value, kind)
            self.row += 1
        last = self.row - 1
        if total and rows:
            self.ws.write_string(self.row, 0, "合计", self.f["total_text"])
            for c, kind in enumerate(kinds[1:], start=1):
                if kind in ("int", "money"):
                    letter = column_letter(c)
                    cached = sum(_number(r[c], kind) or 0 for r in rows)
                    self.ws.write_formula(self.row, c, f"=SUM({letter}{first + 1}:{letter}{last + 1})",
                                          self.f[f"total_{kind}"], cached)
                else:
                    self.ws.write_blank(self.row, c, None, self.f["total_text"])
            self.row += 1
        return first, last

    def _cell(self, row: int, col: int, value: object, kind: str) -> None:
        number = _number(value, kind)
        if value is None or value == "":
            self.ws.write_blank(row, col, None, self.f["text"])
        elif kind == "text":
            self.ws.write_string(row, col, str(value), self.f["text"])
        else:
            self.ws.write_number(row, col, number, self.f[kind])

    def chart(self, chart) -> None:
        chart.set_size({"width": 760, "height": 330})
        chart.set_legend({"position": "bottom"})
        self.ws.insert_chart(self.row + 1, 0, chart)
        self.row += _CHART_ROWS + 1


def _number(value: object, kind: str) -> float | None:
    if value is None or value == "":
        return None
    return value / 100 if kind == "money" else value  # type: ignore[operator,return-value]


def _series(name: str, sheet: str, first: int, last: int, col: int, cat_col: int = 0) -> dict[str, object]:
    return {"name": name, "categories": [sheet, first, cat_col, last, cat_col], "values": [sheet, first, col, last, col]}


def write_summary_report(path: Path, summary: Summary, source: Path | None = None,
                         validation_counts: dict[str, int] | None = None) -> None:
    with atomic_output(Path(path), protect=source) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": f"{summary.union_name} {SUMMARY_SHEET.title}", "created": dt.datetime(2026, 1, 1)})
        ws = wb.add_worksheet(SUMMARY_SHEET.title)
        for c, width in enumerate(_WIDTHS):
            ws.set_column(c, c, width)
        _write_body(_Writer(wb, ws), wb, summary, source, validation_counts)
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_footer("&C第 &P 页，共 &N 页")
        ws.hide_gridlines(2)
        wb.close()


def _write_body(w: _Writer, wb: Workbook, s: Summary, source: Path | None, counts: dict[str, int] | None) -> None:
    title = SUMMARY_SHEET.title
    w.ws.merge_range(0, 0, 0, len(_WIDTHS) - 1, f"{s.union_name}{s.year or ''}{title}", w.f["title"])
    w.ws.set_row(0, 30)
    w.row = 1
    w.line(f"金额单位：元；人数单位：人、人次。数据来源：{source.name if source else '主工作簿'}")

    w.section("一、会员情况")
    m = s.members
    w.table(["会员状态", "人数"], [[k, m["by_status"][k]] for k in MEMBER_STATUSES], ["text", "int"])
    w.line(f"本年新入会 {m['new_members']} 人，调离或去世 {m['left']} 人，本年退休 {m['retired_this_year']} 人。")
    w.table(["工会小组", *MEMBER_STATUSES], [[g, *[v[k] for k in MEMBER_STATUSES]] for g, v in m["by_group"].items()],
            ["text", "int", "int", "int", "int"])

    w.section("二、会费收缴")
    d = s.dues
    first, last = w.table(["月份", "应缴", "实缴", "差额"],
                          [[f"{r['month']}月", r["expected_fen"], r["paid_fen"], r["expected_fen"] - r["paid_fen"]]
                           for r in d["monthly"]], ["text", "money", "money", "money"])
    rate = f"{d['collection_rate']:.1%}" if d["collection_rate"] is not None else "—"
    w.line(f"全年收缴率 {rate}；欠缴会员 {d['members_in_arrears']} 人。")

    w.section("三、慰问与帮扶")
    c = s.condolences
    kinds = [k for k, v in c["by_type"].items() if v["visits"]]
    first, last = w.table(["慰问类型", "人次", "人数", "金额"],
                          [[k, c["by_type"][k]["visits"], c["by_type"][k]["members"], c["by_type"][k]["amount_fen"]]
                           for k in kinds], ["text", "int", "int", "money"])
    w.line(f"帮扶困难职工 {c['hardship_members']} 人、金额 {c['hardship_fen'] / 100:,.2f} 元；"
           f"走访慰问离退休老同志 {c['retirees_visited']} 人；看望慰问住院和去世会员 {c['ill_and_death_visits']} 人次。")
    if kinds:
        chart = wb.add_chart({"type": "bar"})
        chart.add_series(_series("慰问金额（元）", title, first, last, 3) | {"fill": {"color": "#5B9BD5"}})
        chart.set_title({"name": "慰问金额（按类型）"})
        chart.set_x_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 8}})
        w.chart(chart)

    w.section("四、活动开展")
    a = s.activities
    w.table(["活动类别", "计划", "已完成", "取消", "参与人次", "预算", "实际"],
            [[k, v["planned"], v["done"], v["cancelled"], v["participants"], v["budget_fen"], v["actual_fen"]]
             for k, v in a["by_category"].items()], ["text", "int", "int", "int", "int", "money", "money"])

    w.section("五、经费收支")
    j = s.journal
    first, last = w.table(["月份", "收入", "支出"],
                          [[f"{r['month']}月", r["income_fen"], r["expense_fen"]] for r in j["monthly"]],
                          ["text", "money", "money"])
    chart = wb.add_chart({"type": "column"})
    chart.add_series(_series("支出（元）", title, first, last, 2) | {"fill": {"color": "#ED7D31"}})
    chart.add_series(_series("收入（元）", title, first, last, 1) | {"fill": {"color": "#70AD47"}})
    chart.set_title({"name": "月度收支"})
    w.chart(chart)

    w.section("六、预算执行")
    rows = [r for r in s.budget if r["budget_fen"] or r["actual_fen"]]
    first, last = w.table(["科目", "收支", "预算", "实际", "差额", "执行率"],
                          [[r["category"], r["direction"], r["budget_fen"], r["actual_fen"], r["difference_fen"],
                            r["execution"]] for r in rows], ["text", "text", "money", "money", "money", "pct"],
                          total=False)
    expense = [i for i, r in enumerate(rows) if r["direction"] == "支出"]
    if expense:
        chart = wb.add_chart({"type": "bar"})
        lo, hi = first + expense[0], first + expense[-1]
        chart.add_series(_series("预算", title, lo, hi, 2) | {"fill": {"color": "#A5A5A5"}})
        chart.add_series(_series("实际", title, lo, hi, 3) | {"fill": {"color": "#4472C4"}})
        chart.set_title({"name": "支出科目：预算与实际（元）"})
        chart.set_x_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 8}})
        w.chart(chart)

    w.section("七、年度结余")
    b = s.balance
    w.table(["项目", "金额"], [["上年结余", b["opening_fen"]], ["本年收入", b["income_fen"]],
                               ["本年支出", b["expense_fen"]], ["年末结余", b["closing_fen"]]],
            ["text", "money"], total=False)

    w.section("八、年度工作总结（草稿，请核对后使用）")
    w.ws.merge_range(w.row, 0, w.row, len(_WIDTHS) - 1, s.narrative or "（暂无可引用的数据）", w.f["para"])
    w.ws.set_row(w.row, row_height([s.narrative], [sum(_WIDTHS)]) + 8)
    w.row += 1
    if counts is not None:
        w.row += 1
        w.line(f"校验：{counts.get('error', 0)} 个错误、{counts.get('warning', 0)} 个警告"
               + ("。请先改正错误，汇总数字才可靠。" if counts.get("error") else "。"))
