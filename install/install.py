"""unionxl installer, run by 安装.bat: `python install.py [--target DIR] [--index-url URL] [BOOK]`.

1. checks this Python's version;
2. picks an install folder whose path is ASCII only (xlwings hands the interpreter's path
   to Windows through ANSI calls: a Chinese user name in the path can break the UDFs);
3. makes a private Python environment there and installs unionxl with its Excel extra
   from the kit's wheels/ folder, offline from wheelhouse/ when the kit has one;
4. ends with ``unionxl doctor --set-interpreter``: writes xlwings' per-user interpreter
   setting (%USERPROFILE%\\.xlwings\\xlwings.conf) and prints every check with its fix.

Keep this file runnable by old Pythons (no syntax newer than 3.6), so that the version
check itself can speak. Messages are Chinese; the script never changes anything outside
the install folder and the one xlwings setting.
"""

import argparse
import glob
import ntpath
import os
import platform
import subprocess
import sys

MINIMUM = (3, 10)
HERE = os.path.dirname(os.path.abspath(__file__))
#: written by build_kit.py beside an offline wheelhouse: the Python and platform it is for
WHEELHOUSE_TAG = "target.txt"


def say(text=""):
    print(text, flush=True)


def is_ascii(path):
    try:
        path.encode("ascii")
        return True
    except UnicodeEncodeError:
        return False


def default_target(environ=None, system=None):
    """%LOCALAPPDATA%\\unionxl\\python, or C:\\unionxl\\python when that path is not ASCII."""
    environ = os.environ if environ is None else environ
    system = system or platform.system()
    if system == "Windows":
        base = environ.get("LOCALAPPDATA", "")
        preferred = ntpath.join(base, "unionxl", "python") if base else ""
        return preferred if preferred and is_ascii(preferred) else "C:\\unionxl\\python"
    return os.path.join(os.path.expanduser("~"), ".local", "share", "unionxl", "python")


def venv_python(target, system=None):
    if (system or platform.system()) == "Windows":
        return ntpath.join(target, "Scripts", "python.exe")
    return os.path.join(target, "bin", "python")


def kit_wheel(kit):
    """The unionxl wheel of the kit (the newest when there are several)."""
    found = sorted(glob.glob(os.path.join(kit, "wheels", "unionxl-*.whl")))
    return found[-1] if found else None


def wheelhouse_problem(kit):
    """Why the kit's offline wheelhouse does not fit this Python; '' when it fits or is absent."""
    tag_file = os.path.join(kit, "wheelhouse", WHEELHOUSE_TAG)
    if not os.path.isfile(tag_file):
        return ""
    with open(tag_file, encoding="ascii") as f:
        wanted = f.read().split()
    have = "%d.%d" % sys.version_info[:2]
    if wanted and wanted[0] != have:
        return "离线安装包是为 Python %s 准备的，这台电脑上是 Python %s" % (wanted[0], have)
    return ""


def pip_command(python, wheel, kit, offline, index_url=""):
    """pip installing the kit's own wheel by its path (never a same-named package from an index)."""
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", "--upgrade"]
    if offline:
        command += ["--no-index", "--find-links", os.path.join(kit, "wheelhouse")]
    elif index_url:
        command += ["--index-url", index_url]
    return command + [wheel + "[excel]"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="安装 unionxl（Excel 按钮所需的一切）")
    parser.add_argument("book", nargs="?", help="装好后检查的主工作簿（.xlsm），可省略")
    parser.add_argument("--target", help="安装到这个文件夹（路径只能有英文字母、数字和符号）")
    parser.add_argument("--index-url", default="", help="联网安装时使用的软件源地址")
    args = parser.parse_args(argv)

    say("unionxl 安装程序")
    say("=" * 40)
    have = ".".join(str(n) for n in sys.version_info[:3])
    if sys.version_info[:2] < MINIMUM:
        say("这台电脑上的 Python 是 %s，unionxl 需要 Python %d.%d 或更新版本。" % ((have,) + MINIMUM))
        say("请从 python.org 下载安装新版 Python（安装时勾选“Add python.exe to PATH”），再运行一次“安装.bat”。")
        return 1
    say("1. Python %s：可以使用（%s）" % (have, sys.executable))

    target = os.path.abspath(args.target or default_target())
    if not is_ascii(target):
        say("安装文件夹的路径含有中文或其他非英文字符：%s" % target)
        say("请换一个只含英文字母和数字的文件夹，例如：安装.bat --target C:\\unionxl\\python")
        return 1
    wheel = kit_wheel(HERE)
    if wheel is None:
        say("安装包不完整：找不到 wheels 文件夹中的 unionxl-*.whl。请重新获取完整的安装包。")
        return 1
    offline = os.path.isdir(os.path.join(HERE, "wheelhouse"))
    problem = wheelhouse_problem(HERE) if offline else ""
    if problem:
        say(problem + "。请安装与之相同版本的 Python，或使用联网安装的安装包。")
        return 1
    say("2. 安装文件夹：%s" % target)

    python = venv_python(target)
    if not os.path.isfile(python):
        say("3. 正在建立 unionxl 专用的 Python 环境……")
        done = subprocess.call([sys.executable, "-m", "venv", target])
        if done != 0 or not os.path.isfile(python):
            say("无法在 %s 建立 Python 环境（退出码 %d）。请换一个有写入权限的文件夹（--target）。" % (target, done))
            return 1
    else:
        say("3. 使用已有的 unionxl 环境（重新安装会更新其中的程序）")
    say("4. 正在安装 unionxl 和 xlwings（%s，需要几分钟）……" % ("离线安装" if offline else "需要联网"))
    done = subprocess.call(pip_command(python, wheel, HERE, offline, args.index_url))
    if done != 0:
        say("安装没有完成（pip 退出码 %d）。%s" % (done, "离线安装包可能缺少文件，请重新获取安装包。" if offline else
                                                 "请检查网络连接后再运行一次；单位网络需要代理或镜像时，可加 --index-url 地址。"))
        return 1
    say("5. 写入 Excel 使用的 Python 设置，并检查每一项：")
    say()
    command = [python, "-m", "unionxl.cli", "doctor", "--set-interpreter"] + ([args.book] if args.book else [])
    result = subprocess.call(command)
    say()
    scripts = os.path.dirname(python)
    say("命令行程序：%s" % os.path.join(scripts, "unionxl.exe" if platform.system() == "Windows" else "unionxl"))
    master = os.path.join(HERE, "unionxl-master.xlsm")
    if os.path.isfile(master):
        say("空白主工作簿：%s（复制一份到自己的文件夹再使用）" % master)
    say("安装完成。" if result == 0 else "安装完成，但有检查没有通过：请按上面的“改法”处理。")
    return result


if __name__ == "__main__":
    sys.exit(main())
