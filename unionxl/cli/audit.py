"""Commands on the fund rules: check-budget and rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable
from rich.text import Text

from unionxl.cli.app import (
    EXIT_ERRORS,
    EXIT_OK,
    YEAR_FIRST,
    YEAR_LAST,
    Force,
    _claim,
    _guarded,
    _load_usable,
    _warn_if_open,
    app,
    out,
    rule_pack_reason,
)
from unionxl.contract.errors import UnusableWorkbook


@app.command("check-budget")
@_guarded
def check_budget(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="追加本单位或上级工会的规则包（TOML），可多次使用")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="把预算审核表写入一个新的工作簿")] = None,
    force: Force = False,
) -> int:
    """先校验工作簿，再按设置!年度有效的全总和本省经费标准审核预算与全年支出。"""
    from unionxl.core.audit import STATUS_TITLES, audit_book, verdict
    from unionxl.reports.workbooks import write_audit_report

    _claim([report], [book, *(rules or [])], force)
    _warn_if_open(book)
    loaded = _load_usable(book)
    audit = _rule_errors_as_unusable(lambda: audit_book(loaded, rules or []))
    if report is not None:
        write_audit_report(report, audit, loaded.settings.values, source=book)
    if as_json:
        sys.stdout.write(json.dumps(audit.to_dict(), ensure_ascii=False) + "\n")
    else:
        year = f"{audit.ruleset.year}年度" if audit.ruleset.year else "现行"
        out.print(f"适用标准（{year}）：{'；'.join(audit.ruleset.names)}")
        if audit.ruleset.notice:
            out.print(audit.ruleset.notice, style="yellow")
        table = RichTable(header_style="bold")
        for header in ("结果", "规则", "审核项目", "单元格", "说明", "审核意见"):
            table.add_column(header, overflow="fold")
        style = {"pass": "green", "warn": "yellow", "fail": "bold red"}
        for result in audit.results:
            rows = result.violations or [None]
            for v in rows:
                status = v.status if v else result.status
                table.add_row(Text(STATUS_TITLES[status], style=style[status]), result.rule.id, result.rule.title,
                              v.cell if v else "", v.detail if v else result.detail, verdict(status, result.rule))
        out.print(table)
        c, checked = audit.counts, audit.validation
        out.print(f"共 {len(audit.results)} 条规则：通过 {c['pass']}，提示 {c['warn']}，不通过 {c['fail']}。"
                  f"工作簿校验：{checked['errors']} 个错误、{checked['warnings']} 个警告。")
        if audit.stamp:
            out.print(Text.assemble((audit.stamp, "bold red"), "（请先运行 unionxl validate 改正错误）"))
        if report is not None:
            out.print(f"预算审核表已写入：{report}")
    return EXIT_ERRORS if audit.failed or audit.invalid else EXIT_OK


def _rule_errors_as_unusable(run):
    from unionxl.core.rules import RulePackError

    try:
        return run()
    except RulePackError as exc:
        raise UnusableWorkbook(rule_pack_reason(exc)) from exc


@app.command("rules")
@_guarded
def list_rules(
    province: Annotated[str, typer.Option("--province", help="省份")] = "全国",
    year: Annotated[int | None, typer.Option("--year", min=YEAR_FIRST, max=YEAR_LAST,
                                             help="年度：只列出该年度有效的标准（不写则列出各时期的全部标准）")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="追加的规则包（TOML）")] = None,
) -> int:
    """列出经费审核规则及其依据、有效期和来源。"""
    from unionxl.core.audit import UNCONFIRMED
    from unionxl.core.rules import resolve

    ruleset = _rule_errors_as_unusable(lambda: resolve(province, year, rules or [], history=year is None))
    out.print(f"{f'{year}年度' if year else '各时期'}的标准：{'；'.join(ruleset.names)}")
    if ruleset.notice:
        out.print(ruleset.notice, style="yellow")
    table = RichTable(header_style="bold", show_lines=True)
    for header in ("规则", "审核项目", "有效期", "依据", "核对", "级别", "来源"):
        table.add_column(header, overflow="fold")
    for rule in ruleset.rules:
        basis = rule.basis + (f"\n原文：“{rule.quote}”" if rule.quote else "") + (f"\n{rule.note}" if rule.note else "")
        table.add_row(rule.id, rule.title, rule.period, basis,
                      "已核对" if rule.confirmed else UNCONFIRMED, "不通过" if rule.severity == "error" else "提示",
                      rule.source)
    out.print(table)
    return EXIT_OK
