"""The Windows install kit: 安装.bat's bytes, install.py's decisions, and the kit build (wheel + files)."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

INSTALL = ROOT / "install"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, INSTALL / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


installer = _module("install")


def test_the_batch_file_is_utf8_without_bom_crlf_and_switches_the_code_page_first() -> None:
    data = (INSTALL / "安装.bat").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # a BOM would turn "@echo off" into an unknown command
    text = data.decode("utf-8")
    assert text.count("\r\n") == text.count("\n")  # CRLF everywhere: cmd.exe misreads labels otherwise
    lines = text.split("\r\n")
    assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
    first_chinese = next(i for i, line in enumerate(lines) if not line.isascii())
    assert first_chinese > 1 and all(line.isascii() for line in lines[:first_chinese])
    assert '%PY% "%~dp0install.py" %*' in lines
    assert any("python.org" in line and "3.10" in line for line in lines)  # the fix when Python is missing
    assert (ROOT / ".gitattributes").read_text(encoding="utf-8").count("*.bat text eol=crlf") == 1


def test_install_py_keeps_to_old_python_syntax() -> None:
    import ast

    tree = ast.parse((INSTALL / "install.py").read_text(encoding="utf-8"), feature_version=(3, 6))
    assert not any(isinstance(node, ast.NamedExpr) for node in ast.walk(tree))


def test_the_install_folder_is_ascii_even_for_a_chinese_user_name() -> None:
    assert installer.default_target({"LOCALAPPDATA": "C:\\Users\\li\\AppData\\Local"}, "Windows") == \
        "C:\\Users\\li\\AppData\\Local\\unionxl\\python"
    assert installer.default_target({"LOCALAPPDATA": "C:\\Users\\李明\\AppData\\Local"}, "Windows") == "C:\\unionxl\\python"
    assert installer.default_target({}, "Windows") == "C:\\unionxl\\python"
    assert installer.venv_python("C:\\unionxl\\python", "Windows") == "C:\\unionxl\\python\\Scripts\\python.exe"


def test_pip_installs_the_kits_own_wheel_offline_when_there_is_a_wheelhouse(tmp_path: Path) -> None:
    wheel = str(tmp_path / "wheels" / "unionxl-0.1.0-py3-none-any.whl")
    online = installer.pip_command("py", wheel, str(tmp_path), offline=False)
    assert online[-1] == wheel + "[excel]" and "--no-index" not in online  # by path: never a same-named package
    offline = installer.pip_command("py", wheel, str(tmp_path), offline=True)
    assert offline[offline.index("--no-index") + 1:offline.index("--no-index") + 3] == [
        "--find-links", str(tmp_path / "wheelhouse")]
    mirror = installer.pip_command("py", wheel, str(tmp_path), offline=False, index_url="https://mirror.example/simple")
    assert mirror[mirror.index("--index-url") + 1] == "https://mirror.example/simple"

    (tmp_path / "wheelhouse").mkdir()
    assert installer.wheelhouse_problem(str(tmp_path)) == ""
    (tmp_path / "wheelhouse" / "target.txt").write_text("3.9 win_amd64\n", encoding="ascii")
    have = "%d.%d" % sys.version_info[:2]
    assert installer.wheelhouse_problem(str(tmp_path)) == f"离线安装包是为 Python 3.9 准备的，这台电脑上是 Python {have}"


def test_install_refuses_with_the_fix(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    assert installer.main(["--target", str(tmp_path / "张三" / "python")]) == 1
    out = capsys.readouterr().out
    assert "路径含有中文或其他非英文字符" in out and "--target C:\\unionxl\\python" in out

    monkeypatch.setattr(installer, "HERE", str(tmp_path))  # a kit without its wheel
    assert installer.main(["--target", str(tmp_path / "py")]) == 1
    assert "找不到 wheels 文件夹中的 unionxl-*.whl" in capsys.readouterr().out

    monkeypatch.setattr(installer.sys, "version_info", (3, 8, 10, "final", 0))
    assert installer.main([]) == 1
    out = capsys.readouterr().out
    assert "unionxl 需要 Python 3.10 或更新版本" in out and "python.org" in out and "安装.bat" in out


def test_windows_only_requirements_are_found_for_the_wheelhouse(tmp_path: Path) -> None:
    kit = _module("build_kit")

    def wheel(name: str, *requires: str) -> None:
        with zipfile.ZipFile(tmp_path / f"{name}-1.0-py3-none-any.whl", "w") as z:
            z.writestr(f"{name}-1.0.dist-info/METADATA",
                       "Metadata-Version: 2.1\nName: " + name + "\n" + "".join(f"Requires-Dist: {r}\n" for r in requires))

    wheel("xlwings", 'pywin32>=224; platform_system == "Windows"', 'psutil>=2.0.0; platform_system == "Darwin"')
    wheel("pandas", 'tzdata; sys_platform == "win32"', "numpy>=1.26", 'pytest; extra == "test"')
    wheel("typer", 'colorama; platform_system == "Windows"')
    wheel("colorama")
    assert kit.windows_only_requirements(tmp_path, "3.12") == {"pywin32>=224", "tzdata"}


def test_the_kit_holds_the_installer_the_master_the_notices_and_a_wheel_with_the_macros(tmp_path: Path) -> None:
    kit = _module("build_kit").build_kit(tmp_path / "kit")
    names = sorted(p.name for p in kit.iterdir())
    assert names == sorted(["THIRD_PARTY_NOTICES.txt", "install.py", "unionxl-master.xlsm", "wheels", "安装.bat"])
    assert (kit / "unionxl-master.xlsm").read_bytes() == (ROOT / "workbooks" / "unionxl-master.xlsm").read_bytes()
    [wheel] = (kit / "wheels").iterdir()
    assert re.fullmatch(r"unionxl-0\.1\.0-py3-none-any\.whl", wheel.name)
    with zipfile.ZipFile(wheel) as z:
        files = set(z.namelist())
        assert z.read("unionxl/data/vbaProject.bin") == (ROOT / "unionxl" / "data" / "vbaProject.bin").read_bytes()
        meta = z.read("unionxl-0.1.0.dist-info/METADATA").decode("utf-8")
    assert {"unionxl/data/THIRD_PARTY_NOTICES.txt", "unionxl/cli/setup.py", "unionxl/xl/guard.py"} <= files
    assert not any(f.startswith(("tests/", "macros/", "install/")) for f in files)
    assert 'Requires-Dist: xlwings==0.37.8; extra == "excel"' in meta
