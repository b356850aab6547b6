"""LibreOffice headless: recalculating workbooks and printing them to PDF.

One fresh profile per call (shared profiles lose outputs when runs overlap), a profile
that forces recalculation on load (otherwise cached values are trusted), LANG set so
Chinese sheet names survive, a timeout that kills the whole process group, and a check
that the output file exists rather than trusting the exit code.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from unionxl.contract.errors import UnusableWorkbook

_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The soffice binary, or the Chinese reason why a PDF cannot be made (asked before writing anything)."""
    soffice = find_soffice()
    if soffice is None:
        raise UnusableWorkbook("未找到 LibreOffice（soffice），无法生成 PDF；请安装 LibreOffice 后再试")
    return soffice


def write_pdf(source: Path, target: Path, protect: Path | None = None) -> None:
    """Print the workbook *source* to the PDF *target*, atomically and only where unionxl may write.

    LibreOffice writes into a private temp folder; the PDF then goes through
    ``atomic_output``, so a failed conversion or a full disk never leaves a partial PDF.
    """
    from unionxl.files.safeio import atomic_output

    with tempfile.TemporaryDirectory(prefix="unionxl-pdf-") as folder, atomic_output(target, protect) as tmp:
        made = convert(source, "pdf", Path(folder))
        shutil.copyfile(made, tmp)


def convert(source: Path, target_format: str, outdir: Path, timeout: float = 180) -> Path:
    """Convert *source* with LibreOffice into *outdir* (which must differ from its folder)."""
    soffice = require_soffice()
    source, outdir = Path(source).resolve(), Path(outdir).resolve()
    if source.parent == outdir:
        raise ValueError("outdir must differ from the source folder, or LibreOffice overwrites the input")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="unionxl-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
        env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", HOME=profile)
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", target_format, "--outdir", str(outdir), str(source)]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise UnusableWorkbook(f"LibreOffice 转换“{source.name}”超时（{timeout:.0f} 秒）") from None
    extension = target_format.split(":", 1)[0]
    result = outdir / f"{source.stem}.{extension}"
    if not result.is_file():
        raise UnusableWorkbook(f"LibreOffice 没有生成“{result.name}”")
    return result
