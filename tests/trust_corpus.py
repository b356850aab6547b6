"""The trust corpus (issue #19, class 4): what used to end in an internal error or a
traceback, in click's English error box, or with a partial file left behind.

Each case says how it was made (``how``), builds its files in an empty folder and
returns the command line, optionally injects a fault while the command runs (a full
disk, a read-only folder, a file replaced while it is read), and states the outcome:
the exit code, the words of the one Chinese line on stderr (exit 2) or of stdout, and
the files the command may add. tests/test_trust_corpus.py runs every case and asserts
that outcome, that no file that existed before changed by a single byte, and that
nothing else (no temp file, no half-written output, no folder) is left behind.
"""

from __future__ import annotations

import errno
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.test_validation import make
from unionxl.contract.schema import SETTINGS, SETTINGS_BY_KEY, settings_value_cell
from unionxl.master.template import write_master

Build = Callable[[Path], list[str]]
Fault = Callable[[pytest.MonkeyPatch, Path], None]

MARKUP = "[bold]某某[/]小学[/]工会[red]"
LONG = "很长的工会名称" * 15_000  # 105,000 characters


@dataclass(frozen=True)
class TrustCase:
    name: str
    how: str
    build: Build
    exit_codes: tuple[int, ...] = (2,)
    #: words of the one stderr line (exit 2) or of stdout (otherwise)
    says: tuple[str, ...] = ()
    #: files (relative to the folder) the command writes; nothing else may appear
    writes: tuple[str, ...] = ()
    fault: Fault | None = None
    #: files the fault itself changes (another program saving the book), not unionxl
    changed_by_others: tuple[str, ...] = ()


# --- files --------------------------------------------------------------------------------


_MASTERS: dict[tuple[object, ...], bytes] = {}


def master(folder: Path, name: str = "主工作簿.xlsx", union: str | None = None, change: tuple | None = None) -> Path:
    """A master unionxl wrote; with *change*, filled in by the treasurer (another program, by
    header) with that change. Built once per kind and copied (the corpus stays fast)."""
    key = (union, change)
    if key not in _MASTERS:
        made = folder / ".build.xlsx"
        write_master(made, {"union_name": "信任测试小学工会委员会", "year": 2026, "province": "湖北"})
        if change is not None:
            make(made, change)
        if union is not None:
            set_setting(made, "union_name", union)
        _MASTERS[key] = made.read_bytes()
        made.unlink()
    path = folder / name
    path.write_bytes(_MASTERS[key])
    return path


def set_setting(path: Path, key: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    row, col = settings_value_cell(SETTINGS_BY_KEY[key])
    wb[SETTINGS.title].cell(row + 1, col + 1).value = value
    wb.save(path)


def _text(name: str, content: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        (folder / name).write_text(content, encoding="utf-8")
        return folder / name
    return write


# --- builders -----------------------------------------------------------------------------


def _run(*args: str, book: bool = True, **master_kw: object) -> Build:
    """A command line over a fresh master ({book}) and the folder ({folder})."""
    def build(folder: Path) -> list[str]:
        path = master(folder, **master_kw) if book else folder / "主工作簿.xlsx"
        return [a.format(book=path, folder=folder) for a in args]
    return build


def _with_files(*makers: Callable[[Path], Path], args: tuple[str, ...]) -> Build:
    def build(folder: Path) -> list[str]:
        paths = {p.stem: p for p in (m(folder) for m in makers)}
        book = master(folder)
        return [a.format(book=book, folder=folder, **paths) for a in args]
    return build


_PACK_HEAD = '[pack]\nid = "unit"\nname = "本单位规则"\n'
_RULE = ('[[rules]]\nid = "u1"\ntitle = "{title}"\nbasis = "本单位"\nkind = "per_event_cap"\nseverity = "error"\n'
         'confirmed = true\nvisit_types = {types}\nlimit = 100\n')
PACKS = {
    "syntax": ('x = [\n', "不是有效的 TOML"),
    "quote": (_PACK_HEAD + 'note = "没有结束的引号\n', "第 4 行附近"),
    "encoding": (None, "不是 UTF-8"),
    "title-type": (_PACK_HEAD + _RULE.replace('"{title}"', "5").format(types='["节日慰问"]'), "类型不对"),
    "param-type": (_PACK_HEAD + _RULE.format(title="节日", types='"节日慰问"'), "visit_types"),
}


def _pack(kind: str, command: str) -> Build:
    def build(folder: Path) -> list[str]:
        pack = folder / f"{kind}.toml"
        text = PACKS[kind][0]
        if text is None:
            pack.write_bytes(b"\xff\xfe\x00[pack]")
        else:
            pack.write_text(text, encoding="utf-8")
        if command == "rules":
            return ["rules", "--rules", str(pack)]
        return ["check-budget", str(master(folder)), "--rules", str(pack)]
    return build


def _pack_path(kind: str) -> Build:
    def build(folder: Path) -> list[str]:
        if kind == "folder":
            (folder / "规则.toml").mkdir()
        return ["check-budget", str(master(folder)), "--rules", str(folder / "规则.toml")]
    return build


# --- faults -------------------------------------------------------------------------------


def _os_error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def disk_full_while_writing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The disk fills up after the writer has put its first part into the temp file."""
    calls = {"n": 0}
    for name in ("write", "writestr"):
        original = getattr(zipfile.ZipFile, name)

        def failing(self, *args, _original=original, **kwargs):
            calls["n"] += 1
            if calls["n"] > 1:
                raise _os_error(errno.ENOSPC)
            return _original(self, *args, **kwargs)
        monkeypatch.setattr(zipfile.ZipFile, name, failing)


def disk_full_while_sealing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The disk fills up while unionxl adds its fingerprint (the workbook itself was written)."""
    from unionxl.files import ownership

    def failing(*args: object, **kwargs: object) -> None:
        raise _os_error(errno.ENOSPC)
    monkeypatch.setattr(ownership, "_copy_member", failing)


def folder_refuses(code: int) -> Fault:
    """The folder cannot take a new file (read-only, no permission): tests run as root, so
    the refusal is injected where the temp file is made."""
    def fault(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        import tempfile

        def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
            raise _os_error(code)
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    return fault


def target_locked(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The rename over the target is refused (Windows: the file is open in Excel)."""
    def refuse(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    monkeypatch.setattr(os, "replace", refuse)


def changed_while_read(how: str) -> Fault:
    """Another program saves the book while unionxl reads it: truncated before the read
    gets to it, or replaced by another file just after the read."""
    def fault(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        from unionxl.reading import reader

        original = reader.load_book

        def load(path: Path):
            path = Path(path)
            if how == "truncated":
                data = path.read_bytes()
                path.write_bytes(data[: len(data) // 3])
                return original(path)
            loaded = original(path)
            other = path.with_name("另存的.xlsx")
            other.write_bytes(path.read_bytes())
            os.replace(other, path)
            return loaded
        monkeypatch.setattr(reader, "load_book", load)
    return fault


# --- the cases ----------------------------------------------------------------------------

NEW = "新建文件夹/子文件夹"
#: every writing command, writing into a folder that does not exist yet: (name, args, files it would write)
WRITERS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("validate", ("validate", "{book}", "--report", f"{{folder}}/{NEW}/校验结果.xlsx"), ("校验结果.xlsx",)),
    ("check-budget", ("check-budget", "{book}", "--report", f"{{folder}}/{NEW}/预算审核.xlsx"), ("预算审核.xlsx",)),
    ("summary", ("summary", "{book}", "--out", f"{{folder}}/{NEW}/年度汇总.xlsx"), ("年度汇总.xlsx",)),
    ("todo", ("todo", "{book}", "--month", "3", "--out", f"{{folder}}/{NEW}/本月待办.xlsx"), ("本月待办.xlsx",)),
    ("consolidate", ("consolidate", "{book}", "--out", f"{{folder}}/{NEW}/汇总.xlsx"), ("汇总.xlsx",)),
    ("rollover", ("rollover", "{book}", "--out", f"{{folder}}/{NEW}/2027.xlsx"), ("2027.xlsx",)),
    ("new", ("new", f"{{folder}}/{NEW}/新主工作簿.xlsx"), ("新主工作簿.xlsx",)),
    ("demo", ("demo", "--out", f"{{folder}}/{NEW}"), ("demo-master.xlsx", "demo-report.xlsx")),
    ("generate-schools", ("generate-schools", f"{{folder}}/{NEW}", "--count", "2"), ("school-001.xlsx", "school-002.xlsx")),
)


def _disk_cases() -> list[TrustCase]:
    cases = []
    faults = (
        ("disk-full", "磁盘空间不足", disk_full_while_writing, "the disk fills up while the writer writes its parts"),
        ("disk-full-sealing", "磁盘空间不足", disk_full_while_sealing, "the disk fills up while the seal is added"),
        ("read-only", "只读", folder_refuses(errno.EROFS), "the folder is on a read-only disk"),
        ("no-permission", "没有写入权限", folder_refuses(errno.EACCES), "the folder does not let the user write"),
    )
    for command, args, _ in WRITERS:
        for fault_name, words, fault, how in faults:
            cases.append(TrustCase(f"{fault_name}-{command}", f"`{command}` into a new folder; {how}",
                                   _run(*args), says=(words, "没有留下不完整的文件"), fault=fault))
    return cases


def _markup_cases() -> list[TrustCase]:
    """Rich markup in the treasurer's text prints literally (it used to crash the printer on "[/]")."""
    wrong_name = (("visits", 0, "name", "[/]李四[bold]"),)
    left = (("members", 2, "name", "[/]王五[red]"),)
    table = (
        ("union-todo", "工会名称 in the to-do's title", ("todo", "{book}", "--month", "5", "--out", "{folder}/待办.xlsx"),
         {"union": MARKUP, "change": ()}, (0,), MARKUP, ("待办.xlsx",)),
        ("union-consolidate", "工会名称 of a school with an error, in consolidate's problem line",
         ("consolidate", "{book}", "--out", "{folder}/汇总.xlsx"), {"union": MARKUP, "change": wrong_name}, (1,), MARKUP,
         ("汇总.xlsx",)),
        ("visit-name-validate", "a visit's name in validate's findings table",
         ("validate", "{book}", "--report", "{folder}/校验.xlsx"), {"change": wrong_name}, (1,), "[/]李四[bold]",
         ("校验.xlsx",)),
        ("left-member-rollover", "a member who left, in rollover's list of members not carried",
         ("rollover", "{book}", "--out", "{folder}/2027.xlsx"), {"change": left}, (0,), "[/]王五[red]", ("2027.xlsx",)),
    )
    cases = [TrustCase(f"markup-{name}", f"{MARKUP!r}-like text: {how}", _run(*args, **kw), exit_codes=exits,
                       says=(says,), writes=writes) for name, how, args, kw, exits, says, writes in table]
    cases.append(TrustCase(
        "markup-pack-title", "a union's rule pack whose rule title is '[/]节日[bold]': rules lists it",
        _with_files(_text("本单位.toml", _PACK_HEAD + _RULE.format(title="[/]节日[bold]", types='["节日慰问"]')),
                    args=("rules", "--rules", "{folder}/本单位.toml")), exit_codes=(0,), says=("[/]节日[bold]",)))
    cases.append(TrustCase(
        "markup-file-name", "a text file named '[red]账.xlsx' given to validate",
        _with_files(_text("[red]账.xlsx", "不是工作簿"), args=("validate", "{folder}/[red]账.xlsx")),
        says=("[red]账.xlsx", "不是 Excel 工作簿")))
    cases.append(TrustCase(
        "markup-school-file", "consolidate a folder holding a school file named '[bold]坏.xlsx' (not a workbook)",
        _school_folder("[bold]坏.xlsx"), exit_codes=(1,), says=("[bold]坏.xlsx",), writes=("汇总.xlsx",)))
    return cases


def _school_folder(bad_name: str) -> Build:
    def build(folder: Path) -> list[str]:
        schools = folder / "学校"
        schools.mkdir()
        master(schools, "good.xlsx", change=())
        (schools / bad_name).write_text("不是工作簿", encoding="utf-8")
        return ["consolidate", str(schools), "--out", str(folder / "汇总.xlsx")]
    return build


def _long_cases() -> list[TrustCase]:
    """105,000 characters in 工会名称 (openpyxl does not stop it): reports are still written."""
    cases = []
    for command, args, exits, writes in (
        ("validate", ("validate", "{book}", "--report", "{folder}/校验.xlsx"), (0, 1), ("校验.xlsx",)),
        ("check-budget", ("check-budget", "{book}", "--report", "{folder}/审核.xlsx"), (0, 1), ("审核.xlsx",)),
        ("summary", ("summary", "{book}", "--out", "{folder}/汇总.xlsx"), (0,), ("汇总.xlsx",)),
        ("todo", ("todo", "{book}", "--month", "3", "--out", "{folder}/待办.xlsx"), (0,), ("待办.xlsx",)),
        ("rollover", ("rollover", "{book}", "--out", "{folder}/2027.xlsx"), (0,), ("2027.xlsx",)),
        ("consolidate", ("consolidate", "{book}", "--out", "{folder}/教育工会汇总.xlsx"), (0, 1), ("教育工会汇总.xlsx",)),
    ):
        cases.append(TrustCase(f"long-name-{command}", f"工会名称 holds {len(LONG):,} characters; `{command}`",
                               _run(*args, union=LONG), exit_codes=exits, writes=writes))
    return cases


def _option_cases() -> list[TrustCase]:
    """Bad option values: click's English box before, one Chinese line now."""
    table = (
        ("month-13", ("todo", "{book}", "--month", "13"), ("选项 --month 的值“13”无效", "1 到 12 之间的整数")),
        ("month-0", ("todo", "{book}", "--month=0"), ("“0”", "1 到 12")),
        ("today-feb-30", ("todo", "{book}", "--today", "2026-02-30"), ("选项 --today 的值“2026-02-30”无效", "真实存在的日期")),
        ("today-words", ("todo", "{book}", "--today", "三月八日"), ("“三月八日”",)),
        ("count-negative", ("generate-schools", "{folder}/学校", "--count", "-1"), ("选项 --count 的值“-1”无效", "1 到 10000")),
        ("count-zero", ("generate-schools", "{folder}/学校", "--count", "0"), ("“0”",)),
        ("count-text", ("generate-schools", "{folder}/学校", "--count", "abc"), ("“abc”", "整数")),
        ("mistakes-negative", ("generate-schools", "{folder}/学校", "--mistakes-every", "-3"), ("不小于 0 的整数",)),
        ("year-1800", ("new", "{folder}/x.xlsx", "--year", "1800"), ("选项 --year 的值“1800”无效", "2000 到 2100")),
        ("year-99999", ("new", "{folder}/x.xlsx", "--year", "99999"), ("“99999”",)),
        ("year-negative", ("new", "{folder}/x.xlsx", "--year=-5"), ("“-5”",)),
        ("rules-year", ("rules", "--year", "1066"), ("选项 --year 的值“1066”无效",)),
        ("unknown-flag", ("validate", "{book}", "--bogus"), ("没有选项 --bogus",)),
        ("typo-flag", ("validate", "{book}", "--repor", "x.xlsx"), ("没有选项 --repor", "--report")),
        ("missing-value", ("validate", "{book}", "--report"), ("选项 --report 后面缺少值",)),
        ("flag-with-value", ("validate", "{book}", "--json=1"), ("选项 --json 是开关",)),
        ("missing-argument", ("validate",), ("缺少主工作簿",)),
        ("extra-argument", ("validate", "{book}", "{book}"), ("多余的参数",)),
        ("missing-option", ("rollover", "{book}"), ("缺少必填的选项 --out",)),
        ("typo-command", ("valdate", "{book}"), ("没有命令“valdate”", "validate")),
        ("unknown-command", ("frobnicate",), ("没有命令“frobnicate”", "可用的命令")),
        ("rules-missing-value", ("check-budget", "{book}", "--rules"), ("选项 --rules 后面缺少值",)),
        ("markup-flag", ("validate", "{book}", "--[bold]x[/]"), ("--[bold]x[/]",)),
    )
    return [TrustCase(f"option-{name}", f"unionxl {' '.join(args)}", _run(*args), says=("命令行有误：", *says, "查看用法"))
            for name, args, says in table]


CASES: list[TrustCase] = [
    *_disk_cases(),
    TrustCase("disk-full-over-earlier-report", "validate --report over last run's report; the disk fills up: the old "
              "report stays as it was", lambda folder: _over_earlier(folder),
              says=("磁盘空间不足",), fault=disk_full_while_writing),
    TrustCase("target-locked", "validate --report over last run's report, which is open in Excel (rename refused)",
              lambda folder: _over_earlier(folder), says=("正在 Excel/WPS 中打开",), fault=target_locked),
    TrustCase("target-open-in-excel", "validate --report over last run's report while Excel has it open (~$ owner file)",
              lambda folder: _open_in(folder, "~$校验结果.xlsx"), says=("正在 Excel/WPS/LibreOffice 中打开",)),
    TrustCase("target-open-in-libreoffice", "the same while LibreOffice has it open (.~lock.name# file)",
              lambda folder: _open_in(folder, ".~lock.校验结果.xlsx#"), says=("正在 Excel/WPS/LibreOffice 中打开",)),
    TrustCase("output-is-folder", "validate --report names an existing folder",
              _run("validate", "{book}", "--report", "{folder}"), says=("是一个已有的文件夹",)),
    TrustCase("summary-out-is-folder", "summary --out names an existing folder",
              _run("summary", "{book}", "--out", "{folder}"), says=("是一个已有的文件夹",)),
    TrustCase("rollover-out-is-folder", "rollover --out names an existing folder",
              _run("rollover", "{book}", "--out", "{folder}"), says=("是一个已有的文件夹",)),
    TrustCase("new-into-folder", "new names an existing folder", _run("new", "{folder}", book=False),
              says=("是一个已有的文件夹",)),
    TrustCase("out-under-a-file", "validate --report under a path whose folder is really a file",
              _run("validate", "{book}", "--report", "{book}/校验.xlsx"), says=("是一个文件，不是文件夹",)),
    TrustCase("demo-out-is-a-file", "demo --out names the master (a file)", _run("demo", "--out", "{book}"),
              says=("是一个文件，不是文件夹",)),
    TrustCase("schools-into-a-file", "generate-schools into a path that is a file",
              _run("generate-schools", "{book}", "--count", "1"), says=("是一个文件，不是文件夹",)),
    TrustCase("name-too-long", "validate --report with a 300-character file name",
              _run("validate", "{book}", "--report", "{folder}/" + "长" * 100 + ".xlsx"), says=("文件名或路径太长",)),
    TrustCase("report-not-xlsx", "validate --report 结果.pdf (a workbook would be written under a PDF's name)",
              _run("validate", "{book}", "--report", "{folder}/结果.pdf"), says=("扩展名应为 .xlsx",)),
    TrustCase("pdf-without-out", "summary --pdf without --out", _run("summary", "{book}", "--pdf"),
              says=("需要同时指定 --out",)),
    TrustCase("input-is-folder", "validate a folder", _run("validate", "{folder}", book=False),
              says=("是一个文件夹",)),
    *[TrustCase(f"pack-{kind}-{command}", f"--rules names a pack with {kind} trouble ({command})", _pack(kind, command),
                says=(words,)) for kind, (_, words) in PACKS.items() for command in ("rules", "check-budget")
      if not (kind == "param-type" and command == "rules")],  # only the audit uses a rule's parameters
    TrustCase("pack-missing", "--rules names a file that does not exist", _pack_path("missing"), says=("找不到规则包",)),
    TrustCase("pack-is-folder", "--rules names a folder", _pack_path("folder"), says=("是一个文件夹，不是规则包",)),
    TrustCase("year-2100-calendar", "new --year 2100: a year 设置 accepts but the festival calendar cannot date",
              _run("new", "{folder}/2100.xlsx", "--year", "2100", book=False), says=("超出节日日期的计算范围",)),
    *[TrustCase(f"changed-while-read-{how}-{command}", f"the book is {how} while `{command}` reads it",
                _run(*args), says=("在读取过程中被修改或替换",), fault=changed_while_read(how),
                changed_by_others=("主工作簿.xlsx",) if how == "truncated" else ())
      for how in ("truncated", "replaced")
      for command, args in (("validate", ("validate", "{book}", "--report", "{folder}/v.xlsx")),
                            ("check-budget", ("check-budget", "{book}")),
                            ("summary", ("summary", "{book}", "--out", "{folder}/s.xlsx")),
                            ("todo", ("todo", "{book}", "--month", "3")),
                            ("rollover", ("rollover", "{book}", "--out", "{folder}/r.xlsx")))],
    *_markup_cases(),
    *_long_cases(),
    *_option_cases(),
]


def _over_earlier(folder: Path) -> list[str]:
    """A book and last run's unedited report beside it (unionxl may replace that report)."""
    from typer.testing import CliRunner

    from unionxl.cli import app

    book = master(folder)
    report = folder / "校验结果.xlsx"
    assert CliRunner().invoke(app, ["validate", str(book), "--report", str(report)]).exit_code == 0
    return ["validate", str(book), "--report", str(report)]


def _open_in(folder: Path, owner_file: str) -> list[str]:
    """Last run's report, now open in a spreadsheet program (its owner file lies beside it)."""
    args = _over_earlier(folder)
    (folder / owner_file).write_text("某某", encoding="utf-8")
    return args
