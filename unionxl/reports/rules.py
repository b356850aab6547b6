"""The fund rules (``unionxl rules``): each rule with its period, basis and quote, whether it was checked, its source."""

from __future__ import annotations

from unionxl.core.audit import UNCONFIRMED
from unionxl.core.rules import RuleSet
from unionxl.reports.heading import UNIT
from unionxl.reports.model import Column, Document, Line, Page, Table

WIDTHS = (30, 16, 48, 8, 8, 40)


def build_rule_list(ruleset: RuleSet, year: int | None = None, province: str = "") -> Document:
    """The rules in force in *year* in *province*, or those of every period when *year* is None.

    Not one union's report: titled by the province and the year the standards apply to."""
    rows = []
    for rule in ruleset.rules:
        basis = rule.basis + (f"\n原文：“{rule.quote}”" if rule.quote else "") + (f"\n{rule.note}" if rule.note else "")
        rows.append([rule.title, rule.period, basis, "已核对" if rule.confirmed else UNCONFIRMED,
                     "不通过" if rule.severity == "error" else "提示", rule.source])
    table = Table([Column(h) for h in ("审核项目", "有效期", "依据", "核对", "级别", "来源")], rows,
                  repeat_header=True)
    period = f"{year}年度" if year else "各时期"
    title = f"{province}{period}工会经费审核标准"
    lines = [Line.of(f"适用地区：{province or '全国'}", period, UNIT),
             Line.of(f"{period}的标准：{'；'.join(ruleset.names)}")]
    lines += [Line.of(ruleset.notice)] if ruleset.notice else []
    return Document(title, [Page("审核规则", title, WIDTHS, lines=lines, blocks=[table])])
