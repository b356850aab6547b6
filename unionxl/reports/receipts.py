"""慰问签收表: one printable sheet per distribution, each person a row with room to sign.

A4 portrait; the title and the distribution's lines repeat above every printed page (a
200-member holiday list runs over several); the block ends with its total in figures and
in 大写 (contract/money.upper_amount) and the 经办人 / 审核人 / 工会主席 lines.
Layout after the research's synthesis of real 签领表, docs/year-end-package.md §5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from unionxl.contract.money import format_yuan, upper_amount
from unionxl.core.receipts import Distribution
from unionxl.reports.heading import NO_NAME, UNIT, sign_offs
from unionxl.reports.model import (
    INT, MONEY, Column, Document, Line, Note, Page, Paragraph, PrintHints, Table
)
from unionxl.reports.styles import DATE_BLANKS

TITLE = "慰问签收表"
COLUMNS = (Column("序号", INT, align="center"), Column("姓名"), Column("工会小组"), Column("慰问类型"), Column("事由"),
           Column("金额", MONEY), Column("签收"))
WIDTHS = (6, 10, 12, 12, 18, 11, 18)
#: who signs under each list (research §5.2: 经手人、证明人和分工会主席), and the 设置 item of each name
SIGNERS = (("经办人", "clerk"), ("审核人", ""), ("工会主席（审批）", "chair"))
#: the height of a body row: room for a handwritten name
SIGN_ROW_HEIGHT = 26
PROXY = "代领人签收（注明关系）"
NO_DATE = "日期未填写"


def _day(d: Distribution) -> str:
    return f"{d.date.year}年{d.date.month:02d}月{d.date.day:02d}日" if d.date else NO_DATE


def sheet_name(i: int, d: Distribution) -> str:
    """A unique, short sheet name: “01 01月05日 生日慰问”."""
    day = f"{d.date.month:02d}月{d.date.day:02d}日" if d.date else NO_DATE
    return f"{i:02d} {day} {d.visit_type}"[:31]


def total_line(d: Distribution) -> str:
    """The block's total as a receipt writes it: count, 小写 with ¥, 大写 with 人民币."""
    return f"合计：{len(d.receipts)} 人    小写：¥{format_yuan(d.total)}    大写：{upper_amount(d.total)}"


def _page(i: int, d: Distribution, union: str, settings: Mapping[str, object]) -> Page:
    rows = [[n, r.name, r.group, r.visit_type, r.reason, r.amount, PROXY if r.by_proxy else ""]
            for n, r in enumerate(d.receipts, 1)]
    table = Table(COLUMNS, rows, total="合计", repeat_header=True, row_height=SIGN_ROW_HEIGHT)
    forms = "、".join(d.forms) or "—"
    reasons = "、".join(d.reasons) or "—"
    vouchers = "、".join(d.vouchers) or "（无）"
    blocks: list[object] = [table, Paragraph(total_line(d))]
    missing = [r for r in d.receipts if r.amount is None]
    if missing:
        blocks.append(Note(f"其中 {len(missing)} 人为走访或未登记金额，金额栏空白。"))
    blocks.append(sign_offs(settings, SIGNERS, date=DATE_BLANKS))
    return Page(sheet_name(i, d), f"{union or NO_NAME}慰问金（品）发放签收表", WIDTHS,
                lines=[Line.of(f"发放日期：{_day(d)}", f"慰问类型：{d.visit_type}    形式：{forms}"),
                       Line.of(f"事由：{reasons}", f"凭证号：{vouchers}    {UNIT}")],
                blocks=blocks, hints=PrintHints(repeat_heading=True))


def build_receipts(distributions: Sequence[Distribution], settings: Mapping[str, object]) -> Document:
    union = str(settings.get("union_name") or "")
    pages = [_page(i, d, union, settings) for i, d in enumerate(distributions, 1)]
    if not pages:
        pages = [Page("签收表", f"{union or NO_NAME}慰问金（品）发放签收表", WIDTHS,
                      blocks=[Table(COLUMNS, [], empty="慰问记录中没有记录")])]
    return Document(f"{union} {TITLE}", pages)
