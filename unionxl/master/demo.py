"""A deterministic demo master workbook: one school union's full year, with known mistakes.

The data follow the seeds' calendar (元旦, 春节送温暖, 三八, 五一, 端午, 教代会, 教师节,
中秋, 国庆, 重阳, 体检, 年终总结), 12 months of dues, every kind of condolence and a cash
journal that books all of it. A handful of deliberate mistakes are injected afterwards;
:data:`Demo.mistakes` records each one with its rule id and exact cell, so the tests and
the 使用说明 sheet say exactly what ``unionxl validate`` must find.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path

from unionxl.contract.findings import rule_title
from unionxl.contract.money import dues_fen, rate_to_ppm
from unionxl.contract.schema import (
    BUDGET_TREE, CALENDAR, DUES_INCOME_CATEGORY, EXPENSE, INCOME, JOURNAL, MEMBERS, MONTH_KEYS,
    STATUS_ACTIVE, STATUS_DECEASED, STATUS_RETIRED, STATUS_TRANSFERRED, VISIT_BIRTH, VISIT_BIRTHDAY,
    VISIT_FESTIVAL, VISIT_HARDSHIP, VISIT_ILL, VISIT_KIN_DEATH, VISIT_OTHER, VISIT_OWN_DEATH,
    VISIT_RETIRE, VISIT_WEDDING, VISITS, SHEETS, BUDGET, balance_cell, column_letter,
)
from unionxl.master.template import write_master

DEMO_YEAR = 2025
SEED = 20251231
MEMBER_COUNT = 120
DUES_RATE = 0.005
CLERK = "王丽"

SETTINGS = {
    "union_name": "演示市实验小学工会委员会",
    "parent_union": "演示区教育工会",
    "year": DEMO_YEAR,
    "province": "湖北",
    "dues_rate": DUES_RATE,
    "opening_balance": 38_650.00,
    "chair": "张建国",
    "auditor": "刘敏",
    "clerk": CLERK,
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建文辉力晓东雪梅琳婷宇浩然欣怡子涵思远嘉佳"
_GROUPS = ("语文组", "数学组", "英语组", "理综组", "文综组", "艺体组", "行政后勤组")
RETIRED_GROUP = "退休组"


@dataclass(frozen=True)
class Mistake:
    rule: str
    severity: str
    cell: str
    what: str


@dataclass
class Demo:
    settings: dict[str, object]
    rows: dict[str, list[dict[str, object]]]
    mistakes: list[Mistake] = field(default_factory=list)
    #: fund-rule results that ``unionxl check-budget`` must report (severity = fail/warn)
    violations: list[Mistake] = field(default_factory=list)

    def cell(self, sheet_key: str, column_key: str, index: int) -> str:
        """Reference of data row *index* (0-based) of a sheet in the written workbook."""
        sheet = SHEETS[sheet_key]
        return f"{sheet.title}!{column_letter(sheet.index(column_key))}{index + 2}"


def _d(month: int, day: int) -> dt.date:
    return dt.date(DEMO_YEAR, month, day)


class _Vouchers:
    """记-2025-MM-NNN, numbered per month in booking order."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = defaultdict(int)

    def next(self, month: int) -> str:
        self.counts[month] += 1
        return f"记-{DEMO_YEAR}{month:02d}-{self.counts[month]:03d}"


def _names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")
        name = rng.choice(_SURNAMES) + given
        if name not in names:
            names.append(name)
    return names


def _scaled(size: int) -> Callable[[int], int]:
    """Map the demo's member positions (written for 120) onto a union of *size* members."""
    return lambda k: k * size // MEMBER_COUNT


def _members(rng: random.Random, size: int) -> list[dict[str, object]]:
    at = _scaled(size)
    names = _names(rng, size)
    members = []
    for i, name in enumerate(names):
        retired = i >= size - at(12)
        birth = (dt.date(rng.randint(1944, 1964), rng.randint(1, 12), rng.randint(1, 28)) if retired
                 else dt.date(rng.randint(1967, 2001), rng.randint(1, 12), rng.randint(1, 28)))
        join = dt.date(max(birth.year + 22, 1985 if retired else 1990), rng.randint(7, 9), 1)
        members.append({
            "member_id": f"GH{i + 1:03d}",
            "name": name,
            "gender": rng.choice(("男", "女", "女")),
            "birth_date": birth,
            "group": RETIRED_GROUP if retired else _GROUPS[i % len(_GROUPS)],
            "join_date": join,
            "status": STATUS_RETIRED if retired else STATUS_ACTIVE,
            "status_date": dt.date(birth.year + 60, birth.month, 28) if retired else None,
            "wage": None if retired else float(rng.randrange(3800, 9800) + rng.choice((0, 0, 0.5))),
        })
    # Life events of the year: two retirements, a transfer, a death, three new teachers.
    members[at(10)].update(status=STATUS_RETIRED, status_date=_d(3, 31), birth_date=dt.date(1965, 3, 12))
    members[at(20)].update(status=STATUS_RETIRED, status_date=_d(8, 31), birth_date=dt.date(1965, 8, 3))
    members[at(30)].update(status=STATUS_TRANSFERRED, status_date=_d(6, 30))
    members[at(40)].update(status=STATUS_DECEASED, status_date=_d(8, 12))
    members[at(50)].update(birth_date=dt.date(1988, 2, 29))
    for k in (at(105), at(106), at(107)):
        members[k].update(join_date=_d(9, 1), birth_date=dt.date(2001, rng.randint(1, 12), rng.randint(1, 28)),
                          status=STATUS_ACTIVE, status_date=None, group=_GROUPS[k % len(_GROUPS)],
                          wage=float(rng.randrange(3800, 4500)))
    return members


def _due_months(member: dict[str, object]) -> range:
    join: dt.date = member["join_date"]  # type: ignore[assignment]
    start = join.month if join.year == DEMO_YEAR else 1
    end = 12
    if member["status"] != STATUS_ACTIVE:
        changed: dt.date = member["status_date"]  # type: ignore[assignment]
        end = 0 if changed.year < DEMO_YEAR else changed.month
    return range(start, end + 1)


def _pay_dues(members: list[dict[str, object]]) -> None:
    at = _scaled(len(members))
    ppm = rate_to_ppm(DUES_RATE)
    late = {12: (at(7), at(63)), 11: (at(63),)}  # two members have not paid the last month(s) yet
    for i, member in enumerate(members):
        if member["wage"] is None:
            continue
        fen = dues_fen(int(round(member["wage"] * 100)), ppm)  # type: ignore[operator]
        for month in _due_months(member):
            unpaid = any(i in who and month >= m for m, who in late.items())
            if not unpaid:
                member[MONTH_KEYS[month - 1]] = fen / 100


@dataclass
class _Ledger:
    """Collects journal rows and condolence rows, each expense under one voucher."""

    vouchers: _Vouchers = field(default_factory=_Vouchers)
    journal: list[dict[str, object]] = field(default_factory=list)
    visits: list[dict[str, object]] = field(default_factory=list)

    def book(self, date: dt.date, summary: str, direction: str, category: str, amount: float) -> str:
        voucher = self.vouchers.next(date.month)
        self.journal.append({"date": date, "voucher": voucher, "summary": summary, "direction": direction,
                             "category": category, "amount": round(amount, 2), "handler": CLERK})
        return voucher

    def condolences(self, date: dt.date, visited: list[dict[str, object]], kind: str, reason: str,
                    amount: float, form: str, category: str, summary: str) -> str:
        voucher = self.book(date, summary, EXPENSE, category, amount * len(visited)) if amount else ""
        for member in visited:
            self.visits.append({"date": date, "member_id": member["member_id"], "name": member["name"],
                                "visit_type": kind, "reason": reason, "amount": amount, "form": form,
                                "handler": CLERK, "voucher": voucher})
        return voucher


def _member_on(member: dict[str, object], day: dt.date) -> bool:
    if member["join_date"] > day:  # type: ignore[operator]
        return False
    return member["status"] == STATUS_ACTIVE or member["status_date"] >= day  # type: ignore[operator]


# (month, day, activity, category, owner, budget item, budget 元, actual 元 or None, participants, status)
_CALENDAR = (
    (1, 1, "庆元旦教职工迎新联欢", "文体活动", "工会主席", "文体活动", 3000, 2860, 104, "已完成"),
    (1, 20, "春节送温暖：慰问全体教职工", "节日慰问", "工会主席", "会员活动", None, None, None, "已完成"),
    (1, 22, "春节走访慰问70周岁以上退休教师", "送温暖", "工会主席", "送温暖费", None, None, None, "已完成"),
    (2, 17, "开学教职工座谈会", "民主管理", "工会副主席", "", 0, 0, 98, "已完成"),
    (3, 7, "三八妇女节“巧手插花”活动", "文体活动", "女工委员", "文体活动", 4000, 3650, 72, "已完成"),
    (4, 18, "教职工春季趣味运动会", "文体活动", "体育组", "文体活动", 6000, 5820, 101, "已完成"),
    (4, 28, "五一劳动节优秀教职工表彰", "评先表彰", "工会主席", "其他活动", 3000, 3000, 12, "已完成"),
    (5, 30, "端午节慰问教职工", "节日慰问", "工会主席", "会员活动", None, None, None, "已完成"),
    (6, 12, "第五届教代会第三次会议", "民主管理", "工会主席", "会议费", 3000, 2640, 86, "已完成"),
    (7, 8, "工会干部业务培训", "培训会议", "工会经审", "培训费", 2000, 1800, 9, "已完成"),
    (8, 18, "优秀教师暑期疗休养", "职工教育", "工会主席", "劳模职工疗休养", 12000, 11520, 6, "已完成"),
    (9, 10, "庆祝教师节座谈会暨表彰", "评先表彰", "工会主席", "其他活动", 5000, 4760, 106, "已完成"),
    (9, 28, "中秋节慰问教职工", "节日慰问", "工会主席", "会员活动", None, None, None, "已完成"),
    (9, 30, "迎国庆教职工合唱比赛", "文体活动", "艺体组", "文体活动", 5000, 4380, 96, "已完成"),
    (10, 29, "重阳节慰问退休教师", "送温暖", "工会主席", "送温暖费", None, None, None, "已完成"),
    (11, 8, "教职工健康体检", "健康体检", "工会主席", "职工服务支出", 22000, 21450, 103, "已完成"),
    (11, 20, "教职工读书分享会", "职工教育", "工会宣传委员", "职工教育", 1500, 1236.5, 45, "已完成"),
    (12, 12, "工会宣传栏与教工之家更新", "宣传活动", "工会宣传委员", "宣传活动", 2000, 1960, None, "已完成"),
    (12, 26, "年度工作总结、先进评比与账务上交", "评先表彰", "工会主席", "其他活动", 3000, None, None, "计划"),
    (12, 31, "迎新年教职工长跑", "文体活动", "体育组", "文体活动", 2000, None, None, "取消"),
)


def build_demo(seed: int = SEED, size: int = MEMBER_COUNT, union_name: str = "", mistakes: bool = True) -> Demo:
    """The demo school (defaults), or a synthetic one: another seed, size and name, optionally clean."""
    rng = random.Random(seed)
    at = _scaled(size)
    members = _members(rng, size)
    _pay_dues(members)
    ledger = _Ledger()
    calendar: list[dict[str, object]] = []

    # Income: 拨缴经费 each quarter (60% of 2% of payroll), an administrative grant, dues monthly.
    payroll = sum(m["wage"] or 0 for m in members if m["status"] == STATUS_ACTIVE)  # type: ignore[misc]
    for quarter, month in enumerate((3, 6, 9, 12), 1):
        ledger.book(_d(month, 15), f"第{quarter}季度拨缴经费（留成60%）", INCOME, "拨缴经费收入",
                    round(payroll * 3 * 0.02 * 0.6, 0))
    ledger.book(_d(3, 20), "学校行政补助工会活动经费", INCOME, "行政补助收入", 20000)
    for month, key in enumerate(MONTH_KEYS, 1):
        total = round(sum(m.get(key) or 0 for m in members), 2)  # type: ignore[misc]
        ledger.book(_d(month, 25), f"收{month}月会费", INCOME, DUES_INCOME_CATEGORY, total)

    staff = [m for m in members if m["group"] != RETIRED_GROUP]
    elders = [m for m in members if m["group"] == RETIRED_GROUP]
    festival = {1: (300, "春节"), 5: (150, "端午节"), 9: (200, "中秋节")}
    for (month, day, activity, category, owner, item, budget, actual, people, status) in _CALENDAR:
        date = _d(month, day)
        row = {"month": month, "date": date, "activity": activity, "category": category, "owner": owner,
               "budget_item": item, "budget": budget, "actual": actual, "participants": people, "status": status}
        if month in festival and category == "节日慰问":
            amount, name = festival[month]
            visited = [m for m in staff if _member_on(m, date)]
            ledger.condolences(date, visited, VISIT_FESTIVAL, f"{name}慰问", amount, "慰问品", item,
                               f"{name}慰问品（{len(visited)}人）")
            row.update(budget=round(amount * len(visited) * 1.1, -2), actual=amount * len(visited),
                       participants=len(visited))
        elif category == "送温暖":
            ages = [m for m in elders if date.year - m["birth_date"].year >= 70] if month == 1 else elders  # type: ignore[union-attr]
            amount = 500 if month == 1 else 300
            ledger.condolences(date, ages, VISIT_FESTIVAL, activity.split("：")[0], amount, "慰问品", item,
                               f"{activity}（{len(ages)}人）")
            row.update(budget=round(amount * len(ages) * 1.2, -2), actual=amount * len(ages), participants=len(ages))
        elif actual:
            ledger.book(date, activity, EXPENSE, item, actual)
        calendar.append(row)

    # Birthday greetings in each birth month (50 元 cake voucher, one voucher per month).
    for month in range(1, 13):
        date = _d(month, 5)
        born = [m for m in staff if m["birth_date"].month == month and _member_on(m, date)]  # type: ignore[union-attr]
        ledger.condolences(date, born, VISIT_BIRTHDAY, "生日蛋糕券", 50, "慰问品", "会员活动",
                           f"{month}月教职工生日慰问（{len(born)}人）")

    # The 五必访 visits and hardship support, one voucher each.
    single = (
        (_d(3, 14), 12, VISIT_ILL, "住院手术", 500, "慰问金", "会员活动"),
        (_d(5, 10), 40, VISIT_ILL, "住院治疗", 500, "慰问金", "会员活动"),
        (_d(10, 9), 66, VISIT_ILL, "骨折住院", 500, "慰问金", "会员活动"),
        (_d(4, 26), 23, VISIT_WEDDING, "本人结婚", 800, "慰问品", "会员活动"),
        (_d(10, 18), 57, VISIT_WEDDING, "本人结婚", 800, "慰问品", "会员活动"),
        (_d(6, 3), 35, VISIT_BIRTH, "生育子女", 500, "慰问品", "会员活动"),
        (_d(3, 31), 10, VISIT_RETIRE, "光荣退休纪念品", 500, "慰问品", "会员活动"),
        (_d(8, 29), 20, VISIT_RETIRE, "光荣退休纪念品", 500, "慰问品", "会员活动"),
        (_d(8, 14), 40, VISIT_OWN_DEATH, "因病去世", 2000, "慰问金", "会员活动"),
        (_d(11, 3), 77, VISIT_KIN_DEATH, "父亲去世", 800, "慰问金", "会员活动"),
        (_d(1, 15), 88, VISIT_HARDSHIP, "家庭困难（子女重病）", 2000, "慰问金", "困难职工帮扶费"),
        (_d(1, 15), 93, VISIT_HARDSHIP, "家庭困难（配偶失业）", 1500, "慰问金", "困难职工帮扶费"),
        (_d(7, 20), 99, VISIT_HARDSHIP, "突发重大疾病", 3000, "慰问金", "困难职工帮扶费"),
        (_d(11, 25), 16, VISIT_OTHER, "支教期间慰问", 300, "慰问品", "会员活动"),
    )
    for date, index, kind, reason, amount, form, item in single:
        member = members[at(index)]
        ledger.condolences(date, [member], kind, reason, amount, form, item, f"{member['name']}{reason}{kind}")
    ledger.visits.append({"date": _d(12, 2), "member_id": members[at(88)]["member_id"], "name": members[at(88)]["name"],
                          "visit_type": VISIT_HARDSHIP, "reason": "年末回访", "amount": 0, "form": "走访",
                          "handler": CLERK, "voucher": ""})

    ledger.journal.sort(key=lambda r: (r["date"], r["voucher"]))
    ledger.visits.sort(key=lambda r: (r["date"], r["member_id"]))
    demo = Demo(dict(SETTINGS), {
        CALENDAR.key: calendar, MEMBERS.key: members, VISITS.key: ledger.visits, JOURNAL.key: ledger.journal,
        "budget": _budget(ledger.journal),
    })
    if union_name:
        demo.settings["union_name"] = union_name
    if mistakes:
        _inject_mistakes(demo)
        _inject_rule_violations(demo)
    return demo


def _budget(journal: list[dict[str, object]]) -> list[dict[str, object]]:
    """Budget = this year's bookings rounded up, leaving unused categories blank."""
    totals: dict[str, float] = defaultdict(float)
    for row in journal:
        totals[row["category"]] += row["amount"]  # type: ignore[index,operator]
    rows = []
    for c in BUDGET_TREE:
        total = totals.get(c.level2, 0)
        factor = 0.98 if c.direction == INCOME else 1.08
        rows.append({"code": c.code, "direction": c.direction, "level1": c.level1, "level2": c.level2,
                     "budget": round(total * factor, -2) if total else None})
    return rows


def _index(rows: list[dict[str, object]], **match: object) -> int:
    return next(i for i, r in enumerate(rows) if all(r.get(k) == v for k, v in match.items()))


def _inject_mistakes(demo: Demo) -> None:
    """The documented mistakes; each records the rule and the exact cell it must raise."""
    members, visits = demo.rows[MEMBERS.key], demo.rows[VISITS.key]
    journal, calendar = demo.rows[JOURNAL.key], demo.rows[CALENDAR.key]
    add = demo.mistakes.append
    at = _scaled(len(members))

    # 1. A teacher who joined in December was given an id already in use.
    newcomer = dict(members[at(105)], member_id=members[-1]["member_id"], name="欧阳雨萱", join_date=_d(12, 1),
                    birth_date=dt.date(2000, 6, 18), **{k: None for k in MONTH_KEYS})
    newcomer["m12"] = dues_fen(int(round(newcomer["wage"] * 100)), rate_to_ppm(DUES_RATE)) / 100  # type: ignore[operator]
    members.append(newcomer)
    december = _index(journal, summary="收12月会费")
    journal[december]["amount"] = round(journal[december]["amount"] + newcomer["m12"], 2)  # type: ignore[operator]
    add(Mistake("member-duplicate-id", "error", demo.cell("members", "member_id", len(members) - 1),
                f"12月新入会的 {newcomer['name']} 用了已有的会员编号 {newcomer['member_id']}"))

    # 2. The transferred member still has July dues (and the journal's July dues include it).
    moved = members[at(30)]
    moved["m7"] = moved["m6"]
    july = _index(journal, summary="收7月会费")
    journal[july]["amount"] = round(journal[july]["amount"] + moved["m6"], 2)  # type: ignore[operator]
    add(Mistake("member-left-dues", "error", demo.cell("members", "m7", at(30)),
                f"{moved['name']} 6月30日已调离，7月仍记了会费"))

    # 3. A visit after the transfer, booked and paid as usual.
    date = _d(9, 16)
    voucher = f"记-{DEMO_YEAR}09-101"
    journal.append({"date": date, "voucher": voucher, "summary": f"{moved['name']}住院慰问", "direction": EXPENSE,
                    "category": "会员活动", "amount": 500.0, "handler": CLERK})
    visits.append({"date": date, "member_id": moved["member_id"], "name": moved["name"], "visit_type": VISIT_ILL,
                   "reason": "住院治疗", "amount": 500.0, "form": "慰问金", "handler": CLERK, "voucher": voucher})
    add(Mistake("member-left-visit", "error", demo.cell("visits", "date", len(visits) - 1),
                f"{moved['name']} 已调离，9月仍登记了生病住院慰问"))

    # 4. A name typed differently from the ledger.
    i = _index(visits, visit_type=VISIT_WEDDING)
    visits[i]["name"] = visits[i]["name"][0] + "小" + visits[i]["name"][-1]  # type: ignore[index]
    add(Mistake("member-name-mismatch", "error", demo.cell("visits", "name", i),
                f"结婚慰问的姓名写成了“{visits[i]['name']}”，与会员台账不一致"))

    # 5. A second birthday greeting for the same member in the same month.
    j = _index(visits, visit_type=VISIT_BIRTHDAY, date=_d(4, 5))
    twice = dict(visits[j], date=_d(4, 20), reason="生日蛋糕券（补发）")
    visits.append(twice)
    k = _index(journal, summary=next(r["summary"] for r in journal if r["voucher"] == twice["voucher"]))
    journal[k]["amount"] = round(journal[k]["amount"] + 50, 2)  # type: ignore[operator]
    add(Mistake("birthday-duplicate", "error", demo.cell("visits", "visit_type", len(visits) - 1),
                f"{twice['name']} 4月领了两次生日慰问"))

    # 6. A hospital visit of 800 元 that the journal booked as 500 元.
    h = _index(visits, visit_type=VISIT_ILL, reason="骨折住院")
    visits[h]["amount"] = 800.0
    add(Mistake("voucher-amount-mismatch", "error", demo.cell("visits", "amount", h),
                "骨折住院慰问登记 800 元，收支明细同一凭证记 500 元"))

    # 7. One month's dues income typed 10 元 short in the journal.
    may = _index(journal, summary="收5月会费")
    journal[may]["amount"] = round(journal[may]["amount"] - 10, 2)  # type: ignore[operator]
    dues_row = next(i for i, c in enumerate(BUDGET_TREE) if c.level2 == DUES_INCOME_CATEGORY)
    add(Mistake("dues-journal-mismatch", "error", demo.cell("budget", "actual", dues_row),
                "5月会费收入在收支明细中少记了 10 元，全年会费与会员台账不符"))

    # 8. An amount with three decimals.
    r = _index(journal, summary="教职工读书分享会")
    journal[r]["amount"] = 1236.505
    add(Mistake("money-precision", "error", demo.cell("journal", "amount", r), "读书分享会支出写成了 1236.505 元"))

    # 9. A date typed with the wrong year.
    r = _index(journal, summary="工会干部业务培训")
    journal[r]["date"] = dt.date(2024, 7, 8)
    add(Mistake("date-out-of-year", "error", demo.cell("journal", "date", r), "工会干部培训的记账日期误写为 2024 年"))

    # 10. A status that is not in the dropdown.
    r = _index(calendar, activity="教职工健康体检")
    calendar[r]["status"] = "完成"
    add(Mistake("choice-invalid", "error", demo.cell("calendar", "status", r), "体检活动的状态写成“完成”，不在下拉列表中"))

    # 11. A head count typed as text.
    r = _index(calendar, activity="三八妇女节“巧手插花”活动")
    calendar[r]["participants"] = "约70人"
    add(Mistake("type-int", "error", demo.cell("calendar", "participants", r), "参与人数写成了文字“约70人”"))

    # Warnings: a date typed as text, an overwritten formula.
    r = _index(calendar, activity="五一劳动节优秀教职工表彰")
    calendar[r]["date"] = "2025年4月28日"
    add(Mistake("date-as-text", "warning", demo.cell("calendar", "date", r), "计划日期写成了文字“2025年4月28日”（可读取，建议改为日期）"))
    members[3]["arrears"] = 0
    add(Mistake("formula-overwritten", "warning", demo.cell("members", "arrears", 3), f"{members[3]['name']} 的“欠缴”公式被改成了 0"))


def _inject_rule_violations(demo: Demo) -> None:
    """Spending that breaks the fund rules of the demo's province (湖北) and the national pack."""
    journal, visits, budget = demo.rows[JOURNAL.key], demo.rows[VISITS.key], demo.rows[BUDGET.key]
    add = demo.violations.append
    i = _index(visits, visit_type=VISIT_OWN_DEATH)
    add(Mistake("cap-own-death", "fail", demo.cell("visits", "amount", i),
                "本人去世慰问 2000 元，超过湖北标准 1000 元"))
    r = _index(journal, summary="三八妇女节“巧手插花”活动")
    journal[r]["note"] = "另发放超市购物卡"
    add(Mistake("banned-cards", "fail", demo.cell("journal", "note", r), "三八节活动备注中发放超市购物卡"))
    r = _index(visits, reason="重阳节慰问退休教师")
    visits[r]["form"] = "慰问金"
    add(Mistake("holiday-no-cash", "fail", demo.cell("visits", "form", r), "重阳节慰问有一位退休教师发的是现金"))
    staff = next(m for m in demo.rows[MEMBERS.key] if m["status"] == STATUS_ACTIVE and m["group"] != RETIRED_GROUP)
    date, voucher = _d(7, 18), f"记-{DEMO_YEAR}07-101"
    journal.append({"date": date, "voucher": voucher, "summary": f"{staff['name']}暑期慰问品", "direction": EXPENSE,
                    "category": "会员活动", "amount": 200.0, "handler": CLERK})
    visits.append({"date": date, "member_id": staff["member_id"], "name": staff["name"], "visit_type": VISIT_FESTIVAL,
                   "reason": "暑期慰问", "amount": 200.0, "form": "慰问品", "handler": CLERK, "voucher": voucher})
    add(Mistake("holiday-window", "warn", demo.cell("visits", "date", len(visits) - 1),
                "7月18日的“暑期慰问”登记为节日慰问，前后 30 天内没有法定节日"))
    b = _index(budget, level2="文体活动")
    budget[b]["budget"] = 12000.0
    add(Mistake("over-budget", "fail", demo.cell("budget", "actual", b), "文体活动预算 12000 元，实际超支 39%"))
    b = _index(budget, level2="会议费")
    budget[b]["budget"] = 2600.0
    add(Mistake("over-budget", "warn", demo.cell("budget", "actual", b), "会议费略超预算（在 10% 幅度内）"))
    add(Mistake("holiday-share", "warn", balance_cell("income", "actual"),
                "节日慰问支出超过全年收入的 30%（该标准出处省份不明，待核实）"))
    add(Mistake("holiday-share", "warn", balance_cell("income", "budget"),
                "预算也是如此：活动日历中“节日慰问”类活动的预算超过预算收入的 30%"))
    r = _index(journal, summary="优秀教师暑期疗休养")
    add(Mistake("fund-recuperation", "warn", demo.cell("journal", "amount", r),
                "疗休养全部由工会经费支出；2025 年起全总规定由单位职工福利费承担，工会经费只可适当补助"))


def guide_lines(demo: Demo) -> list[str]:
    """The deliberate mistakes for the 使用说明 sheet, each named by its rule's Chinese title (never its id)."""
    from unionxl.core.rules import resolve

    fund_titles = {r.id: r.title for r in resolve(str(demo.settings["province"]), DEMO_YEAR).rules}
    lines = ["", "【演示数据中故意设置的错误】（unionxl validate 应逐条报告）"]
    level = {"error": "错误", "warning": "警告"}
    lines += [f"{i}. [{level[m.severity]}] {m.cell}：{m.what}（规则：{rule_title(m.rule)}）" for i, m in enumerate(demo.mistakes, 1)]
    lines += ["", "【演示数据中故意设置的违反经费标准之处】（unionxl check-budget 应逐条报告）"]
    status = {"fail": "不通过", "warn": "提示"}
    lines += [f"{i}. [{status[m.severity]}] {m.cell}：{m.what}（规则：{fund_titles[m.rule]}）"
              for i, m in enumerate(demo.violations, 1)]
    return lines


def write_demo(path: str | Path) -> Demo:
    demo = build_demo()
    write_master(path, demo.settings, demo.rows, guide_extra=guide_lines(demo))
    return demo
