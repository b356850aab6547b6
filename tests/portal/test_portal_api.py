"""The JSON API in process: submissions checked by the same core as the CLI, who sees what,
which submission the bureau counts, and the consolidation built from the counted ones."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from dataclasses import dataclass
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.portal.conftest import login, make_accounts, password, submit
from unionxl.cli import app as cli_app
from unionxl.contract.schema import CONSOLIDATION_SHEET, FINDINGS_SHEET, PROBLEMS_SHEET
from unionxl.master.demo import build_demo
from unionxl.portal.app import create_app
from unionxl.portal.config import PortalConfig
from unionxl.portal.store import Store

BUREAU = ("bureau", password("bureau"))


@dataclass
class Scenario:
    app: object
    client: TestClient
    config: PortalConfig
    demo: dict  # s1's demo workbook: rejected
    school: dict  # s2's generated school: flagged
    empty: dict  # s3's empty 2026 template: accepted


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, books) -> Scenario:
    config = PortalConfig(data=tmp_path_factory.mktemp("api") / "portal", jobs=2)
    config.data.mkdir()
    make_accounts(config)
    app = create_app(config)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Scenario(app, client, config, submit(client, "s1", books.demo, "demo-master.xlsx").json(),
                       submit(client, "s2", books.school, "school-001.xlsx").json(),
                       submit(client, "s3", books.empty, "空白.xlsx").json())


def browser(scenario: Scenario) -> TestClient:
    """A second client on the same app with its own cookie jar."""
    return TestClient(scenario.app, base_url="http://127.0.0.1")


def cli_json(tmp_path, data: bytes, *command: str) -> dict:
    """What ``unionxl <command> --json`` prints for the same bytes."""
    path = tmp_path / "cli.xlsx"
    path.write_bytes(data)
    result = CliRunner().invoke(cli_app, [*command, str(path), "--json"])
    return json.loads(result.stdout)


def test_submission_carries_the_cli_results(scenario, books, tmp_path):
    body = scenario.demo
    assert body["status"] == "rejected" and body["year"] == 2025
    assert body["union_name"] == "演示市实验小学工会委员会"
    assert body["validation"] == {"errors": 11, "warnings": 2}
    assert body["reason"] == "工作簿有 11 个错误，请按校验结果改正后重新提交"
    # the same findings and audit, in the same shape, as the command line prints
    assert body["findings"] == cli_json(tmp_path, books.demo, "validate")["findings"]
    assert body["audit"] == cli_json(tmp_path, books.demo, "check-budget")
    first = body["findings"][0]
    assert (first["rule"], first["cell"], first["message"]) == (
        "type-int", "活动日历!I6", "“参与人数”应为数字，实际为文字“约70人”")
    # every fund-rule violation the demo documents, at its cell
    rows = {(r["rule"], r["status"], r["cell"]) for r in body["audit"]["results"]}
    assert {(m.rule, m.severity, m.cell) for m in build_demo().violations} <= rows
    assert scenario.client.get(f"/api/submissions/{body['id']}", auth=("s1", password("s1"))).json() == body


def test_statuses_flagged_and_accepted(scenario):
    flagged = scenario.school
    assert flagged["status"] == "flagged" and flagged["validation"]["errors"] == 0
    failing = [r for r in flagged["audit"]["results"] if r["status"] == "fail"]
    assert flagged["audit"]["counts"]["fail"] == len(failing) == 1
    assert flagged["reason"] == "经费审核有 1 项不通过，已报送，请按预算审核表整改"
    assert flagged["counted"] is True
    accepted = scenario.empty
    assert (accepted["status"], accepted["year"], accepted["reason"]) == ("accepted", 2026, None)
    assert accepted["audit"]["counts"]["fail"] == 0 and accepted["counted"] is True


def test_stored_bytes_equal_uploaded_bytes(scenario, books):
    body = scenario.school
    got = scenario.client.get(f"/api/submissions/{body['id']}/file", auth=("s2", password("s2")))
    assert got.status_code == 200 and got.content == books.school
    digest = hashlib.sha256(books.school).hexdigest()
    assert body["sha256"] == digest and body["size"] == len(books.school)
    blob = Store(scenario.config.data).blob(digest)
    assert blob.read_bytes() == books.school
    assert not blob.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)  # never opened for writing again
    # the same bytes again: a second submission, the one stored file
    blobs = sorted(p.name for p in (scenario.config.data / "blobs").rglob("*.xlsx"))
    again = submit(scenario.client, "s1", books.demo).json()
    assert again["id"] != scenario.demo["id"] and again["sha256"] == scenario.demo["sha256"]
    assert sorted(p.name for p in (scenario.config.data / "blobs").rglob("*.xlsx")) == blobs
    assert not list((scenario.config.data / "work").iterdir())  # no scratch file left behind


def test_a_school_sees_only_its_own(scenario, books):
    client, s1 = scenario.client, ("s1", password("s1"))
    mine = {r["id"] for r in client.get("/api/submissions", auth=s1).json()}
    assert scenario.demo["id"] in mine and scenario.school["id"] not in mine
    theirs = scenario.school["id"]
    for path in (f"/api/submissions/{theirs}", f"/api/submissions/{theirs}/file", "/api/submissions/999"):
        reply = client.get(path, auth=s1)
        assert reply.status_code == 404 and reply.json() == {"detail": "没有这份提交，或您无权查看"}
    everything = {(r["id"], r["school"]) for r in client.get("/api/submissions", auth=BUREAU).json()}
    assert {(scenario.demo["id"], "s1"), (theirs, "s2"), (scenario.empty["id"], "s3")} <= everything
    assert client.get(f"/api/submissions/{theirs}/file", auth=BUREAU).content == books.school


def test_no_or_wrong_credentials_get_401(scenario, books):
    client = browser(scenario)
    for auth in (None, ("s1", "wrong-password"), ("nobody", "whatever-1")):
        reply = client.get(f"/api/submissions/{scenario.demo['id']}", auth=auth)
        assert reply.status_code == 401
        assert reply.headers["www-authenticate"].startswith("Basic ")
    assert client.post("/api/submissions", files={"file": ("x.xlsx", books.demo)}).status_code == 401
    # cookies are not credentials for the API: a signed-in browser cannot be made to post to it
    assert login(client, "s1").status_code == 303
    assert client.post("/api/submissions", files={"file": ("x.xlsx", books.demo)}).status_code == 401


def header_row(sheet, first: str) -> int:
    """The 1-based row of a report table's header (under the title and the header lines)."""
    return next(c.row for c in sheet["A"] if c.value == first)


def test_consolidation_over_the_counted_submissions(scenario, books, tmp_path):
    client = scenario.client
    assert client.get("/api/consolidation.xlsx?year=2025", auth=("s2", password("s2"))).status_code == 403
    reply = client.get("/api/consolidation.xlsx?year=2025", auth=BUREAU)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(reply.content), data_only=True)
    sheet = wb[CONSOLIDATION_SHEET.title]
    assert sheet["A1"].value == "2025年 学校工作簿汇总" and sheet["A2"].value.startswith("编制单位：")
    top = header_row(sheet, CONSOLIDATION_SHEET.headers[0])
    headers = [c.value for c in sheet[top]]
    rows = list(sheet.iter_rows(min_row=top + 1, values_only=True))
    cli = cli_json(tmp_path, books.school, "summary")
    name = "演示区中心小学（001）工会委员会"
    assert rows[0][:2] == (name, f"{name}（第 {scenario.school['id']} 号提交）")
    assert rows[0][headers.index("会员人数")] == cli["members"]["total"]
    assert rows[0][headers.index("收入")] == pytest.approx(cli["journal"]["income_yuan"])
    assert rows[1][0] == "合计（1 个工会）" and rows[1][headers.index("会员人数")] == cli["members"]["total"]
    detail, counted = PROBLEMS_SHEET.headers.index("说明"), PROBLEMS_SHEET.headers.index("计入汇总")
    problem_sheet = wb[PROBLEMS_SHEET.title]
    problem_rows = list(problem_sheet.iter_rows(min_row=header_row(problem_sheet, PROBLEMS_SHEET.headers[0]) + 1,
                                                values_only=True))
    problems = {(r[1], r[2]): r[detail] for r in problem_rows}
    assert {(r[1], r[2]): r[counted] for r in problem_rows}[(name, "经费审核不通过")] == "是"
    assert problems[("演示市实验小学工会委员会", "已退回未重新提交")] == "工作簿有 11 个错误，请按校验结果改正后重新提交"
    assert problems[("演示区第三小学工会委员会", "未提交")] == "本年度尚未提交"  # s3 submitted for 2026 only
    failing = [r["title"] for r in scenario.school["audit"]["results"] if r["status"] == "fail"]
    assert problems[(name, "经费审核不通过")] == "；".join(failing)


def test_the_bureau_counts_the_latest_non_rejected(client, books):
    first = submit(client, "s2", books.school).json()
    rejected = submit(client, "s2", books.demo).json()
    assert rejected["status"] == "rejected"
    states = {r["id"]: r["counted"] for r in client.get("/api/submissions", auth=BUREAU).json()}
    assert states == {first["id"]: True, rejected["id"]: False}
    second = submit(client, "s2", books.school2).json()
    states = {r["id"]: r["counted"] for r in client.get("/api/submissions", auth=BUREAU).json()}
    assert states == {first["id"]: False, rejected["id"]: False, second["id"]: True}


def test_report_downloads(scenario):
    client, body = browser(scenario), scenario.demo
    login(client, "s1")
    reply = client.get(f"/submissions/{body['id']}/reports/findings")
    assert reply.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(reply.content))[FINDINGS_SHEET.title]
    cells = [(row[3], row[4]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] in ("错误", "警告", "提示")]
    assert len(cells) == len(body["findings"])
    assert ("I6", "“参与人数”应为数字，实际为文字“约70人”") in cells
    for kind, title in (("audit", "预算审核"), ("summary", "年度汇总")):
        reply = client.get(f"/submissions/{body['id']}/reports/{kind}")
        assert reply.status_code == 200
        assert title in openpyxl.load_workbook(io.BytesIO(reply.content)).sheetnames
        assert f"filename*=utf-8''{quote(title)}" in reply.headers["content-disposition"]
    assert client.get(f"/submissions/{body['id']}/reports/nothing").status_code == 404


def test_pages_show_findings_and_the_dashboard(scenario):
    client = browser(scenario)
    login(client, "s1")
    page = client.get(f"/submissions/{scenario.demo['id']}").text
    assert '<td class="cell">活动日历!I6</td>' in page and "“参与人数”应为数字，实际为文字“约70人”" in page
    assert "type-int" not in page  # no rule id reaches the treasurer
    assert '<p class="notice warn" id="audit-stamp">工作簿校验有 11 个错误，本表不得作为审核依据</p>' in page
    client.cookies.clear()
    login(client, "bureau")
    board = client.get("/bureau?year=2025")
    assert board.status_code == 200
    text = board.text
    assert "<svg" in text and "已退回 1" in text and "审核有问题 1" in text and "未提交 1" in text
    assert '<ul id="missing"><li>演示区第三小学工会委员会（s3）</li></ul>' in text
    members = client.get("/bureau/consolidation.xlsx?year=2025")
    sheet = openpyxl.load_workbook(io.BytesIO(members.content), data_only=True)[CONSOLIDATION_SHEET.title]
    top = header_row(sheet, CONSOLIDATION_SHEET.headers[0])
    headers = [c.value for c in sheet[top]]
    assert f"<th>会员</th><td>{sheet.cell(top + 2, headers.index('会员人数') + 1).value} 人</td>" in text
