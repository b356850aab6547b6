"""Bureau consolidation: validate and summarise many school workbooks into one table.

A broken entry never stops the run: a file that cannot be read (missing, unreadable, a
symlink loop, deleted while the run goes on), a folder that cannot be listed, each is
listed with its reason and the rest is consolidated. The per-school figures are the same
:func:`unionxl.core.summary.summarize` a school sees, so the bureau's totals are exactly
the sum of what each counted school reports.

Nothing is counted twice. A union is identified by its name and year, a file by the
SHA-256 of its bytes: the same file reached twice (named twice, or directly and through
its folder) and byte-identical copies (``X - 副本.xlsx``) are counted once; two different
files for the same union and year are not counted at all, since only the bureau can tell
which one is right; books of another year than the consolidation's are not summed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from unionxl.contract.errors import UnusableWorkbook
from unionxl.core import pool
from unionxl.core.audit import audit_book
from unionxl.core.pool import Crashed
from unionxl.core.summary import Summary, summarize
from unionxl.core.validate import ValidationResult, validate_book
from unionxl.reading.book import Book
from unionxl.reading.reader import MAX_UNCOMPRESSED_BYTES, load_book

#: per-school columns: (key, kind) in CONSOLIDATION_SHEET order after 工会名称 and 文件
FIGURES = (
    ("members", "int"), ("active", "int"), ("retired", "int"), ("dues_rate", "pct"), ("visits", "int"),
    ("visit_fen", "money"), ("hardship_members", "int"), ("hardship_fen", "money"), ("activities", "int"),
    ("participants", "int"), ("income_fen", "money"), ("expense_fen", "money"), ("closing_fen", "money"),
    ("errors", "int"),
)
#: each school's fund-rule audit (rules not passed, rules to check), beside its validation errors
AUDIT_FIGURES = ("audit_fail", "audit_warn")
SUMMED = tuple(k for k, kind in FIGURES if kind != "pct") + ("dues_paid_fen", "dues_expected_fen") + AUDIT_FIGURES

#: problem kinds, and whether a file with that problem is counted in the totals
UNREADABLE, HAS_ERRORS, DUPLICATE, CONFLICT, OTHER_YEAR = "无法读取", "有错误", "重复", "冲突", "年度不符"
#: how the one counted copy among byte-identical files is chosen, as the report says it
COPY_RULE = "内容完全相同的文件只计入一个：文件名最短的那个（一样长时取名称顺序在前的）"

#: a failing system call's errno → what the bureau reads
_OS_REASONS = {
    errno.ENOENT: "找不到文件（可能已被删除或移走，或是指向不存在文件的链接）",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ELOOP: "链接指向自身（符号链接循环），无法打开",
    errno.ENAMETOOLONG: "路径太长，无法打开",
    errno.EIO: "读取时磁盘出错",
}


@dataclass
class Problem:
    file: str
    union_name: str
    kind: str  # 无法读取 / 有错误 / 重复 / 冲突 / 年度不符
    detail: str
    #: whether the file's figures are in the totals (only 有错误 and the counted copy are)
    counted: bool = False
    path: str = ""


@dataclass(frozen=True)
class Entry:
    """A workbook to consolidate: its path as named or found, and the folder it was found in."""

    path: Path
    folder: str = ""


@dataclass
class Listing:
    """What the arguments name: the workbook entries and the folders that could not be listed."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass
class Outcome:
    """One entry's fate: counted or not, and why."""

    file: str
    path: str
    counted: bool
    kind: str = ""
    detail: str = ""
    union_name: str = ""
    year: int | None = None
    sha256: str = ""


@dataclass
class Consolidation:
    year: int | None = None
    rows: list[dict[str, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Outcome] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, object]:
        # a row kept from before the audit figures existed (the portal stores rows) counts as 0 there
        totals: dict[str, object] = {k: sum(int(r.get(k) or 0) for r in self.rows) for k in SUMMED}
        expected = totals["dues_expected_fen"]
        totals["dues_rate"] = round(int(totals["dues_paid_fen"]) / int(expected), 4) if expected else None
        return totals

    @property
    def not_counted(self) -> list[Outcome]:
        return [f for f in self.files if not f.counted]

    def to_dict(self) -> dict[str, object]:
        return {"year": self.year, "schools": self.rows, "totals": self.totals,
                "problems": [p.__dict__ for p in self.problems], "files": [f.__dict__ for f in self.files],
                "count": len(self.rows), "copy_rule": COPY_RULE}


class YearUnclear(UnusableWorkbook):
    """The books' years tie: the bureau must say which year it consolidates."""


def os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno or 0, f"无法打开（系统错误 {exc.errno}）")


def expand(paths: Iterable[Path]) -> Listing:
    """Folders become their .xlsx/.xlsm files (not Excel's ~$ lock files), in name order.

    A folder that cannot be listed is a problem of the listing, not the end of the run.
    """
    listing = Listing()
    for path in map(Path, paths):
        if not _is_dir(path):
            listing.entries.append(Entry(path))
            continue
        try:
            names = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith(("~$", ".")))
        except OSError as exc:
            listing.problems.append(Problem(path.name or str(path), "", UNREADABLE,
                                            f"文件夹无法打开：{os_reason(exc)}，其中的工作簿均未汇总", path=str(path)))
            continue
        listing.entries += [Entry(p, str(path)) for p in names]
    return listing


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a loop or an unreadable parent: the entry's own read reports it
        return False


def _hash(path: Path, copy: Path | None = None) -> str:
    """SHA-256 of the file's bytes, optionally copying them to *copy* in the same read."""
    digest = hashlib.sha256()
    with path.open("rb") as src, (copy.open("wb") if copy else contextlib.nullcontext()) as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            if dst is not None:
                dst.write(chunk)
    return digest.hexdigest()


def _identity(path: Path) -> tuple[int, int]:
    """(device, inode) of the file a path leads to; raises OSError or UnusableWorkbook."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise UnusableWorkbook("是文件夹或特殊文件，不是工作簿" if stat.S_ISDIR(info.st_mode) else "不是普通文件，不是工作簿")
    if info.st_size > MAX_UNCOMPRESSED_BYTES:
        raise UnusableWorkbook(f"文件超过 {MAX_UNCOMPRESSED_BYTES // 2**20} MB，不是学校的主工作簿")
    return info.st_dev, info.st_ino


def union_key(name: str) -> str:
    """A union's name as identity: NFKC, no white space (“某某小学工会 ” is “某某小学工会”)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def school_row(path: Path) -> tuple[dict[str, object] | None, Problem | None, int | None]:
    """The school's figures (None when unusable), its problem, and the year its 设置 states."""
    try:
        book = load_book(path)
    except UnusableWorkbook as exc:
        return None, Problem(path.name, "", UNREADABLE, exc.reason), None
    name = str(book.settings.get("union_name", "") or "")
    result = validate_book(book)
    if not result.usable:
        return None, Problem(path.name, name, UNREADABLE, result.unusable_reason()), book.year
    audit = audit_book(book, validation=result).counts
    row = school_figures(book, result, summarize(book), audit, path.name)
    problem = Problem(path.name, name, HAS_ERRORS, result.digest(), counted=True) if result.errors else None
    return row, problem, book.year


def school_figures(book: Book, validation: ValidationResult, summary: Summary, audit: dict[str, int],
                   file: str) -> dict[str, object]:
    """A usable school's line of the consolidation, from a book already read, validated,
    summarised and audited (*audit*: the audit's counts; the portal has all four when a school
    submits, so it never reads the file twice)."""
    s = summary
    return {
        "union_name": str(book.settings.get("union_name", "") or ""), "file": file,
        "parent_union": str(book.settings.get("parent_union", "") or ""), "members": s.members["total"],
        "active": s.members["by_status"]["在职"], "retired": s.members["by_status"]["退休"],
        "dues_rate": s.dues["collection_rate"], "dues_paid_fen": s.dues["paid_fen"],
        "dues_expected_fen": s.dues["expected_fen"], "visits": s.condolences["visits"],
        "visit_fen": s.condolences["amount_fen"], "hardship_members": s.condolences["hardship_members"],
        "hardship_fen": s.condolences["hardship_fen"], "activities": s.activities["done"],
        "participants": s.activities["participants"], "income_fen": s.journal["income_fen"],
        "expense_fen": s.journal["expense_fen"], "closing_fen": s.balance["closing_fen"],
        "errors": len(validation.errors), "audit_fail": audit["fail"], "audit_warn": audit["warn"],
    }


@dataclass(eq=False)
class _Read:
    """An entry read once: its hash, and after loading its row, problem and year."""

    entry: Entry
    label: str
    order: int
    sha256: str = ""
    row: dict[str, object] | None = None
    problem: Problem | None = None
    year: int | None = None
    #: the read counted in this one's place (the same file, or an identical copy)
    same_as: _Read | None = None

    @property
    def name(self) -> str:
        return str(self.row["union_name"]) if self.row else (self.problem.union_name if self.problem else "")

    def fail(self, kind: str, detail: str, counted: bool = False) -> None:
        self.problem = Problem(self.label, self.name, kind, detail, counted, str(self.entry.path))
        if not counted:
            self.row = None


def _where(entry: Entry) -> str:
    return f"在文件夹“{entry.folder}”中" if entry.folder else "在命令行中指定"


def _labels(entries: list[Entry]) -> list[str]:
    """File names as the report shows them; the full path where two entries share a name."""
    names = Counter(e.path.name for e in entries)
    return [e.path.name if names[e.path.name] == 1 else str(e.path) for e in entries]


def _first_pass(reads: list[_Read]) -> list[_Read]:
    """Hash every entry once; the same file twice and identical copies leave one read to load."""
    seen: dict[tuple[int, int], _Read] = {}
    for read in reads:
        try:
            identity = _identity(read.entry.path)
            if identity in seen:
                first = read.same_as = seen[identity]
                where = ("都在命令行中指定" if not (first.entry.folder or read.entry.folder)
                         else f"{_where(first.entry)}，又{_where(read.entry)}")
                same = "同一个文件列出了两次" if first.entry.path == read.entry.path else f"与“{first.label}”是同一个文件"
                read.fail(DUPLICATE, f"{same}（{where}），只计入一次")
                continue
            seen[identity] = read
            read.sha256 = _hash(read.entry.path)
        except OSError as exc:
            read.fail(UNREADABLE, os_reason(exc))
        except UnusableWorkbook as exc:
            read.fail(UNREADABLE, exc.reason)
        except Exception as exc:  # one strange entry must not stop a bureau's run
            read.fail(UNREADABLE, f"打开时出错（{type(exc).__name__}）")
    by_hash: dict[str, list[_Read]] = {}
    for read in reads:
        if read.problem is None:
            by_hash.setdefault(read.sha256, []).append(read)
    keep = []
    for copies in by_hash.values():
        kept = min(copies, key=lambda r: (len(r.entry.path.name), r.entry.path.name, r.order))
        keep.append(kept)
        for other in copies:
            if other is not kept:
                other.same_as = kept
                other.fail(DUPLICATE, f"与“{kept.label}”内容完全相同（副本），只计入“{kept.label}”")
    return keep


@dataclass
class Loaded:
    """What reading one school gave: its figures, problem and year, or why it could not be read."""

    row: dict[str, object] | None = None
    problem: Problem | None = None
    year: int | None = None
    #: (kind, detail) when the file could not be read at all
    failure: tuple[str, str] | None = None


def load_school(path: str, sha256: str, scratch: str) -> Loaded:
    """Load the bytes that were hashed: a copy made in one read, checked against the first hash.

    Runs in a worker process (see :mod:`unionxl.core.pool`): it takes and returns plain data.
    """
    folder = Path(tempfile.mkdtemp(dir=scratch))
    copy = folder / Path(path).name
    try:
        if _hash(Path(path), copy) != sha256:
            return Loaded(failure=(UNREADABLE, "文件在汇总过程中被改动，请等文件保存完毕后重新汇总"))
        return Loaded(*school_row(copy))
    except OSError as exc:
        return Loaded(failure=(UNREADABLE, os_reason(exc)))
    except MemoryError:
        return Loaded(failure=(UNREADABLE, _TOO_BIG))
    except Exception as exc:  # one strange file must not stop a bureau's run
        return Loaded(failure=(UNREADABLE, f"读取时出错（{type(exc).__name__}），请用 unionxl validate 单独检查此文件"))
    finally:
        copy.unlink(missing_ok=True)
        folder.rmdir()


_TOO_BIG = "处理这个文件所需的内存超过了上限，疑似异常文件，请用 unionxl validate 单独检查此文件"


def _apply(read: _Read, loaded: Loaded | Crashed) -> None:
    """A school's result, from this process or a worker, on its read."""
    if isinstance(loaded, Crashed):
        read.fail(UNREADABLE, _TOO_BIG if not loaded.detail else
                  f"读取时出错（{loaded.detail}），请用 unionxl validate 单独检查此文件")
    elif loaded.failure is not None:
        read.fail(*loaded.failure)
    else:
        read.row, read.problem, read.year = loaded.row, loaded.problem, loaded.year
        if read.problem is not None:
            read.problem.file, read.problem.path = read.label, str(read.entry.path)
        if read.row is not None:
            read.row["file"] = read.label


def _load_all(todo: list[_Read], scratch: str, jobs: int | None, memory: int | None,
              advance: Callable[[Path], None] | None) -> None:
    """Load every read in *todo*: here when *jobs* is None, else in that many worker processes."""
    def finished(index: int, loaded: Loaded | Crashed) -> None:
        _apply(todo[index], loaded)
        if advance is not None:
            advance(todo[index].entry.path)

    items = [(str(r.entry.path), r.sha256, scratch) for r in todo]
    if jobs is None:
        for index, item in enumerate(items):
            finished(index, load_school(*item))
    elif items:
        jobs = max(1, min(jobs, len(items)))
        pool.run(load_school, items, finished, jobs, memory or pool.memory_bound(jobs), preload=[__name__])


def consolidation_year(reads: Iterable[_Read]) -> int | None:
    """The year most of the usable books state; a tie is refused so the bureau picks it."""
    counts = Counter(r.year for r in reads if r.row is not None and r.year is not None)
    if not counts:
        return None
    ranked = counts.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        listed = "、".join(f"{y} 年 {n} 个" for y, n in sorted(counts.items()))
        raise YearUnclear(f"工作簿的年度不一（{listed}），无法确定汇总哪一年，请用 --year 指定，例如 --year {ranked[0][0]}")
    return ranked[0][0]


def _check_years(reads: list[_Read], year: int | None) -> None:
    for read in reads:
        if read.row is None:
            continue
        if read.year is None:
            which = f"属于 {year} 年度" if year is not None else "属于哪个年度"
            read.fail(OTHER_YEAR, f"“设置”中没有有效的年度，无法确认{which}，未计入")
        elif read.year != year:
            read.fail(OTHER_YEAR, f"“设置”中的年度是 {read.year}，不是本次汇总的 {year} 年度，未计入")


def _check_unions(reads: list[_Read], year: int | None) -> None:
    """Two different files for one union and year: neither is counted."""
    groups: dict[str, list[_Read]] = {}
    for read in reads:
        if read.row is not None and union_key(read.name):
            groups.setdefault(union_key(read.name), []).append(read)
    for group in groups.values():
        if len(group) < 2:
            continue
        for read in group:
            others = "、".join(f"“{r.label}”" for r in group if r is not read)
            read.fail(CONFLICT, f"与{others}都是“{read.name}” {year} 年度的工作簿，但内容不同；都未计入，"
                                "请确认哪一份是正确的，只保留那一份后重新汇总")


def consolidate(listing: Listing | Iterable[Path], advance: Callable[[Path], None] | None = None,
                year: int | None = None, jobs: int | None = None, memory: int | None = None) -> Consolidation:
    """Consolidate the entries for *year* (default: the year most books state).

    The schools are read in this process, or with *jobs* in that many worker processes, each
    bounded to *memory* bytes (default: its share of the machine, see :mod:`unionxl.core.pool`);
    either way the result lists them in the entries' order. *advance* is called once per entry,
    as each is done.
    """
    if not isinstance(listing, Listing):
        listing = Listing([Entry(Path(p)) for p in listing])
    reads = [_Read(e, label, i) for i, (e, label) in enumerate(zip(listing.entries, _labels(listing.entries)))]
    unique = set(_first_pass(reads))
    for read in reads:
        if read not in unique and advance is not None:
            advance(read.entry.path)
    with tempfile.TemporaryDirectory(prefix="unionxl-") as scratch:
        _load_all([r for r in reads if r in unique], scratch, jobs, memory, advance)
    for read in reads:  # a copy is the same union as the one counted in its place
        if read.same_as is not None and read.problem is not None:
            read.problem.union_name, read.year = read.same_as.name, read.same_as.year
    year = year if year is not None else consolidation_year(reads)
    _check_years(reads, year)
    _check_unions(reads, year)
    result = Consolidation(year=year, problems=list(listing.problems))
    for read in reads:
        if read.row is not None:
            result.rows.append(read.row)
        if read.problem is not None:
            result.problems.append(read.problem)
        result.files.append(Outcome(
            read.label, str(read.entry.path), read.row is not None, read.problem.kind if read.problem else "",
            read.problem.detail if read.problem else "", read.name, read.year, read.sha256))
    return result
