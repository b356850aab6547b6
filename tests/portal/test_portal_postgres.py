"""The portal on PostgreSQL (SQLAlchemy 2 + psycopg), as a province-sized deployment runs it:
two app instances on one database share the signing secret, the accounts, the submissions
and the login rate limit. A throwaway cluster is started on a free 127.0.0.1 port.

Skips when PostgreSQL's server binaries are missing, unless UNIONXL_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.portal.conftest import ACCOUNTS, free_port, login, password, submit
from unionxl.portal import accounts
from unionxl.portal.app import create_app
from unionxl.portal.config import PortalConfig
from unionxl.portal.db import Database


def _binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _as_postgres_user() -> list[str]:
    """Drop root (PostgreSQL refuses to run as root) and die with the test process."""
    drop = ["--reuid", "postgres", "--regid", "postgres", "--init-groups"] if os.geteuid() == 0 else []
    return ["setpriv", *drop, "--pdeathsig", "TERM", "--"]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    bindir = _binaries()
    if bindir is None:
        if os.environ.get("UNIONXL_REQUIRE_POSTGRES") == "1":
            pytest.fail("UNIONXL_REQUIRE_POSTGRES=1 but PostgreSQL (initdb) is not installed")
        pytest.skip("PostgreSQL not installed; CI runs this test")
    folder = tempfile.mkdtemp(prefix="unionxl-pg-")
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = os.path.join(folder, "data")
    subprocess.run([*_as_postgres_user(), f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([*_as_postgres_user(), f"{bindir}/postgres", "-D", data, "-p", str(port),
                               "-h", "127.0.0.1", "-k", folder, "-c", "fsync=off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    import psycopg

    deadline = time.monotonic() + 60
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            break
        except psycopg.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("PostgreSQL did not start")
            time.sleep(0.2)
    try:
        yield url
    finally:
        server.send_signal(signal.SIGINT)  # fast shutdown
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(folder, ignore_errors=True)


def test_two_app_processes_share_one_postgresql_database(postgres, tmp_path, books):
    config = PortalConfig(data=tmp_path / "portal", db=postgres)
    db = Database(config.db_url)
    assert db.engine.dialect.name == "postgresql"
    for role, login_name, name in ACCOUNTS:
        accounts.add(db, role, login_name, name, password(login_name))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as one, \
            TestClient(create_app(config), base_url="http://127.0.0.1") as two:
        body = submit(one, "s2", books.school).json()
        assert body["status"] == "flagged" and body["counted"] is True
        assert submit(two, "s1", books.demo).json()["status"] == "rejected"
        listed = two.get("/api/submissions", auth=("bureau", password("bureau"))).json()
        assert {r["school"] for r in listed} == {"s1", "s2"}
        assert two.get(f"/api/submissions/{body['id']}/file", auth=("s2", password("s2"))).content == books.school
        assert two.get(f"/api/submissions/{body['id']}", auth=("s1", password("s1"))).status_code == 404
        # a session signed by one process is honoured by the other
        assert login(one, "s2").status_code == 303
        two.cookies.update(one.cookies)
        assert two.get(f"/submissions/{body['id']}").status_code == 200
        # failures counted in the database lock the login out in both processes
        for _ in range(accounts.MAX_FAILURES_PER_LOGIN):
            assert login(one, "s3", "wrong-password").status_code == 401
        assert login(two, "s3").status_code == 429
        reply = two.get("/api/consolidation.xlsx?year=2025", auth=("bureau", password("bureau")))
        assert reply.status_code == 200 and reply.content.startswith(b"PK")
