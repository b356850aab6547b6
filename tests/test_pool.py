"""Worker processes: every item's result in its place, a memory bound in each worker, and an item
that raises or kills its worker reported as such while every other item still gets its result."""

from __future__ import annotations

import os
import sys

import pytest

from unionxl.core import pool
from unionxl.core.pool import Crashed


def square(n: int) -> tuple[int, int]:
    return n, n * n


def address_space_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


def misbehave(n: int) -> tuple[int, int]:
    """Item 3 kills its worker as a library's abort would, item 5 raises, item 7 asks for 4 GiB."""
    if n == 3:
        os.abort()
    if n == 5:
        raise ValueError("bad item")
    if n == 7:
        return n, len(bytearray(4 * 2**30))
    return square(n)


def _run(work, items, jobs: int, memory: int = 2**30) -> dict[int, object]:
    results: dict[int, object] = {}

    def done(index: int, result: object) -> None:
        assert index not in results
        results[index] = result

    pool.run(work, items, done, jobs, memory, preload=[__name__])
    return results


def test_every_item_gets_its_own_result() -> None:
    results = _run(square, [(n,) for n in range(40)], jobs=2)
    assert results == {n: (n, n * n) for n in range(40)}


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux; elsewhere it is skipped")
def test_each_worker_is_bounded_in_memory() -> None:
    assert _run(address_space_limit, [()] * 3, jobs=2, memory=1536 * 2**20) == {i: 1536 * 2**20 for i in range(3)}


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux; elsewhere it is skipped")
def test_a_crash_a_failure_and_too_much_memory_stop_only_their_own_item() -> None:
    results = _run(misbehave, [(n,) for n in range(10)], jobs=2)
    assert results[3] == Crashed()
    assert results[5] == Crashed("ValueError")
    assert results[7] == Crashed("MemoryError")
    assert {n: r for n, r in results.items() if n not in (3, 5, 7)} == {n: (n, n * n) for n in range(10)
                                                                          if n not in (3, 5, 7)}


def test_memory_bound_is_a_share_of_the_machine() -> None:
    assert pool.memory_bound(1) <= pool.WORKER_MEMORY
    assert pool.memory_bound(10_000) == 2**30
    assert pool.default_jobs() >= 1
