"""`unionxl doctor`: is this PC ready for the master's buttons? Each prerequisite, its state and the fix.

The install script (install/安装.bat) ends with ``unionxl doctor --set-interpreter``; a
treasurer or a helper runs ``unionxl doctor 主工作簿.xlsm`` when a button does not work.
Checks that cannot apply on this system (the Windows registry, pywin32, Mark of the Web on
Linux) are listed as skipped, with the reason. Exit code 0 when nothing failed, 1 otherwise.

Where Excel finds its Python: xlwings' RunPython looks, in this order, at the workbook's
``xlwings.conf`` sheet, an ``xlwings.conf`` file beside the workbook, and the per-user file
``%USERPROFILE%\\.xlwings\\xlwings.conf``. unionxl's masters leave the interpreter out of the
sheet (a workbook moves between PCs; the Python is per PC), so the per-user file decides.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, metadata, version
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from unionxl.cli.app import _guarded, app, out
from unionxl.master.macros import master_problems, pinned_xlwings

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
_MARKS = {OK: ("✓ 通过", "green"), WARN: ("! 注意", "yellow"), FAIL: ("✗ 需处理", "bold red"), SKIP: ("- 跳过", "dim")}
#: re-running the install script mends every failure it can
REINSTALL = "重新运行 unionxl 安装包中的“安装.bat”"
#: what the interpreter is asked (one line per answer; importing unionxl.xl pulls in the whole stack)
_PROBE = (
    "import json, sys\n"
    "from importlib.metadata import version\n"
    "answer = {'python': '%d.%d.%d' % sys.version_info[:3]}\n"
    "for name in ('xlwings', 'unionxl'):\n"
    "    try:\n"
    "        answer[name] = version(name)\n"
    "    except Exception:\n"
    "        answer[name] = None\n"
    "try:\n"
    "    import unionxl.xl\n"
    "    answer['import'] = ''\n"
    "except Exception as exc:\n"
    "    answer['import'] = type(exc).__name__ + ': ' + str(exc)\n"
    "print(json.dumps(answer))\n"
)
_CONF_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


@dataclass(frozen=True)
class Check:
    title: str
    status: str
    detail: str
    fix: str = ""


# --- where xlwings keeps its settings -------------------------------------------------------

def user_config_file(system: str | None = None) -> Path:
    """xlwings' per-user settings file (the path xlwings.USER_CONFIG_FILE gives on that system)."""
    system = system or platform.system()
    if system == "Darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return Path.home() / ".xlwings" / "xlwings.conf"


def interpreter_key(system: str | None = None) -> str | None:
    """The setting RunPython reads for the interpreter; None where there is no Excel."""
    return {"Windows": "INTERPRETER_WIN", "Darwin": "INTERPRETER_MAC"}.get(system or platform.system())


def read_config(path: Path) -> dict[str, str]:
    """The ``"KEY","VALUE"`` lines of an xlwings.conf file, keys upper-cased as xlwings does."""
    settings: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        found = _CONF_LINE.match(line)
        if found:
            settings[found[1].upper()] = found[2]
    return settings


def set_interpreter(path: Path, key: str, python: str) -> None:
    """Write *key* = *python* into the xlwings.conf at *path*, keeping every other line."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
    kept = [line for line in lines if not ((m := _CONF_LINE.match(line)) and m[1].upper() == key)]
    path.parent.mkdir(parents=True, exist_ok=True)
    # xlwings' VBA reads the file with Open … For Input, i.e. in the PC's ANSI code page; the
    # install script keeps the path ASCII, so UTF-8 and ANSI agree.
    text = "\n".join([f'"{key}","{python}"', *kept]) + "\n"
    # Replaced atomically: a crash mid-write must not leave the user's xlwings.conf half
    # written (every other setting in it would be lost). Not through safeio.atomic_output,
    # which refuses files unionxl did not write: this one is the user's, edited on request.
    fd, tmp = tempfile.mkstemp(prefix=".unionxl-", suffix=".conf", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the checks -----------------------------------------------------------------------------

def _minimum_python() -> tuple[int, ...]:
    try:
        spec = metadata("unionxl")["Requires-Python"] or ""
    except PackageNotFoundError:
        spec = ""
    found = re.search(r">=\s*(\d+)\.(\d+)", spec)
    return (int(found[1]), int(found[2])) if found else (3, 10)


def check_python() -> Check:
    need = _minimum_python()
    have = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] >= need:
        return Check("Python 版本", OK, f"{have}（{sys.executable}）")
    return Check("Python 版本", FAIL, f"{have} 太旧，需要 {'.'.join(map(str, need))} 或更新版本",
                 f"从 python.org 安装新版 Python，再{REINSTALL}")


def check_xlwings(pinned: str | None) -> Check:
    try:
        have = version("xlwings")
    except PackageNotFoundError:
        return Check("xlwings", FAIL, "没有安装", REINSTALL)
    if pinned is None:
        return Check("xlwings", FAIL, f"已安装 {have}，但 unionxl 没有正确安装（找不到它要求的 xlwings 版本）", REINSTALL)
    if have != pinned:
        return Check("xlwings", FAIL, f"已安装 {have}，主工作簿的宏需要 {pinned}", REINSTALL)
    return Check("xlwings", OK, f"{have}，与主工作簿中的宏一致")


def check_unionxl() -> Check:
    try:
        import unionxl.xl  # noqa: F401  (the buttons' entry points, with xlwings and the whole core)
    except Exception as exc:  # any broken dependency shows here
        return Check("unionxl", FAIL, f"无法载入按钮的程序：{type(exc).__name__}: {exc}", REINSTALL)
    return Check("unionxl", OK, f"{version('unionxl')}，按钮的程序可以载入")


def check_pywin32(system: str) -> Check:
    if system != "Windows":
        return Check("pywin32", SKIP, "只有 Windows 上的 Excel 需要它")
    try:
        import pythoncom  # noqa: F401
        import win32com.client  # noqa: F401
    except Exception as exc:
        return Check("pywin32", FAIL, f"无法载入：{type(exc).__name__}", REINSTALL)
    return Check("pywin32", OK, "可以载入")


def check_udf_dll(system: str, pinned: str | None) -> Check:
    """The xlwings DLL the UDF wrappers load, installed by the Windows wheel beside python.exe's prefix."""
    if system != "Windows":
        return Check("公式函数组件", SKIP, "公式函数（UNION_DUES 等）只能在 Windows 版 Excel 中使用")
    names = [f"xlwings{bits}-{pinned}.dll" for bits in (64, 32)]
    missing = [n for n in names if not (Path(sys.prefix) / n).is_file()]
    if missing:
        return Check("公式函数组件", FAIL, f"{sys.prefix} 中缺少 {'、'.join(missing)}", REINSTALL)
    return Check("公式函数组件", OK, f"{sys.prefix} 中有 {'、'.join(names)}")


def _probe(python: str) -> dict[str, str | None] | str:
    try:
        done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=120,
                              encoding="utf-8", errors="replace")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"无法运行：{type(exc).__name__}"
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        return f"运行出错（退出码 {done.returncode}）"


def check_interpreter(system: str, pinned: str | None, conf: Path | None = None) -> Check:
    """The Python the per-user xlwings setting names: it exists, has an ASCII path, runs unionxl."""
    title = "Excel 使用的 Python"
    key = interpreter_key(system)
    if key is None:
        return Check(title, SKIP, f"{system} 上没有 Microsoft Excel，按钮和公式函数用不到这项设置")
    conf = conf or user_config_file(system)
    fix = f"运行 unionxl doctor --set-interpreter（写入 {conf}），或{REINSTALL}"
    if not conf.is_file():
        return Check(title, FAIL, f"没有设置：{conf} 不存在，Excel 会去找名为 python 的程序", fix)
    settings = read_config(conf)
    if settings.get("CONDA PATH") and settings.get("CONDA ENV"):
        return Check(title, WARN, f"{conf} 使用 conda 环境 {settings['CONDA ENV']}，未逐项检查")
    python = os.path.expandvars(settings.get(key, ""))
    if not python:
        return Check(title, FAIL, f"{conf} 中没有 {key}", fix)
    if not Path(python).is_file():
        return Check(title, FAIL, f"{conf} 中的 {key} 指向不存在的文件：{python}", fix)
    answer = _probe(python)
    if isinstance(answer, str):
        return Check(title, FAIL, f"{python} {answer}", fix)
    if not answer.get("xlwings"):
        return Check(title, FAIL, f"{python} 中没有安装 xlwings", REINSTALL)
    if pinned and answer["xlwings"] != pinned:
        return Check(title, FAIL, f"{python} 中的 xlwings 是 {answer['xlwings']}，需要 {pinned}", REINSTALL)
    if not answer.get("unionxl") or answer.get("import"):
        return Check(title, FAIL, f"{python} 中无法载入 unionxl：{answer.get('import') or '没有安装'}", REINSTALL)
    if not python.isascii():
        return Check(title, WARN, f"{python} 的路径含有非英文字符，Excel 的公式函数可能找不到它",
                     "重新运行“安装.bat”，装到只含英文字母和数字的文件夹（例如 C:\\unionxl）")
    same = "（就是现在运行的这个）" if Path(python).resolve() == Path(sys.executable).resolve() else ""
    return Check(title, OK, f"{python}{same}：Python {answer['python']}、xlwings {answer['xlwings']}、unionxl {answer['unionxl']}")


def _registry_dword(path: str, name: str) -> int | None:
    import winreg  # type: ignore[import-not-found]  # Windows only

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, path) as key:
            return int(winreg.QueryValueEx(key, name)[0])
    except OSError:
        return None


def check_macro_security(system: str) -> Check:
    """Excel's 宏设置: 'disable without notification' (4) or 'signed only' (3) stops every button."""
    title = "Excel 宏设置"
    if system != "Windows":
        return Check(title, SKIP, "只在 Windows 上读取 Excel 的注册表设置")
    for office in ("16.0", "15.0"):
        for root in ("Software\\Policies\\Microsoft\\Office", "Software\\Microsoft\\Office"):
            value = _registry_dword(f"{root}\\{office}\\Excel\\Security", "VBAWarnings")
            if value in (3, 4):
                managed = "（由单位的策略设定）" if "Policies" in root else ""
                return Check(title, FAIL, f"宏被设为“{'禁用无数字签署的所有宏' if value == 3 else '禁用所有宏，并且不通知'}”{managed}",
                             "Excel：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，选“禁用所有宏，并发出通知”；"
                             "或把主工作簿放进“受信任位置”")
    return Check(title, OK, "打开主工作簿时会询问是否启用宏")


def check_book(book: Path, pinned: str | None) -> Check:
    title = f"主工作簿的宏（{book.name}）"
    if not book.is_file():
        return Check(title, FAIL, f"找不到文件：{book}", "检查文件名和文件夹")
    problems = master_problems(book, pinned)
    if problems:
        return Check(title, FAIL, "；".join(problems), "用 unionxl new 文件名.xlsm 生成新的主工作簿，把数据复制过去")
    return Check(title, OK, "xlwings 宏、unionxl 按钮和公式函数都在，按钮调用的程序都存在")


def check_book_settings(book: Path, system: str) -> Check | None:
    """An xlwings.conf beside the book overrides the per-user interpreter: say so when it does."""
    beside = book.parent / "xlwings.conf"
    key = interpreter_key(system)
    if key and beside.is_file() and read_config(beside).get(key):
        return Check("工作簿旁的 xlwings.conf", WARN, f"{beside} 中的 {key} 会代替本机的设置",
                     "如果按钮找不到 Python，删除这个文件")
    return None


def zone_identifier(book: Path) -> str | None:
    """The NTFS Zone.Identifier stream Windows adds to downloaded and received files, if any."""
    try:
        return Path(f"{book}:Zone.Identifier").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def check_mark_of_the_web(book: Path, system: str, stream: str | None = None) -> Check:
    """Excel blocks every macro of a file marked as from the internet, with no 启用内容 button."""
    title = "来自网络的标记"
    if system != "Windows":
        return Check(title, SKIP, "只有 Windows 的 NTFS 文件系统会给文件加这个标记")
    stream = zone_identifier(book) if stream is None else stream
    zone = re.search(r"ZoneId\s*=\s*(\d+)", stream or "")
    if zone and int(zone[1]) >= 3:
        return Check(title, FAIL, f"{book.name} 带有“来自网络”的标记，Excel 会阻止其中的宏",
                     "关闭 Excel 中的这个文件，右键点击文件 → 属性 → 勾选“解除锁定” → 确定")
    return Check(title, OK, "没有标记，Excel 不会因来源阻止宏")


def run_checks(book: Path | None = None, system: str | None = None) -> list[Check]:
    system = system or platform.system()
    pinned = pinned_xlwings()
    checks = [check_python(), check_xlwings(pinned), check_unionxl(), check_pywin32(system),
              check_udf_dll(system, pinned), check_interpreter(system, pinned), check_macro_security(system)]
    if book is not None:
        checks.append(check_book(book, pinned))
        checks.append(check_mark_of_the_web(book, system))
        beside = check_book_settings(book, system)
        if beside:
            checks.append(beside)
    return checks


@app.command()
@_guarded
def doctor(
    book: Annotated[Path | None, typer.Argument(help="要检查的主工作簿（.xlsm），可省略")] = None,
    set_interpreter_: Annotated[bool, typer.Option(
        "--set-interpreter", help="先把 Excel 使用的 Python 设为正在运行的这个（写入 xlwings 的用户设置）")] = False,
) -> int:
    """检查在 Excel 中使用按钮所需的一切：Python、xlwings、unionxl、Excel 的 Python 设置、主工作簿的宏。"""
    system = platform.system()
    if set_interpreter_:
        key = interpreter_key(system)
        if key is None:
            out.print(f"{system} 上没有 Microsoft Excel，不需要设置 Excel 使用的 Python。")
        else:
            conf = user_config_file(system)
            set_interpreter(conf, key, sys.executable)
            out.print(f"已设置：Excel 使用 {sys.executable}（写入 {conf}）")
    checks = run_checks(book, system)
    for check in checks:
        out.print(Text.assemble(_MARKS[check.status], f"  {check.title}：{check.detail}"), soft_wrap=True)
        if check.fix and check.status in (FAIL, WARN):
            out.print(f"        改法：{check.fix}", soft_wrap=True)
    failed = [c for c in checks if c.status == FAIL]
    out.print("全部检查通过。" if not failed else f"有 {len(failed)} 项需要处理，请按上面的“改法”操作后再运行一次。")
    return 1 if failed else 0
