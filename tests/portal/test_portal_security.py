"""Security in process: CSRF on every form, no other school's data by guessing ids, login
rate limiting that holds across processes, and hostile uploads refused with a reason while
the service stays up."""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.corpus import CASES
from tests.portal.conftest import csrf, login, password, submit
from unionxl.master.template import write_master
from unionxl.portal import accounts
from unionxl.portal.app import create_app
from unionxl.portal.db import Database

CORPUS = {case.name: case for case in CASES}


def fresh(client: TestClient) -> TestClient:
    return TestClient(client.app, base_url="http://127.0.0.1")


def submission_count(client: TestClient) -> int:
    return len(client.get("/api/submissions", auth=("bureau", password("bureau"))).json())


# -- CSRF -------------------------------------------------------------------------------------

def test_login_form_without_csrf_is_refused(client):
    reply = client.post("/login", data={"login": "s1", "password": password("s1")}, follow_redirects=False)
    assert reply.status_code == 403 and "安全校验码" in reply.text
    assert client.get("/submissions", follow_redirects=False).status_code == 303  # still signed out


def test_upload_and_logout_without_a_valid_token_are_refused(client, books):
    assert login(client, "s1").status_code == 303
    other = fresh(client)
    login(other, "s2")
    foreign = csrf(other.get("/upload").text)  # a valid token, of another session
    for token in (None, "", "0" * 64, foreign):
        data = {} if token is None else {"csrf": token}
        reply = client.post("/upload", data=data, files={"file": ("a.xlsx", books.demo)}, follow_redirects=False)
        assert reply.status_code == 403 and "安全校验码" in reply.text
    assert submission_count(client) == 0
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/submissions").status_code == 200  # the refused logout did nothing
    token = csrf(client.get("/upload").text)
    reply = client.post("/upload", data={"csrf": token}, files={"file": ("a.xlsx", books.demo)}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/submissions/1"
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/submissions", follow_redirects=False).status_code == 303


def test_pages_send_protective_headers(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    cookie = headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


def test_login_redirect_stays_on_site(client):
    token = csrf(client.get("/login").text)
    reply = client.post("/login", data={"csrf": token, "login": "s1", "password": password("s1"),
                                        "next": "//evil.example/"}, follow_redirects=False)
    assert reply.headers["location"] == "/submissions"


# -- who sees what ----------------------------------------------------------------------------

def test_no_other_schools_data_by_guessing_ids(client, books):
    theirs = submit(client, "s1", books.demo, "甲校.xlsx").json()["id"]
    mine = submit(client, "s2", books.school, "乙校.xlsx").json()["id"]
    login(client, "s2")
    for n in range(max(theirs, mine) + 3):
        for path in (f"/submissions/{n}", f"/submissions/{n}/file", f"/submissions/{n}/reports/findings",
                     f"/submissions/{n}/reports/audit", f"/submissions/{n}/reports/summary"):
            code = client.get(path).status_code
            assert code == (200 if n == mine else 404), path
    listing = client.get("/submissions").text
    assert "乙校.xlsx" in listing and "甲校.xlsx" not in listing and "演示市实验小学" not in listing
    assert client.get("/submissions/abc").status_code == 404
    assert client.get("/bureau").status_code == 403
    assert client.get("/bureau/consolidation.xlsx?year=2025").status_code == 403


def test_pages_need_a_session(client):
    for path in ("/upload", "/submissions", "/submissions/1", "/submissions/1/file", "/bureau"):
        reply = client.get(path, follow_redirects=False)
        assert reply.status_code == 303 and reply.headers["location"].startswith("/login?next=")


def test_disable_and_reset_end_open_sessions(client, config):
    login(client, "s1")
    assert client.get("/submissions").status_code == 200
    db = Database(config.db_url)
    accounts.reset(db, "s1", "a-new-password")
    assert client.get("/submissions", follow_redirects=False).status_code == 303
    assert login(client, "s1").status_code == 401
    assert login(client, "s1", "a-new-password").status_code == 303
    accounts.set_disabled(db, "s1", True)
    assert client.get("/submissions", follow_redirects=False).status_code == 303
    reply = login(client, "s1", "a-new-password")
    assert reply.status_code == 401 and "该账号已停用" in reply.text


# -- rate limiting ----------------------------------------------------------------------------

def test_login_attempts_are_limited_across_processes(client, config):
    for _ in range(accounts.MAX_FAILURES_PER_LOGIN):
        reply = login(client, "s1", "wrong-password")
        assert reply.status_code == 401 and "登录名或密码不正确" in reply.text
    reply = login(client, "s1")  # the right password, too late
    assert reply.status_code == 429 and "登录失败次数过多" in reply.text
    assert client.get("/api/submissions", auth=("s1", password("s1"))).status_code == 429
    # another app process on the same database sees the same failures
    with TestClient(create_app(config), base_url="http://127.0.0.1") as other:
        assert login(other, "s1").status_code == 429
        assert login(other, "s2").status_code == 303  # other accounts are not locked out
    accounts.reset(Database(config.db_url), "s1", password("s1"))
    assert login(client, "s1").status_code == 303


# -- hostile uploads --------------------------------------------------------------------------

def sparse_range(path: Path, far: str) -> None:
    """A 30 KB workbook whose 会员台账 holds one more cell at *far*: a dense reader of the used
    range allocates rows × columns cells (ZZ190000: 5 GB and 75 s outside the worker)."""
    src = path.with_suffix(".src.xlsx")
    write_master(src, {"union_name": "稀疏区域测试小学工会委员会", "year": 2026, "province": "湖北"})
    row = re.match(r"[A-Z]+(\d+)", far).group(1)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet4.xml":  # 会员台账
                data = data.replace(b"</sheetData>", f'<row r="{row}"><c r="{far}" t="inlineStr"><is><t>x</t>'
                                                     f'</is></c></row></sheetData>'.encode())
            zout.writestr(info, data)
    src.unlink()


def built(tmp_path: Path, build) -> bytes:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "hostile.xlsx"  # a new file each time: unionxl never overwrites
    build(path)
    return path.read_bytes()


@pytest.mark.parametrize("case", ["zip-bomb", "xxe", "png-renamed", "xls-file", "truncated-zip", "missing-sheet"])
def test_corpus_uploads_are_rejected_with_their_reason(client, tmp_path, case):
    data = built(tmp_path, CORPUS[case].build)
    reply = submit(client, "s1", data, "坏文件.xlsx")
    assert reply.status_code == 201
    body = reply.json()
    assert body["status"] == "rejected" and CORPUS[case].reason in body["reason"]
    assert client.get(f"/api/submissions/{body['id']}/file", auth=("s1", password("s1"))).content == data
    assert client.get("/healthz").text == "ok"


@pytest.mark.parametrize("far", ["ZZ190000", "XFD1048576"])
def test_a_stray_far_cell_is_read_in_little_memory(client, tmp_path, far, books):
    """Once a memory bomb for a dense reader; unionxl reads the cells that hold data (trust-numbers)."""
    data = built(tmp_path, lambda p: sparse_range(p, far))
    assert len(data) < 200_000  # the template with formulas down to its capacity, and one cell more
    body = submit(client, "s1", data).json()
    assert body["status"] != "rejected", body
    assert client.get("/healthz").text == "ok"


def test_a_memory_bomb_is_stopped_by_the_worker_limit(config, books):
    """An analysis that needs more memory than the worker may have is stopped and the service goes on
    (a limit below what any workbook needs stands in for a bomb: the reader no longer has one)."""
    with TestClient(create_app(replace(config, worker_memory_mb=16)), base_url="http://127.0.0.1") as client:
        body = submit(client, "s1", books.demo).json()
        assert body["status"] == "rejected"
        assert body["reason"] == "文件处理所需内存超过 16 MB 的限制，疑似异常文件，已拒收"
        assert client.get("/healthz").text == "ok"
    with TestClient(create_app(config), base_url="http://127.0.0.1") as client:
        assert submit(client, "s2", books.school).json()["status"] == "flagged"  # the next school is served


def test_the_time_limit_stops_a_slow_analysis(config, books):
    with TestClient(create_app(replace(config, worker_seconds=0.05)), base_url="http://127.0.0.1") as client:
        body = submit(client, "s1", books.demo).json()
        assert body["status"] == "rejected"
        assert body["reason"] == "文件处理超过 0.05 秒仍未完成，疑似异常文件，已拒收"


def test_too_large_uploads_are_refused_before_they_are_stored(client, config):
    huge = b"PK\x03\x04" + b"\0" * (config.max_upload_bytes + 1)
    reply = submit(client, "s1", huge)
    assert reply.status_code == 413
    assert reply.json() == {"detail": "文件超过 20 MB 的上限，未接收；请删除多余的空行、图片后另存再提交"}
    login(client, "s1")
    token = csrf(client.get("/upload").text)
    reply = client.post("/upload", data={"csrf": token}, files={"file": ("大.xlsx", huge)},
                        headers={"x-requested-with": "unionxl-upload"})
    assert reply.status_code == 413 and "超过 20 MB" in reply.text
    assert submission_count(client) == 0
    assert not list((config.data / "blobs").rglob("*.xlsx")) and not list((config.data / "work").iterdir())
    assert client.get("/healthz").text == "ok"


def test_empty_and_missing_files_are_refused(client):
    assert submit(client, "s1", b"").status_code == 400
    reply = client.post("/api/submissions", data={"x": "1"}, auth=("s1", password("s1")))
    assert reply.status_code == 400 and "file" in reply.json()["detail"]
    assert submit(client, "bureau", b"PK").status_code == 403
