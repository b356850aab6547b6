"""The year-end package (unionxl package): every figure of 决算表, 经审审查报告 and 慰问签收表 against plain
sums over the demo generator's own rows (never through the reader or the core), the manifest's
hashes, the ownership rule, and no rule id in anything printed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document as open_docx
from typer.testing import CliRunner

import unionxl
from unionxl.cli import app
from unionxl.contract.money import upper_amount
from unionxl.contract.schema import BUDGET_TREE
from unionxl.master.demo import DEMO_YEAR, Demo, build_demo
from unionxl.master.schools import write_schools
from unionxl.master.template import write_master

runner = CliRunner()
RULE_ID = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")
DATE = "2026-01-15"
FILES = ("决算表.xlsx", "经审审查报告.docx", "慰问签收表.xlsx", "年度汇总.xlsx", "预算审核.xlsx", "校验结果.xlsx")

#: the line list of the research (docs/year-end-package.md §1.2, /work/research/juesuan.md), in order
RESEARCH_LINES = (
    "一、本年收入合计", "会费收入", "拨缴经费收入", "上级工会补助收入", "政府补助收入", "行政补助收入", "附属单位上缴收入",
    "事业收入", "投资收益", "其他收入", "二、本年支出合计", "职工活动支出", "职工教育支出", "文体活动支出", "宣传活动支出",
    "劳模职工疗休养支出", "会员活动支出", "其他活动支出", "职工活动组织支出", "职工服务支出", "维权支出", "劳动关系协调费",
    "劳动保护费", "法律援助费", "困难职工帮扶费", "送温暖费", "其他维权支出", "业务支出", "培训费", "会议费", "专项业务费",
    "其他业务支出", "行政支出", "资本性支出", "房屋建筑物购建", "办公设备购置", "专用设备购置", "交通工具购置", "大型修缮",
    "信息网络购建", "其他资本性支出", "补助下级支出", "对附属单位的支出", "事业支出", "其他支出", "三、上年结转结余",
    "四、年末结转结余",
)
#: the lines a base union leaves blank (jzzgh.com notice), 投资收益 only in 辽宁
BLANK_LINES = ("政府补助收入", "附属单位上缴收入", "职工活动组织支出", "行政支出", "补助下级支出", "对附属单位的支出",
               "房屋建筑物购建", "交通工具购置", "大型修缮")


def fen(value: object) -> int:
    """元 as the cell holds it, rounded half up to the fen (1236.505 → 123651)."""
    if not isinstance(value, (int, float)):
        return 0
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def yuan(fen_: int) -> str:
    sign = "-" if fen_ < 0 else ""
    whole, cents = divmod(abs(fen_), 100)
    return f"{sign}{whole:,}.{cents:02d}元"


def line_of(level1: str, level2: str) -> str:
    """The 决算 line a budget category goes on, said plainly (the research's table)."""
    if level1 == "职工活动支出":
        return level2 + "支出"
    if level1 == "资本性支出":
        return "其他资本性支出"
    return level2


@pytest.fixture(scope="module")
def package(demo_book: tuple[Path, Demo], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Demo, Path]:
    out = tmp_path_factory.mktemp("package") / "上报材料"
    result = runner.invoke(app, ["package", str(demo_book[0]), "--out", str(out), "--date", DATE])
    assert result.exit_code == 1, result.output  # the demo has validation errors and failing fund rules
    assert "上报材料已写入" in result.output
    return out, demo_book[1], demo_book[0]


def _expected(demo: Demo) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Budget and actual per 决算 line, and the two totals, from the generator's rows."""
    budget: dict[str, int] = defaultdict(int)
    actual: dict[str, int] = defaultdict(int)
    tree = {(c.level2, c.direction): c for c in BUDGET_TREE}
    for row in demo.rows["budget"]:
        budget[line_of(row["level1"], row["level2"])] += fen(row["budget"])
    for row in demo.rows["journal"]:
        c = tree[(row["category"], row["direction"])]
        actual[line_of(c.level1, c.level2)] += fen(row["amount"])
    groups: dict[str, list[str]] = defaultdict(list)
    for c in BUDGET_TREE:
        if c.level1 != c.level2 and line_of(c.level1, c.level2) not in groups[c.level1]:
            groups[c.level1].append(line_of(c.level1, c.level2))
    for level1, lines in groups.items():
        budget[level1] = sum(budget[x] for x in lines)
        actual[level1] = sum(actual[x] for x in lines)
    sums = {}
    for direction in ("收入", "支出"):
        sums[direction] = sum(fen(r["amount"]) for r in demo.rows["journal"] if r["direction"] == direction)
        sums["预算" + direction] = sum(fen(r["budget"]) for r in demo.rows["budget"] if r["direction"] == direction)
    return budget, actual, sums


def _table(ws, header: str) -> list[list[object]]:
    """The body rows of the table whose header row starts with *header* (up to the first row with an empty
    first or second cell: a note under the table is one merged cell)."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == header) + 1
    body = []
    for r in rows[start:]:
        if r[0] in (None, "") or r[1] is None:
            break
        body.append(r)
    return body


def _money(value: object) -> int | None:
    return None if value is None else fen(value)


def test_total_table_has_the_researched_lines_and_the_generators_figures(package) -> None:
    out, demo, _ = package
    ws = openpyxl.load_workbook(out / "决算表.xlsx", data_only=True)["收入支出决算总表"]
    body = _table(ws, "项目")
    labels = [str(r[0]).strip("　") for r in body]
    assert labels == list(RESEARCH_LINES)
    assert [r[1] for r in body] == list(range(1, len(RESEARCH_LINES) + 1))
    budget, actual, sums = _expected(demo)
    opening = fen(demo.settings["opening_balance"])
    for label, no, plan, real, diff, note in body:
        label = label.strip("　")
        if label in BLANK_LINES:
            assert (plan, real, diff) == (None, None, None) and "基层工会不填" in note, label
        elif label in ("办公设备购置", "专用设备购置", "信息网络购建"):
            assert (plan, real) == (None, None) and "其他资本性支出" in note
        elif label == "一、本年收入合计":
            assert (_money(plan), _money(real)) == (sums["预算收入"], sums["收入"]) == (15_560_000, 15_884_075)
        elif label == "二、本年支出合计":
            assert (_money(plan), _money(real)) == (sums["预算支出"], sums["支出"])
        elif label == "三、上年结转结余":
            assert _money(real) == opening == 3_865_000
        elif label == "四、年末结转结余":
            assert _money(real) == opening + sums["收入"] - sums["支出"]
            assert _money(plan) == opening + sums["预算收入"] - sums["预算支出"]
        else:
            assert (_money(plan), _money(real)) == (budget[label], actual[label]), label
            assert _money(diff) == budget[label] - actual[label], label
    assert _money(next(r for r in body if str(r[0]).strip("　") == "文体活动支出")[3]) == 1_671_000
    assert any("待核实" in str(r[5] or "") for r in body if str(r[0]).strip("　") == "行政补助收入")
    notes = " ".join(str(c) for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str))
    assert "行次为本表自编" in notes and "未能与决算软件核对" in notes and "锦州市总工会" in notes


def test_detail_table_agrees_with_the_total_table(package) -> None:
    out, demo, _ = package
    wb = openpyxl.load_workbook(out / "决算表.xlsx", data_only=True)
    total = {str(r[0]).strip("　"): r[3] for r in _table(wb["收入支出决算总表"], "项目")}
    body = _table(wb["支出明细决算表"], "项目（经济分类见右）")
    labels = [str(r[0]).strip("　") for r in body]
    assert labels == list(RESEARCH_LINES[RESEARCH_LINES.index("二、本年支出合计"):RESEARCH_LINES.index("三、上年结转结余")])
    basic_categories = ("其他业务支出", "其他支出")
    basic = sum(fen(r["amount"]) for r in demo.rows["journal"] if r["category"] in basic_categories
                and r["direction"] == "支出")
    for label, no, all_, base, project, col43, note in body:
        label = label.strip("　")
        assert _money(all_) == _money(total[label]) == _money(col43), label
        if all_ is not None:
            assert _money(base) + _money(project) == _money(all_)
    row = next(r for r in body if str(r[0]).strip("　") == "二、本年支出合计")
    assert _money(row[3]) == basic
    checks = _table(wb["支出明细决算表"], "核对项目")
    assert [(r[0], r[1]) for r in checks] == [("总表支出各行与本表相符", "相符"), ("收支明细全部归入决算行", "是")]


def test_the_check_findings_point_at_the_cells_that_hold_the_lines(tmp_path: Path) -> None:
    demo = build_demo(seed=5, size=40, union_name="核对测试学校工会", mistakes=False)
    demo.settings["province"] = "辽宁"
    day = demo.rows["journal"][0]["date"]
    demo.rows["journal"] += [
        {"date": day, "voucher": "记-X1", "summary": "错记科目", "direction": "支出", "category": "不存在的科目",
         "amount": 123.45, "handler": "王丽"},
        {"date": day, "voucher": "记-X2", "summary": "存款利息", "direction": "收入", "category": "投资收益",
         "amount": 10.0, "handler": "王丽"},
    ]
    book = tmp_path / "m.xlsx"
    write_master(book, demo.settings, demo.rows)
    out = tmp_path / "pk"
    result = runner.invoke(app, ["package", str(book), "--out", str(out), "--date", DATE])
    assert result.exit_code == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found = {(f["rule"], f["cell"]) for f in manifest["accounts_checks"]}
    last = len(demo.rows["journal"]) + 1  # the Excel row of the 投资收益 row; the wrong 科目 is above it
    assert found == {("juesuan-unplaced", "收入支出决算总表!D6"),  # 一、本年收入合计 is line 1: row 5 + 1
                     ("juesuan-unplaced", "收入支出决算总表!D16"),  # 二、本年支出合计 is line 11
                     ("juesuan-negative-balance", "收入支出决算总表!D52"),  # 四、年末结转结余, line 47
                     ("juesuan-blank-line", f"收支明细!E{last}")}
    ws = openpyxl.load_workbook(out / "决算表.xlsx", data_only=True)["收入支出决算总表"]
    assert ws["A16"].value == "二、本年支出合计"
    expense = sum(fen(r["amount"]) for r in demo.rows["journal"] if r["direction"] == "支出")
    assert fen(ws["D16"].value) == expense - 12_345
    investment = next(r for r in _table(ws, "项目") if str(r[0]).strip("　") == "投资收益")
    assert list(investment[2:5]) == [None, None, None] and "基层工会不填" in investment[5]
    income, spent = (f for f in manifest["accounts_checks"] if f["rule"] == "juesuan-unplaced")
    assert "相差 123.45 元" in spent["message"] and spent["message"].endswith(f"（收支明细!E{last - 1}）")
    assert "相差 10.00 元" in income["message"] and income["message"].endswith(f"（收支明细!E{last}）")
    closing = opening_plus = fen(demo.settings["opening_balance"]) + sum(
        fen(r["amount"]) * (1 if r["direction"] == "收入" else -1) for r in demo.rows["journal"])
    assert fen(ws["D52"].value) == closing == opening_plus


def test_tables_mismatch_is_a_finding_at_both_cells(demo_book) -> None:
    from unionxl.core.juesuan import checks, final_accounts
    from unionxl.core.totals import balances
    from unionxl.reading.reader import load_book

    book = load_book(demo_book[0])
    accounts = final_accounts(book)
    assert accounts.findings == []
    line = next(x for x in accounts.lines if x.label == "会议费")
    line.project += 100  # the 明细表 row no longer equals the 总表 line
    [finding] = checks(accounts, balances(book), [], book)
    assert (finding.rule, finding.severity, finding.cell) == ("juesuan-tables-mismatch", "error", "收入支出决算总表!D35")
    assert "支出明细决算表!C25" in finding.message and "2,640.00" in finding.message and "2,641.00" in finding.message


def _docx_texts(path: Path) -> list[str]:
    doc = open_docx(str(path))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def test_review_report_figures(package) -> None:
    from tests.test_summary import _due

    out, demo, _ = package
    texts = _docx_texts(out / "经审审查报告.docx")
    text = "\n".join(texts)
    assert texts[0] == f"演示市实验小学工会委员会经费审查委员会关于{DEMO_YEAR}年度工会经费收支决算的审查报告"
    members = demo.rows["members"]
    status = Counter(m["status"] for m in members)
    assert f"本工会现有会员{len(members)}人，其中在职{status['在职']}人、退休{status['退休']}人" in text
    journal = demo.rows["journal"]
    assert f"收支明细共{len({r['voucher'] for r in journal})}张凭证" in text
    budget, actual, sums = _expected(demo)
    income, expense = sums["收入"], sums["支出"]
    assert f"经费收入合计{yuan(income)}" in text and f"经费支出合计{yuan(expense)}" in text
    for category in ("会费收入", "拨缴经费收入", "行政补助收入"):
        assert f"{category}{yuan(actual[category])}，占总收入的{actual[category] / income:.1%}" in text
    for level1 in ("职工活动支出", "职工服务支出", "维权支出", "业务支出"):
        assert f"{level1}{yuan(actual[level1])}，占总支出的{actual[level1] / expense:.1%}" in text
    paid = sum(fen(m.get(f"m{k}")) for m in members for k in range(1, 13))
    expected = sum(int(m["wage"] // 10 * 10 * 100) // 200 * len(_due(m)) for m in members if m.get("wage"))
    assert f"会员会费应收{yuan(expected)}，实收{yuan(paid)}，收缴率{paid / expected:.1%}" in text
    visits = [v for v in demo.rows["visits"] if v["date"].year == DEMO_YEAR]
    assert f"慰问会员{len(visits)}人次，慰问金额{yuan(sum(fen(v['amount']) for v in visits))}" in text
    assert (f"收入预算{yuan(sums['预算收入'])}，实际收入{yuan(income)}，完成{income / sums['预算收入']:.1%}；"
            f"支出预算{yuan(sums['预算支出'])}，实际支出{yuan(expense)}，执行{expense / sums['预算支出']:.1%}") in text
    assert f"文体活动支出预算{yuan(budget['文体活动支出'])}、实际{yuan(actual['文体活动支出'])}" in text
    opening = fen(demo.settings["opening_balance"])
    assert (f"上年结余{yuan(opening)}，本年收支差额{yuan(income - expense)}（本年支出大于收入），"
            f"年末结余{yuan(opening + income - expense)}") in text
    doc = open_docx(str(out / "经审审查报告.docx"))
    [table] = doc.tables
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["职工活动支出"][2:5] == [yuan(budget["职工活动支出"])[:-1], yuan(actual["职工活动支出"])[:-1],
                                      yuan(budget["职工活动支出"] - actual["职工活动支出"])[:-1]]
    assert set(rows) == {k for k in ("会费收入", "拨缴经费收入", "行政补助收入", "职工活动支出", "职工服务支出", "维权支出",
                                      "业务支出") if budget[k] or actual[k]}
    # the fund rules and the validation, named by their titles, with their cells
    from unionxl.core.rules import resolve

    errors = sum(m.severity == "error" for m in demo.mistakes)
    assert "不符合4项" in text and f"{errors}个错误、" in text
    titles = {r.id: r.title for r in resolve(str(demo.settings["province"]), DEMO_YEAR).rules}
    worst = {}
    for v in demo.violations:  # a rule is as bad as its worst row
        worst[v.rule] = "fail" if "fail" in (v.severity, worst.get(v.rule)) else v.severity
    for rule, severity in worst.items():
        assert f"{titles[rule]}（{'不符合规定' if severity == 'fail' else '需核实'}，" in text, rule
    assert "姓名与会员台账不符（不符合规定，1处）" in text
    # the signature block: 经审负责人 from 设置, the date
    assert "演示市实验小学工会委员会经费审查委员会（盖章）" in texts
    assert any(t.startswith(f"主任（签字）：{demo.settings['auditor']}") for t in texts)
    assert "2026年1月15日" in texts


def _receipt_blocks(path: Path) -> list[tuple[object, list[list[object]], str]]:
    wb = openpyxl.load_workbook(path, data_only=True)
    out = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(rows) if r[0] == "序号") + 1
        end = next(i for i, r in enumerate(rows) if r[0] == "合计")
        total_line = next(r[0] for r in rows[end + 1:] if isinstance(r[0], str) and r[0].startswith("合计："))
        out.append((ws, rows[start:end], rows[end][5], total_line))
    return out


def test_receipt_lists_have_one_row_per_visit_and_their_totals_in_figures_and_words(package) -> None:
    out, demo, _ = package
    blocks = _receipt_blocks(out / "慰问签收表.xlsx")
    groups = {m["member_id"]: m["group"] for m in demo.rows["members"]}
    expected = Counter((v["name"], groups.get(v["member_id"]), v["visit_type"], v["reason"], fen(v["amount"]))
                       for v in demo.rows["visits"])
    seen = Counter((r[1], r[2], r[3], r[4], fen(r[5])) for _, body, _, _ in blocks for r in body)
    assert seen == expected and sum(seen.values()) == len(demo.rows["visits"])
    distributions = defaultdict(list)
    for v in demo.rows["visits"]:
        distributions[(v["date"], v["visit_type"])].append(fen(v["amount"]))
    assert len(blocks) == len(distributions)
    totals = sorted(sum(v) for v in distributions.values())
    assert sorted(fen(total) for _, _, total, _ in blocks) == totals
    for ws, body, total, line in blocks:
        assert [r[0] for r in body] == list(range(1, len(body) + 1))
        assert fen(total) == sum(fen(r[5]) for r in body)
        assert line == f"合计：{len(body)} 人    小写：¥{yuan(fen(total))[:-1]}    大写：{upper_amount(fen(total))}"
        assert ws.print_title_rows == "$1:$5"  # title, two distribution lines, blank, header on every page
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation in (None, "portrait")
    spring = next((body, line) for ws, body, _, line in blocks if body[0][4] == "春节慰问")
    assert len(spring[0]) == 105 and spring[1].endswith("大写：人民币叁万壹仟伍佰元整")  # 105 × 300 元
    sheet, death, _, _ = next(b for b in blocks if b[1][0][3] == "本人去世")
    assert death[0][6] == "代领人签收（注明关系）"
    text = " ".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r if c)
    assert "经办人：王丽" in text and "审核人：" in text and "工会主席（审批）：张建国" in text


def test_manifest_lists_every_file_with_its_hash(package) -> None:
    out, demo, master = package
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["unionxl_version"] == unionxl.__version__
    assert manifest["input"] == {"name": master.name, "sha256": hashlib.sha256(master.read_bytes()).hexdigest(),
                                 "read_from": "file"}
    assert [f["name"] for f in manifest["files"]] == list(FILES)
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    on_disk = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(FILES) | {"manifest.json"}
    assert manifest["date"] == DATE and manifest["year"] == DEMO_YEAR
    assert manifest["validation"]["error"] == sum(m.severity == "error" for m in demo.mistakes)
    assert manifest["audit"]["fail"] == len({m.rule for m in demo.violations if m.severity == "fail"})


def _sheet_texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_bad_data_stamps_the_final_accounts_and_the_review_and_clean_data_does_not(package, tmp_path: Path) -> None:
    """As on 预算审核: a book with validation errors never yields a 决算表 or 审查报告 that reads as clean."""
    out, demo, _ = package
    errors = sum(m.severity == "error" for m in demo.mistakes)
    stamp = f"工作簿校验有 {errors} 个错误，本表不得作为审核依据"
    wb = openpyxl.load_workbook(out / "决算表.xlsx")
    for ws in wb.worksheets:
        assert stamp in [c.value for row in ws.iter_rows() for c in row], ws.title
    assert stamp in _docx_texts(out / "经审审查报告.docx")

    [school] = write_schools(tmp_path / "s", 1, seed=5)
    clean = tmp_path / "clean"
    result = runner.invoke(app, ["package", str(school), "--out", str(clean), "--date", DATE])
    assert result.exit_code == 1 and "校验：0 个错误" in result.output  # a fund rule fails; the data are valid
    texts = _sheet_texts(clean / "决算表.xlsx") + _docx_texts(clean / "经审审查报告.docx")
    assert not [t for t in texts if "不得作为审核依据" in t]


def test_the_same_book_packaged_again_gives_the_same_bytes(package, tmp_path: Path) -> None:
    """A second run (a later clock) writes byte-identical files, so manifest.json's hashes can be
    compared between the copy a school keeps and the one it sent."""
    out, _, master = package
    again = tmp_path / "again"
    assert runner.invoke(app, ["package", str(master), "--out", str(again), "--date", DATE]).exit_code == 1
    for name in FILES + ("manifest.json",):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_no_rule_id_reaches_the_documents(package) -> None:
    out, _, _ = package
    texts: list[str] = []
    for name in ("决算表.xlsx", "慰问签收表.xlsx"):
        for ws in openpyxl.load_workbook(out / name).worksheets:
            texts += [str(c) for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    texts += _docx_texts(out / "经审审查报告.docx")
    assert len(texts) > 500
    assert [t for t in texts if RULE_ID.match(t.strip())] == []
    assert not [t for t in texts if re.search(r"\b[a-z]+(-[a-z0-9]+)+\b", t)]


def test_package_refuses_a_file_it_did_not_write_and_force_replaces_it(demo_book, tmp_path: Path) -> None:
    master = demo_book[0]
    out = tmp_path / "pk"
    out.mkdir()
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "财务科自己做的决算表"
    foreign.save(out / "决算表.xlsx")
    before = (out / "决算表.xlsx").read_bytes()
    result = runner.invoke(app, ["package", str(master), "--out", str(out), "--date", DATE])
    assert result.exit_code == 2
    assert "决算表.xlsx" in result.output and "不是 unionxl 生成的" in result.output and "--force" in result.output
    assert (out / "决算表.xlsx").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["决算表.xlsx"]  # nothing else written
    assert runner.invoke(app, ["package", str(master), "--out", str(out), "--date", DATE, "--force"]).exit_code == 1
    assert (out / "决算表.xlsx").read_bytes() != before
    # its own files, unedited, are refreshed; an edited Word file is refused
    assert runner.invoke(app, ["package", str(master), "--out", str(out), "--date", DATE]).exit_code == 1
    with (out / "经审审查报告.docx").open("ab") as fh:
        fh.write(b"\0")
    result = runner.invoke(app, ["package", str(master), "--out", str(out), "--date", DATE])
    assert result.exit_code == 2 and "经审审查报告.docx" in result.output and "被修改过" in result.output


def test_package_never_writes_into_the_input(demo_book, tmp_path: Path) -> None:
    master = tmp_path / "决算表.xlsx"
    shutil.copyfile(demo_book[0], master)
    before = master.read_bytes()
    result = runner.invoke(app, ["package", str(master), "--out", str(tmp_path), "--force"])
    assert result.exit_code == 2 and "就是输入的文件" in result.output
    assert master.read_bytes() == before


def test_help_is_chinese() -> None:
    result = runner.invoke(app, ["package", "--help"])
    assert result.exit_code == 0
    assert "生成年终上报材料" in result.output and "--out" in result.output and "--pdf" in result.output
    assert "Show this message" not in result.output and "Options" not in result.output


@pytest.mark.usefixtures("soffice")
def test_pdfs_of_every_document_embed_cjk_fonts(demo_book, tmp_path: Path) -> None:
    out = tmp_path / "pk"
    result = runner.invoke(app, ["package", str(demo_book[0]), "--out", str(out), "--date", DATE, "--pdf"])
    assert result.exit_code == 1, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pdfs = [f["name"] for f in manifest["files"] if f["name"].endswith(".pdf")]
    assert pdfs == [Path(n).with_suffix(".pdf").name for n in FILES]
    for name in pdfs:
        fonts = subprocess.run(["pdffonts", str(out / name)], capture_output=True, text=True, check=True).stdout
        cjk = [line for line in fonts.splitlines() if "CJK" in line]
        assert cjk and all(line.split()[-5] == "yes" for line in cjk), (name, fonts)  # the emb column
    # without --pdf again: unionxl's own PDFs of the last run go, so no stale PDF is handed upward
    result = runner.invoke(app, ["package", str(demo_book[0]), "--out", str(out), "--date", DATE])
    assert not list(out.glob("*.pdf")) and "已删除上次生成的" in result.output


@pytest.mark.xlwings_key
def test_the_button_writes_the_package_beside_the_book_and_never_touches_it(demo_book, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    xw = pytest.importorskip("xlwings")
    if os.environ.get("UNIONXL_SKIP_XLWINGS") == "1":
        pytest.skip("UNIONXL_SKIP_XLWINGS=1: JSON-book tests switched off")
    assert xw.__pro__, "xlwings' JSON-book engine is locked: XLWINGS_LICENSE_KEY was not set before xlwings was imported"
    from tests.test_xl import run
    monkeypatch.chdir(tmp_path)
    master = tmp_path / "master.xlsx"  # the JSON book's name: what Excel would have saved
    shutil.copyfile(demo_book[0], master)
    before = master.read_bytes()
    actions, _ = run("package_book", master)
    assert [a["func"] for a in actions] == ["alert"]  # no sheet of the book is written
    message = actions[0]["args"][0]
    assert message.startswith("上报材料已写入文件夹：") and "master-上报材料" in message and "个错误" in message
    folder = tmp_path / "master-上报材料"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in manifest["files"]] == list(FILES)
    assert manifest["input"] == {"name": "master.xlsx", "sha256": hashlib.sha256(before).hexdigest(),
                                 "read_from": "excel"}
    assert master.read_bytes() == before
    # a 签收表 someone has signed and saved is never replaced by the button
    wb = openpyxl.load_workbook(folder / "慰问签收表.xlsx")
    wb.worksheets[0]["G6"] = "已签"
    wb.save(folder / "慰问签收表.xlsx")
    signed = (folder / "慰问签收表.xlsx").read_bytes()
    actions, _ = run("package_book", master)
    message = actions[0]["args"][0]
    assert message.startswith("无法处理：") and "慰问签收表.xlsx" in message and "再点“上报材料”" in message
    assert "--force" not in message and (folder / "慰问签收表.xlsx").read_bytes() == signed
