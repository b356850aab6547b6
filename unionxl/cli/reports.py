"""Commands that write the year's reports: summary, todo."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from unionxl.cli.app import (
    EXIT_OK,
    Force,
    _claim,
    _guarded,
    _load,
    _short,
    _warn_errors,
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
    from unionxl.core.narrative import draft
    from unionxl.core.summary import summarize
    from unionxl.core.validate import validate_book
    from unionxl.files.office import require_soffice, write_pdf
    from unionxl.reading.load import SUMMARY
    from unionxl.reports.summary import build_summary
    from unionxl.reports.terminal import print_document
    from unionxl.reports.xlsx import write_xlsx

    if pdf and report is None:
        raise UnusableWorkbook("生成 PDF 需要同时指定 --out 汇总工作簿.xlsx")
    if pdf:
        require_soffice()
    _claim([report], [book], force)
    _claim([report.with_suffix(".pdf")] if pdf else [], [book], force, suffixes=(".pdf",))
    _warn_if_open(book)
    loaded = _load(book, SUMMARY)
    checked = validate_book(loaded)
    counts = checked.counts
    result = summarize(loaded)
    narrative = draft(result)
    document = build_summary(result, narrative, book.name, counts, loaded.settings.values)
    if report is not None:
        write_xlsx(report, document, source=book)
        if pdf:
            write_pdf(report, report.with_suffix(".pdf"), protect=book)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict() | {"narrative": narrative, "validation": counts},
                                    ensure_ascii=False) + "\n")
    else:
        print_document(out, document)
    # on stderr beside --json: the JSON stays clean and the warning is still seen
    _warn_errors(checked, "汇总数字可能不准确", console=err if as_json else out)
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
    from unionxl.reading.load import TODO
    from unionxl.reports.terminal import print_document
    from unionxl.reports.todo import build_todo
    from unionxl.reports.xlsx import write_xlsx

    _claim([report], [book], force)
    _warn_if_open(book)
    loaded = _load(book, TODO)
    day = today.date() if today is not None else dt.date.today()
    result = make_todo(loaded, month or default_month(loaded.year, day), day)
    document = build_todo(result, str(loaded.settings.get("union_name", "")))
    if report is not None:
        write_xlsx(report, document, source=book)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return EXIT_OK
    print_document(out, document)
    if report is not None:
        out.print(f"本月待办已写入：{report}")
    return EXIT_OK
