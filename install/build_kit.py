"""Build the Windows install kit: `python install/build_kit.py [--out dist/kit] [--wheelhouse 3.12] [--zip]`.

The kit is one folder a treasurer receives (or a zip of it) and opens with a double click
on 安装.bat:

    安装.bat                    finds Python, runs install.py
    install.py                  the installer (see its docstring)
    wheels/unionxl-*.whl        unionxl, built here with `python -m build`
    wheelhouse/                 with --wheelhouse X.Y: every dependency for CPython X.Y on
                                64-bit Windows (`pip download`), so install.py installs
                                offline (`--no-index`); target.txt says which Python it fits
    unionxl-master.xlsm         the blank master with the buttons
    THIRD_PARTY_NOTICES.txt     the licences of the embedded xlwings modules

Runs on Linux or Windows; --wheelhouse needs the package index once. ``--no-isolation``
is passed to `python -m build` when given (a machine without the index).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "install"
PLATFORM = "win_amd64"


def build_wheel(out: Path, isolation: bool = True) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("unionxl-*.whl"):
        old.unlink()
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)]
    subprocess.run(command + ([] if isolation else ["--no-isolation"]), check=True, capture_output=True)
    [wheel] = out.glob("unionxl-*.whl")
    return wheel


def _pip_download(folder: Path, python: str, *requirements: str, binary: bool = True) -> None:
    target = ["--only-binary=:all:", "--platform", PLATFORM, "--python-version", python, "--implementation", "cp"]
    subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--dest", str(folder),
                    *(target if binary else ["--no-binary=:all:", "--no-deps"]), *requirements], check=True)


def windows_only_requirements(folder: Path, python: str) -> set[str]:
    """Requirements of the downloaded wheels that apply on Windows but not on this machine.

    pip evaluates environment markers (``pywin32; platform_system == "Windows"``) against
    the machine it runs on, even with --platform, so a wheelhouse built on Linux misses them.
    """
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    windows = dict(default_environment(), sys_platform="win32", platform_system="Windows", os_name="nt",
                   platform_machine="AMD64", python_version=python, python_full_version=f"{python}.0",
                   implementation_name="cpython", platform_python_implementation="CPython")
    have = {canonicalize_name(w.name.split("-")[0]) for w in folder.iterdir() if w.suffix in (".whl", ".zip", ".gz")}
    wanted: set[str] = set()
    for wheel in folder.glob("*.whl"):
        with zipfile.ZipFile(wheel) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            lines = z.read(meta).decode("utf-8").splitlines()
        for line in lines:
            if line.startswith("Requires-Dist:"):
                requirement = Requirement(line.split(":", 1)[1].strip())
                if requirement.marker and requirement.marker.evaluate(dict(windows, extra="")) and \
                        canonicalize_name(requirement.name) not in have:
                    wanted.add(str(requirement).split(";")[0].strip())
    return wanted


def download_wheelhouse(wheel: Path, folder: Path, python: str) -> None:
    """Every distribution unionxl[excel] needs on CPython *python* (e.g. "3.12") for 64-bit Windows."""
    folder.mkdir(parents=True, exist_ok=True)
    _pip_download(folder, python, f"{wheel}[excel]")
    while missing := windows_only_requirements(folder, python):
        for requirement in sorted(missing):
            try:
                _pip_download(folder, python, requirement)
            except subprocess.CalledProcessError:  # no wheel at all (win-unicode-console): its sdist,
                _pip_download(folder, python, requirement, binary=False)  # built offline by pip
                _pip_download(folder, python, "setuptools", "wheel")
    (folder / wheel.name).unlink(missing_ok=True)  # unionxl itself comes from wheels/
    (folder / "target.txt").write_text(f"{python} {PLATFORM}\n", encoding="ascii")


def build_kit(out: Path, wheelhouse: str | None = None, isolation: bool = True) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    wheel = build_wheel(out / "wheels", isolation)
    for name in ("安装.bat", "install.py"):
        shutil.copy2(HERE / name, out / name)
    shutil.copy2(ROOT / "workbooks" / "unionxl-master.xlsm", out / "unionxl-master.xlsm")
    shutil.copy2(ROOT / "unionxl" / "data" / "THIRD_PARTY_NOTICES.txt", out / "THIRD_PARTY_NOTICES.txt")
    if wheelhouse:
        download_wheelhouse(wheel, out / "wheelhouse", wheelhouse)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "unionxl-kit")
    parser.add_argument("--wheelhouse", metavar="X.Y", help="also download every dependency for CPython X.Y (offline kit)")
    parser.add_argument("--zip", action="store_true", help="also pack the folder into a .zip beside it")
    parser.add_argument("--no-isolation", action="store_true", help="build the wheel without an isolated environment")
    args = parser.parse_args()
    kit = build_kit(args.out, args.wheelhouse, isolation=not args.no_isolation)
    print(kit)
    if args.zip:
        print(shutil.make_archive(str(kit), "zip", root_dir=kit.parent, base_dir=kit.name))


if __name__ == "__main__":
    main()
