"""Findings: what a validator or rule reports, with a source location the treasurer can click.

Modelled on beancount's plugin errors and frictionless' table errors: small, flat records
with a stable rule id, a severity, the sheet and exact cell, and a Chinese message.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from unionxl.contract.schema import SHEET_ORDER

SEVERITIES = ("error", "warning", "info")
ERROR, WARNING, INFO = SEVERITIES

_CELL = re.compile(r"([A-Z]+)(\d+)$")

#: Every finding's rule id → the short Chinese title a treasurer reads (校验结果's 规则 column, the
#: terminal); the id itself stays in JSON and in docs/findings.md, which explains each one.
RULE_TITLES: dict[str, str] = {
    "sheet-missing": "缺少工作表",
    "column-missing": "缺少表头",
    "column-duplicate": "表头重复",
    "column-unknown": "自行添加的列",
    "setting-missing": "设置缺少项目",
    "setting-invalid": "设置的值无效",
    "setting-normalised": "设置已按规范读取",
    "cell-error": "单元格是错误值",
    "required-missing": "必填项为空",
    "type-date": "日期无法识别",
    "type-money": "金额不是数字",
    "type-int": "应为整数",
    "type-number": "应为数字",
    "date-as-text": "日期写成了文字",
    "date-as-number": "日期写成了数字",
    "number-as-text": "数字写成了文字",
    "money-negative": "金额为负数",
    "money-precision": "金额超过两位小数",
    "choice-invalid": "不在下拉列表中",
    "text-lookalike": "文字带不可见字符",
    "text-normalised": "文字已按规范读取",
    "merged-cells": "合并单元格",
    "category-direction": "科目与收支方向不符",
    "budget-duplicate-category": "预算科目重复",
    "budget-category-pattern": "科目名称含通配符",
    "date-out-of-year": "日期不在本年度",
    "month-invalid": "月份无效",
    "calendar-month-mismatch": "月份与日期不一致",
    "formula-overwritten": "公式被改成固定值",
    "formula-missing": "公式被删除",
    "formula-area-exceeded": "超出预留公式的行",
    "member-duplicate-id": "会员编号重复",
    "status-date-missing": "缺少状态变更日期",
    "dues-base-missing": "缺少月工资基数",
    "member-left-dues": "离会后仍记会费",
    "dues-amount-mismatch": "实缴与应缴会费不符",
    "dues-not-due": "非缴费月份记有会费",
    "dues-arrears": "会费欠缴",
    "member-unknown": "会员编号不存在",
    "member-name-mismatch": "姓名与会员台账不符",
    "member-left-visit": "离会后仍有慰问",
    "member-not-joined": "入会前的慰问",
    "birthday-duplicate": "生日慰问重复",
    "birthday-month": "生日慰问不在当月",
    "voucher-missing": "凭证号无对应支出",
    "voucher-amount-mismatch": "慰问金额与凭证不符",
    "dues-journal-mismatch": "会费与收支明细不符",
    "juesuan-tables-mismatch": "决算两表不符",
    "juesuan-unplaced": "收支未归入决算行",
    "juesuan-negative-balance": "年末结转结余为负数",
    "juesuan-blank-line": "记在基层工会不填的科目",
}
#: what a finding whose id is not in the catalogue is called (never its id)
OTHER_RULE_TITLE = "其他问题"


def rule_title(rule: str) -> str:
    """The Chinese title of a finding's rule id (see :data:`RULE_TITLES`)."""
    return RULE_TITLES.get(rule, OTHER_RULE_TITLE)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    sheet: str
    cell: str  # "会员台账!F12", or "会员台账" for a whole-sheet finding
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        ref = self.cell.split("!", 1)[-1]
        m = _CELL.match(ref)
        row, col = (int(m.group(2)), _col_number(m.group(1))) if m else (0, 0)
        return SHEET_ORDER.get(self.sheet, len(SHEET_ORDER)), row, col, self.rule


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sheet order of the workbook, then row, then column: the order a treasurer fixes them."""
    return sorted(set(findings), key=lambda f: f.sort_key)


def count_findings(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}
