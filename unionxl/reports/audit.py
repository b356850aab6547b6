"""预算审核 (经费收支审核表): one row per fund rule, the items that fail or need checking, sign-off lines."""

from __future__ import annotations

from collections.abc import Mapping

from unionxl.contract.schema import AUDIT_SHEET
from unionxl.core.audit import STATUS_TITLES, UNCONFIRMED, Audit, opinion, verdict
from unionxl.core.rules.kinds import FAIL, PASS, WARN, RuleResult
from unionxl.reports.model import (
    BAD, GOOD, INT, LINK, MONEY, SCREEN_ONLY, STATUS, Column, Document, Line, Link, Note, Page, PrintHints, Section,
    Stamp, Status, Table
)
from unionxl.reports.heading import sign_offs, unit_line, year_period
from unionxl.reports.model import WARN as TONE_WARN

STATUS_TONES = {PASS: GOOD, WARN: TONE_WARN, FAIL: BAD}
#: who signs the 审核表, and the 设置 item holding each name
SIGNERS = (("工会主席", "chair"), ("经审委员会", "auditor"), ("经办人", "clerk"))


def _rule_columns() -> list[Column]:
    """AUDIT_SHEET's columns; 依据 and 有效期 are too long for a terminal. The rule is named by its
    title: its id (``cap-own-death``) stays in the JSON and the packs."""
    no, title, basis, period, result, amount, limit, diff, verdict = AUDIT_SHEET.headers
    return [Column(no, INT, align="center"), Column(title), Column(basis, screen=False), Column(period, screen=False),
            Column(result, STATUS), Column(amount, MONEY), Column(limit, MONEY), Column(diff, MONEY), Column(verdict)]


#: the items that fail or need checking: what was found and the cell, under the rule table's 依据 and 有效期
DETAIL_COLUMNS = (Column("序号", INT, align="center"), Column("规则"), Column("说明"), Column("单元格", LINK),
                  Column("结果", STATUS), Column("实际", MONEY), Column("限额", MONEY), Column("差额", MONEY),
                  Column("审核意见"))


def _status(status: str) -> Status:
    return Status(STATUS_TITLES[status], STATUS_TONES[status])


def _difference(limit: int | None, amount: int | None) -> int | None:
    return None if None in (limit, amount) else limit - amount  # type: ignore[operator]


def _rule_row(i: int, result: RuleResult) -> list[object]:
    rule = result.rule
    if result.unit == "元":
        amount, limit, diff = result.amount, result.limit, _difference(result.limit, result.amount)
    else:  # a count of items: “2 项”, and a limit of none is “不得出现”
        amount = f"{result.amount} 项"
        limit = "不得出现" if result.limit == 0 else f"{result.limit} 项"
        diff = None
    basis = rule.basis + ("" if rule.confirmed else f"（{UNCONFIRMED}）")
    return [i, rule.title, basis, rule.period, _status(result.status), amount, limit, diff, opinion(result)]


def build_audit(audit: Audit, settings: Mapping[str, object]) -> Document:
    sheet = AUDIT_SHEET
    name = str(settings.get("union_name") or "本工会")
    year = settings.get("year")
    rules = Table(_rule_columns(), [_rule_row(i, r) for i, r in enumerate(audit.results, 1)], repeat_header=True)
    problems = audit.problems()
    # each row's 审核意见 follows that row's own status, never its rule's worst
    details = Table(DETAIL_COLUMNS,
                    [[i, result.rule.title, v.detail, Link(v.cell), _status(v.status), v.amount, v.limit,
                      _difference(v.limit, v.amount), verdict(v.status, result.rule)]
                     for i, (result, v) in enumerate(problems, 1)])
    c, checked = audit.counts, audit.validation
    period = f"{audit.ruleset.year}年度" if audit.ruleset.year else "现行"
    notice = (f"适用标准（{period}）：{'；'.join(audit.ruleset.names)}。{audit.ruleset.notice}"
              f"标注“{UNCONFIRMED}”的标准未能与文件原文核对，仅供参考。")
    blocks: list[object] = [
        rules, Section(f"不符合及需核实事项明细（共 {len(problems)} 项）", [details]),
        Note(f"共 {len(audit.results)} 条规则：通过 {c['pass']}，提示 {c['warn']}，不通过 {c['fail']}。"
             f"工作簿校验：{checked['errors']} 个错误、{checked['warnings']} 个警告。", SCREEN_ONLY)]
    if audit.stamp:  # bad data never gets a clean sign-off: the stamp stands above the signatures
        blocks += [Stamp(audit.stamp), Note("请先运行 unionxl validate 改正错误。", SCREEN_ONLY)]
    blocks.append(sign_offs(settings, SIGNERS))
    page = Page(sheet.title, f"{name}{f'{year}年度' if year else ''}经费收支审核表", sheet.widths,
                lines=[unit_line(name, year_period(year)), Line.of(notice)], blocks=blocks,
                hints=PrintHints(landscape=True))
    return Document(f"{name} {sheet.title}", [page])
