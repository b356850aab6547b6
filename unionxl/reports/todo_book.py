"""The 本月待办 sheet as a new A4 workbook the treasurer prints and ticks off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from unionxl.reports.layout import row_height
from unionxl.files.safeio import atomic_output
from unionxl.contract.schema import TODO_SHEET
from unionxl.core.year.todo import Todo, TodoItem

CHECKBOX = "□"


def todo_title(union_name: str, todo: Todo) -> str:
    return f"{union_name}{todo.year}年{todo.month}月 {TODO_SHEET.title}"


def todo_note(todo: Todo) -> str:
    return (f"按 {todo.today:%Y-%m-%d} 的情况列出，共 {len(todo.items)} 项。"
            "“位置”为主工作簿中需要处理的单元格；完成后在“完成”栏打勾。")


def todo_values(item: TodoItem) -> list[str]:
    """One table row; the cell reference is left for the caller to render (text or link)."""
    return [item.group, item.kind, item.member_id, item.name, item.detail, item.cell, CHECKBOX]


def write_todo_report(path: Path, todo: Todo, union_name: str, source: Path | None = None) -> None:
    sheet = TODO_SHEET
    with atomic_output(Path(path), protect=source) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": todo_title(union_name, todo), "created": dt.datetime(2026, 1, 1)})
        base = {"font_name": "等线", "font_size": 10, "valign": "top"}
        cell = wb.add_format(dict(base, border=1, text_wrap=True))
        head = wb.add_format(dict(base, border=1, bold=True, bg_color="#DDEBF7", align="center"))
        box = wb.add_format(dict(base, border=1, align="center"))
        ws = wb.add_worksheet(sheet.title)
        for c, width in enumerate(sheet.widths):
            ws.set_column(c, c, width)
        last = len(sheet.headers) - 1
        ws.merge_range(0, 0, 0, last, todo_title(union_name, todo),
                       wb.add_format(dict(base, bold=True, font_size=15, align="center")))
        ws.set_row(0, 26)
        ws.merge_range(1, 0, 1, last, todo_note(todo), wb.add_format(dict(base, font_color="#595959")))
        for c, header in enumerate(sheet.headers):
            ws.write_string(2, c, header, head)
        for r, item in enumerate(todo.items, start=3):
            values = todo_values(item)
            for c, value in enumerate(values):
                ws.write_string(r, c, value, box if c == last else cell)
            ws.set_row(r, row_height(values, sheet.widths))
        if not todo.items:
            ws.merge_range(3, 0, 3, last, "本月没有待办事项。", cell)
        ws.repeat_rows(2)
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&C第 &P 页，共 &N 页")
        wb.close()
