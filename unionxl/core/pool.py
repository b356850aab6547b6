"""Independent pieces of work spread over worker processes, each worker bounded in memory.

``consolidate`` reads hundreds of school workbooks; each costs about 0.3 s of pandas work
and needs nothing from the others, so they run side by side on every core. A worker's
address space is bounded (``RLIMIT_AS``, where the system has it): a pathological file
makes that worker fail, not the machine swap. A worker that dies outright (a library's
abort on a failed allocation) breaks its pool; the items that were in flight are then run
again one by one, each in a pool of its own, so the one that kills its worker alone is
reported as :class:`Crashed` and every other item still gets its result.

Workers come from a forkserver that has imported the work's module (``preload``), so a
pool starts with forks rather than fresh interpreters, and shares no thread with the caller
(rich's progress bar runs one); Windows, without forkserver, spawns them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

#: the most a worker may map: a school's book needs far less (a 10,000-member union ~300 MB),
#: and the portal gives an upload the same
WORKER_MEMORY = 3 * 2**30
#: at least this, however many workers share the machine's memory
_FLOOR = 2**30
#: items queued per worker, so that none waits for the parent between two items
_QUEUED = 2


@dataclass(frozen=True)
class Crashed:
    """An item that got no result: its worker died, or it raised ``detail`` (an exception name)."""

    detail: str = ""


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def memory_bound(jobs: int) -> int:
    """Each worker's share of physical memory, at most :data:`WORKER_MEMORY` and at least 1 GiB."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return WORKER_MEMORY
    return max(_FLOOR, min(WORKER_MEMORY, physical // max(1, jobs)))


def _limit(memory: int) -> None:
    """The worker initializer: bound the address space, where the system allows it."""
    try:
        import resource
    except ImportError:  # Windows: no per-process limit, the bound is skipped
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):  # e.g. macOS refuses RLIMIT_AS below what is mapped
        pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a worker that aborts leaves no core file behind
    except (ValueError, OSError):
        pass


def _context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def run(work: Callable[..., object], items: Sequence[tuple], done: Callable[[int, object], None], jobs: int,
        memory: int, preload: Sequence[str] = ()) -> None:
    """Call ``work(*items[i])`` for every *i* in *jobs* worker processes bounded to *memory* bytes
    each; ``done(i, result)`` is called in this process as each finishes (in any order), with a
    :class:`Crashed` result for an item that raised or whose worker died."""
    context = _context(preload)
    pending = deque(range(len(items)))
    while pending:
        for index in _round(work, items, pending, jobs, memory, done, context):
            # alone in a pool: if it breaks this one too, it is the item that kills its worker
            if _round(work, items, deque([index]), 1, memory, done, context):
                done(index, Crashed())


def _round(work: Callable[..., object], items: Sequence[tuple], pending: deque[int], jobs: int, memory: int,
           done: Callable[[int, object], None], context: multiprocessing.context.BaseContext) -> list[int]:
    """Run *pending* items until they are done or the pool breaks; the items lost with it."""
    broken: list[int] = []
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_limit, initargs=(memory,)) as pool:
        flight: dict[Future, int] = {}
        while flight or (pending and not broken):
            while pending and not broken and len(flight) < _QUEUED * jobs:
                index = pending.popleft()
                flight[pool.submit(work, *items[index])] = index
            finished, _ = wait(flight, return_when=FIRST_COMPLETED)
            for future in finished:
                index = flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append(index)
                    continue
                except Exception as exc:  # noqa: BLE001  (the work's own failure is its item's, not the run's)
                    result = Crashed(type(exc).__name__)
                done(index, result)
    return sorted(broken)
