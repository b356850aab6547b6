"""No writing command replaces a file unionxl did not write, and none ever replaces its input.

Every writing command × every kind of output path (the input itself, a symbolic link or
a hard link to it, a relative or ``..`` path to it, a link to its folder, another master,
a file unionxl never wrote, an edited and an unedited earlier output, a folder, a folder
that does not exist yet), with and without ``--force``: the outcome (written, or refused
with its reason) and that every file that existed keeps its bytes unless it was an
unedited unionxl output (or ``--force`` was given for a file that is not an input).
A hypothesis test then draws output names and nestings at random over the same matrix.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.trust_corpus import master
from unionxl.cli import app
from unionxl.contract.errors import WriteRefused
from unionxl.files import ownership
from unionxl.files.safeio import atomic_output
from unionxl.master.template import write_master

runner = CliRunner()


@dataclass(frozen=True)
class Writer:
    """A writing command: its command line for input *book* and output *out*, and the file
    *out* stands for (demo and generate-schools name their files themselves)."""

    name: str
    argv: Callable[[Path, Path], list[str]]
    filename: str | None = None  # the fixed name of the output, if the command chooses it
    has_input: bool = True


WRITERS = (
    Writer("validate", lambda b, o: ["validate", str(b), "--report", str(o)]),
    Writer("check-budget", lambda b, o: ["check-budget", str(b), "--report", str(o)]),
    Writer("summary", lambda b, o: ["summary", str(b), "--out", str(o)]),
    Writer("todo", lambda b, o: ["todo", str(b), "--month", "3", "--out", str(o)]),
    Writer("consolidate", lambda b, o: ["consolidate", str(b), "--out", str(o)]),
    Writer("rollover", lambda b, o: ["rollover", str(b), "--out", str(o)]),
    Writer("new", lambda b, o: ["new", str(o)], has_input=False),
    Writer("demo", lambda b, o: ["demo", "--out", str(o.parent)], "demo-master.xlsx", has_input=False),
    Writer("demo-report", lambda b, o: ["demo", "--out", str(o.parent)], "demo-report.xlsx", has_input=False),
    Writer("generate-schools", lambda b, o: ["generate-schools", str(o.parent), "--count", "1"], "school-001.xlsx",
           has_input=False),
)
BY_NAME = {w.name: w for w in WRITERS}

INPUT_KINDS = ("input", "symlink", "hardlink", "dotdot", "relative", "linked-folder")
OTHER_KINDS = ("other-master", "foreign", "edited-output", "unedited-output", "directory", "new-folder")
REFUSED = {  # kind → the words of the refusal, with and without --force (None: written)
    "input": ("就是输入的文件", "就是输入的文件"),
    "symlink": ("就是输入的文件", "就是输入的文件"),
    "hardlink": ("就是输入的文件", "就是输入的文件"),
    "dotdot": ("就是输入的文件", "就是输入的文件"),
    "relative": ("就是输入的文件", "就是输入的文件"),
    "linked-folder": ("就是输入的文件", "就是输入的文件"),
    "other-master": ("之后被修改过", None),
    "foreign": ("不是 unionxl 生成的文件", None),
    "edited-output": ("之后被修改过", None),
    "unedited-output": (None, None),
    "directory": ("是一个已有的文件夹", "是一个已有的文件夹"),
    "new-folder": (None, None),
}
COMBOS = [(w.name, k) for w in WRITERS for k in (INPUT_KINDS + OTHER_KINDS if w.has_input else OTHER_KINDS)]


def _filled_master(folder: Path) -> bytes:
    """Another union's master (or last year's), filled in by its treasurer: unionxl wrote it once."""
    return master(folder, "其他.xlsx", change=()).read_bytes()


def _foreign_workbook(folder: Path) -> bytes:
    """A workbook unionxl never wrote (another program's)."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "别人的工作簿"
    wb.save(folder / "别人的.xlsx")
    return (folder / "别人的.xlsx").read_bytes()


def _edit(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["A1"] = "我改过了"
    wb.save(path)


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(folder))] = "link:" + os.readlink(path)
        elif path.is_file():
            out[str(path.relative_to(folder))] = path.read_bytes()
        else:
            out[str(path.relative_to(folder))] = "folder"
    return out


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    here = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def _output(writer: Writer, kind: str, folder: Path, book: Path, stem: str, depth: int) -> Path:
    """Lay out *folder* for one output-path kind and return the path given to the command."""
    name = writer.filename or f"{stem}.xlsx"
    if kind == "input":
        return book
    if kind == "symlink":
        (folder / name).symlink_to(book)
        return folder / name
    if kind == "hardlink":
        os.link(book, folder / name)
        return folder / name
    if kind == "dotdot":
        (folder / "子目录").mkdir()
        return folder / "子目录" / ".." / book.name
    if kind == "relative":
        return Path(book.name)
    if kind == "linked-folder":
        (folder / "快捷方式").symlink_to(folder, target_is_directory=True)
        return folder / "快捷方式" / book.name
    out = folder / name
    if kind == "other-master":
        out.write_bytes(_filled_master(folder))
        (folder / "其他.xlsx").unlink()
    elif kind == "foreign":
        out.write_bytes(_foreign_workbook(folder))
        (folder / "别人的.xlsx").unlink()
    elif kind in ("edited-output", "unedited-output"):
        first = runner.invoke(app, writer.argv(book, out))
        assert first.exit_code in (0, 1), first.stderr
        assert ownership.is_own_unedited(out)
        if kind == "edited-output":
            _edit(out)
            assert not ownership.is_own_unedited(out)
    elif kind == "directory":
        out.mkdir()
    elif kind == "new-folder":
        out = folder.joinpath(*[f"新文件夹{i}" for i in range(depth)], name)
    return out


def check(writer_name: str, kind: str, force: bool, stem: str = "结果", depth: int = 2) -> None:
    writer = BY_NAME[writer_name]
    with tempfile.TemporaryDirectory(prefix="unionxl-own-") as tmp:
        folder = Path(tmp)
        book = master(folder)
        out = _output(writer, kind, folder, book, stem, depth)
        before = _snapshot(folder)
        argv = writer.argv(book, out) + (["--force"] if force else [])
        with _cwd(folder):
            result = runner.invoke(app, argv)
        assert "Traceback" not in result.output and "内部错误" not in result.stderr, result.stderr
        refused = REFUSED[kind][1 if force else 0]
        after = _snapshot(folder)
        target = folder / (out if out.is_absolute() else folder / out)
        if refused is not None:
            assert result.exit_code == 2, (kind, force, result.stdout[-300:])
            line = result.stderr.strip()
            assert "\n" not in line and line.startswith("未写入：") and refused in line, line
            if kind in ("other-master", "foreign", "edited-output"):
                assert "--force" in line and ownership.shown(out) in line, line
            assert after == before  # not one byte changed, nothing added
            return
        assert result.exit_code in (0, 1), (kind, force, result.stderr)
        assert ownership.is_own_unedited(target), "written and sealed as unionxl's"
        replaced = str(target.relative_to(folder))
        for key, data in before.items():
            if key == replaced or (writer.name.startswith("demo") and key.endswith("demo-report.xlsx")):
                continue  # the output itself (an unedited earlier one, or --force over a file that is not an input)
            if writer.name.startswith("demo") and key.endswith("demo-master.xlsx"):
                continue
            assert after[key] == data, key
        assert book.read_bytes() == before[book.name]
        assert not [k for k in after if Path(k).name.startswith(".unionxl-")]  # no temp file left


@pytest.mark.parametrize(("writer", "kind"), COMBOS, ids=[f"{w}-{k}" for w, k in COMBOS])
def test_output_path_outcome(writer: str, kind: str) -> None:
    check(writer, kind, force=False)


FORCED = [(w, k) for w, k in COMBOS if k in ("input", "symlink", "hardlink", "foreign", "edited-output", "directory")]


@pytest.mark.parametrize(("writer", "kind"), FORCED, ids=[f"{w}-{k}" for w, k in FORCED])
def test_output_path_outcome_with_force(writer: str, kind: str) -> None:
    check(writer, kind, force=True)


_NAMES = st.text(st.sampled_from("报告汇总年度abcXYZ 0123_-（）[]【】·"), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and not s.startswith("-"))


@settings(max_examples=int(os.environ.get("UNIONXL_OWNERSHIP_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(combo=st.sampled_from(COMBOS), force=st.booleans(), stem=_NAMES, depth=st.integers(1, 3))
def test_generated_output_paths(combo: tuple[str, str], force: bool, stem: str, depth: int) -> None:
    check(*combo, force=force, stem=stem, depth=depth)


# --- the mechanism itself -----------------------------------------------------------------


def test_a_sealed_workbook_is_recognised_after_a_copy_and_not_after_an_edit(tmp_path: Path) -> None:
    book = tmp_path / "a.xlsx"
    write_master(book, {"union_name": "甲", "year": 2026})
    assert ownership.is_own_unedited(book)
    copy = tmp_path / "别处" / "a.xlsx"
    copy.parent.mkdir()
    shutil.copyfile(book, copy)
    assert ownership.is_own_unedited(copy)
    _edit(copy)
    assert not ownership.is_own_unedited(copy)
    with zipfile.ZipFile(copy) as z:  # the marker survives the edit, so the refusal can say "edited"
        assert 'name="unionxl"' in z.read("docProps/custom.xml").decode()


def test_the_seal_is_a_custom_document_property_other_programs_read(tmp_path: Path) -> None:
    book = tmp_path / "a.xlsx"
    write_master(book, {"union_name": "甲", "year": 2026})
    props = openpyxl.load_workbook(book).custom_doc_props
    value = {p.name: p.value for p in props}["unionxl"]
    assert value.startswith("sha256:") and len(value) == len("sha256:") + 64


def test_changing_one_byte_of_one_part_breaks_the_seal(tmp_path: Path) -> None:
    book = tmp_path / "a.xlsx"
    write_master(book, {"union_name": "甲", "year": 2026})
    changed = tmp_path / "b.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace("甲".encode(), "乙".encode())
            dst.writestr(info, data)
    assert not ownership.is_own_unedited(changed)


def test_not_a_zip_and_a_zip_bomb_are_not_unionxls(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 broken")
    assert not ownership.is_own_unedited(tmp_path / "x.xlsx")
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("docProps/custom.xml", '<property name="unionxl"><vt:lpwstr>sha256:' + "0" * 64 + "</vt:lpwstr>")
        with z.open("big.xml", "w", force_zip64=True) as member:
            for _ in range(1100):
                member.write(b"\0" * 1024 * 1024)
    assert not ownership.is_own_unedited(tmp_path / "bomb.xlsx")


def test_other_files_are_recognised_by_the_manifest(tmp_path: Path) -> None:
    pdf = tmp_path / "汇总.pdf"
    with atomic_output(pdf) as tmp:
        tmp.write_bytes(b"%PDF-1.4 unionxl")
    assert ownership.is_own_unedited(pdf)
    with atomic_output(pdf) as tmp:  # unedited: replaced
        tmp.write_bytes(b"%PDF-1.4 again")
    assert pdf.read_bytes() == b"%PDF-1.4 again"
    pdf.write_bytes(b"%PDF-1.4 edited")
    with pytest.raises(WriteRefused, match="之后被修改过"), atomic_output(pdf) as tmp:
        tmp.write_bytes(b"never")
    assert pdf.read_bytes() == b"%PDF-1.4 edited"
    other = tmp_path / "别人的.pdf"
    other.write_bytes(b"%PDF-1.4 not ours")
    with pytest.raises(WriteRefused, match="不是 unionxl 生成的文件"), atomic_output(other) as tmp:
        tmp.write_bytes(b"never")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".unionxl-outputs.json", "别人的.pdf", "汇总.pdf"]


def test_a_writer_outside_any_command_follows_the_same_rule(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(_foreign_workbook(tmp_path))
    before = target.read_bytes()
    with pytest.raises(WriteRefused, match="不是 unionxl 生成的文件"):
        write_master(target, {"union_name": "甲", "year": 2026})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "别人的.xlsx"]


def test_a_failed_writer_leaves_no_temp_file_and_no_new_folder(tmp_path: Path) -> None:
    target = tmp_path / "新" / "更深" / "a.xlsx"
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer bug")
    assert list(tmp_path.iterdir()) == []


def test_the_input_is_protected_even_if_it_appears_during_the_write(tmp_path: Path) -> None:
    book = tmp_path / "主.xlsx"
    write_master(book, {"union_name": "甲", "year": 2026})
    target = tmp_path / "链接.pdf"  # not sealed: the temp file may hold any bytes
    before = book.read_bytes()
    with pytest.raises(WriteRefused, match="就是输入的文件"), ownership.claim([target], [book], force=True), \
            atomic_output(target) as tmp:
        tmp.write_bytes(b"x")
        target.symlink_to(book)  # a link to the input appears between the decision and the rename
    assert book.read_bytes() == before


@pytest.mark.soffice
def test_summary_pdf_never_replaces_a_pdf_unionxl_did_not_write_or_the_input(tmp_path: Path, soffice: str) -> None:
    book = master(tmp_path)
    out = tmp_path / "年度汇总.xlsx"
    pdf = out.with_suffix(".pdf")
    assert runner.invoke(app, ["summary", str(book), "--out", str(out), "--pdf"]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF") and ownership.is_own_unedited(pdf)
    assert runner.invoke(app, ["summary", str(book), "--out", str(out), "--pdf"]).exit_code == 0  # unedited: again
    pdf.write_bytes(pdf.read_bytes() + b"\n% signed by the chair\n")
    edited = pdf.read_bytes()
    result = runner.invoke(app, ["summary", str(book), "--out", str(out), "--pdf"])
    assert result.exit_code == 2 and "之后被修改过" in result.stderr and "--force" in result.stderr
    assert pdf.read_bytes() == edited
    # a workbook whose name ends in .pdf is still the input: summary --pdf may not print over it
    named_pdf = tmp_path / "汇总.pdf"
    shutil.copyfile(book, named_pdf)
    kept = named_pdf.read_bytes()
    result = runner.invoke(app, ["summary", str(named_pdf), "--out", str(tmp_path / "汇总.xlsx"), "--pdf", "--force"])
    assert result.exit_code == 2 and "就是输入的文件" in result.stderr
    assert named_pdf.read_bytes() == kept and not (tmp_path / "汇总.xlsx").exists()
