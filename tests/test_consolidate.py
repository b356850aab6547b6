"""Bureau consolidation over good, bad and unreadable workbooks."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from unionxl.cli import app
from unionxl.master.demo import build_demo
from unionxl.master.schools import write_schools
from unionxl.core.audit import audit_book
from unionxl.core.summary import summarize
from unionxl.reading.reader import load_book

runner = CliRunner()


def from_header(rows: list[list[object]]) -> list[list[object]]:
    """A report sheet's rows from its table's header on (under the title and the header lines)."""
    return rows[next(i for i, r in enumerate(rows) if r and r[0] in ("工会名称", "文件")):]


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("schools")
    write_schools(folder, 6, seed=7, with_mistakes_every=3)  # schools 3 and 6 carry the demo's mistakes
    (folder / "renamed.xlsx").write_text("这不是工作簿", encoding="utf-8")
    wb = openpyxl.load_workbook(folder / "school-001.xlsx")
    del wb["慰问记录"]
    wb.save(folder / "school-900.xlsx")
    (folder / "~$school-001.xlsx").write_bytes(b"lock")
    return folder


def test_consolidation_lists_broken_and_adds_up(bureau: Path, tmp_path: Path) -> None:
    out = tmp_path / "bureau.xlsx"
    result = runner.invoke(app, ["consolidate", str(bureau), "--out", str(out), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [s["file"] for s in payload["schools"]] == [f"school-00{i}.xlsx" for i in range(1, 7)]
    problems = {(p["file"], p["kind"]) for p in payload["problems"]}
    assert problems == {("renamed.xlsx", "无法读取"), ("school-900.xlsx", "无法读取"),
                        ("school-003.xlsx", "有错误"), ("school-006.xlsx", "有错误")}
    missing = next(p for p in payload["problems"] if p["file"] == "school-900.xlsx")
    assert "缺少工作表“慰问记录”" in missing["detail"]
    errors = sum(m.severity == "error" for m in build_demo().mistakes)  # schools 3 and 6 carry the demo's
    assert [s["errors"] for s in payload["schools"]] == [0, 0, errors, 0, 0, errors]

    # Totals equal the sum of each school's own summary, computed separately.
    summaries = [summarize(load_book(bureau / f"school-00{i}.xlsx")) for i in range(1, 7)]
    totals = payload["totals"]
    assert totals["members"] == sum(s.members["total"] for s in summaries)
    assert totals["visit_fen"] == sum(s.condolences["amount_fen"] for s in summaries)
    assert totals["hardship_members"] == sum(s.condolences["hardship_members"] for s in summaries)
    assert totals["income_fen"] == sum(s.journal["income_fen"] for s in summaries)
    assert totals["closing_fen"] == sum(s.balance["closing_fen"] for s in summaries)
    paid = sum(s.dues["paid_fen"] for s in summaries)
    assert totals["dues_rate"] == round(paid / sum(s.dues["expected_fen"] for s in summaries), 4)

    whole = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("学校汇总").to_python()
    sheet = from_header(whole)
    assert sheet[0][:3] == ["工会名称", "文件", "会员人数"] and sheet[0][-1] == "经费审核"
    assert whole[0][0] == "演示区教育工会2025年度所属学校工会汇总表"
    assert whole[1][0] == "编制单位：演示区教育工会" and "2025年度" in whole[1] and "金额单位：元" in whole[1]
    # each school's fund-rule audit, as check-budget gives it for that school alone
    audits = [audit_book(load_book(bureau / f"school-00{i}.xlsx")).counts for i in range(1, 7)]
    assert [(r["audit_fail"], r["audit_warn"]) for r in payload["schools"]] == [(a["fail"], a["warn"]) for a in audits]
    assert [r[-1] for r in sheet[1:7]] == [
        f"不通过 {a['fail']} 项" if a["fail"] else f"提示 {a['warn']} 项" if a["warn"] else "通过" for a in audits]
    assert any(a["fail"] for a in audits) and sheet[7][-1] in (None, "")  # the totals row has no verdict
    assert sheet[7][0] == "合计（6 个工会）"
    assert sheet[7][2] == totals["members"]
    assert sheet[7][12] == pytest.approx(totals["income_fen"] / 100)
    assert sheet[8][0] == "未计入的工作簿 2 个（无法读取 2 个），原因见“问题工作簿”"  # under the totals row
    listed = from_header(CalamineWorkbook.from_path(str(out)).get_sheet_by_name("问题工作簿").to_python())
    assert listed[0] == ["文件", "工会名称", "问题", "计入汇总", "说明"]
    assert {(r[0], r[3]) for r in listed[1:]} == {("renamed.xlsx", "否"), ("school-900.xlsx", "否"),
                                                  ("school-003.xlsx", "是"), ("school-006.xlsx", "是")}


def test_generated_schools_are_reproducible(tmp_path: Path) -> None:
    a = write_schools(tmp_path / "a", 2, seed=5)
    b = write_schools(tmp_path / "b", 2, seed=5)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert runner.invoke(app, ["validate", str(a[0])]).exit_code == 0


# --- nothing counted twice, nothing of another year, no entry stops the run -----------------------

def _set(path: Path, target: Path, **settings: object) -> None:
    """*path* saved as *target* with some 设置 values changed, as a treasurer would edit it."""
    from unionxl.contract.schema import SETTINGS_BY_KEY

    wb = openpyxl.load_workbook(path)
    ws = wb["设置"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for key, value in settings.items():
        ws.cell(rows[SETTINGS_BY_KEY[key].title], 2).value = value
    wb.save(target)


def _summed(*paths: Path) -> dict[str, int]:
    summaries = [summarize(load_book(p)) for p in paths]
    return {"members": sum(s.members["total"] for s in summaries),
            "income_fen": sum(s.journal["income_fen"] for s in summaries),
            "expense_fen": sum(s.journal["expense_fen"] for s in summaries),
            "closing_fen": sum(s.balance["closing_fen"] for s in summaries),
            "visit_fen": sum(s.condolences["amount_fen"] for s in summaries)}


@pytest.fixture(scope="module")
def mixed_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four 2025 schools, a byte copy, the same union edited in a second file, last year's book, a link loop."""
    folder = tmp_path_factory.mktemp("mixed") / "各校"
    write_schools(folder, 4, seed=11)
    shutil.copyfile(folder / "school-001.xlsx", folder / "school-001 - 副本.xlsx")
    name = str(load_book(folder / "school-002.xlsx").settings.get("union_name"))
    _set(folder / "school-002.xlsx", folder / "school-002（修改）.xlsx", union_name=name + " ", opening_balance=1)
    _set(folder / "school-003.xlsx", folder / "school-003-2024.xlsx", year=2024)
    (folder / "loop-a.xlsx").symlink_to("loop-b.xlsx")
    (folder / "loop-b.xlsx").symlink_to("loop-a.xlsx")
    return folder


@pytest.fixture()
def mixed(mixed_once: Path, tmp_path: Path) -> Path:
    """A fresh copy of the mixed folder (links kept as links) for a test that deletes or changes files."""
    return Path(shutil.copytree(mixed_once, tmp_path / "各校", symlinks=True))


def test_copies_conflicts_other_years_and_loops_are_problems_not_sums(mixed: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in mixed.iterdir() if not p.is_symlink()}
    out = tmp_path / "汇总.xlsx"
    named_twice = mixed / "school-004.xlsx"
    result = runner.invoke(app, ["consolidate", str(mixed), str(named_twice), "--out", str(out), "--json"])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert payload["year"] == 2025
    four = str(named_twice)  # named twice: the report shows the path, not the bare name
    assert [s["file"] for s in payload["schools"]] == ["school-001.xlsx", "school-003.xlsx", four]
    problems = {(p["file"], p["kind"], p["counted"]) for p in payload["problems"]}
    assert problems == {
        ("loop-a.xlsx", "无法读取", False), ("loop-b.xlsx", "无法读取", False),
        ("school-001 - 副本.xlsx", "重复", False),
        ("school-002.xlsx", "冲突", False), ("school-002（修改）.xlsx", "冲突", False),
        ("school-003-2024.xlsx", "年度不符", False),
        (four, "重复", False),
    }
    detail = {p["file"]: p["detail"] for p in payload["problems"]}
    assert detail["school-001 - 副本.xlsx"] == "与“school-001.xlsx”内容完全相同（副本），只计入“school-001.xlsx”"
    assert detail[four] == f"同一个文件列出了两次（在文件夹“{mixed}”中，又在命令行中指定），只计入一次"
    assert detail["school-003-2024.xlsx"] == "“设置”中的年度是 2024，不是本次汇总的 2025 年度，未计入"
    assert "符号链接循环" in detail["loop-a.xlsx"]
    assert "都未计入" in detail["school-002.xlsx"] and "“school-002（修改）.xlsx”" in detail["school-002.xlsx"]
    # Every entry met is in "files", counted or not, with its hash.
    files = {(f["file"], f["counted"]) for f in payload["files"]}
    assert len(payload["files"]) == 10 and sum(c for _, c in files) == 3
    copy = next(f for f in payload["files"] if f["file"] == "school-001 - 副本.xlsx")
    assert copy["sha256"] == hashlib.sha256((mixed / "school-001.xlsx").read_bytes()).hexdigest()
    assert copy["union_name"] == payload["schools"][0]["union_name"]

    # The totals are the counted schools' own summaries, nothing else.
    expected = _summed(mixed / "school-001.xlsx", mixed / "school-003.xlsx", named_twice)
    assert {k: payload["totals"][k] for k in expected} == expected

    sheet = from_header(CalamineWorkbook.from_path(str(out)).get_sheet_by_name("学校汇总").to_python())
    assert [r[1] for r in sheet[1:4]] == ["school-001.xlsx", "school-003.xlsx", four]
    assert sheet[4][0] == "合计（3 个工会）" and sheet[4][2] == expected["members"]
    assert sheet[5][0] == "未计入的工作簿 7 个（无法读取 2 个、重复 2 个、冲突 2 个、年度不符 1 个），原因见“问题工作簿”"
    listed = from_header(CalamineWorkbook.from_path(str(out)).get_sheet_by_name("问题工作簿").to_python())
    assert {(r[0], r[2], r[3]) for r in listed[1:]} == {(f, k, "否") for f, k, _ in problems}
    assert {p.name: p.read_bytes() for p in mixed.iterdir() if not p.is_symlink()} == before

    text = runner.invoke(app, ["consolidate", str(mixed), "--out", str(tmp_path / "again.xlsx")])
    assert "已汇总 2025 年度的 3 个工会" in text.stdout
    copy_line = next(line for line in text.stdout.splitlines() if "school-001 - 副本.xlsx" in line)
    assert "重复" in copy_line and "否" in copy_line  # the 问题工作簿 table: kind, not counted
    assert "说明：内容完全相同的文件只计入一个：文件名最短的那个" in text.stdout


def test_a_tie_of_years_asks_for_year(mixed: Path, tmp_path: Path) -> None:
    books = [str(mixed / "school-003.xlsx"), str(mixed / "school-003-2024.xlsx")]
    refused = runner.invoke(app, ["consolidate", *books, "--out", str(tmp_path / "a.xlsx")])
    assert refused.exit_code == 2
    assert "工作簿的年度不一（2024 年 1 个、2025 年 1 个）" in refused.stderr and "--year" in refused.stderr
    assert not (tmp_path / "a.xlsx").exists()
    chosen = runner.invoke(app, ["consolidate", *books, "--year", "2024", "--out", str(tmp_path / "b.xlsx"), "--json"])
    payload = json.loads(chosen.stdout)
    assert [s["file"] for s in payload["schools"]] == ["school-003-2024.xlsx"]
    assert {(p["file"], p["kind"]) for p in payload["problems"]} >= {("school-003.xlsx", "年度不符")}


def test_a_file_that_vanishes_or_changes_mid_run_is_listed(mixed: Path, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    import unionxl.core.consolidate as core

    listed = core.expand

    def list_then_delete(paths):  # the folder is listed, then a file is deleted before it is read
        listing = listed(paths)
        (mixed / "school-004.xlsx").unlink()
        return listing

    first_pass = core._first_pass

    def hash_then_change(reads):  # hashed, then saved again by someone before it is loaded
        kept = first_pass(reads)
        _set(mixed / "school-003.xlsx", mixed / "school-003.xlsx", clerk="王老师")
        return kept

    monkeypatch.setattr(core, "expand", list_then_delete)
    monkeypatch.setattr(core, "_first_pass", hash_then_change)
    result = runner.invoke(app, ["consolidate", str(mixed), "--out", str(tmp_path / "a.xlsx"), "--json"])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert [s["file"] for s in payload["schools"]] == ["school-001.xlsx"]
    detail = {p["file"]: (p["kind"], p["detail"]) for p in payload["problems"]}
    assert detail["school-004.xlsx"] == ("无法读取", "找不到文件（可能已被删除或移走，或是指向不存在文件的链接）")
    assert detail["school-003.xlsx"] == ("无法读取", "文件在汇总过程中被改动，请等文件保存完毕后重新汇总")


def _deny(monkeypatch: pytest.MonkeyPatch, path: Path, method: str) -> None:
    """chmod 000 *path*; where that does not deny (tests run as root), make *method* fail as the OS would."""
    path.chmod(0)
    if os.geteuid() != 0:
        return
    real = getattr(Path, method)

    def denied(self: Path, *args: object, **kwargs: object):
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, denied)


def test_unreadable_files_and_folders_are_listed_and_the_rest_consolidated(
        mixed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    locked = tmp_path / "锁住的文件夹"
    write_schools(locked, 1, seed=99)
    _deny(monkeypatch, mixed / "school-004.xlsx", "open")
    _deny(monkeypatch, locked, "iterdir")
    try:
        result = runner.invoke(app, ["consolidate", str(mixed / "school-001.xlsx"), str(mixed / "school-004.xlsx"),
                                     str(locked), "--out", str(tmp_path / "a.xlsx"), "--json"])
    finally:
        (mixed / "school-004.xlsx").chmod(0o644)
        locked.chmod(0o755)
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert [s["file"] for s in payload["schools"]] == ["school-001.xlsx"]
    assert {(p["file"], p["kind"], p["detail"]) for p in payload["problems"]} == {
        ("school-004.xlsx", "无法读取", "没有读取权限"),
        ("锁住的文件夹", "无法读取", "文件夹无法打开：没有读取权限，其中的工作簿均未汇总"),
    }


def test_last_runs_report_inside_the_folder_is_not_a_school(tmp_path: Path) -> None:
    folder = tmp_path / "各校"
    write_schools(folder, 2, seed=3)
    out = folder / "汇总.xlsx"
    for _ in range(2):
        result = runner.invoke(app, ["consolidate", str(folder), "--out", str(out), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["problems"] == []
    named = runner.invoke(app, ["consolidate", str(out), "--out", str(out)])
    assert named.exit_code == 2 and "就是输入的文件" in named.stderr


def test_the_portal_line_of_a_submission_is_the_consolidation_line(bureau: Path, mixed_once: Path, tmp_path: Path) -> None:
    """The portal takes a school's line from the read it has already validated: the same line
    consolidate gives that file; none for a book with errors (the bureau counts only clean
    submissions) or without a year (consolidate would not count it)."""
    from unionxl.core.consolidate import consolidate
    from unionxl.portal.engine import analyse

    clean, with_errors, no_year = mixed_once / "school-001.xlsx", bureau / "school-003.xlsx", tmp_path / "no-year.xlsx"
    _set(clean, no_year, year=None)
    lines = {}
    for path in (clean, with_errors, no_year):
        (tmp_path / path.stem).mkdir()
        lines[path] = analyse(path, tmp_path / path.stem)["school_row"]
    expected = {k: (v.item() if hasattr(v, "item") else v) for k, v in consolidate([clean]).rows[0].items()}
    assert lines[clean] == expected
    assert lines[clean]["members"] == summarize(load_book(clean)).members["total"] and lines[clean]["errors"] == 0
    assert consolidate([with_errors]).rows[0]["errors"] > 0 and lines[with_errors] is None
    assert consolidate([no_year]).rows == [] and lines[no_year] is None

# --- worker processes -------------------------------------------------------------------------

def test_worker_processes_give_the_same_consolidation_in_the_same_order(mixed: Path) -> None:
    from unionxl.core.consolidate import consolidate, expand

    seen: list[Path] = []
    here = consolidate(expand([mixed]), advance=seen.append).to_dict()
    assert sorted(seen) == sorted(e.path for e in expand([mixed]).entries)  # each entry advances the bar once
    for jobs in (1, 2, 3):
        assert consolidate(expand([mixed]), jobs=jobs).to_dict() == here
    cli = runner.invoke(app, ["consolidate", str(mixed), "--jobs", "2", "--json", "--out", str(mixed.parent / "o.xlsx")])
    assert json.loads(cli.stdout) == json.loads(json.dumps(here, ensure_ascii=False))


def vm_size() -> int:
    """Run in a worker: what it maps once the core is loaded."""
    import unionxl.core.consolidate  # noqa: F401

    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmSize:")) * 1024


def _huge(source: Path, target: Path, rows: int = 100_000) -> Path:
    """*source* with 会员台账 replaced by *rows* rows of twelve numbers: well-formed, and big in memory."""
    import re
    import zipfile

    from unionxl.reading.reader import _sheet_parts

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        part = _sheet_parts(zin)["会员台账"]
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text = data.decode()
                header = re.search(r'<row r="1".*?</row>', text, re.DOTALL).group()
                body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJKL")
                               + "</row>" for r in range(2, rows + 2))
                start, end = text.index("<sheetData>") + len("<sheetData>"), text.index("</sheetData>")
                data = (text[:start] + header + body + text[end:]).encode()
            zout.writestr(info, data)
    return target


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="the address-space bound is enforced on Linux only")
def test_a_school_over_the_memory_bound_is_listed_and_the_run_ends(bureau: Path, tmp_path: Path) -> None:
    from unionxl.core import pool
    from unionxl.core.consolidate import consolidate, expand

    baseline: list[int] = []
    pool.run(vm_size, [()], lambda i, size: baseline.append(size), 1, pool.WORKER_MEMORY)
    big = _huge(bureau / "school-001.xlsx", tmp_path / "big.xlsx")
    listing = expand([bureau / "school-001.xlsx", big, bureau / "school-002.xlsx"])
    result = consolidate(listing, jobs=2, memory=baseline[0] + 120 * 2**20)  # room for a school, not 1.2 M cells
    assert [r["file"] for r in result.rows] == ["school-001.xlsx", "school-002.xlsx"]
    assert result.rows == consolidate(expand([bureau / "school-001.xlsx", bureau / "school-002.xlsx"])).rows
    [problem] = [p for p in result.problems if p.file == "big.xlsx"]
    assert (problem.kind, problem.counted) == ("无法读取", False)
    assert "内存超过了上限" in problem.detail
