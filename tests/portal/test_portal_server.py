"""The same API through a real ``unionxl serve`` (two uvicorn processes, SQLite in WAL mode)
on a free 127.0.0.1 port: concurrent uploads, refusals over a real socket, the service up
after hostile files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.portal.test_portal_security import CORPUS, built, sparse_range

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
#: two app processes sharing the database and the data folder, as a deployment runs them
SERVER_WORKERS = 2


def post(server, login: str, data: bytes, name: str = "主工作簿.xlsx") -> httpx.Response:
    return httpx.post(server.url + "/api/submissions", files={"file": (name, data)}, auth=server.auth(login),
                      timeout=120)


def test_upload_read_back_and_refuse_others(server, books):
    body = post(server, "s1", books.demo, "demo-master.xlsx").json()
    assert (body["status"], body["validation"]) == ("rejected", {"errors": 11, "warnings": 2})
    assert any(f["cell"] == "活动日历!I6" for f in body["findings"])
    url = f"{server.url}/api/submissions/{body['id']}"
    assert httpx.get(url + "/file", auth=server.auth("s1")).content == books.demo
    assert httpx.get(url, auth=server.auth("s2")).status_code == 404
    assert httpx.get(url + "/file", auth=server.auth("s2")).status_code == 404
    assert httpx.get(url).status_code == 401
    assert httpx.get(server.url + "/api/consolidation.xlsx?year=2025", auth=server.auth("s1")).status_code == 403


def test_concurrent_uploads_are_all_kept(server, books):
    uploads = [("s2", books.school), ("s3", books.school2)] * 2
    with ThreadPoolExecutor(len(uploads)) as pool:
        replies = list(pool.map(lambda job: post(server, *job), uploads))
    assert [r.status_code for r in replies] == [201] * len(uploads)
    ids = {r.json()["id"] for r in replies}
    assert len(ids) == len(uploads)
    listed = {r["id"]: r for r in httpx.get(server.url + "/api/submissions", auth=server.auth("bureau")).json()}
    assert ids <= set(listed) and {listed[i]["status"] for i in ids} == {"flagged"}
    # exactly one counted submission per school: the latest
    for login in ("s2", "s3"):
        mine = sorted(i for i in ids if listed[i]["school"] == login)
        assert [listed[i]["counted"] for i in mine] == [False, True]
    reply = httpx.get(server.url + "/api/consolidation.xlsx?year=2025", auth=server.auth("bureau"))
    assert reply.status_code == 200 and reply.content.startswith(b"PK")


def test_too_large_is_answered_over_the_socket(server):
    huge = b"PK\x03\x04" + b"\0" * (server.config.max_upload_bytes + 1)
    reply = post(server, "s1", huge)
    assert reply.status_code == 413 and "超过 20 MB 的上限" in reply.json()["detail"]

    def chunked():  # no Content-Length: the limit is counted while the body streams in
        head = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n")
        yield head
        for _ in range(server.config.max_upload_mb + 2):
            yield b"\0" * 2**20
        yield b"\r\n--b--\r\n"

    reply = httpx.post(server.url + "/api/submissions", content=chunked(), auth=server.auth("s1"),
                       headers={"content-type": "multipart/form-data; boundary=b"}, timeout=60)
    assert reply.status_code == 413
    assert httpx.get(server.url + "/healthz").text == "ok"


def test_hostile_files_leave_the_service_up(server, tmp_path, books):
    for build in (CORPUS["zip-bomb"].build, CORPUS["xxe"].build):
        body = post(server, "s1", built(tmp_path, build)).json()
        assert body["status"] == "rejected" and body["reason"]
        assert httpx.get(server.url + "/healthz").text == "ok"
    # a stray cell at ZZ190000 once exhausted the worker's memory; it is read like any book now
    assert post(server, "s1", built(tmp_path, lambda p: sparse_range(p, "ZZ190000"))).json()["status"] != "rejected"
    assert httpx.get(server.url + "/healthz").text == "ok"
    assert post(server, "s2", books.school).json()["status"] == "flagged"
