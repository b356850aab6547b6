"""Real browser tests: Playwright driving Debian's chromium against ``unionxl serve``.

A treasurer logs in, uploads the demo with the progress bar, reads the findings with their
cells and downloads the 校验结果; another school cannot open it; the bureau sees every
school on the dashboard and downloads the consolidation. Every request stays on the portal
(no external asset). UNIONXL_REQUIRE_BROWSER=1 (CI) turns a missing chromium into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, sync_playwright

from tests.portal.conftest import CHROMIUM_ARGS, password
from unionxl.contract.schema import CONSOLIDATION_SHEET, FINDINGS_SHEET

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: UNIONXL_SCREENSHOTS=DIR keeps a PNG of each page for a person to look at
SHOTS = os.environ.get("UNIONXL_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser(chromium: str):
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    yield page
    context.close()
    assert requests and all(u.startswith(server.url + "/") for u in requests), requests


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page: Page, server, login: str) -> None:
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password(login))
    page.click("button:has-text('登录')")
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.click("button:has-text('退出登录')")
    page.wait_for_url("**/login")


def upload(page: Page, server, name: str, data: bytes) -> int:
    page.goto(server.url + "/upload")
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    page.click("button:has-text('提交并校验')")
    page.wait_for_url("**/submissions/*")
    return int(page.url.rsplit("/", 1)[1])


def test_school_uploads_sees_findings_and_another_school_cannot(page, server, books, tmp_path):
    sign_in(page, server, "s1")
    assert page.url == server.url + "/submissions"
    page.goto(server.url + "/upload")
    shot(page, "upload")
    page.set_input_files("input[type=file]", files=[{"name": "demo-master.xlsx", "mimeType": XLSX,
                                                     "buffer": books.demo}])
    page.click("button:has-text('提交并校验')")
    page.wait_for_selector("#progress:not([hidden])", state="attached")  # the progress bar is shown
    page.wait_for_url("**/submissions/*")
    demo_id = int(page.url.rsplit("/", 1)[1])
    shot(page, "submission")
    assert page.inner_text("#status") == "已退回"
    assert page.inner_text("#reason") == "工作簿有 11 个错误，请按校验结果改正后重新提交"
    row = page.locator("#findings tbody tr", has_text="活动日历!I6")
    assert row.locator("td").all_inner_texts()[:3] == ["错误", "活动日历!I6", "“参与人数”应为数字，实际为文字“约70人”"]
    assert page.locator("#findings tbody tr").count() == 15  # 11 errors, 2 warnings, 2 notes
    assert page.locator("#audit tbody tr.audit-fail").count() >= 4

    with page.expect_download() as download:
        page.click("text=下载校验结果（.xlsx）")
    saved = tmp_path / "校验结果.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved)[FINDINGS_SHEET.title]
    assert ("I6", "“参与人数”应为数字，实际为文字“约70人”") in [(r[3], r[4]) for r in sheet.iter_rows(min_row=2, values_only=True)]

    sign_out(page)
    sign_in(page, server, "s2")
    reply = page.goto(f"{server.url}/submissions/{demo_id}")
    assert reply.status == 404 and "找不到该页面，或您无权查看" in page.inner_text("#message")
    reply = page.goto(f"{server.url}/submissions/{demo_id}/file")
    assert reply.status == 404
    page.goto(server.url + "/submissions")
    assert "demo-master.xlsx" not in page.content() and "还没有提交" in page.inner_text("main")


def test_bureau_sees_every_school_and_downloads_the_consolidation(page, server, books, tmp_path):
    sign_in(page, server, "s2")
    school_id = upload(page, server, "school-001.xlsx", books.school)
    assert page.inner_text("#status") == "审核有问题"
    assert page.locator("#audit tbody tr.audit-fail").count() == 1
    sign_out(page)

    sign_in(page, server, "bureau")
    assert page.url.startswith(server.url + "/bureau")
    page.goto(server.url + "/bureau?year=2025")
    shot(page, "bureau")
    schools = {r.locator("td").nth(0).inner_text().split("\n")[0]: r.locator("td").nth(1).inner_text()
               for r in page.locator("#schools tbody tr").all()}
    assert schools["演示区中心小学（001）工会委员会"] == "审核有问题"
    assert schools["演示区第三小学工会委员会"] == "未提交"
    assert page.locator("svg.chart").count() == 2
    assert "演示区第三小学工会委员会（s3）" in page.inner_text("#missing")

    with page.expect_download() as download:
        page.click("#download-consolidation")
    saved = tmp_path / "汇总.xlsx"
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved)[CONSOLIDATION_SHEET.title].iter_rows(values_only=True))
    rows = rows[next(i for i, r in enumerate(rows) if r[0] == CONSOLIDATION_SHEET.headers[0]) + 1:]
    assert (rows[0][0], rows[0][1]) == ("演示区中心小学（001）工会委员会",
                                        f"演示区中心小学（001）工会委员会（第 {school_id} 号提交）")
    page.goto(f"{server.url}/submissions/{school_id}")
    assert page.inner_text("#union-name") == "演示区中心小学（001）工会委员会"
