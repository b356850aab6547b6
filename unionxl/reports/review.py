"""经审审查报告: the draft of the 经费审查委员会's report on the year's accounts, as a document.

Standard paragraphs a committee edits (research, docs/year-end-package.md §3.3): the legal
basis, 基本情况, 收入, 支出, 预算执行, 结余, 存在问题, 审查意见 in two drafts to choose from, and
the signature block with 经审负责人 from 设置 and the date. Rendered as Word by reports/docx.py.
Where only the committee can know (the bank balance, which draft applies), the text leaves
a blank in 【】 to fill in.
"""

from __future__ import annotations

import datetime as dt

from unionxl.contract.findings import ERROR
from unionxl.contract.money import format_yuan
from unionxl.contract.schema import EXPENSE, INCOME
from unionxl.core.review import Review, Share
from unionxl.reports.heading import NO_NAME, UNIT
from unionxl.reports.model import (
    MONEY, PCT, Column, Document, Line, Page, Paragraph, Section, SignOff, SignOffs, Stamp, Table, Note
)

TITLE = "经审审查报告"
DRAFT = "（草稿：由 unionxl 根据主工作簿生成，经费审查委员会审查、修改后使用）"
LAW = "《中华人民共和国工会法》《中国工会章程》《基层工会经费收支管理办法》（总工办发〔2017〕32号）"
#: what the committee fills in by hand
BLANK = "【  】"


def yuan(fen: int | None) -> str:
    return f"{format_yuan(fen or 0)}元"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def day(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _list(shares: list[Share], what: str) -> str:
    return "；".join(f"{s.label}{yuan(s.amount)}，占{what}的{pct(s.share)}" for s in shares)


def _basic(r: Review, year: str) -> Section:
    scope = f"{r.year}年1月1日至{r.year}年12月31日" if r.year else "本年度"
    return Section("一、基本情况", [Paragraph(
        f"本工会现有会员{r.members}人，其中在职{r.active}人、退休{r.retired}人。{year}年度经费预算经工会委员会审议通过"
        f"（审议日期：{BLANK}）。本次审查的范围为{scope}的经费收支，收支明细共{r.vouchers}张凭证。")])


def _income(r: Review, year: str) -> Section:
    total = r.balance["actual"]["income"]
    text = f"{year}年度工会经费收入合计{yuan(total)}" + (f"，其中：{_list(r.income, '总收入')}。" if r.income else "。")
    text += (f"会员会费应收{yuan(r.dues_expected)}，实收{yuan(r.dues_paid)}，收缴率{pct(r.dues_rate)}。")
    return Section("二、收入情况", [Paragraph(text)])


def _expense(r: Review, year: str) -> Section:
    total = r.balance["actual"]["expense"]
    text = f"{year}年度工会经费支出合计{yuan(total)}" + (f"，其中：{_list(r.expense, '总支出')}。" if r.expense else "。")
    text += f"全年慰问会员{r.visits}人次，慰问金额{yuan(r.visit_amount)}。"
    return Section("三、支出情况", [Paragraph(text)])


def _execution(r: Review) -> Section:
    income_budget, income = r.side(INCOME)
    expense_budget, expense = r.side(EXPENSE)
    text = (f"收入预算{yuan(income_budget)}，实际收入{yuan(income)}，完成{pct(income / income_budget if income_budget else None)}；"
            f"支出预算{yuan(expense_budget)}，实际支出{yuan(expense)}，执行{pct(expense / expense_budget if expense_budget else None)}。")
    over = r.overspent
    if over:
        text += "超出预算的科目：" + "；".join(f"{e.label}预算{yuan(e.budget)}、实际{yuan(e.actual)}，超支{yuan(-e.difference)}"
                                         for e in over) + f"。超支原因：{BLANK}。"
    rows = [[e.label, e.direction, e.budget, e.actual, e.difference, e.rate] for e in r.execution]
    table = Table([Column("科目"), Column("收支"), Column("预算数", MONEY), Column("决算数", MONEY),
                   Column("差额（预算−决算）", MONEY), Column("执行率", PCT)], rows, empty="本年度没有预算和收支")
    return Section("四、预算执行情况", [Paragraph(text), table, Note(f"{UNIT}。")])


def _balance(r: Review) -> Section:
    b = r.balance["actual"]
    return Section("五、结余情况", [Paragraph(
        f"上年结余{yuan(b['opening'])}，本年收支差额{yuan(b['income'] - b['expense'])}"
        + ("（本年支出大于收入）" if b["income"] < b["expense"] else "") + f"，年末结余{yuan(b['closing'])}。"
        f"经与银行存款日记账、银行对账单及库存现金核对，年末结余{BLANK}（一致／不一致）。")])


def _problems(r: Review) -> Section:
    a, v = r.audit_counts, r.validation_counts
    blocks: list[object] = [Paragraph(
        f"按全总和本省经费使用标准审核：通过{a['pass']}项，需核实{a['warn']}项，不符合{a['fail']}项。"
        f"主工作簿校验：{v['error']}个错误、{v['warning']}个警告。"
        + ("决算表两表核对相符。" if not r.accounts_findings else f"决算表核对发现{r.accounts_findings}个问题。"))]
    if not r.problems:
        blocks.append(Paragraph("本次审查未发现违反经费收支管理规定的问题。"))
    for i, p in enumerate(r.problems, 1):
        kind = "不符合规定" if p.severity == ERROR else "需核实"
        where = f"（{'、'.join(p.cells[:3])}{' 等' if len(p.cells) > 3 else ''}）" if p.cells else ""
        blocks.append(Paragraph(f"{i}. {p.title}（{kind}，{p.count}处）：{p.detail}{where}。"))
    return Section("六、存在的问题", blocks)


def _opinion(r: Review, year: str) -> Section:
    return Section("七、审查意见和建议", [
        Paragraph("（以下两种意见请选用其一，删去另一种。）"),
        Paragraph(f"意见一：经审查，本工会{year}年度经费收支决算数据真实、完整，收支符合规定，同意提交会员（代表）大会审议。"),
        Paragraph(f"意见二：经审查，本工会{year}年度经费收支决算除上述问题外基本符合规定，建议整改后提交会员（代表）大会审议。"),
        Paragraph(f"建议：{BLANK}"),
    ])


def build_review(r: Review, settings: dict[str, object], date: dt.date, stamp: str = "") -> Document:
    """The report for *r*; *settings* (设置) name the 经审负责人, *date* is the report's date;
    *stamp* (the book has validation errors) stands under the title, as on 预算审核."""
    union = r.union_name or NO_NAME
    year = str(r.year) if r.year else BLANK
    opening = Paragraph(
        f"根据{LAW}和本省有关规定，{union}经费审查委员会对本工会{year}年度经费收支决算进行了审查。"
        "审查采取查阅会计凭证、账簿和报表，核对预算执行情况等方式进行。现将审查情况报告如下：")
    signature = SignOffs([SignOff("主任（签字）", str(settings.get("auditor") or "")), SignOff("委员（签字）")],
                         signer=f"{union}经费审查委员会（盖章）", date=day(date))
    page = Page(TITLE, f"{union}经费审查委员会关于{year}年度工会经费收支决算的审查报告", (),
                lines=[Line.of(DRAFT)], stamps=[Stamp(stamp)] if stamp else [],
                blocks=[opening, _basic(r, year), _income(r, year), _expense(r, year), _execution(r), _balance(r),
                        _problems(r), _opinion(r, year), signature])
    return Document(f"{union} {TITLE}", [page])
