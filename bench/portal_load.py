"""Portal load test: `python bench/portal_load.py [--uploads 40] [--concurrency 8] [--workers 2]`.

Starts `unionxl serve` on a free 127.0.0.1 port with a fresh data folder, one school
account per concurrent client, and sends N uploads of generated school workbooks (40–200
members) from C threads at once. Prints a Markdown table of latency and throughput, then
checks that the service lost nothing: every upload answered 201, every id is listed, every
stored file has the uploaded bytes' SHA-256, and each school has exactly one counted
submission. Bounded in count (at most 1,000 uploads) and time (120 s per request); the
server stops at the end, or with this script. A benchmark, not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from unionxl.master.schools import write_schools
from unionxl.portal import accounts
from unionxl.portal.config import PortalConfig
from unionxl.portal.db import Database

PASSWORD = "bench-password"
MAX_UPLOADS = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # setpriv --pdeathsig: the server stops with this script, however it stops
    server = subprocess.Popen(["setpriv", "--pdeathsig", "TERM", "--", sys.executable, "-m", "unionxl.cli", "serve",
                               "--data", str(data), "--port", str(port), "--workers", str(workers)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).text == "ok":
                return server, url
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("unionxl serve did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--uploads", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="app processes of unionxl serve")
    args = parser.parse_args()
    uploads = min(args.uploads, MAX_UPLOADS)
    with tempfile.TemporaryDirectory(prefix="unionxl-load-") as tmp:
        data = Path(tmp) / "portal"
        data.mkdir()
        db = Database(PortalConfig(data=data).db_url)
        schools = [f"load{i:03d}" for i in range(args.concurrency)]
        for login in schools:
            accounts.add(db, "school", login, f"压测学校{login}", PASSWORD)
        accounts.add(db, "bureau", "bureau", "压测教育工会", PASSWORD)
        db.dispose()
        books = [p.read_bytes() for p in write_schools(Path(tmp) / "books", min(uploads, 8))]
        server, url = start(data, args.workers)
        try:
            def upload(n: int) -> tuple[int, float, dict, str]:
                body = books[n % len(books)]
                login = schools[n % len(schools)]
                t0 = time.perf_counter()
                reply = httpx.post(url + "/api/submissions", files={"file": (f"book-{n}.xlsx", body)},
                                   auth=(login, PASSWORD), timeout=120)
                took = time.perf_counter() - t0
                return reply.status_code, took, reply.json() if reply.status_code == 201 else {}, \
                    hashlib.sha256(body).hexdigest()

            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                results = list(pool.map(upload, range(uploads)))
            wall = time.perf_counter() - t0
            listed = {r["id"]: r for r in httpx.get(url + "/api/submissions", auth=("bureau", PASSWORD),
                                                    timeout=120).json()}
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)
    latencies = [took for _, took, _, _ in results]
    ok = [(body, digest) for code, _, body, digest in results if code == 201]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{args.workers} app processes, SQLite")
    print()
    print("| uploads | concurrent | wall s | uploads/s | p50 s | p90 s | p99 s | max s | 201 | listed | bytes kept |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    kept = sum(listed.get(body["id"], {}).get("sha256") == digest for body, digest in ok)
    print(f"| {uploads} | {args.concurrency} | {wall:.1f} | {uploads / wall:.2f} | {statistics.median(latencies):.2f} | "
          f"{percentile(latencies, 0.9):.2f} | {percentile(latencies, 0.99):.2f} | {max(latencies):.2f} | "
          f"{len(ok)} | {sum(body['id'] in listed for body, _ in ok)} | {kept} |")
    counted = [r["school"] for r in listed.values() if r["counted"]]
    lost = uploads - kept
    assert lost == 0, f"{lost} submissions lost or altered"
    assert sorted(counted) == sorted(set(counted)), "a school has more than one counted submission"
    print()
    print(f"no submission lost: {kept} of {uploads} stored with their bytes, "
          f"{len(counted)} schools with exactly one counted submission")


if __name__ == "__main__":
    main()
