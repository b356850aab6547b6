"""The bureau's command: consolidate many school workbooks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from unionxl.cli.app import (
    EXIT_ERRORS,
    EXIT_OK,
    Force,
    _claim,
    _guarded,
    app,
    err,
    out,
)
from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.schema import YEAR_FIRST, YEAR_LAST


@app.command()
@_guarded
def consolidate(
    books: Annotated[list[Path], typer.Argument(help="学校工作簿或包含它们的文件夹，可多个")],
    report: Annotated[Path, typer.Option("--out", help="汇总工作簿（新文件）")] = Path("教育工会汇总.xlsx"),
    year: Annotated[int | None, typer.Option("--year", min=YEAR_FIRST, max=YEAR_LAST,
                                             help="汇总的年度（默认取多数工作簿的年度）；其他年度的工作簿列为问题、不计入")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, max=256,
                                             help="同时处理的进程数（默认为本机的处理器核心数）")] = None,
    force: Force = False,
) -> int:
    """教育工会汇总所属学校的工作簿：逐个校验、汇总，列出有问题、重复或年度不符的工作簿。"""
    from rich.markup import escape
    from rich.progress import Progress

    from unionxl.core.consolidate import expand
    from unionxl.core.consolidate import consolidate as run
    from unionxl.core.pool import default_jobs
    from unionxl.files.ownership import same_file
    from unionxl.reports.consolidation import build_consolidation
    from unionxl.reports.terminal import print_document
    from unionxl.reports.xlsx import write_xlsx

    listing = expand(books)
    # last run's report, found in a listed folder, is no school; named as a book, _claim refuses it
    listing.entries = [e for e in listing.entries if not (e.folder and same_file(report, e.path))]
    if not listing.entries and not listing.problems:
        raise UnusableWorkbook("没有找到 .xlsx 工作簿")
    _claim([report], [e.path for e in listing.entries], force)
    with Progress(console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task("汇总中", total=len(listing))
        result = run(listing, year=year, jobs=jobs or default_jobs(),
                     advance=lambda path: progress.update(task, advance=1, description=escape(path.name)))
    document = build_consolidation(result)
    write_xlsx(report, document)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        print_document(out, document)
        out.print(f"汇总表已写入：{report}")
    return EXIT_ERRORS if result.problems else EXIT_OK
