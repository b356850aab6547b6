"""The drafted 年度工作总结 paragraph, in the seeds' style, from the summary figures.

Each clause is a template with the figures it needs; a clause whose figures are zero is
left out rather than written as “0人次”, so the draft never claims work that was not done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from unionxl.contract.money import format_yuan
from unionxl.contract.schema import (
    STATUS_ACTIVE,
    STATUS_RETIRED,
    VISIT_BIRTH,
    VISIT_BIRTHDAY,
    VISIT_FESTIVAL,
    VISIT_ILL,
    VISIT_KIN_DEATH,
    VISIT_OWN_DEATH,
    VISIT_RETIRE,
    VISIT_WEDDING,
)

if TYPE_CHECKING:
    from unionxl.core.summary import Summary


def _yuan(fen: int) -> str:
    text = format_yuan(fen)
    return text.removesuffix(".00")


def _clauses(s: Summary) -> list[str]:
    m, d, c, a, j = s.members, s.dues, s.condolences, s.activities, s.journal
    t = c["by_type"]
    status = m["by_status"]
    out: list[str] = []
    if m["total"]:
        parts = [f"{k}{status[k]}人" for k in (STATUS_ACTIVE, STATUS_RETIRED) if status[k]]
        clause = f"会员台账共登记会员{m['total']}人" + (f"（{'、'.join(parts)}）" if parts else "")
        if m["new_members"]:
            clause += f"，全年新发展会员{m['new_members']}人"
        out.append(clause)
    if a["done"]:
        clause = f"全年共开展活动{a['done']}项"
        if a["participants"]:
            clause += f"，参与教职工{a['participants']}人次"
        out.append(clause)
    if a["health_check_participants"]:
        out.append(f"组织{a['health_check_participants']}名教职工参加健康体检")
    for kind, verb in ((VISIT_ILL, "走访慰问生病住院教职工"), (VISIT_OWN_DEATH, "慰问去世会员家属"),
                       (VISIT_KIN_DEATH, "慰问直系亲属去世的教职工")):
        if t[kind]["visits"]:
            money = f"，发放慰问金{_yuan(t[kind]['amount_fen'])}元" if t[kind]["amount_fen"] else ""
            out.append(f"{verb}{t[kind]['visits']}人次{money}")
    joys = [f"{label}{t[k]['visits']}人次" for k, label in ((VISIT_WEDDING, "结婚"), (VISIT_BIRTH, "生育"),
                                                           (VISIT_RETIRE, "退休")) if t[k]["visits"]]
    if joys:
        out.append("为会员送去" + "、".join(joys) + "的祝贺与慰问")
    if c["hardship_members"]:
        out.append(f"帮扶困难职工{c['hardship_members']}人，帮扶金额{_yuan(c['hardship_fen'])}元")
    if c["retirees_visited"]:
        out.append(f"走访慰问离退休老同志{c['retirees_visited']}人")
    if t[VISIT_FESTIVAL]["visits"]:
        out.append(f"开展节日慰问{t[VISIT_FESTIVAL]['visits']}人次")
    if t[VISIT_BIRTHDAY]["members"]:
        out.append(f"为{t[VISIT_BIRTHDAY]['members']}名会员送上生日祝福")
    if d["paid_fen"]:
        rate = f"，收缴率{d['collection_rate']:.1%}" if d["collection_rate"] else ""
        out.append(f"全年收缴会费{_yuan(d['paid_fen'])}元{rate}")
    if j["income_fen"] or j["expense_fen"]:
        out.append(f"全年经费收入{_yuan(j['income_fen'])}元，支出{_yuan(j['expense_fen'])}元，"
                   f"年末结余{_yuan(s.balance['closing_fen'])}元")
    return out


def draft(s: Summary) -> str:
    clauses = _clauses(s)
    if not clauses:
        return ""
    head = f"{s.year}年，" if s.year else ""
    return head + "；".join(clauses) + "。"
