"""Never damage the user's data: atomic writes that replace only what unionxl may replace.

Every output goes through :func:`atomic_output`: it asks ``ownership`` whether the target
may be written (never an input, never a file unionxl did not write unless the command
was told ``--force``), writes a temp file beside the target, seals it as unionxl's, and
renames it over the target only when everything succeeded. When anything fails (a full
disk, a read-only folder, a writer's error) the temp file and any folder it created are
removed, the target is untouched, and a disk error becomes one Chinese line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from unionxl.contract.errors import UnusableWorkbook, WriteRefused
from unionxl.files import ownership
from unionxl.files.ownership import shown

#: Leading characters that make Excel treat typed text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@")

#: errno → why the disk refused, in the treasurer's words
_DISK_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    getattr(errno, "EDQUOT", -1): "超出磁盘配额",
    errno.EROFS: "所在位置是只读的（只读磁盘、光盘或受保护的文件夹）",
    errno.EACCES: "没有写入权限，或文件正在 Excel/WPS 中打开（请关闭后重试）",
    errno.EPERM: "没有写入权限，或文件正在 Excel/WPS 中打开（请关闭后重试）",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.ENOENT: "所在的文件夹不存在，或在写入时被删除",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EEXIST: "路径中有一部分是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EIO: "读写磁盘出错（U 盘或网络盘可能已断开）",
    errno.EBUSY: "文件正被其他程序占用",
    errno.EINVAL: "文件名中有系统不允许的字符",
}


@contextlib.contextmanager
def atomic_output(target: Path, protect: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside *target*; rename it over *target* only on success.

    *protect* (the workbook being read) is never the destination, whatever path leads
    to it; nor is any input of the command's ``ownership.claim``.
    """
    target = Path(target)
    ownership.before_write(target, protect)
    created: list[Path] = []
    tmp: Path | None = None
    try:
        created = _make_folders(target.parent)
        fd, name = tempfile.mkstemp(prefix=".unionxl-", suffix=target.suffix[:12], dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        yield tmp
        ownership.mark(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        ownership.before_rename(target, protect)
        os.replace(tmp, target)
        tmp = None
        ownership.after_write(target)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        disk = _os_error(exc)
        if disk is not None and not isinstance(exc, UnusableWorkbook):
            raise WriteRefused(_disk_reason(target, disk)) from exc
        raise


def _make_folders(folder: Path) -> list[Path]:
    """Create *folder* and its missing parents; return those created, outermost first."""
    missing = []
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate):
            break
        missing.append(candidate)
    made = []
    try:
        for candidate in reversed(missing):
            candidate.mkdir()
            made.append(candidate)
    except BaseException:
        for candidate in reversed(made):
            with contextlib.suppress(OSError):
                candidate.rmdir()
        raise
    return made


def _os_error(exc: BaseException) -> OSError | None:
    """The disk error behind *exc* (writers such as xlsxwriter wrap it in their own type)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, OSError) and item.errno is not None:
            return item
        todo += [item.__cause__, item.__context__, *item.args]
    return None


def _disk_reason(target: Path, error: OSError) -> str:
    why = _DISK_REASONS.get(error.errno or 0, f"系统错误代码 {error.errno}")
    return f"无法写入“{shown(target)}”：{why}；原有文件未改动，也没有留下不完整的文件"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def lock_file(path: Path) -> Path:
    """The owner file Excel/WPS keeps beside a workbook that is open (``~$name.xlsx``)."""
    return ownership.lock_files(path)[0]
