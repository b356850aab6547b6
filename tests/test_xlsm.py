"""The master workbook with buttons: its VBA project, read back with olevba, calls real entry points."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser
from typer.testing import CliRunner

from tests.conftest import ROOT
from unionxl.cli import app
from unionxl.contract.schema import MACRO_BUTTONS, XLWINGS_CONF
from unionxl.master.template import VBA_PROJECT
from unionxl.core.validate import validate_path

MASTER = ROOT / "workbooks" / "unionxl-master.xlsm"
BAS = ROOT / "macros" / "unionxl.bas"
_SUB = re.compile(r"^Sub (\w+)\(\)\s*$(.*?)^End Sub", re.M | re.S)
_RUN = re.compile(r'Application\.Run "xlwings\.xlam!RunPython", "([^"]+)"')


def _builder():
    spec = importlib.util.spec_from_file_location("build_vba", ROOT / "macros" / "build_vba.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_committed_vba_project_is_built_from_the_bas_source() -> None:
    assert _builder().build() == VBA_PROJECT.read_bytes(), "stale: run python macros/build_vba.py"
    with zipfile.ZipFile(MASTER) as z:
        assert z.read("xl/vbaProject.bin") == VBA_PROJECT.read_bytes()


def _modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _button_macros(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        vml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/drawings/vmlDrawing"))
    return re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)


def _entry_point(call: str):
    """The function a RunPython string calls, after checking it is `import m as x; x.f()`."""
    tree = ast.parse(call)
    imports = {a.asname or a.name: a.name for node in tree.body if isinstance(node, ast.Import) for a in node.names}
    [expr] = [n for n in tree.body if isinstance(n, ast.Expr)]
    func = expr.value.func
    return getattr(importlib.import_module(imports[func.value.id]), func.attr)


def test_every_button_runs_a_macro_that_calls_an_existing_entry_point() -> None:
    modules = _modules(MASTER)
    # the document modules of ThisWorkbook and the eight sheets, and the buttons' module
    assert set(modules) == {"ThisWorkbook.cls", "unionxl.bas"} | {f"Sheet{i}.cls" for i in range(1, 9)}
    source = modules["unionxl.bas"]
    assert source.replace("\r\n", "\n").strip() == BAS.read_text(encoding="ascii").strip()
    subs = {name: body for name, body in _SUB.findall(source.replace("\r\n", "\n"))}
    buttons = _button_macros(MASTER)
    assert buttons == [macro for _, macro, _ in MACRO_BUTTONS]
    for macro in buttons:
        [call] = _RUN.findall(subs[macro])
        target = _entry_point(call)
        params = list(inspect.signature(target).parameters.values())
        assert params and params[0].name == "book" and params[0].default is None, macro
    assert len(subs) == len(buttons)  # no macro without a button


def test_new_writes_an_xlsm_with_buttons_that_unionxl_still_reads(tmp_path: Path) -> None:
    book = tmp_path / "2027台账.xlsm"
    result = CliRunner().invoke(app, ["new", str(book), "--year", "2027", "--name", "按钮小学工会委员会"])
    assert result.exit_code == 0, result.output
    assert _button_macros(book) == [macro for _, macro, _ in MACRO_BUTTONS]
    with zipfile.ZipFile(book) as z:
        assert z.read("xl/vbaProject.bin") == VBA_PROJECT.read_bytes()
        workbook = z.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook and 'name="xlwings.conf"' in workbook
        assert 'state="hidden"' in workbook
    assert validate_path(book).findings == []
    from python_calamine import CalamineWorkbook

    conf = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("xlwings.conf").to_python()
    assert [tuple(r) for r in conf] == list(XLWINGS_CONF)


@pytest.mark.soffice
def test_libreoffice_opens_the_macro_workbook(soffice: str, tmp_path: Path) -> None:
    import subprocess

    from unionxl.files.office import convert

    pdf = convert(MASTER, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "【按钮】" in text and "本月待办：写入“本月待办”" in text
