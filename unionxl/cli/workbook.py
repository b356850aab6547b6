"""Commands that make or check one master workbook: new, validate, demo, generate-schools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unionxl.cli.app import (
    EXIT_OK,
    Force,
    _claim,
    _finish,
    _guarded,
    _read,
    _warn_if_open,
    app,
    out,
)
from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.schema import PROVINCES, YEAR_FIRST, YEAR_LAST


@app.command()
@_guarded
def new(
    book: Annotated[Path, typer.Argument(help="要创建的主工作簿（.xlsx）")],
    name: Annotated[str, typer.Option("--name", help="工会名称")] = "",
    year: Annotated[int, typer.Option("--year", min=YEAR_FIRST, max=YEAR_LAST, help="年度")] = 2026,
    province: Annotated[str, typer.Option("--province", help="省份，决定适用的经费标准")] = "全国",
    force: Force = False,
    empty_calendar: Annotated[bool, typer.Option("--empty-calendar", help="活动日历留空，不填入全年计划")] = False,
) -> int:
    """生成一个新的主工作簿，活动日历中已排好当年的节日和常规活动。"""
    from unionxl.core.year.plan import plan_rows
    from unionxl.master.template import write_master

    if province not in PROVINCES:
        raise UnusableWorkbook(f"未知的省份“{province}”，可选：{'、'.join(PROVINCES)}")
    _claim([book], force=force, suffixes=(".xlsx", ".xlsm"))
    rows = {} if empty_calendar else {"calendar": plan_rows(year)}
    write_master(book, {"union_name": name, "year": year, "province": province}, rows)
    planned = f"，活动日历已排入 {len(rows['calendar'])} 项 {year} 年计划" if rows else ""
    out.print(f"已生成主工作簿：{book}{planned}")
    return EXIT_OK


@app.command()
@_guarded
def validate(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出（便于程序处理）")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="把校验结果写入一个新的工作簿")] = None,
    force: Force = False,
) -> int:
    """校验主工作簿的每一项录入，列出问题所在的单元格。"""
    from unionxl.core.validate import validate_book
    from unionxl.reports.findings import build_findings

    _claim([report], [book], force)
    _warn_if_open(book)
    loaded = _read(book)
    result = validate_book(loaded)
    document = build_findings(result.findings, result.counts, loaded.settings.values)
    if report is not None:
        from unionxl.reports.xlsx import write_xlsx  # the workbook writer only when a report is asked for

        write_xlsx(report, document, source=book)
        if not as_json:
            out.print(f"校验结果已写入：{report}")
    return _finish(result, as_json, document)


@app.command()
@_guarded
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="输出目录")] = Path("unionxl-demo"),
    force: Force = False,
) -> int:
    """生成演示工作簿并校验它，展示 unionxl 能发现的问题。"""
    from unionxl.core.validate import validate_book
    from unionxl.master.demo import write_demo
    from unionxl.reading.reader import load_book
    from unionxl.reports.findings import build_findings
    from unionxl.reports.terminal import print_document
    from unionxl.reports.xlsx import write_xlsx

    master = out_dir / "demo-master.xlsx"
    report = out_dir / "demo-report.xlsx"
    _claim([master, report], force=force)
    made = write_demo(master)
    loaded = load_book(master)
    result = validate_book(loaded)
    document = build_findings(result.findings, result.counts, loaded.settings.values)
    write_xlsx(report, document, source=master)
    out.print(f"演示主工作簿：{master}")
    print_document(out, document)
    found = {(f.rule, f.cell) for f in result.findings}
    caught = sum((m.rule, m.cell) in found for m in made.mistakes)
    out.print(f"演示数据中故意设置了 {len(made.mistakes)} 处错误，unionxl 发现了其中 {caught} 处。")
    out.print(f"校验结果工作簿：{report}")
    return EXIT_OK


@app.command("generate-schools")
@_guarded
def generate_schools(
    folder: Annotated[Path, typer.Argument(help="输出文件夹")],
    count: Annotated[int, typer.Option("--count", min=1, max=10_000, help="学校数量")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（相同种子生成相同数据）")] = 1,
    mistakes_every: Annotated[int, typer.Option("--mistakes-every", min=0, help="每隔几所学校放入演示错误（0 为不放）")] = 0,
    force: Force = False,
) -> int:
    """生成若干所虚构学校的工作簿，用于演示和测试汇总。"""
    from unionxl.master.schools import school_paths, write_schools

    _claim(school_paths(folder, count), force=force)

    paths = write_schools(folder, count, seed, mistakes_every)
    out.print(f"已生成 {len(paths)} 个学校工作簿：{folder}")
    return EXIT_OK
