"""Portal fixtures: workbooks to upload, a portal with accounts, an in-process client, a real
``unionxl serve`` on a free loopback port, and the chromium gate."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from unionxl.portal import accounts
from unionxl.portal.app import create_app
from unionxl.portal.config import PortalConfig
from unionxl.portal.db import Database

PASSWORD = "school-pass-1"
BUREAU_PASSWORD = "bureau-pass-1"
#: (role, login, name): two schools and the bureau every portal test starts with
ACCOUNTS = (
    ("bureau", "bureau", "演示区教育工会"),
    ("school", "s1", "演示市实验小学工会委员会"),
    ("school", "s2", "演示区中心小学（001）工会委员会"),
    ("school", "s3", "演示区第三小学工会委员会"),
)
#: the chromium flags that work without a display, a sandbox or the network
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def password(login: str) -> str:
    return BUREAU_PASSWORD if login == "bureau" else PASSWORD


@dataclass(frozen=True)
class Books:
    demo: bytes  # the demo school: 11 validation errors → rejected
    school: bytes  # a generated clean school (2025): one fund-rule failure → flagged
    school2: bytes
    empty: bytes  # an empty 2026 template: nothing wrong → accepted


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory, demo_book) -> Books:
    from unionxl.master.schools import write_schools
    from unionxl.master.template import write_master

    folder = tmp_path_factory.mktemp("portal-books")
    schools = write_schools(folder, 2)
    empty = folder / "empty.xlsx"
    write_master(empty, {"union_name": "演示区第三小学工会委员会", "year": 2026, "province": "湖北"})
    return Books(demo_book[0].read_bytes(), schools[0].read_bytes(), schools[1].read_bytes(), empty.read_bytes())


_seeded: dict[str, bytes] = {}


def make_accounts(config: PortalConfig) -> None:
    """The test accounts in a new SQLite database: hashed once per run, then copied (argon2 is
    deliberately slow, and every portal test starts from these accounts)."""
    target = config.data / "portal.sqlite3"
    if "db" not in _seeded:
        db = Database(config.db_url)
        for role, login, name in ACCOUNTS:
            accounts.add(db, role, login, name, password(login))
        db.dispose()
        _seeded["db"] = target.read_bytes()
    else:
        target.write_bytes(_seeded["db"])


@pytest.fixture()
def config(tmp_path: Path) -> PortalConfig:
    config = PortalConfig(data=tmp_path / "portal", jobs=2)
    config.data.mkdir()
    make_accounts(config)
    return config


@pytest.fixture()
def client(config: PortalConfig):
    with TestClient(create_app(config), base_url="http://127.0.0.1") as c:
        yield c


def submit(client, login: str, data: bytes, name: str = "主工作簿.xlsx"):
    return client.post("/api/submissions", files={"file": (name, data)}, auth=(login, password(login)))


def csrf(page_text: str) -> str:
    return page_text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def login(client, who: str, secret: str | None = None):
    """Sign in through the login form, as a browser does."""
    token = csrf(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "login": who, "password": secret or password(who)},
                       follow_redirects=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: run a command so that it gets SIGTERM when the test process dies, however it dies
DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "TERM", "--"]


@dataclass
class Server:
    url: str
    config: PortalConfig
    process: subprocess.Popen

    def auth(self, login: str) -> tuple[str, str]:
        return login, password(login)


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``unionxl serve`` on a free 127.0.0.1 port (``SERVER_WORKERS`` app processes, set by the
    test module); stopped at the end of the module, and by the kernel if the tests die first."""
    data = tmp_path_factory.mktemp("served") / "portal"
    config = PortalConfig(data=data)
    data.mkdir()
    make_accounts(config)
    port = free_port()
    command = [sys.executable, "-m", "unionxl.cli", "serve", "--data", str(data), "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(getattr(request.module, "SERVER_WORKERS", 1))]
    log = (data.parent / "server.log").open("wb")
    process = subprocess.Popen(DIE_WITH_PARENT + command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=2).text == "ok":
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("unionxl serve did not start:\n" + (data.parent / "server.log").read_text(errors="replace"))
        time.sleep(0.2)
    try:
        yield Server(url, config, process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; skips without it, fails when UNIONXL_REQUIRE_BROWSER=1 (CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("UNIONXL_REQUIRE_BROWSER") == "1":
            pytest.fail("UNIONXL_REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium not installed; CI runs this test")
    return found
