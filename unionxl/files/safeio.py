"""Never damage the user's data: atomic report writes that refuse to replace the input."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from unionxl.contract.errors import UnusableWorkbook

#: Leading characters that make Excel treat typed text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@")


@contextlib.contextmanager
def atomic_output(target: Path, protect: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside *target*; rename it over *target* only on success.

    A half-written report never replaces a good file, and *protect* (the workbook being
    read) is never the destination.
    """
    target = Path(target)
    if protect is not None and target.resolve() == Path(protect).resolve():
        raise UnusableWorkbook(f"输出文件不能与输入的主工作簿相同：{target.name}，unionxl 不会覆盖您的原始文件")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def lock_file(path: Path) -> Path:
    """The owner file Excel/WPS keeps beside a workbook that is open (``~$name.xlsx``)."""
    return path.with_name("~$" + path.name)
