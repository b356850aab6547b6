"""Fund-rule packs and checker kinds: loading, merging, each kind passing and failing."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fill import fill
from tests.test_validation import make
from unionxl.cli import app
from unionxl.contract.schema import AUDIT_SHEET, balance_cell
from unionxl.core.audit import audit_book
from unionxl.core.rules import RulePackError, bundled_packs, load_pack, resolve
from unionxl.core.rules.kinds import KINDS
from unionxl.master.demo import Demo
from unionxl.reading.reader import load_book

runner = CliRunner()


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def test_every_bundled_pack_loads_with_cited_rules() -> None:
    packs = bundled_packs()
    assert {p.level for p in packs.values()} == {"national", "province"}
    for pack in packs.values():
        assert pack.rules, pack.id
        assert pack.effective_from is None or pack.effective_to is None or pack.effective_from <= pack.effective_to
        for rule in pack.rules:
            where = (pack.id, rule["id"])
            assert rule["basis"] and rule["kind"] in KINDS, where
            assert isinstance(rule["confirmed"], bool), where
            assert rule["quote"], where  # a short verbatim quote from the source
            # every source is an address, except the one third-party tool the index could not place
            assert _is_url(rule["source"]) or rule["source"].startswith("无公开网址"), where
            if rule["confirmed"]:
                assert _is_url(rule["source"]), where


def test_province_pack_extends_and_overrides_national(tmp_path: Path) -> None:
    ruleset = resolve("湖北", 2025)
    ids = [r.id for r in ruleset.rules]
    assert "budget-balance" in ids and "cap-birthday" in ids
    assert {r.id: r for r in ruleset.rules}["cap-birthday"].params["limit"] == 30000
    stricter = tmp_path / "ours.toml"
    stricter.write_text(textwrap.dedent("""
        [pack]
        id = "our-school"
        name = "本校工会经费使用细则"
        [[rules]]
        id = "cap-birthday"
        override = true
        limit = 40
        title = "生日慰问每人每次不超过40元（本校）"
        basis = "本校工会委员会决议"
    """), encoding="utf-8")
    merged = {r.id: r for r in resolve("湖北", 2025, [stricter]).rules}
    assert merged["cap-birthday"].params["limit"] == 4000
    assert merged["cap-birthday"].kind == "per_event_cap"
    assert merged["cap-birthday"].pack == "本校工会经费使用细则"


def test_province_without_pack_says_so() -> None:
    ruleset = resolve("浙江", 2026)
    assert {p.level for p in ruleset.packs} == {"national"}
    assert "未收录浙江" in ruleset.notice


def test_pack_not_yet_in_force_is_not_applied() -> None:
    assert "shanghai-2025" not in [p.id for p in resolve("上海", 2024).packs]
    assert "未收录上海2024年适用的省级经费标准" in resolve("上海", 2024).notice
    assert "shanghai-2025" in [p.id for p in resolve("上海", 2025).packs]


@pytest.mark.parametrize(("body", "message"), [
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "magic"\nseverity = "error"\nconfirmed = true', "未知的 kind"),
    ('id = "x"\ntitle = "t"\nkind = "per_event_cap"\nseverity = "error"\nconfirmed = true\nlimit = 1', "缺少：basis"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "per_event_cap"\nseverity = "error"\nconfirmed = true\nlimit = "三百"', "limit 应为"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "per_event_cap"\nseverity = "fatal"\nconfirmed = true\nlimit = 1', "severity"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "per_event_cap"\nseverity = "error"\nconfirmed = true\nvisit_types = ["结婚"]',
     "缺少参数 limit"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "per_event_cap"\nseverity = "error"\nconfirmed = true\nlimt = 1',
     "没有参数 limt"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "per_member_year"\nseverity = "error"\nconfirmed = true',
     "至少要有 limit 或 max_count"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "forbidden"\nseverity = "error"\nconfirmed = true\nsheet = "journal"\n'
     'keywords = ["宴请"]\ncolumns = ["摘要"]', "没有列 摘要"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "award_share"\nseverity = "error"\nconfirmed = true\ncategories = ["文体活动"]\n'
     'share = "3/2"', "share 应在 0 与 1 之间"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "per_event_cap"\nseverity = "error"\nconfirmed = true\nlimit = 1\n'
     'visit_types = ["结婚"]\neffective_from = "2019-01-01"', "effective_from 应为日期"),
    ('id = "x"\ntitle = "t"\nbasis = "b"\nkind = "per_event_cap"\nseverity = "error"\nconfirmed = true\nlimit = 1\n'
     'visit_types = ["结婚"]\neffective_from = 2019-01-01\neffective_to = 2018-12-31', "effective_to 早于 effective_from"),
])
def test_malformed_pack_names_file_and_rule(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'[pack]\nid = "bad"\nname = "坏规则包"\n[[rules]]\n{body}\n', encoding="utf-8")
    with pytest.raises(RulePackError, match=message) as info:
        load_pack(path)
    assert "bad.toml" in str(info.value) and "规则 x" in str(info.value)


def test_bad_pack_on_the_command_line_exits_two(tmp_path: Path, template: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[pack\n", encoding="utf-8")
    result = runner.invoke(app, ["check-budget", str(template), "--rules", str(path)])
    assert result.exit_code == 2
    assert "bad.toml" in result.stderr


def _pack(tmp_path: Path, rule: str) -> Path:
    path = tmp_path / "case.toml"
    path.write_text('[pack]\nid = "case"\nname = "测试规则包"\n[[rules]]\n' + textwrap.dedent(rule)
                    + '\nbasis = "测试依据"\nseverity = "error"\nconfirmed = true\n', encoding="utf-8")
    return path


def _result(book_path: Path, pack: Path, rule_id: str = "t"):
    audit = audit_book(load_book(book_path), [pack])
    return next(r for r in audit.results if r.rule.id == rule_id)


HOSPITAL_CAP = 'id = "t"\ntitle = "住院"\nkind = "per_event_cap"\nvisit_types = ["生病住院"]\nlimit = 500'


@pytest.mark.parametrize(("amount", "status"), [(500, "pass"), (500.01, "fail")])
def test_per_event_cap_boundary(template: Path, tmp_path: Path, amount: float, status: str) -> None:
    result = _result(make(template, (("visits", 0, "amount", amount),)), _pack(tmp_path, HOSPITAL_CAP))
    assert result.status == status
    if status == "fail":
        [v] = result.violations
        assert (v.cell, v.amount, v.limit) == ("慰问记录!F2", 50001, 50000)


def _festivals(template: Path, second: float) -> Path:
    rows = [dict(date=d, member_id="GH001", name="张三", visit_type="节日慰问", reason=r, amount=a, form="慰问品")
            for d, r, a in ((__import__("datetime").date(2026, 2, 10), "春节慰问", 300),
                            (__import__("datetime").date(2026, 9, 20), "中秋节慰问", second))]
    make(template)
    fill(template, {"visits": rows}, start={"visits": 4})
    return template


@pytest.mark.parametrize(("second", "status"), [(200, "pass"), (200.01, "fail")])
def test_per_member_year_total(template: Path, tmp_path: Path, second: float, status: str) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "节日"\nkind = "per_member_year"\nvisit_types = ["节日慰问"]\nlimit = 500')
    result = _result(_festivals(template, second), pack)
    assert result.status == status
    assert result.amount == 30000 + round(second * 100)
    if status == "fail":
        assert [v.cell for v in result.violations] == ["慰问记录!F5"]


def test_per_member_year_count(template: Path, tmp_path: Path) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "次数"\nkind = "per_member_year"\nvisit_types = ["节日慰问"]\nmax_count = 1')
    result = _result(_festivals(template, 100), pack)
    assert result.status == "fail"
    assert [v.cell for v in result.violations] == ["慰问记录!A5"]


@pytest.mark.parametrize(("change", "status", "cell"), [
    ((), "pass", None),
    ((("visits", 0, "visit_type", "节日慰问"),), "fail", "慰问记录!G2"),
])
def test_forbidden_match(template: Path, tmp_path: Path, change: tuple, status: str, cell: str | None) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "现金"\nkind = "forbidden"\nsheet = "visits"\n'
                           'match = { visit_type = ["节日慰问"], form = ["慰问金"] }')
    result = _result(make(template, change), pack)
    assert result.status == status
    assert [v.cell for v in result.violations] == ([cell] if cell else [])


def test_forbidden_keywords(template: Path, tmp_path: Path) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "卡"\nkind = "forbidden"\nsheet = "journal"\ncolumns = ["summary", "note"]\n'
                           'keywords = ["购物卡", "宴请"]')
    assert _result(make(template), pack).status == "pass"
    result = _result(make(template, (("journal", 3, "note", "年终宴请"),)), pack)
    assert result.status == "fail"
    [v] = result.violations
    assert (v.cell, v.amount) == ("收支明细!H5", 50000)
    assert "宴请" in v.detail


BUDGET_ROWS = {"会费收入": 1, "会员活动": 13, "文体活动": 10}


def _budget(template: Path, amounts: dict[str, float], opening: float = 0) -> Path:
    make(template)
    rows = [{"budget": amounts.get(name)} for name in ("会费收入", "拨缴经费收入", "上级工会补助收入", "行政补助收入",
                                                       "事业收入", "投资收益", "其他收入", "职工教育", "文体活动",
                                                       "宣传活动", "劳模职工疗休养", "会员活动")]
    fill(template, {"budget": rows}, settings={"opening_balance": opening})
    return template


def test_budget_balance(template: Path, tmp_path: Path) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "平衡"\nkind = "balance"\nof = "budget"')
    ok = _result(_budget(template, {"会费收入": 500, "会员活动": 800}, opening=300), pack)
    assert (ok.status, ok.amount, ok.limit) == ("pass", 80000, 80000)
    bad = _result(_budget(template, {"会费收入": 500, "会员活动": 800.01}, opening=300), pack)
    assert bad.status == "fail"
    assert [v.cell for v in bad.violations] == [balance_cell("closing", "budget")] == ["经费预算!N6"]


def test_over_budget_warns_then_fails(template: Path, tmp_path: Path) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "超预算"\nkind = "over_budget"\ntolerance_pct = 10')
    assert _result(_budget(template, {"会员活动": 550}), pack).status == "pass"
    warn = _result(_budget(template, {"会员活动": 540}), pack)
    assert warn.status == "warn" and warn.violations[0].cell == "经费预算!F13"
    assert _result(_budget(template, {"会员活动": 500}), pack).status == "warn"  # 550 = 500 × 110 %: still tolerated
    fail = _result(_budget(template, {"会员活动": 499.99}), pack)
    assert fail.status == "fail" and (fail.violations[0].amount, fail.violations[0].limit) == (55000, 49999)


def test_unbudgeted_spending(template: Path, tmp_path: Path) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "预算外"\nkind = "unbudgeted"')
    assert _result(_budget(template, {"会员活动": 600}), pack).status == "pass"
    result = _result(_budget(template, {"文体活动": 600}), pack)
    assert [v.cell for v in result.violations] == ["经费预算!E13"]


def test_share_cap(template: Path, tmp_path: Path) -> None:
    pack = _pack(tmp_path, 'id = "t"\ntitle = "占比"\nkind = "share_cap"\nvisit_types = ["生病住院"]\nlimit_pct = 30')
    result = _result(make(template), pack)  # 500 元 of 211.45 元 income
    assert result.status == "fail" and result.limit == 6343
    pack = _pack(tmp_path, 'id = "t"\ntitle = "占比"\nkind = "share_cap"\nvisit_types = ["生日慰问"]\nlimit_pct = 30')
    assert _result(make(template), pack).status == "pass"


def test_demo_violations_are_exactly_reported(demo_book: tuple[Path, Demo]) -> None:
    path, demo = demo_book
    result = runner.invoke(app, ["check-budget", str(path), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["pack"] == "+".join(p.id for p in resolve("湖北", demo.settings["year"]).packs)
    assert payload["year"] == demo.settings["year"] == 2025
    flagged = {(r["rule"], r["status"], r["cell"]) for r in payload["results"] if r["status"] != "pass"}
    assert flagged == {(m.rule, m.severity, m.cell) for m in demo.violations}
    death = next(r for r in payload["results"] if r["rule"] == "cap-own-death" and r["status"] == "fail")
    # 湖北's figures rest on a news story: 待核实 (docs/fund-rules.md)
    assert (death["amount"], death["limit"], death["confirmed"]) == (2000.0, 1000.0, False)
    assert death["period"] == "2018-01-01 起" and "1000元的慰问金" in death["quote"]
    assert "湖北" in death["basis"]
    birth = next(r for r in payload["results"] if r["rule"] == "cap-birth")
    assert (birth["status"], birth["amount"], birth["limit"]) == ("pass", 500.0, 500.0)  # exactly at the cap


def test_rules_command_lists_every_rule_with_its_source() -> None:
    result = runner.invoke(app, ["rules", "--province", "福建"])
    assert result.exit_code == 0
    for rule in resolve("福建", None, history=True).rules:
        # the rule by its title (wrapped in its cell, so compared without the table's line breaks), never its id
        assert rule.title[:12] in result.stdout and rule.period in result.stdout
    assert not any(rule.id in result.stdout for rule in resolve("福建", None, history=True).rules)
    assert not re.findall(r"[a-z]+(?:-[a-z]+)+", re.sub(r"https?://\S+", "", result.stdout))  # nor a library's name
    # both versions of the holiday cap, each with its own period
    assert "2018-01-01 至 2018-12-31" in result.stdout and "2019-01-01 起" in result.stdout
    assert "闽工〔2018〕158号" in result.stdout and "待核实" in result.stdout


def test_rules_command_for_a_year_lists_the_rules_in_force() -> None:
    def heading(year: str) -> str:  # the lines above the table, unwrapped
        stdout = runner.invoke(app, ["rules", "--province", "福建", "--year", year]).stdout
        return stdout.split("┏")[0].replace("\n", "")

    old, new = heading("2018"), heading("2026")
    # titled by the province and the year, then the 适用地区/年度/金额单位 line, then the packs
    assert old.startswith("福建2018年度工会经费审核标准适用地区：福建    2018年度    金额单位：元2018年度的标准：")
    assert "2018年1月1日起执行" in old and "十项措施" not in old
    assert new.startswith("福建2026年度工会经费审核标准") and "2026年度的标准：" in new
    assert "闽工〔2018〕158号" in new and "十项措施" in new
    caps = {y: [r.params["limit"] for r in resolve("福建", y).rules if r.id == "cap-holiday-year"] for y in (2018, 2026)}
    assert caps == {2018: [130000], 2026: [180000]}


def test_check_budget_report_sheet(demo_book: tuple[Path, Demo], tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    report = tmp_path / "audit.xlsx"
    assert runner.invoke(app, ["check-budget", str(demo_book[0]), "--report", str(report)]).exit_code == 1
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name("预算审核").to_python()
    assert rows[0][0] == "演示市实验小学工会委员会2025年度经费收支审核表"
    assert rows[1][:1] == ["编制单位：演示市实验小学工会委员会"] and "金额单位：元" in rows[1]
    assert rows[4] == list(AUDIT_SHEET.headers) == ["序号", "审核项目", "依据", "有效期", "结果", "实际", "限额", "差额",
                                                   "审核意见"]
    death = next(r for r in rows if r[1] == "会员本人去世慰问不超过1000元")
    assert death[4:8] == ["不通过", 2000.0, 1000.0, -1000.0]
    texts = [str(c) for r in rows for c in r]
    assert "工会主席：张建国" in texts and "经审委员会：刘敏" in texts
    assert sum(1 for r in rows if r[3] == "慰问记录!F298") == 1
    assert not any(re.fullmatch(r"[a-z]+(-[a-z]+)+", t) for t in texts)  # no rule id on paper


def test_docs_list_every_rule_with_its_period_source_and_confirmation() -> None:
    """docs/fund-rules.md has one line per bundled rule (id, title, period, 核对, source) and every kind's parameters."""
    from tests.conftest import ROOT
    from unionxl.core.rules.model import period_text

    docs = (ROOT / "docs" / "fund-rules.md").read_text(encoding="utf-8")
    for pack in bundled_packs().values():
        assert f"（`{pack.id}`，{pack.period}）" in docs, pack.id
        for rule in pack.rules:
            period = period_text(rule.get("effective_from", pack.effective_from), rule.get("effective_to", pack.effective_to))
            line = (f"| `{rule['id']}` | {rule['title']} | {period} | {'已核对' if rule['confirmed'] else '待核实'} "
                    f"| {rule['source']} |")
            assert line in docs, line
    for kind in KINDS.values():
        assert f"| `{kind.name}` |" in docs, kind.name
        for param in kind.params:
            assert f"`{param.name}`" in docs, (kind.name, param.name)


def test_example_union_pack_loads_with_rules(template: Path) -> None:
    from tests.conftest import ROOT

    example = ROOT / "docs" / "examples" / "jiangsu-unit-2018.toml"
    ruleset = resolve("江苏", 2026, [example])
    assert "江苏" not in {p.province for p in bundled_packs().values()}
    assert ruleset.packs[-1].level == "unit-example" and not any(r.confirmed for r in ruleset.rules if r.pack == ruleset.packs[-1].name)
    result = runner.invoke(app, ["check-budget", str(make(template)), "--rules", str(example), "--json"])
    assert {r["rule"] for r in json.loads(result.stdout)["results"]} >= {"cap-spring-festival", "cap-womens-day"}
