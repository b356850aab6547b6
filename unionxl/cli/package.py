"""The year-end submission package: ``unionxl package BOOK --out DIR [--pdf] [--force]``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from unionxl.cli.app import (
    EXIT_ERRORS,
    EXIT_OK,
    Force,
    _changed,
    _claim,
    _guarded,
    _identity,
    _load,
    _short,
    _warn_errors,
    _warn_if_open,
    app,
    out,
)
from unionxl.contract.errors import UnusableWorkbook


@app.command()
@_guarded
def package(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    folder: Annotated[Path, typer.Option("--out", help="上报材料文件夹（不存在时新建）")],
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 为每份文件生成 PDF")] = False,
    date: Annotated[dt.datetime | None, typer.Option("--date", formats=["%Y-%m-%d"],
                                                     help="审查报告的落款日期（默认今天），如 2026-01-15")] = None,
    force: Force = False,
) -> int:
    """生成年终上报材料：决算表、经审审查报告、慰问签收表、年度汇总、预算审核、校验结果和文件清单。"""
    from unionxl.files.office import require_soffice
    from unionxl.reading.load import SUMMARY
    from unionxl.files.ownership import sha256
    from unionxl.reports.package import assemble, targets, write_package

    if pdf:
        require_soffice()
    for suffix, paths in targets(folder, pdf).items():
        _claim(paths, [book], force, suffixes=(suffix,))
    _warn_if_open(book)
    before = _identity(book)
    digest = sha256(book) if book.is_file() else None
    loaded = _load(book, SUMMARY)
    if _identity(book) != before:
        raise UnusableWorkbook(_changed(book))
    made = assemble(loaded, book.name, date.date() if date is not None else dt.date.today())
    written = write_package(folder, made, book, pdf, digest)
    out.print(f"上报材料已写入：{folder}")
    for path in written.files:
        out.print(f"  {path.name}")
    out.print(f"  manifest.json（文件清单和校验值）")
    for path in written.removed:
        out.print(f"已删除上次生成的 {path.name}（本次未生成 PDF）")
    for path in written.stale:
        out.print(f"注意：{path.name} 不是本次生成的，内容可能已过时，请勿一并上报", style="yellow")
    v = made.validation.counts
    a = made.audit.counts
    out.print(f"校验：{v['error']} 个错误、{v['warning']} 个警告；经费审核：通过 {a['pass']}、提示 {a['warn']}、"
              f"不通过 {a['fail']}；决算表两表核对：" + ("相符" if not made.accounts.findings else
                                                f"{len(made.accounts.findings)} 个问题"))
    for finding in made.accounts.findings:
        out.print(_short(f"  {finding.cell}：{finding.message}", 300), style="yellow")
    _warn_errors(made.validation, "上报前请先改正", tail="")
    return EXIT_ERRORS if v["error"] or made.audit.failed or made.accounts.findings else EXIT_OK
