"""What a treasurer prints and reads: charts drawn the right way round, and no rule id or library English.

The charts are read from the chart XML of the written .xlsx (what Excel and LibreOffice draw);
the texts are every cell of every report the CLI writes for the demo book and a bureau folder,
every value the Excel door writes, and the terminal output of each command.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from tests.test_cli_texts import LIBRARY_ENGLISH
from unionxl.cli import app
from unionxl.contract.findings import RULE_TITLES
from unionxl.contract.schema import PROVINCES
from unionxl.core.rules import resolve

runner = CliRunner()
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
#: what a rule id looks like (type-int, cap-own-death, dues-arrears)
RULE_ID = re.compile(r"[a-z]+(?:-[a-z0-9]+)+")
#: what pandas or Python would print for a missing or odd value
PYTHON_TEXTS = ("nan", "NaN", "NaT", "None", "<NA>", "True", "False")


def _fund_rules() -> list:
    """Every version of every bundled fund rule, over every province."""
    return [r for province in PROVINCES for r in resolve(province, None, history=True).rules]


def _rule_ids() -> set[str]:
    return set(RULE_TITLES) | {r.id for r in _fund_rules()}


def _refund(book: Path, out: Path) -> Path:
    """The demo book with a refund of 5,000 元 to 会议费 in February: 会议费's actual spending and
    February's expenditure both go below zero."""
    target = out / "refund.xlsx"
    shutil.copy(book, target)
    wb = openpyxl.load_workbook(target)
    ws = wb["收支明细"]
    row = max(c.row for c in ws["A"] if c.value is not None) + 1
    for col, value in zip("ABCDEF", (dt.datetime(2025, 2, 20), "记-202502-099", "会议费退回", "支出", "会议费", -5000)):
        ws[f"{col}{row}"] = value
    ws[f"A{row}"].number_format = "yyyy-mm-dd"
    wb.save(target)
    return target


def _charts(path: Path) -> list[dict[str, object]]:
    """Each chart of a written workbook: its direction, axes and, per series, its categories and values."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ElementTree.fromstring(z.read(name))
            cat, val = root.find(f".//{C}catAx"), root.find(f".//{C}valAx")
            series = []
            for ser in root.iter(f"{C}ser"):
                points = ser.find(f"{C}cat").iter(f"{C}pt")
                count = int(ser.find(f"{C}cat//{C}ptCount").get("val"))
                series.append({"categories": [p.find(f"{C}v").text for p in points], "count": count,
                               "values": [float(p.find(f"{C}v").text) for p in ser.find(f"{C}val").iter(f"{C}pt")]})
            out.append({
                "title": "".join(t.text for t in root.find(f".//{C}title").iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t")),
                "bar": root.find(f".//{C}barDir").get("val"),
                "categories_order": cat.find(f"{C}scaling/{C}orientation").get("val"),
                "values_order": val.find(f"{C}scaling/{C}orientation").get("val"),
                "values_cross": val.find(f"{C}crosses").get("val"),
                "label_every": cat.find(f"{C}tickLblSkip").get("val"),
                "series": series,
            })
    return out


def test_summary_charts_read_top_down_label_every_category_and_never_plot_a_refund(demo_book, tmp_path: Path) -> None:
    book = _refund(demo_book[0], tmp_path)
    report = tmp_path / "summary.xlsx"
    assert runner.invoke(app, ["summary", str(book), "--out", str(report)]).exit_code == 0
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name("年度汇总").to_python()
    charts = {c["title"]: c for c in _charts(report)}
    assert set(charts) == {"慰问金额（按类型）", "月度收支", "支出科目：预算与实际（元）"}

    for chart in charts.values():
        assert chart["label_every"] == "1"  # every category labelled, none skipped
        for s in chart["series"]:
            assert s["count"] == len(s["categories"]) and all(s["categories"]), s  # each has its label
            assert all(v >= 0 for v in s["values"]), (chart["title"], s["values"])  # nothing drawn as negative spending
        if chart["bar"] == "bar":  # horizontal bars: the first category on top, the value axis 0 → max at the bottom
            assert (chart["categories_order"], chart["values_order"], chart["values_cross"]) == ("maxMin", "minMax", "max")
        else:  # columns: categories left to right, values upwards
            assert (chart["categories_order"], chart["values_order"]) == ("minMax", "minMax")

    assert charts["慰问金额（按类型）"]["bar"] == "bar" and charts["月度收支"]["bar"] == "col"
    # the categories are the table's rows in reading order, less the rows that went below zero
    start = next(i for i, r in enumerate(rows) if r[:3] == ["科目", "收支", "预算"])
    budget = [r for r in rows[start + 1:] if r and r[1] in ("收入", "支出")]
    spent = [r[0] for r in budget if r[1] == "支出"]
    assert "会议费" in spent and next(r for r in budget if r[0] == "会议费")[3] == pytest.approx(2640 - 5000)
    for s in charts["支出科目：预算与实际（元）"]["series"]:
        assert s["categories"] == [name for name in spent if name != "会议费"]
    months = charts["月度收支"]["series"]
    assert all(s["categories"] == [f"{m}月" for m in range(1, 13) if m != 2] for s in months)
    notes = [str(r[0]) for r in rows if r and str(r[0]).startswith("图中未画出")]
    assert notes == ["图中未画出金额为负数（退款或冲销）的2月，请核对收支明细。",
                     "图中未画出金额为负数（退款或冲销）的会议费，请核对收支明细。"]


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture(scope="module")
def printed(demo_book, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every report file the CLI writes for the demo (and a bureau folder holding it), with the terminal output."""
    from unionxl.master.schools import write_schools

    out = tmp_path_factory.mktemp("printed")
    folder = out / "schools"
    write_schools(folder, 3, seed=3, with_mistakes_every=2)
    shutil.copy(demo_book[0], folder / "demo.xlsx")
    b = str(demo_book[0])
    terminal = [
        _cli("validate", b, "--report", str(out / "findings.xlsx")),
        _cli("check-budget", b, "--report", str(out / "audit.xlsx")),
        _cli("summary", b, "--out", str(out / "summary.xlsx")),
        _cli("todo", b, "--month", "12", "--today", "2026-01-05", "--out", str(out / "todo.xlsx")),
        _cli("consolidate", str(folder), "--out", str(out / "bureau.xlsx")),
        _cli("rules", "--province", "湖北"),
        _cli("rules", "--province", "福建", "--year", "2025"),
    ]
    files = {p.name: p for p in out.glob("*.xlsx")}
    assert set(files) == {"findings.xlsx", "audit.xlsx", "summary.xlsx", "todo.xlsx", "bureau.xlsx"}
    return {"files": files, "terminal": terminal}


def _texts_of(path: Path) -> list[str]:
    wb = CalamineWorkbook.from_path(str(path))
    return [c for title in wb.sheet_names for r in wb.get_sheet_by_name(title).to_python() for c in r
            if isinstance(c, str)]


def _assert_no_ids_nor_english(texts: list[str], where: str) -> None:
    ids = _rule_ids()
    for text in texts:
        assert not RULE_ID.fullmatch(text.strip()), (where, text)
        bare = re.sub(r"https?://\S+", "", text)  # a rule's source address is not prose
        named = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", bare)}
        assert not named, (where, named, text)
        assert text.strip() not in PYTHON_TEXTS, (where, text)
        assert not [w for w in LIBRARY_ENGLISH if w in bare], (where, text)


def test_no_report_file_shows_a_rule_id_or_library_english(printed) -> None:
    for name, path in printed["files"].items():
        texts = _texts_of(path)
        assert texts, name
        _assert_no_ids_nor_english(texts, name)
    # the rules are still named: by their titles
    audit = _texts_of(printed["files"]["audit.xlsx"])
    assert "会员本人去世慰问不超过1000元" in audit
    assert RULE_TITLES["type-int"] in _texts_of(printed["files"]["findings.xlsx"])


def test_no_terminal_table_shows_a_rule_id_or_library_english(printed) -> None:
    for output in printed["terminal"]:
        _assert_no_ids_nor_english(output.splitlines(), output.splitlines()[0])


@pytest.mark.xlwings_key
@pytest.mark.parametrize("entry", ["validate_book", "check_budget_book", "summarize_book", "todo_book"])
def test_no_excel_door_sheet_or_message_shows_a_rule_id(demo_book, entry: str) -> None:
    from tests.test_xl import run

    actions, _ = run(entry, demo_book[0])
    written = [c for a in actions if a["func"] == "setValues" for r in a["values"] for c in r if isinstance(c, str)]
    said = [str(x) for a in actions if a["func"] == "alert" for x in a["args"][:2]]
    assert written and said
    _assert_no_ids_nor_english(written + said, entry)


def test_every_rule_a_pack_holds_is_named_in_chinese() -> None:
    """The fund rules name themselves (a pack's title); what a pack says to the treasurer (title,
    basis, note) never names another rule by its id."""
    ids = _rule_ids()
    for rule in _fund_rules():
        assert re.search(r"[\u4e00-\u9fff]", rule.title) and rule.title != rule.id, rule.id
        for text in (rule.title, rule.basis, rule.note or ""):
            assert not {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}, (rule.id, text)
