"""Which files unionxl may replace: only its own outputs, and only while they are unedited.

The rule every writing command follows (CLI and Excel door alike):

* a path that does not exist is written (missing folders are created, and removed
  again if the write fails);
* a path that leads to any *input* of the command is never written, not even with
  ``--force``, whatever leads there: the same path, a relative or ``..`` path, a
  symbolic or hard link, another spelling on a case-insensitive disk, a link to the
  folder (``os.path.samefile`` compares device and inode, so all of these are one test);
* a folder is never written;
* an existing file is replaced only when unionxl wrote it and it is unchanged since;
  anything else (a master, last year's book, a report the treasurer edited, a PDF or
  a Word file unionxl did not write) is refused with one Chinese line naming the file
  and ``--force``, which replaces it all the same; so is a file open in Excel, WPS or
  LibreOffice (their owner file ``~$name`` or ``.~lock.name#`` lies beside it).

How unionxl recognises its own unedited output, by file type:

* ``.xlsx``/``.xlsm`` carry the proof inside the file, so it survives a copy or an
  e-mail: every workbook unionxl writes is *sealed* with a custom document property
  ``unionxl`` = ``sha256:<digest>``, the digest of every other part of the package
  (names and uncompressed bytes, in name order). Excel, WPS and LibreOffice keep custom
  properties when they save, but saving rewrites the parts, so an edited workbook no
  longer matches its digest; a workbook without the property is not unionxl's.
* other files (the PDF of ``summary --pdf``) cannot carry a property unionxl could
  add without rewriting them, so their sha256 is recorded in a small manifest,
  ``.unionxl-outputs.json``, in the same folder. A file whose bytes match its entry is
  unionxl's and unedited; a copy elsewhere, a deleted manifest or any edit makes it a
  file unionxl did not write (the safe side: it is refused, ``--force`` replaces it).

A command decides all its targets first (:func:`claim`, before anything is written),
so a refusal never leaves half of a command's output behind; ``safeio.atomic_output``
then writes each target through a temp file and re-checks the inputs just before the
rename. A writer called outside a claim gets the same rule without ``--force``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from unionxl.contract.errors import WriteRefused

#: the custom document property that marks and fingerprints a workbook unionxl wrote
PROPERTY = "unionxl"
MANIFEST = ".unionxl-outputs.json"
SEALED_SUFFIXES = (".xlsx", ".xlsm")
#: what the CLI's refusals suggest; the Excel door passes its own
FORCE_HINT = "请换一个文件名；如确需覆盖，请加 --force"
#: a workbook to fingerprint may not expand beyond this (a zip bomb is simply "not ours")
_MAX_CHECKED_BYTES = 1024 * 1024 * 1024
_CHUNK = 1024 * 1024

_CUSTOM_PART = "docProps/custom.xml"
_CONTENT_TYPES = "[Content_Types].xml"
_ROOT_RELS = "_rels/.rels"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PROPERTY_RE = re.compile(
    r'<property\b[^>]*\bname="' + PROPERTY + r'"[^>]*>\s*<vt:lpwstr>sha256:([0-9a-f]{64})</vt:lpwstr>\s*</property>')


def shown(path: Path | str, limit: int = 80) -> str:
    """A path (or text) as the user typed it, on one line: control characters spelled out,
    shortened in the middle when very long."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(path))
    return text if len(text) <= limit else f"{text[: limit // 2 - 1]}…{text[-(limit // 2):]}"


# --- sealing and recognising workbooks --------------------------------------------------


def seal(path: Path) -> None:
    """Add the ``unionxl`` fingerprint property to the OOXML package at *path* (in place)."""
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        infos = source.infolist()
        small = {name: source.read(name).decode("utf-8") for name in (_CONTENT_TYPES, _ROOT_RELS)}
        custom = source.read(_CUSTOM_PART).decode("utf-8") if _CUSTOM_PART in source.namelist() else None
        replaced = {_CONTENT_TYPES: _with_override(small[_CONTENT_TYPES]).encode("utf-8"),
                    _ROOT_RELS: _with_relationship(small[_ROOT_RELS]).encode("utf-8")}
        digest = _digest(source, replaced)
        replaced[_CUSTOM_PART] = _with_property(custom, digest).encode("utf-8")
        sealed = path.with_name(path.name + ".seal")
        try:
            with zipfile.ZipFile(sealed, "w", zipfile.ZIP_DEFLATED) as target:
                for info in infos:
                    _copy_member(source, target, info, replaced.get(info.filename))
                if custom is None:
                    target.writestr(_member_info(_CUSTOM_PART, infos[-1]), replaced[_CUSTOM_PART])
            os.replace(sealed, path)
        finally:
            sealed.unlink(missing_ok=True)


def is_sealed_unedited(path: Path) -> bool:
    """True when *path* is a workbook unionxl sealed and nobody has changed since."""
    try:
        with zipfile.ZipFile(path) as package:
            if sum(i.file_size for i in package.infolist()) > _MAX_CHECKED_BYTES:
                return False
            names = package.namelist()
            if _CUSTOM_PART not in names or len(names) != len(set(names)):
                return False
            found = _PROPERTY_RE.search(package.read(_CUSTOM_PART).decode("utf-8", "replace"))
            return found is not None and _digest(package, {}) == found.group(1)
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError, NotImplementedError):
        return False


def _digest(package: zipfile.ZipFile, replaced: dict[str, bytes]) -> str:
    """sha256 over every part but the custom properties: name, length and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(set(package.namelist()) | set(replaced)):
        if name == _CUSTOM_PART:
            continue
        if name in replaced:
            data = replaced[name]
            h.update(f"{name}\0{len(data)}\0".encode())
            h.update(data)
            continue
        info = package.getinfo(name)
        h.update(f"{name}\0{info.file_size}\0".encode())
        with package.open(info) as member:
            while chunk := member.read(_CHUNK):
                h.update(chunk)
    return h.hexdigest()


def _copy_member(source: zipfile.ZipFile, target: zipfile.ZipFile, info: zipfile.ZipInfo,
                 data: bytes | None) -> None:
    copy = _member_info(info.filename, info)
    if data is not None:
        target.writestr(copy, data)
        return
    with source.open(info) as reader, target.open(copy, "w") as writer:
        while chunk := reader.read(_CHUNK):
            writer.write(chunk)


def _member_info(name: str, like: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A member entry dated and flagged like the writer's own (the output stays reproducible)."""
    info = zipfile.ZipInfo(name, date_time=like.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr
    info.create_system = like.create_system
    return info


def _with_override(types: str) -> str:
    if 'PartName="/docProps/custom.xml"' in types:
        return types
    return types.replace("</Types>", f'<Override PartName="/{_CUSTOM_PART}" ContentType="{_CUSTOM_TYPE}"/></Types>')


def _with_relationship(rels: str) -> str:
    if _CUSTOM_REL in rels:
        return rels
    taken = {int(n) for n in re.findall(r'Id="rId(\d+)"', rels)}
    rid = max(taken, default=0) + 1
    return rels.replace("</Relationships>",
                        f'<Relationship Id="rId{rid}" Type="{_CUSTOM_REL}" Target="{_CUSTOM_PART}"/></Relationships>')


def _with_property(custom: str | None, digest: str) -> str:
    if custom is None:
        custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}"></Properties>')
    custom = _PROPERTY_RE.sub("", custom)
    pid = max((int(n) for n in re.findall(r'\bpid="(\d+)"', custom)), default=1) + 1
    prop = f'<property fmtid="{_FMTID}" pid="{pid}" name="{PROPERTY}"><vt:lpwstr>sha256:{digest}</vt:lpwstr></property>'
    return custom.replace("</Properties>", prop + "</Properties>")


# --- the manifest for other file types --------------------------------------------------


def record(path: Path) -> None:
    """Remember *path*'s bytes in its folder's manifest (best effort: a miss only means a later refusal)."""
    path = Path(path)
    manifest = path.parent / MANIFEST
    entries = _manifest(path.parent)
    entries[path.name] = sha256(path)
    tmp = manifest.with_name(manifest.name + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(tmp, manifest)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def is_recorded_unedited(path: Path) -> bool:
    try:
        recorded = _manifest(Path(path).parent).get(Path(path).name)
        return recorded is not None and recorded == sha256(Path(path))
    except OSError:
        return False


def _manifest(folder: Path) -> dict[str, str]:
    try:
        entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in entries.items()} if isinstance(entries, dict) else {}


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes, read in chunks (the manifests' file identity)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def is_own_unedited(path: Path) -> bool:
    """True when unionxl wrote the file at *path* and it is byte-for-byte what unionxl wrote."""
    path = Path(path)
    if path.suffix.lower() in SEALED_SUFFIXES:
        return is_sealed_unedited(path)
    return is_recorded_unedited(path)


def mark(path: Path) -> None:
    """Make a finished temp file recognisable as unionxl's (before it is renamed into place)."""
    if Path(path).suffix.lower() in SEALED_SUFFIXES:
        seal(path)


def after_write(target: Path) -> None:
    """Record a just-renamed output that cannot carry its own seal."""
    if Path(target).suffix.lower() not in SEALED_SUFFIXES:
        record(target)


# --- the decision -----------------------------------------------------------------------


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def input_clash(target: Path, inputs: Iterable[Path]) -> Path | None:
    """The input that *target* leads to, if any."""
    if not os.path.exists(target):
        return None
    return next((i for i in inputs if same_file(target, i)), None)


def decide(target: Path, inputs: Iterable[Path] = (), force: bool = False, hint: str = FORCE_HINT,
           suffixes: Sequence[str] = ()) -> None:
    """Raise :class:`WriteRefused` (one Chinese line) unless unionxl may write *target*."""
    target = Path(target)
    name = shown(target)
    clash = input_clash(target, list(inputs))
    if clash is not None:
        same = "" if str(clash) == str(target) else f"（与输入文件“{shown(clash)}”是同一个文件）"
        raise WriteRefused(f"输出文件“{name}”就是输入的文件{same}，unionxl 从不覆盖输入文件（--force 也不会），请换一个文件名")
    if os.path.isdir(target):
        raise WriteRefused(f"输出文件“{name}”是一个已有的文件夹，请写出文件名，例如 {shown(target / '结果.xlsx')}")
    if suffixes and target.suffix.lower() not in suffixes:
        raise WriteRefused(f"输出文件“{name}”的扩展名应为 {' 或 '.join(suffixes)}")
    parent = _existing_ancestor(target.parent)
    if parent is not None and not parent.is_dir():
        raise WriteRefused(f"无法写入“{name}”：“{shown(parent)}”是一个文件，不是文件夹")
    if not os.path.lexists(target) or force:
        return
    if not os.path.exists(target):
        raise WriteRefused(f"“{name}”是一个指向不存在文件的链接，unionxl 不会替换它；{hint}")
    if any(lock.exists() for lock in lock_files(target)):
        raise WriteRefused(f"“{name}”正在 Excel/WPS/LibreOffice 中打开，请先关闭它再试；{hint}")
    if is_own_unedited(target):
        return
    if _looks_own(target):
        raise WriteRefused(f"“{name}”是 unionxl 生成的，但之后被修改过，unionxl 不会覆盖它（以免丢失修改）；{hint}")
    raise WriteRefused(f"“{name}”已存在，且不是 unionxl 生成的文件，unionxl 不会覆盖它；{hint}")


def lock_files(path: Path) -> tuple[Path, Path]:
    """The owner files Excel/WPS (``~$name.xlsx``) and LibreOffice (``.~lock.name#``) keep
    beside a file that is open."""
    path = Path(path)
    return path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")


def _looks_own(path: Path) -> bool:
    """Whether an (edited) file still says unionxl wrote it, only to word the refusal."""
    if path.suffix.lower() in SEALED_SUFFIXES:
        try:
            with zipfile.ZipFile(path) as package:
                return f'name="{PROPERTY}"' in package.read(_CUSTOM_PART).decode("utf-8", "replace")
        except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError, NotImplementedError):
            return False
    return path.name in _manifest(path.parent)


def _existing_ancestor(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate):
            return candidate
    return None


# --- claims: one command's decisions, made before anything is written ---------------------


@dataclass
class _Claim:
    inputs: list[Path] = field(default_factory=list)
    decided: set[str] = field(default_factory=set)


_CLAIM: ContextVar[_Claim | None] = ContextVar("unionxl_claim", default=None)


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


@contextlib.contextmanager
def claim(targets: Iterable[Path], inputs: Iterable[Path] = (), force: bool = False, hint: str = FORCE_HINT,
          suffixes: Sequence[str] = ()) -> Iterator[None]:
    """Decide every target of a command up front; inside the block the writers write them.

    A refusal raises before any file is touched. ``force`` lets a decided target replace a
    file unionxl did not write; the inputs stay protected whatever ``force`` says, and are
    checked again by ``atomic_output`` just before each rename.
    """
    outer = _CLAIM.get()
    inputs = [Path(i) for i in inputs] + (outer.inputs if outer else [])
    targets = [Path(t) for t in targets]
    for target in targets:
        decide(target, inputs, force, hint, suffixes)
    token = _CLAIM.set(_Claim(inputs, {_key(t) for t in targets} | (outer.decided if outer else set())))
    try:
        yield
    finally:
        _CLAIM.reset(token)


def check(target: Path, inputs: Iterable[Path] = (), hint: str = FORCE_HINT) -> None:
    """Decide one target now (no ``--force``): for callers that write through a plain writer."""
    decide(Path(target), [Path(i) for i in inputs], False, hint)


def before_write(target: Path, protect: Path | None) -> None:
    """What ``atomic_output`` asks before it starts: decided by the claim, or decided now."""
    current = _CLAIM.get()
    inputs = ([Path(protect)] if protect is not None else []) + (current.inputs if current else [])
    if current is not None and _key(target) in current.decided:
        clash = input_clash(Path(target), inputs)
        if clash is not None:
            decide(Path(target), inputs)  # raises the input refusal
        return
    decide(Path(target), inputs)


def before_rename(target: Path, protect: Path | None) -> None:
    """The last look before the rename: the target must still not lead to an input."""
    current = _CLAIM.get()
    inputs = ([Path(protect)] if protect is not None else []) + (current.inputs if current else [])
    if input_clash(Path(target), inputs) is not None:
        decide(Path(target), inputs)
