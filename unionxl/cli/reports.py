"""Commands that write the year's reports: summary, todo."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from unionxl.cli.app import (
    EXIT_OK,
    Force,
    _claim,
    _guarded,
    _load_dated,
    _load_usable,
    _short,
    _warn_if_open,
    app,
    err,
    out,
)
from unionxl.contract.errors import UnusableWorkbook


@app.command()
@_guarded
def summary(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    report: Annotated[Path | None, typer.Option("--out", help="年度汇总工作簿（新文件）")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 生成 PDF")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部数字")] = False,
    force: Force = False,
) -> int:
    """生成年度汇总：会员、会费、慰问、活动、收支、预算执行和年度工作总结草稿。"""
    from unionxl.core.summary import summarize
    from unionxl.core.validate import validate_book
    from unionxl.files.office import require_soffice, write_pdf
    from unionxl.reports.summary_book import write_summary_report

    if pdf and report is None:
        raise UnusableWorkbook("生成 PDF 需要同时指定 --out 汇总工作簿.xlsx")
    if pdf:
        require_soffice()
    _claim([report], [book], force)
    _claim([report.with_suffix(".pdf")] if pdf else [], [book], force, suffixes=(".pdf",))
    _warn_if_open(book)
    loaded = _load_usable(book)
    checked = validate_book(loaded)
    counts = checked.counts
    result = summarize(loaded)
    if report is not None:
        write_summary_report(report, result, source=book, validation_counts=counts)
        if pdf:
            write_pdf(report, report.with_suffix(".pdf"), protect=book)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict() | {"validation": counts}, ensure_ascii=False) + "\n")
    else:
        out.print(result.narrative or "（工作簿中暂无可汇总的数据）")
    if checked.errors:  # on stderr beside --json: the JSON stays clean and the warning is still seen
        errors = f"工作簿有 {len(checked.errors)} 个错误，汇总数字可能不准确：{checked.digest()}"
        (err if as_json else out).print(_short(f"注意：{errors}。请运行 unionxl validate 查看全部并改正。", 600),
                                        style="yellow")
    if report is not None and not as_json:
        out.print(f"年度汇总已写入：{report}" + (f"，PDF：{report.with_suffix('.pdf')}" if pdf else ""))
    return EXIT_OK


@app.command()
@_guarded
def todo(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    month: Annotated[int | None, typer.Option("--month", min=1, max=12, help="月份（默认本月；往年的工作簿默认12月）")] = None,
    report: Annotated[Path | None, typer.Option("--out", help="把本月待办写入一个新的工作簿（A4 可打印）")] = None,
    today: Annotated[dt.datetime | None, typer.Option("--today", formats=["%Y-%m-%d"],
                                                      help="按这一天判断活动是否已过期（默认今天），如 2026-03-08")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    force: Force = False,
) -> int:
    """列出本月待办：生日慰问、高龄退休教职工慰问、本月活动、会费欠缴、缺凭证号的慰问。"""
    from unionxl.core.year.todo import default_month
    from unionxl.core.year.todo import todo as make_todo
    from unionxl.reports.todo_book import todo_title, write_todo_report

    _claim([report], [book], force)
    _warn_if_open(book)
    loaded = _load_dated(book, "列出待办")
    day = today.date() if today is not None else dt.date.today()
    result = make_todo(loaded, month or default_month(loaded.year, day), day)
    name = str(loaded.settings.get("union_name", ""))
    if report is not None:
        write_todo_report(report, result, name, source=book)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return EXIT_OK
    table = RichTable(title=_short(todo_title(name, result)), header_style="bold")
    for header in ("工会小组", "事项", "姓名/活动", "说明", "位置"):
        table.add_column(header, overflow="fold")
    for item in result.items:
        table.add_row(_short(item.group), item.kind, _short(item.name), _short(item.detail), item.cell)
    out.print(table if result.items else f"{result.year}年{result.month}月没有待办事项。")
    if report is not None:
        out.print(f"本月待办已写入：{report}")
    return EXIT_OK
