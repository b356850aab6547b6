"""Commands on the fund rules: check-budget and rules."""

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
    _load,
    _warn_if_open,
    app,
    out,
    rule_pack_reason,
)
from unionxl.contract.errors import UnusableWorkbook
from unionxl.contract.schema import YEAR_FIRST, YEAR_LAST


@app.command("check-budget")
@_guarded
def check_budget(
    book: Annotated[Path, typer.Argument(help="主工作簿（.xlsx）")],
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="追加本单位或上级工会的规则包（TOML）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="把预算审核表写入一个新的工作簿")] = None,
    force: Force = False,
) -> int:
    """先校验工作簿，再按设置!年度有效的全总和本省经费标准审核预算与全年支出。"""
    from unionxl.core.audit import audit_book
    from unionxl.reading.load import AUDIT
    from unionxl.reports.audit import build_audit
    from unionxl.reports.terminal import print_document
    from unionxl.reports.xlsx import write_xlsx

    _claim([report], [book, *(rules or [])], force)
    _warn_if_open(book)
    loaded = _load(book, AUDIT)
    audit = _rule_errors_as_unusable(lambda: audit_book(loaded, rules or []))
    document = build_audit(audit, loaded.settings.values)
    if report is not None:
        write_xlsx(report, document, source=book)
    if as_json:
        sys.stdout.write(json.dumps(audit.to_dict(), ensure_ascii=False) + "\n")
    else:
        print_document(out, document)
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
    from unionxl.core.rules import resolve
    from unionxl.reports.rules import build_rule_list
    from unionxl.reports.terminal import print_document

    ruleset = _rule_errors_as_unusable(lambda: resolve(province, year, rules or [], history=year is None))
    print_document(out, build_rule_list(ruleset, year, province))
    return EXIT_OK
