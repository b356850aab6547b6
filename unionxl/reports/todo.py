"""本月待办: what the treasurer has to do this month, by 工会小组, A4 portrait, to print and tick off."""

from __future__ import annotations

from unionxl.contract.schema import TODO_SHEET
from unionxl.core.year.todo import Todo
from unionxl.reports.heading import unit_line
from unionxl.reports.model import LINK, Column, Document, Line, Link, Page, Table

CHECKBOX = "□"


def _columns() -> list[Column]:
    """TODO_SHEET's columns: 位置 links to the cell; 会员编号 and the tick box stay off the terminal."""
    group, kind, member, name, detail, where, done = TODO_SHEET.headers
    return [Column(group), Column(kind), Column(member, screen=False), Column(name), Column(detail),
            Column(where, LINK), Column(done, screen=False, align="center")]


def todo_title(union_name: str, todo: Todo) -> str:
    return f"{union_name}{todo.year}年{todo.month}月 {TODO_SHEET.title}"


def build_todo(todo: Todo, union_name: str) -> Document:
    sheet = TODO_SHEET
    title = todo_title(union_name, todo)
    note = (f"按 {todo.today:%Y-%m-%d} 的情况列出，共 {len(todo.items)} 项。"
            "“位置”为主工作簿中需要处理的单元格；完成后在“完成”栏打勾。")
    rows = [[i.group, i.kind, i.member_id, i.name, i.detail, Link(i.cell), CHECKBOX] for i in todo.items]
    table = Table(_columns(), rows,
                  empty=f"{todo.year}年{todo.month}月没有待办事项。", repeat_header=True)
    lines = [unit_line(union_name, f"{todo.year}年{todo.month}月"), Line.of(note)]
    return Document(title, [Page(sheet.title, title, sheet.widths, lines=lines, blocks=[table])])
