"""Running the core on an uploaded file in a child process with a time and memory limit.

A hostile upload (a zip bomb whose headers lie, a sheet with millions of cells) may make
the reader allocate without bound or spin; in a child with ``RLIMIT_AS``, ``RLIMIT_CPU``
and ``RLIMIT_FSIZE`` and a wall-clock deadline it can only kill itself. Children come from
a forkserver that has already imported :mod:`unionxl.portal.engine`: starting one costs a
fork, not a fresh interpreter, and it shares no thread, socket or database connection with
the server.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

_RESULT = "result.json"
_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None


@dataclass(frozen=True)
class Limits:
    seconds: float = 240.0
    memory_bytes: int = 3 * 2**30
    file_bytes: int = 256 * 2**20


class WorkerFailed(Exception):
    """The child did not finish: ``reason`` is the Chinese line the treasurer sees."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ctx() -> multiprocessing.context.BaseContext:
    global _context
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["unionxl.portal.engine"])
            _context = ctx
        return _context


def _child(task: str, args: tuple[str, ...], work: str, limits: Limits) -> None:
    import resource

    cpu = max(1, int(limits.seconds) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from unionxl.portal import engine

    try:
        if task == "analyse":
            result = engine.analyse(Path(args[0]), Path(work))
        else:
            raise ValueError(task)
        (Path(work) / _RESULT).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    except MemoryError:
        os._exit(3)


def run(task: str, args: tuple[str, ...], work: Path, limits: Limits) -> dict[str, object]:
    """Run ``engine.<task>(*args, work)`` in a limited child; its JSON result, or :class:`WorkerFailed`."""
    process = _ctx().Process(target=_child, args=(task, args, str(work), limits), daemon=True)
    process.start()
    process.join(limits.seconds)
    if process.is_alive():
        process.kill()
        process.join()
        raise WorkerFailed(f"文件处理超过 {limits.seconds:g} 秒仍未完成，疑似异常文件，已拒收")
    code = process.exitcode
    result = work / _RESULT
    if code == 0 and result.is_file():
        return json.loads(result.read_text(encoding="utf-8"))
    if code in (3, -signal.SIGKILL, -signal.SIGABRT):  # MemoryError, the OOM killer, Rust's abort on OOM
        raise WorkerFailed(f"文件处理所需内存超过 {limits.memory_bytes // 2**20} MB 的限制，疑似异常文件，已拒收")
    if code == -signal.SIGXCPU:
        raise WorkerFailed(f"文件处理超过 {limits.seconds:g} 秒仍未完成，疑似异常文件，已拒收")
    if code == -signal.SIGXFSZ:
        raise WorkerFailed("生成的报告超过大小限制，疑似异常文件，已拒收")
    raise WorkerFailed(f"文件处理时出错（代码 {code}），请确认这是 unionxl 的主工作簿后重新提交")
