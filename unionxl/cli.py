"""The headless front door: ``unionxl new | validate | demo``.

Every command reads the master workbook without writing to it, writes reports to new
files atomically, and ends with exit code 0 (no error), 1 (errors found) or 2 (the file
cannot be used), explained in one Chinese line on stderr, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.findings import Finding
from unionxl.files.safeio import lock_file
from unionxl.contract.schema import PROVINCES, SEVERITY_TITLES
from unionxl.core.validate import ValidationResult

if TYPE_CHECKING:
    from unionxl.reading.book import Book

app = typer.Typer(help="unionxl：基层工会财务工作簿的校验、汇总与经费审核工具", add_completion=False,
                  no_args_is_help=True, pretty_exceptions_enable=False)
#: a pipe or file gets wide tables instead of rich's 80-column default
_WIDTH = int(os.environ.get("COLUMNS", "0") or 0) or (None if sys.stdout.isatty() else 160)
out = Console(highlight=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _guarded(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn every failure into exit 2 with one Chinese line (UNIONXL_DEBUG=1 re-raises)."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            code = command(*args, **kwargs) or EXIT_OK
        except UnusableWorkbook as exc:
            err.print(f"[bold red]无法使用：[/]{exc.reason}", soft_wrap=True)
            code = EXIT_UNUSABLE
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # the user must never see a traceback
            if os.environ.get("UNIONXL_DEBUG") == "1":
                raise
            err.print(f"[bold red]unionxl 内部错误：[/]{type(exc).__name__}: {exc}（请把此信息报告给维护者）", soft_wrap=True)
            code = EXIT_UNUSABLE
        raise typer.Exit(code)

    return wrapper


def _warn_if_open(book: Path) -> None:
    if lock_file(book).exists():
        err.print(f"[yellow]注意：[/]“{book.name}”正在 Excel/WPS 中打开，读取的是最后一次保存的内容；未保存的修改不会被校验。")


def _print_findings(findings: list[Finding], counts: dict[str, int]) -> None:
    if findings:
        table = RichTable(show_lines=False, header_style="bold")
        for header in ("级别", "单元格", "说明", "建议", "规则"):
            table.add_column(header, overflow="fold")
        for f in findings:
            table.add_row(f"[{_STYLE[f.severity]}]{SEVERITY_TITLES[f.severity]}[/]", f.cell, f.message, f.hint, f.rule)
        out.print(table)
    out.print(f"共 {counts['error']} 个错误、{counts['warning']} 个警告、{counts['info']} 条提示。")


def _load_usable(book: Path) -> Book:
    """The typed book, refused with its own errors when a required sheet or header is missing."""
    from unionxl.reading.reader import load_book

    loaded = load_book(book)
    if not loaded.usable:
        raise UnusableWorkbook("；".join(f.message for f in loaded.findings if f.severity == "error"))
    return loaded


def _load_dated(book: Path, purpose: str) -> Book:
    """The typed book, refused when it is unusable or 设置 has no year (rollover and to-do need one)."""
    from unionxl.reading.reader import load_book

    loaded = load_book(book)
    if not loaded.usable or loaded.year is None:
        raise UnusableWorkbook(f"工作簿缺少必要的工作表、表头或年度，无法{purpose}")
    return loaded


def _finish(result: ValidationResult, as_json: bool) -> int:
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        _print_findings(result.findings, result.counts)
    if not result.usable:
        err.print(f"[bold red]无法使用：[/]{result.unusable_reason()}", soft_wrap=True)
        return EXIT_UNUSABLE
    return EXIT_ERRORS if result.errors else EXIT_OK


@app.command()
@_guarded
def new(
    book: Annotated[Path, typer.Argument(help="要创建的主工作簿（.xlsx）")],
    name: Annotated[str, typer.Option("--name", help="工会名称")] = "",
    year: Annotated[int, typer.Option("--year", help="年度")] = 2026,
    province: Annotated[str, typer.Option("--province", help="省份，决定适用的经费标准")] = "全国",
    force: Annotated[bool, typer.Option("--force", help="文件已存在时覆盖")] = False,
    empty_calendar: Annotated[bool, typer.Option("--empty-calendar", help="活动日历留空，不填入全年计划")] = False,
) -> int:
    """生成一个新的主工作簿，活动日历中已排好当年的节日和常规活动。"""
    from unionxl.core.year.plan import plan_rows
    from unionxl.master.template import write_master

    if book.exists() and not force:
        raise UnusableWorkbook(f"文件已存在：{book}；如确需覆盖请加 --force")
    if province not in PROVINCES:
        raise UnusableWorkbook(f"未知的省份“{province}”，可选：{'、'.join(PROVINCES)}")
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
    report: Annotated[Optional[Path], typer.Option("--report", help="把校验结果写入一个新的工作簿")] = None,
) -> int:
    """校验主工作簿的每一项录入，列出问题所在的单元格。"""
    from unionxl.reading.reader import load_book
    from unionxl.reports.workbooks import write_findings_report
    from unionxl.core.validate import validate_book

    _warn_if_open(book)
    loaded = load_book(book)
    result = validate_book(loaded)
    if report is not None:
        write_findings_report(report, result.findings, _title(loaded.settings.values), source=book)
        if not as_json:
            out.print(f"校验结果已写入：{report}")
    return _finish(result, as_json)


def _title(values: dict[str, object]) -> str:
    name = values.get("union_name") or "工会"
    year = values.get("year")
    return f"{name} {year}年" if year else str(name)


@app.command()
@_guarded
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="输出目录")] = Path("unionxl-demo"),
) -> int:
    """生成演示工作簿并校验它，展示 unionxl 能发现的问题。"""
    from unionxl.master.demo import write_demo
    from unionxl.reading.reader import load_book
    from unionxl.reports.workbooks import write_findings_report
    from unionxl.core.validate import validate_book

    master = out_dir / "demo-master.xlsx"
    report = out_dir / "demo-report.xlsx"
    made = write_demo(master)
    loaded = load_book(master)
    result = validate_book(loaded)
    write_findings_report(report, result.findings, _title(loaded.settings.values), source=master)
    out.print(f"演示主工作簿：{master}")
    _print_findings(result.findings, result.counts)
    found = {(f.rule, f.cell) for f in result.findings}
    caught = sum((m.rule, m.cell) in found for m in made.mistakes)
    out.print(f"演示数据中故意设置了 {len(made.mistakes)} 处错误，unionxl 发现了其中 {caught} 处。")
    out.print(f"校验结果工作簿：{report}")
    return EXIT_OK


@app.command("check-budget")
@_guarded
def check_budget(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="追加本单位或上级工会的规则包（TOML），可多次使用")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    report: Annotated[Optional[Path], typer.Option("--report", help="把预算审核表写入一个新的工作簿")] = None,
) -> int:
    """按全总和本省的经费标准审核预算与全年支出。"""
    from unionxl.core.audit import STATUS_TITLES, audit_book, opinion
    from unionxl.reports.workbooks import write_audit_report

    _warn_if_open(book)
    loaded = _load_usable(book)
    audit = _rule_errors_as_unusable(lambda: audit_book(loaded, rules or []))
    if report is not None:
        write_audit_report(report, audit, loaded.settings.values, source=book)
    if as_json:
        sys.stdout.write(json.dumps(audit.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.print(f"适用标准：{'；'.join(audit.ruleset.names)}")
        if audit.ruleset.notice:
            out.print(f"[yellow]{audit.ruleset.notice}[/]")
        table = RichTable(header_style="bold")
        for header in ("结果", "规则", "审核项目", "单元格", "说明", "审核意见"):
            table.add_column(header, overflow="fold")
        style = {"pass": "green", "warn": "yellow", "fail": "bold red"}
        for result in audit.results:
            rows = result.violations or [None]
            for v in rows:
                status = v.status if v else result.status
                table.add_row(f"[{style[status]}]{STATUS_TITLES[status]}[/]", result.rule.id, result.rule.title,
                              v.cell if v else "", v.detail if v else result.detail, opinion(result))
        out.print(table)
        c = audit.counts
        out.print(f"共 {len(audit.results)} 条规则：通过 {c['pass']}，提示 {c['warn']}，不通过 {c['fail']}。")
        if report is not None:
            out.print(f"预算审核表已写入：{report}")
    return EXIT_ERRORS if audit.failed else EXIT_OK


def _rule_errors_as_unusable(run):
    from unionxl.core.rules import RulePackError

    try:
        return run()
    except RulePackError as exc:
        raise UnusableWorkbook(str(exc)) from exc


@app.command("rules")
@_guarded
def list_rules(
    province: Annotated[str, typer.Option("--province", help="省份")] = "全国",
    year: Annotated[Optional[int], typer.Option("--year", help="年度（选择当年有效的标准）")] = None,
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="追加的规则包（TOML）")] = None,
) -> int:
    """列出现行的经费审核规则及其依据。"""
    from unionxl.core.audit import UNCONFIRMED
    from unionxl.core.rules import resolve

    ruleset = _rule_errors_as_unusable(lambda: resolve(province, year, rules or []))
    out.print(f"适用标准：{'；'.join(ruleset.names)}")
    if ruleset.notice:
        out.print(f"[yellow]{ruleset.notice}[/]")
    table = RichTable(header_style="bold", show_lines=True)
    for header in ("规则", "审核项目", "依据", "核对", "级别", "来源"):
        table.add_column(header, overflow="fold")
    for rule in ruleset.rules:
        table.add_row(rule.id, rule.title, rule.basis + (f"\n{rule.note}" if rule.note else ""),
                      "已核对" if rule.confirmed else UNCONFIRMED, "不通过" if rule.severity == "error" else "提示",
                      rule.source)
    out.print(table)
    return EXIT_OK


@app.command()
@_guarded
def summary(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    report: Annotated[Optional[Path], typer.Option("--out", help="年度汇总工作簿（新文件）")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 生成 PDF")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出全部数字")] = False,
) -> int:
    """生成年度汇总：会员、会费、慰问、活动、收支、预算执行和年度工作总结草稿。"""
    from unionxl.files.office import convert
    from unionxl.core.summary import summarize
    from unionxl.reports.summary_book import write_summary_report
    from unionxl.core.validate import validate_book

    _warn_if_open(book)
    loaded = _load_usable(book)
    counts = validate_book(loaded).counts
    result = summarize(loaded)
    if pdf and report is None:
        raise UnusableWorkbook("生成 PDF 需要同时指定 --out 汇总工作簿.xlsx")
    if report is not None:
        write_summary_report(report, result, source=book, validation_counts=counts)
        if pdf:
            with tempfile.TemporaryDirectory() as tmp:
                made = convert(report, "pdf", Path(tmp))
                shutil.move(str(made), report.with_suffix(".pdf"))
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict() | {"validation": counts}, ensure_ascii=False) + "\n")
    else:
        out.print(result.narrative or "（工作簿中暂无可汇总的数据）")
        if counts["error"]:
            out.print(f"[yellow]注意：工作簿有 {counts['error']} 个错误，汇总数字可能不准确，请先运行 unionxl validate。[/]")
        if report is not None:
            out.print(f"年度汇总已写入：{report}" + (f"，PDF：{report.with_suffix('.pdf')}" if pdf else ""))
    return EXIT_OK


@app.command()
@_guarded
def consolidate(
    books: Annotated[list[Path], typer.Argument(help="学校工作簿或包含它们的文件夹，可多个")],
    report: Annotated[Path, typer.Option("--out", help="汇总工作簿（新文件）")] = Path("教育工会汇总.xlsx"),
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> int:
    """教育工会汇总所属学校的工作簿：逐个校验、汇总，列出有问题的工作簿。"""
    from rich.progress import Progress

    from unionxl.core.consolidate import consolidate as run, expand
    from unionxl.reports.workbooks import write_consolidation_report

    paths = expand(books)
    if not paths:
        raise UnusableWorkbook("没有找到 .xlsx 工作簿")
    if any(report.resolve() == p.resolve() for p in paths):
        raise UnusableWorkbook(f"输出文件不能是被汇总的工作簿：{report.name}")
    with Progress(console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task("汇总中", total=len(paths))
        result = run(paths, advance=lambda path: progress.update(task, advance=1, description=path.name))
    write_consolidation_report(report, result)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        t = result.totals
        out.print(f"已汇总 {len(result.rows)} 个工会：会员 {t['members']} 人，慰问 {t['visits']} 人次，"
                  f"帮扶 {t['hardship_members']} 人、{t['hardship_fen'] / 100:,.2f} 元，"
                  f"收入 {t['income_fen'] / 100:,.2f} 元，支出 {t['expense_fen'] / 100:,.2f} 元。")
        for p in result.problems:
            out.print(f"[{'bold red' if p.kind == '无法读取' else 'yellow'}]{p.kind}[/] {p.file} {p.union_name}：{p.detail}")
        out.print(f"汇总表已写入：{report}")
    return EXIT_ERRORS if result.problems else EXIT_OK


@app.command("generate-schools")
@_guarded
def generate_schools(
    folder: Annotated[Path, typer.Argument(help="输出文件夹")],
    count: Annotated[int, typer.Option("--count", help="学校数量")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="随机种子（相同种子生成相同数据）")] = 1,
    mistakes_every: Annotated[int, typer.Option("--mistakes-every", help="每隔几所学校放入演示错误（0 为不放）")] = 0,
) -> int:
    """生成若干所虚构学校的工作簿，用于演示和测试汇总。"""
    from unionxl.core.consolidate import write_schools

    paths = write_schools(folder, count, seed, mistakes_every)
    out.print(f"已生成 {len(paths)} 个学校工作簿：{folder}")
    return EXIT_OK


@app.command()
@_guarded
def rollover(
    book: Annotated[Path, typer.Argument(help="本年度主工作簿（.xlsx）")],
    target: Annotated[Path, typer.Option("--out", help="下一年度工作簿（新文件）")],
) -> int:
    """生成下一年度的主工作簿：保留会员和预算科目，结转上年结余，清空会费与流水；原文件不变。"""
    from unionxl.core.year.rollover import rollover as roll
    from unionxl.master.template import write_master

    if target.exists():
        raise UnusableWorkbook(f"文件已存在：{target}")
    if target.resolve() == book.resolve():
        raise UnusableWorkbook("输出文件不能与输入的主工作簿相同")
    loaded = _load_dated(book, "结转")
    rolled = roll(loaded)
    write_master(target, rolled.settings, rolled.rows)
    out.print(f"已生成 {loaded.year + 1} 年度工作簿：{target}；上年结余 {rolled.settings['opening_balance']:,.2f} 元。")
    if rolled.dropped:
        out.print(f"未转入的离会会员（{len(rolled.dropped)} 人）：{'、'.join(rolled.dropped)}")
    return EXIT_OK


def _parse_day(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UnusableWorkbook(f"日期应写成 2026-03-08 的格式，实际为“{text}”") from exc


@app.command()
@_guarded
def todo(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    month: Annotated[Optional[int], typer.Option("--month", min=1, max=12, help="月份（默认本月；往年的工作簿默认12月）")] = None,
    report: Annotated[Optional[Path], typer.Option("--out", help="把本月待办写入一个新的工作簿（A4 可打印）")] = None,
    today: Annotated[Optional[str], typer.Option("--today", help="按这一天判断活动是否已过期（默认今天），如 2026-03-08")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> int:
    """列出本月待办：生日慰问、高龄退休教职工慰问、本月活动、会费欠缴、缺凭证号的慰问。"""
    from unionxl.core.year.todo import default_month, todo as make_todo
    from unionxl.reports.todo_book import todo_title, write_todo_report

    _warn_if_open(book)
    loaded = _load_dated(book, "列出待办")
    day = _parse_day(today)
    result = make_todo(loaded, month or default_month(loaded.year, day), day)
    name = str(loaded.settings.get("union_name", ""))
    if report is not None:
        write_todo_report(report, result, name, source=book)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return EXIT_OK
    table = RichTable(title=todo_title(name, result), header_style="bold")
    for header in ("工会小组", "事项", "姓名/活动", "说明", "位置"):
        table.add_column(header, overflow="fold")
    for item in result.items:
        table.add_row(item.group, item.kind, item.name, item.detail, item.cell)
    out.print(table if result.items else f"{result.year}年{result.month}月没有待办事项。")
    if report is not None:
        out.print(f"本月待办已写入：{report}")
    return EXIT_OK


def main() -> None:
    app()


if __name__ == "__main__":
    main()
