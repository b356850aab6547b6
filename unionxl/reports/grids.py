"""The sheets unionxl owns (校验结果, 预算审核, 年度汇总, 本月待办) as plain 2-D lists.

The Excel front door writes each of these with one range write; keeping them as data
here keeps xlwings out of the core and lets tests read exactly what Excel will get.
Text that starts with = + - @ is escaped so Excel stores it as text; the only formulas
are the HYPERLINK cells unionxl builds itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from unionxl.core.audit import STATUS_TITLES, UNCONFIRMED, Audit, opinion, verdict
from unionxl.contract.findings import Finding
from unionxl.contract.money import format_yuan
from unionxl.reports.workbooks import finding_rows
from unionxl.files.safeio import FORMULA_TRIGGERS
from unionxl.contract.schema import AUDIT_SHEET, FINDINGS_SHEET, MEMBER_STATUSES, TODO_SHEET, quote_sheet
from unionxl.core.summary import Summary
from unionxl.core.year.todo import Todo
from unionxl.reports.todo_book import todo_note, todo_title, todo_values

Grid = list[list[object]]


def as_text(value: object) -> object:
    """User text that Excel would parse as a formula gets a leading apostrophe (stored as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def link(cell: str) -> str:
    """A HYPERLINK formula that jumps to ``会员台账!F12`` inside the same workbook."""
    sheet, _, ref = cell.partition("!")
    if not ref:
        return as_text(cell)  # type: ignore[return-value]
    return f'=HYPERLINK("#{quote_sheet(sheet)}!{ref}","{cell}")'


def findings_grid(findings: Sequence[Finding]) -> Grid:
    rows = finding_rows(findings)
    body = [[as_text(v) for v in row] for row in rows]
    for row, finding in zip(body, findings):
        row[3] = link(finding.cell)
    return [list(FINDINGS_SHEET.headers)] + (body or [["", "", "", "", "未发现问题", ""]])


def audit_grid(audit: Audit, settings: dict[str, object]) -> Grid:
    grid: Grid = [list(AUDIT_SHEET.headers)]
    for i, result in enumerate(audit.results, 1):
        rule = result.rule
        money = result.unit == "元"
        amount = format_yuan(result.amount) if money else f"{result.amount} 项"
        limit = format_yuan(result.limit) if money else ""
        diff = format_yuan(result.limit - result.amount) if money and None not in (result.amount, result.limit) else ""
        basis = rule.basis + ("" if rule.confirmed else f"（{UNCONFIRMED}）")
        grid.append([i, rule.id, rule.title, basis, STATUS_TITLES[result.status], amount, limit, diff, opinion(result)])
    grid.append([""] * len(AUDIT_SHEET.headers))
    grid.append(["", "不符合及需核实事项", "单元格", "说明", "结果", "实际", "限额", "", ""])
    for result in audit.results:
        for v in result.violations:
            grid.append(["", result.rule.id, link(v.cell), as_text(v.detail), STATUS_TITLES[v.status],
                         format_yuan(v.amount), format_yuan(v.limit), "", verdict(v.status, result.rule)])
    grid.append([""] * len(AUDIT_SHEET.headers))
    if audit.stamp:
        grid.append([audit.stamp] + [""] * (len(AUDIT_SHEET.headers) - 1))
        grid.append([""] * len(AUDIT_SHEET.headers))
    for role, key in (("工会主席", "chair"), ("经审委员会", "auditor"), ("经办人", "clerk")):
        grid.append(["", f"{role}：{as_text(settings.get(key) or '')}", "签字：", "", "日期：", "", "", "", ""])
    return grid


def todo_grid(todo: Todo, union_name: str) -> Grid:
    """本月待办 for the master workbook: title, note, header, one row per item with a link to its cell."""
    width = len(TODO_SHEET.headers)
    rows: Grid = [[as_text(todo_title(union_name, todo))] + [""] * (width - 1), [todo_note(todo)] + [""] * (width - 1),
                  list(TODO_SHEET.headers)]
    for item in todo.items:
        values: list[object] = [as_text(v) for v in todo_values(item)]
        values[5] = link(item.cell)
        rows.append(values)
    if not todo.items:
        rows.append(["本月没有待办事项。"] + [""] * (width - 1))
    return rows


def summary_grid(s: Summary) -> Grid:
    """A compact, four-column 年度汇总 (the CLI report adds charts and print layout)."""
    rows: Grid = [[f"{as_text(s.union_name)}{s.year or ''}年度汇总", "", "", ""], ["", "", "", ""]]

    def section(title: str, header: list[str], body: list[list[object]]) -> None:
        rows.append([title, "", "", ""])
        rows.append(header + [""] * (4 - len(header)))
        rows.extend(r + [""] * (4 - len(r)) for r in body)
        rows.append(["", "", "", ""])

    section("一、会员情况", ["会员状态", "人数"], [[k, s.members["by_status"][k]] for k in MEMBER_STATUSES])
    section("二、会费收缴（元）", ["月份", "应缴", "实缴", "差额"],
            [[f"{r['month']}月", r["expected_fen"] / 100, r["paid_fen"] / 100, (r["expected_fen"] - r["paid_fen"]) / 100]
             for r in s.dues["monthly"]])
    section("三、慰问与帮扶", ["慰问类型", "人次", "人数", "金额（元）"],
            [[k, v["visits"], v["members"], v["amount_fen"] / 100] for k, v in s.condolences["by_type"].items() if v["visits"]])
    section("四、活动开展", ["活动类别", "已完成", "参与人次", "实际（元）"],
            [[k, v["done"], v["participants"], v["actual_fen"] / 100] for k, v in s.activities["by_category"].items()])
    b = s.balance
    section("五、经费收支（元）", ["上年结余", "本年收入", "本年支出", "年末结余"],
            [[b["opening_fen"] / 100, b["income_fen"] / 100, b["expense_fen"] / 100, b["closing_fen"] / 100]])
    rows.append(["六、年度工作总结（草稿）", "", "", ""])
    rows.append([s.narrative or "（暂无可引用的数据）", "", "", ""])
    return rows
