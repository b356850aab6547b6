"""`unionxl doctor` on this machine, and with each Windows-side setting broken on purpose."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from unionxl.cli import app
from unionxl.cli import setup as doctor
from unionxl.master.macros import pinned_xlwings

MASTER = ROOT / "workbooks" / "unionxl-master.xlsm"
PIN = pinned_xlwings()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh home folder: the per-user xlwings.conf of these tests is never the real one."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def _statuses(checks: list[doctor.Check]) -> dict[str, str]:
    return {c.title: c.status for c in checks}


def test_doctor_on_this_machine_passes_and_says_what_it_skips() -> None:
    result = CliRunner().invoke(app, ["doctor", str(MASTER)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    python = ".".join(map(str, sys.version_info[:3]))
    assert lines[0] == f"✓ 通过  Python 版本：{python}（{sys.executable}）"
    assert lines[1] == f"✓ 通过  xlwings：{PIN}，与主工作簿中的宏一致"
    assert lines[2] == "✓ 通过  unionxl：0.1.0，按钮的程序可以载入"
    assert lines[3:7] == [
        "- 跳过  pywin32：只有 Windows 上的 Excel 需要它",
        "- 跳过  公式函数组件：公式函数（UNION_DUES 等）只能在 Windows 版 Excel 中使用",
        "- 跳过  Excel 使用的 Python：Linux 上没有 Microsoft Excel，按钮和公式函数用不到这项设置",
        "- 跳过  Excel 宏设置：只在 Windows 上读取 Excel 的注册表设置",
    ]
    assert lines[7] == "✓ 通过  主工作簿的宏（unionxl-master.xlsm）：xlwings 宏、unionxl 按钮和公式函数都在，按钮调用的程序都存在"
    assert lines[8] == "- 跳过  来自网络的标记：只有 Windows 的 NTFS 文件系统会给文件加这个标记"
    assert lines[9:] == ["全部检查通过。"]


def _rewrite(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = change(item.filename, src.read(item))
            if data is not None:
                dst.writestr(item, data)
    return target


def test_a_master_without_its_macros_or_buttons_fails_with_the_fix(tmp_path: Path) -> None:
    stripped = _rewrite(MASTER, tmp_path / "无宏.xlsm", lambda name, data: None if name == "xl/vbaProject.bin" else data)
    result = CliRunner().invoke(app, ["doctor", str(stripped)])
    assert result.exit_code == 1
    assert "✗ 需处理  主工作簿的宏（无宏.xlsm）：无宏.xlsm 中没有宏（可能曾被另存为 .xlsx）" in result.output
    assert "改法：用 unionxl new 文件名.xlsm 生成新的主工作簿，把数据复制过去" in result.output
    assert result.output.splitlines()[-1] == "有 1 项需要处理，请按上面的“改法”操作后再运行一次。"

    def rename(name: str, data: bytes) -> bytes:
        return data.replace(b"!UnionxlTodo<", b"!MyOwnMacro<") if name.startswith("xl/drawings/vml") else data

    renamed = _rewrite(MASTER, tmp_path / "改过.xlsm", rename)
    [check] = [c for c in doctor.run_checks(renamed) if c.title.startswith("主工作簿的宏")]
    assert check.status == doctor.FAIL
    assert check.detail == "“使用说明”中没有“本月待办”按钮；按钮指向的宏 MyOwnMacro 不是 unionxl 的按钮"

    xlsx = doctor.check_book(ROOT / "workbooks" / "demo-master.xlsx", PIN)
    assert (xlsx.status, xlsx.detail) == (doctor.FAIL, "demo-master.xlsx 不是启用宏的工作簿（.xlsm），没有按钮")
    wrong = doctor.check_book(MASTER, "0.30.0")
    assert wrong.detail == f"工作簿中的 xlwings 宏是 {PIN} 版，安装的 unionxl 需要 0.30.0 版"


def _conf(home: Path, *lines: str) -> Path:
    conf = home / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return conf


def test_the_interpreter_setting_each_way_it_breaks(home: Path, tmp_path: Path) -> None:
    def check() -> doctor.Check:
        return doctor.check_interpreter("Windows", PIN)

    conf = home / ".xlwings" / "xlwings.conf"
    missing = check()
    assert (missing.status, missing.detail) == (doctor.FAIL, f"没有设置：{conf} 不存在，Excel 会去找名为 python 的程序")
    assert "unionxl doctor --set-interpreter" in missing.fix

    _conf(home, '"SHOW CONSOLE","False"')
    assert check().detail == f"{conf} 中没有 INTERPRETER_WIN"

    _conf(home, '"INTERPRETER_WIN","C:\\Python311\\python.exe"')
    gone = check()
    assert (gone.status, gone.detail) == (doctor.FAIL, f"{conf} 中的 INTERPRETER_WIN 指向不存在的文件：C:\\Python311\\python.exe")

    bare = tmp_path / "bare"  # a Python with nothing installed: what a second, forgotten Python is
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    bare_python = bare / "bin" / "python"
    _conf(home, f'"INTERPRETER_WIN","{bare_python}"')
    assert (check().status, check().detail) == (doctor.FAIL, f"{bare_python} 中没有安装 xlwings")

    old = tmp_path / "old-python"  # a stand-in answering like a Python with another xlwings
    old.write_text('#!/bin/sh\necho \'{"python": "3.11.2", "xlwings": "0.30.0", "unionxl": "0.1.0", "import": ""}\'\n')
    old.chmod(0o755)
    _conf(home, f'"INTERPRETER_WIN","{old}"')
    assert check().detail == f"{old} 中的 xlwings 是 0.30.0，需要 {PIN}"

    chinese = tmp_path / "张三" / "python"  # a per-user install under a Chinese user name
    chinese.parent.mkdir()
    chinese.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    chinese.chmod(0o755)
    _conf(home, f'"INTERPRETER_WIN","{chinese}"')
    assert check().status == doctor.WARN and "非英文字符" in check().detail

    _conf(home, f'"INTERPRETER_WIN","{sys.executable}"')
    good = check()
    assert good.status == doctor.OK
    assert good.detail == (f"{sys.executable}（就是现在运行的这个）：Python {'.'.join(map(str, sys.version_info[:3]))}、"
                           f"xlwings {PIN}、unionxl 0.1.0")


def test_set_interpreter_writes_the_key_and_keeps_the_other_settings(home: Path) -> None:
    conf = _conf(home, '"INTERPRETER_WIN","C:\\old\\python.exe"', '"SHOW CONSOLE","False"', "# a note")
    doctor.set_interpreter(conf, "INTERPRETER_WIN", sys.executable)
    assert conf.read_text(encoding="utf-8").splitlines() == [
        f'"INTERPRETER_WIN","{sys.executable}"', '"SHOW CONSOLE","False"', "# a note"]
    assert doctor.read_config(conf) == {"INTERPRETER_WIN": sys.executable, "SHOW CONSOLE": "False"}
    assert doctor.check_interpreter("Windows", PIN).status == doctor.OK
    # on Linux there is no Excel: the option says so and writes nothing
    conf.unlink()
    result = CliRunner().invoke(app, ["doctor", "--set-interpreter"])
    assert result.output.splitlines()[0] == "Linux 上没有 Microsoft Excel，不需要设置 Excel 使用的 Python。"
    assert not conf.exists() and result.exit_code == 0


def test_set_interpreter_leaves_the_old_file_whole_when_the_write_fails(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ['"INTERPRETER_WIN","C:\\old\\python.exe"', '"SHOW CONSOLE","False"']
    conf = _conf(home, *lines)
    conf.chmod(0o640)

    def disk_full(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(doctor.os, "replace", disk_full)
    with pytest.raises(OSError):
        doctor.set_interpreter(conf, "INTERPRETER_WIN", sys.executable)
    assert conf.read_text(encoding="utf-8").splitlines() == lines
    assert sorted(p.name for p in conf.parent.iterdir()) == [conf.name]
    monkeypatch.undo()
    doctor.set_interpreter(conf, "INTERPRETER_WIN", sys.executable)
    assert conf.stat().st_mode & 0o777 == 0o640


def test_the_other_checks_fail_with_their_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert doctor.check_xlwings("0.30.0").detail == f"已安装 {PIN}，主工作簿的宏需要 0.30.0"
    assert doctor.check_xlwings(None).status == doctor.FAIL
    # pywin32 is really absent here, as on a Windows Python where its install failed
    pywin32 = doctor.check_pywin32("Windows")
    assert (pywin32.status, pywin32.fix) == (doctor.FAIL, doctor.REINSTALL)

    monkeypatch.setattr(doctor.sys, "prefix", str(tmp_path))
    (tmp_path / f"xlwings64-{PIN}.dll").write_bytes(b"")
    dll = doctor.check_udf_dll("Windows", PIN)
    assert (dll.status, dll.detail) == (doctor.FAIL, f"{tmp_path} 中缺少 xlwings32-{PIN}.dll")
    (tmp_path / f"xlwings32-{PIN}.dll").write_bytes(b"")
    assert doctor.check_udf_dll("Windows", PIN).status == doctor.OK

    monkeypatch.setattr(doctor, "_registry_dword", lambda path, name: 4 if "Policies" not in path else None)
    security = doctor.check_macro_security("Windows")
    assert (security.status, security.detail) == (doctor.FAIL, "宏被设为“禁用所有宏，并且不通知”")
    assert "信任中心" in security.fix
    monkeypatch.setattr(doctor, "_registry_dword", lambda path, name: None)
    assert doctor.check_macro_security("Windows").status == doctor.OK

    marked = doctor.check_mark_of_the_web(MASTER, "Windows", "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=about:internet\r\n")
    assert marked.status == doctor.FAIL and "解除锁定" in marked.fix
    assert doctor.check_mark_of_the_web(MASTER, "Windows", "").status == doctor.OK

    monkeypatch.setattr(doctor.sys, "version_info", (3, 9, 18, "final", 0))
    old = doctor.check_python()
    assert (old.status, old.detail) == (doctor.FAIL, "3.9.18 太旧，需要 3.10 或更新版本")


def test_an_xlwings_conf_beside_the_book_is_reported(tmp_path: Path) -> None:
    book = tmp_path / "m.xlsm"
    shutil.copy(MASTER, book)
    assert doctor.check_book_settings(book, "Windows") is None
    (tmp_path / "xlwings.conf").write_text('"INTERPRETER_WIN","D:\\py\\python.exe"\n', encoding="utf-8")
    beside = doctor.check_book_settings(book, "Windows")
    assert beside is not None and beside.status == doctor.WARN
    assert re.search(r"INTERPRETER_WIN 会代替本机的设置$", beside.detail)
