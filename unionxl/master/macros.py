"""What an .xlsm master's macros are, read back from the file: shared by `unionxl doctor` and the tests.

The VBA project (built by macros/build_vba.py) holds xlwings' standalone modules, the
buttons' module and the UDF wrappers. Reading it needs oletools (in the ``[excel]`` and
``[test]`` extras), imported only when a project is read.
"""

from __future__ import annotations

import ast
import importlib
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from unionxl.contract.schema import MACRO_BUTTONS

#: the code modules of the project, as olevba names them (documents are ThisWorkbook, SheetN)
CODE_MODULES = ("xlwings.bas", "Dictionary.cls", "unionxl.bas", "xlwings_udfs.bas")
#: a public argument-less Sub: what a button can run
_SUB = re.compile(r"^Sub (\w+)\(\)\s*$(.*?)^End Sub", re.M | re.S)
_RUN = re.compile(r'^\s*(?:If .* Then )?RunPython "([^"]+)"\s*$', re.M)
_VERSION = re.compile(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', re.M)
_MACRO = re.compile(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>")


def pinned_xlwings() -> str | None:
    """The exact xlwings release unionxl's ``[excel]`` extra pins (the one the macros embed).

    Read from the installed package's metadata, so it is the pin of the unionxl that runs;
    None when unionxl is not installed (a bare source tree) or the pin is not exact.
    """
    from importlib.metadata import PackageNotFoundError, requires

    try:
        specs = requires("unionxl") or []
    except PackageNotFoundError:
        return None
    for spec in specs:
        found = re.fullmatch(r'xlwings\s*==\s*([^\s;]+)\s*;\s*extra\s*==\s*"excel"', spec.strip())
        if found:
            return found[1]
    return None


def read_project(path: str | Path) -> dict[str, str]:
    """Module file name (``unionxl.bas``, ``Sheet1.cls`` …) → its source, LF line ends."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        if not parser.detect_vba_macros():
            return {}
        return {name: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def button_macros(path: str | Path) -> list[str]:
    """The macro each form button of the workbook runs, in the order of the drawing."""
    with zipfile.ZipFile(path) as z:
        vml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/drawings/vmlDrawing"))
    return _MACRO.findall(vml)


def public_subs(source: str) -> dict[str, str]:
    """Name → body of each public argument-less Sub of a module (what Alt+F8 and buttons list)."""
    return dict(_SUB.findall(source.replace("\r\n", "\n")))


def runpython_calls(body: str) -> list[str]:
    """The Python command strings a Sub's body passes to RunPython."""
    return _RUN.findall(body)


def entry_point(call: str) -> Callable:
    """The function a RunPython string calls, after checking it is ``import m as x; x.f()``."""
    tree = ast.parse(call)
    imports = {a.asname or a.name: a.name for node in tree.body if isinstance(node, ast.Import) for a in node.names}
    [expr] = [n for n in tree.body if isinstance(n, ast.Expr)]
    func = expr.value.func  # type: ignore[attr-defined]
    return getattr(importlib.import_module(imports[func.value.id]), func.attr)


def xlwings_version(source: str) -> str | None:
    """The xlwings release an embedded ``xlwings`` module comes from (its XLWINGS_VERSION)."""
    found = _VERSION.search(source)
    return found[1] if found else None


def master_problems(path: str | Path, pinned: str | None) -> list[str]:
    """What keeps an .xlsm master's buttons from working, in Chinese; empty when all is well.

    Checks that the file carries a VBA project with the expected modules, that its xlwings
    module is the *pinned* release, and that every button runs a Sub that calls RunPython on
    an entry point that exists.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        return [f"{path.name} 不是启用宏的工作簿（.xlsm），没有按钮"]
    try:
        modules = read_project(path)
    except Exception as exc:  # a damaged file: oletools raises several unrelated types
        return [f"无法读取 {path.name} 中的宏：{type(exc).__name__}"]
    if not modules:
        return [f"{path.name} 中没有宏（可能曾被另存为 .xlsx）"]
    problems = [f"缺少宏模块 {name}" for name in CODE_MODULES if name not in modules]
    if "xlwings.bas" in modules:
        embedded = xlwings_version(modules["xlwings.bas"])
        if pinned and embedded != pinned:
            problems.append(f"工作簿中的 xlwings 宏是 {embedded} 版，安装的 unionxl 需要 {pinned} 版")
    subs = public_subs(modules.get("unionxl.bas", ""))
    try:
        buttons = button_macros(path)
    except (OSError, zipfile.BadZipFile, KeyError):
        buttons = []
    expected = [button.macro for button in MACRO_BUTTONS]
    for caption, macro in ((button.caption, button.macro) for button in MACRO_BUTTONS):
        if macro not in buttons:
            problems.append(f"“使用说明”中没有“{caption}”按钮")
        if macro not in subs:
            problems.append(f"宏 {macro}（“{caption}”按钮）不存在")
            continue
        for call in runpython_calls(subs[macro]) or [""]:
            try:
                entry_point(call)
            except Exception:
                problems.append(f"宏 {macro}（“{caption}”按钮）调用的 Python 函数不存在：{call or '（没有调用）'}")
    problems += [f"按钮指向的宏 {macro} 不是 unionxl 的按钮" for macro in buttons if macro not in expected]
    return problems
