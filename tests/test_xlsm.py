"""The master workbook with buttons: its VBA project, read back with olevba, calls real entry points.

The project carries xlwings' standalone modules for the pinned xlwings; the tests here
prove they are that release's files and that the pin and the modules move together.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from unionxl.cli import app
from unionxl.contract.schema import MACRO_BUTTONS, XLWINGS_CONF
from unionxl.master.macros import (
    CODE_MODULES, button_macros, entry_point, master_problems, pinned_xlwings, public_subs, read_project,
    runpython_calls, xlwings_version,
)
from unionxl.master.template import VBA_PROJECT
from unionxl.core.validate import validate_path

MASTER = ROOT / "workbooks" / "unionxl-master.xlsm"
MACROS = ROOT / "macros"
BUTTONS = [button.macro for button in MACRO_BUTTONS]


def _builder():
    spec = importlib.util.spec_from_file_location("build_vba", MACROS / "build_vba.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    return read_project(MASTER)


def test_committed_vba_project_is_built_from_the_sources() -> None:
    builder = _builder()
    source = builder.BAS.read_text(encoding="utf-8")
    assert builder.with_buttons(source) == source, "the button Subs differ from MACRO_BUTTONS: run python macros/build_vba.py"
    assert builder.build() == VBA_PROJECT.read_bytes(), "stale: run python macros/build_vba.py"
    with zipfile.ZipFile(MASTER) as z:
        assert z.read("xl/vbaProject.bin") == VBA_PROJECT.read_bytes()


def test_project_holds_the_documents_the_standalone_xlwings_modules_and_unionxls(modules: dict[str, str]) -> None:
    builder = _builder()
    documents = {"ThisWorkbook.cls"} | {f"Sheet{i}.cls" for i in range(1, 9)}
    assert set(modules) == documents | set(CODE_MODULES)
    stored = {f"{name}.{'cls' if kind == 'Class' else 'bas'}": text for name, kind, text in builder.code_modules()}
    assert tuple(stored) == CODE_MODULES
    for name, text in stored.items():
        assert modules[name] == _lf(text), name  # every module reads back exactly as built
        assert text.isascii(), name


def _pins() -> dict[str, list[str]]:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    return {extra: [s for s in specs if re.match(r"xlwings\b", s)] for extra, specs in extras.items()}


def test_the_pin_the_installed_xlwings_and_the_embedded_modules_move_together(modules: dict[str, str]) -> None:
    pins = _pins()
    [excel] = pins["excel"]
    version = re.fullmatch(r"xlwings==(\S+)", excel)[1]  # an exact pin, not a range
    assert pins["test"] == [excel]
    assert pinned_xlwings() == version  # the installed unionxl's metadata says the same
    assert importlib.metadata.version("xlwings") == version, "the test environment must install the pin"
    # the vendored files are that release's files, byte for byte
    import xlwings

    package = Path(xlwings.__file__).parent
    assert (MACROS / "xlwings" / "xlwings.bas").read_bytes() == (package / "xlwings.bas").read_bytes()
    assert (MACROS / "xlwings" / "Dictionary.cls").read_bytes() == (package / "addin" / "Dictionary.cls").read_bytes()
    # … and what `xlwings quickstart --standalone` embeds (it stores the module with LF only)
    quickstart = read_project(package / "quickstart_standalone.xlsm")
    assert modules["xlwings.bas"] == quickstart["xlwings.bas"]
    assert modules["Dictionary.cls"].lower() == quickstart["Dictionary.cls"].lower()  # VBA re-cased Err → err
    # every version stamp in the embedded module is the pin
    code = modules["xlwings.bas"]
    assert xlwings_version(code) == version
    assert re.findall(r"^'Version: (\S+)", code, re.M) == [version]
    assert set(re.findall(r"xlwings(?:32|64)-([0-9][^\"]*?)\.dll", code)) == {version}
    assert '"xlwings-" & XLWINGS_VERSION & ".applescript"' in code


def test_the_project_defines_runpython_itself(modules: dict[str, str]) -> None:
    everything = "\n".join(modules.values())
    assert re.findall(r"^Public Function RunPython\(", everything, re.M) == ["Public Function RunPython("]
    assert "xlwings.xlam" not in everything and "Application.Run" not in modules["unionxl.bas"]
    assert re.findall(r"^Function XLPy\(\)", modules["xlwings.bas"], re.M)  # what the UDF wrappers call


def test_every_button_runs_a_guarded_sub_that_calls_an_existing_entry_point(modules: dict[str, str]) -> None:
    subs = public_subs(modules["unionxl.bas"])
    assert button_macros(MASTER) == BUTTONS
    assert sorted(subs) == sorted(BUTTONS)  # no macro without a button
    for macro in BUTTONS:
        body = subs[macro]
        lines = [line.strip() for line in body.strip().splitlines()]
        assert lines[0] == "On Error GoTo failed", macro  # the handler is armed before anything runs
        assert lines[-2:] == ["failed:", "UxFailed Err.Number, Err.Description"], macro
        [call] = runpython_calls(body)
        assert body.count("RunPython") == 1 and "If UxReady() Then RunPython" in body
        params = list(inspect.signature(entry_point(call)).parameters.values())
        assert params and params[0].name == "book" and params[0].default is None, macro
    assert master_problems(MASTER, pinned_xlwings()) == []


def _decoded_literals(stored: str) -> list[str]:
    return [bytes.fromhex(h).decode("utf-16-be") for h in re.findall(r'UxText\("([0-9A-F]*)"\)', stored)]


def test_chinese_messages_are_stored_as_ascii_and_decode_to_the_source_text(modules: dict[str, str]) -> None:
    source = (MACROS / "unionxl.bas").read_text(encoding="utf-8")
    chinese = [lit[1:-1] for lit in re.findall(r'"(?:[^"\n]|"")*"', source) if not lit.isascii()]
    stored = modules["unionxl.bas"]
    assert _decoded_literals(stored) == chinese
    assert len(chinese) >= 10
    # a message for each failure the check before RunPython tells apart, each with the fix
    for phrase in ("找不到 Python", "没有安装 xlwings", "不是本工作簿需要的", "没有安装 unionxl", "版本太旧", "按钮没有运行成功"):
        assert any(phrase in text for text in chinese), phrase
    assert sum("安装.bat" in text for text in chinese) >= 3


def _probe(stored: str) -> str:
    """The Python line UxProbe builds, with the module's constants and the embedded XLWINGS_VERSION."""
    consts = dict(re.findall(r"^Private Const (\w+) As Long = (\d+)", stored, re.M))
    consts["XLWINGS_VERSION"] = xlwings_version(read_project(MASTER)["xlwings.bas"])
    body = re.search(r"^Private Function UxProbe\(\) As String\n(.*?)^End Function", stored, re.M | re.S)[1]
    expression = body.split("UxProbe = ", 1)[1].replace(" _\n", " ")
    parts = re.findall(r'"((?:[^"]|"")*)"|(\w+)', expression)
    return "".join(text.replace('""', '"') if text or not name else consts[name] for text, name in parts)


def test_the_probe_before_runpython_is_python_that_tells_each_missing_piece(modules: dict[str, str], tmp_path: Path) -> None:
    probe = _probe(modules["unionxl.bas"])
    assert not set(probe) & set('"%!')  # cmd.exe would read them
    here = subprocess.run([sys.executable, "-B", "-c", probe], capture_output=True)
    assert here.returncode == 0, here.stderr  # this environment has everything
    consts = {k: int(v) for k, v in re.findall(r"^Private Const (\w+) As Long = (\d+)", modules["unionxl.bas"], re.M)}
    # a fresh environment holding only what each case installs
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    [site] = env.glob("lib/python*/site-packages")

    def install(name: str, version: str) -> None:
        (site / name).mkdir(exist_ok=True)
        (site / name / "__init__.py").write_text("")
        for old in site.glob(f"{name}-*.dist-info"):
            shutil.rmtree(old)
        info = site / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")

    def code() -> int:
        return subprocess.run([str(python), "-B", "-c", probe], capture_output=True, cwd=tmp_path).returncode

    assert code() == consts["UX_NO_XLWINGS"] == 3
    install("xlwings", "0.30.0")
    assert code() == consts["UX_WRONG_XLWINGS"] == 4
    install("xlwings", pinned_xlwings())
    assert code() == consts["UX_NO_UNIONXL"] == 5
    install("unionxl", "0.1.0")
    assert code() == 0


def test_udf_wrappers_are_what_the_pinned_xlwings_generates(tmp_path: Path, modules: dict[str, str]) -> None:
    out = tmp_path / "xlwings_udfs.bas"
    subprocess.run([sys.executable, str(MACROS / "gen_udfs.py"), str(out)], check=True, capture_output=True)
    assert out.read_bytes() == (MACROS / "xlwings_udfs.bas").read_bytes(), "stale: run python macros/gen_udfs.py"
    from unionxl.xl import udfs

    wrapped = set(re.findall(r"^Function (\w+)\(", modules["xlwings_udfs.bas"], re.M))
    assert wrapped == {name for name in dir(udfs) if name.startswith("UNION_")}
    check = re.search(r"^Function UNION_CHECK\(\)\n(.*?)^End Function", modules["xlwings_udfs.bas"], re.M | re.S)[1]
    assert check.strip().startswith("Application.Volatile")  # it refreshes when the sheet recalculates


def test_licence_notices_ship_with_the_package() -> None:
    notice = (ROOT / "unionxl" / "data" / "THIRD_PARTY_NOTICES.txt").read_text(encoding="utf-8")
    assert "BSD 3-clause" in notice and "Zoomer Analytics" in notice and "xlwings.bas" in notice
    assert "MIT License" in notice and "Tim Hall" in notice and "Dictionary.cls" in notice
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data/*.txt"' in pyproject


def test_new_writes_an_xlsm_with_buttons_that_unionxl_still_reads(tmp_path: Path) -> None:
    book = tmp_path / "2027台账.xlsm"
    result = CliRunner().invoke(app, ["new", str(book), "--year", "2027", "--name", "按钮小学工会委员会"])
    assert result.exit_code == 0, result.output
    assert button_macros(book) == BUTTONS
    with zipfile.ZipFile(book) as z:
        assert z.read("xl/vbaProject.bin") == VBA_PROJECT.read_bytes()
        workbook = z.read("xl/workbook.xml").decode()
        assert 'codeName="ThisWorkbook"' in workbook and 'name="xlwings.conf"' in workbook
        assert 'state="hidden"' in workbook
    assert validate_path(book).findings == []
    from python_calamine import CalamineWorkbook

    conf = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("xlwings.conf").to_python()
    assert [tuple(r) for r in conf] == list(XLWINGS_CONF)
    # no interpreter here: the per-user setting the install script writes decides, on any PC
    assert not any(key.upper().startswith(("INTERPRETER", "CONDA")) for key, _ in XLWINGS_CONF)


@pytest.mark.soffice
def test_libreoffice_opens_the_macro_workbook(soffice: str, tmp_path: Path) -> None:
    import subprocess

    from unionxl.files.office import convert

    pdf = convert(MASTER, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "【按钮】" in text and "本月待办：写入“本月待办”" in text
