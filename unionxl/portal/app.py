"""The web front door: server-rendered Chinese pages for people, a JSON API for scripts.

Pages sign in with a signed session cookie and carry a CSRF token in every form; the API
signs in with HTTP Basic on the same accounts and ignores cookies, so no page can be made
to post to it. A school sees only its own submissions (another's is "not found", never
"forbidden", so ids reveal nothing); the bureau sees all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unionxl.portal import accounts, charts, engine
from unionxl.portal.accounts import AccountError, Principal, TooManyAttempts
from unionxl.portal.config import PortalConfig
from unionxl.portal.db import MISSING, STATE_NAMES, Submission
from unionxl.portal.service import Portal, Refused, local_time

HERE = Path(__file__).parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_PATHS = ("/upload", "/api/submissions")
#: bytes a form other than the upload may send
SMALL_BODY = 64 * 1024
#: why a form without this session's CSRF token is refused
CSRF_REASON = "页面已过期或来源不明（缺少安全校验码），请刷新页面后重试"
_SECURITY_HEADERS = [
    (b"content-security-policy", (b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                  b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'")),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class Denied(Exception):
    """Raised by the page guards: redirect to the login page, or show a Chinese refusal."""

    def __init__(self, status: int, reason: str = "") -> None:
        self.status, self.reason = status, reason


class BodyLimit:
    """Refuse request bodies beyond the limit while they stream in, before they reach disk.

    The rest of a too-large body is read and dropped (up to a bound) so the client gets
    the 413 and its Chinese reason instead of a reset connection.
    """

    def __init__(self, app: ASGIApp, upload_limit: int, reason: str) -> None:
        self.app, self.upload_limit, self.reason = app, upload_limit, reason

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.upload_limit + 256 * 1024 if scope["path"] in UPLOAD_PATHS else SMALL_BODY
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await self._refuse(scope, receive, send, int(declared))
        seen = 0
        over = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send, None)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, declared: int | None) -> None:
        if declared is None or declared <= 4 * self.upload_limit:
            drained, more = 0, True
            while more and drained <= 4 * self.upload_limit:
                message = await receive()
                drained += len(message.get("body", b""))
                more = message.get("more_body", False) and message["type"] == "http.request"
        if scope["path"].startswith("/api/"):
            response: Response = JSONResponse({"detail": self.reason}, status_code=413)
        else:
            response = PlainTextResponse(self.reason, status_code=413)
        response.headers["connection"] = "close"
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [h for h in _SECURITY_HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(config: PortalConfig | None = None) -> FastAPI:
    config = config or PortalConfig()
    portal = Portal(config)
    secret = portal.db.secret()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(STATE_NAMES=STATE_NAMES, REPORTS=engine.REPORTS,
                                 SEVERITY_NAMES=engine.SEVERITY_NAMES, AUDIT_STATUS_NAMES=engine.AUDIT_STATUS_NAMES,
                                 local_time=local_time, yuan=lambda fen: "" if fen is None else f"{fen / 100:,.2f}",
                                 percent=lambda v: "" if v is None else f"{v * 100:.1f}%",
                                 max_upload_mb=config.max_upload_mb)

    app = FastAPI(title="unionxl 提交平台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = portal
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="unionxl_session",
                       max_age=config.session_hours * 3600, same_site="lax", https_only=config.https)
    app.add_middleware(BodyLimit, upload_limit=config.max_upload_bytes, reason=portal.too_large_reason())
    app.add_middleware(SecurityHeaders)

    # -- sessions, CSRF and the guards ---------------------------------------------------------

    def nonce(request: Request) -> str:
        if "n" not in request.session:
            request.session["n"] = secrets.token_urlsafe(18)
        return request.session["n"]

    def csrf_token(request: Request) -> str:
        return hmac.new(secret.encode(), b"csrf:" + nonce(request).encode(), hashlib.sha256).hexdigest()

    templates.env.globals["csrf_token"] = csrf_token

    def page_user(request: Request) -> Principal | None:
        session = request.session
        if "a" not in session:
            return None
        return accounts.current(portal.db, int(session["a"]), int(session.get("e", -1)))

    def signed_in(request: Request, bureau: bool | None = None) -> Principal:
        who = page_user(request)
        if who is None:
            raise Denied(303)
        if bureau is True and not who.is_bureau:
            raise Denied(403, "只有教育工会账号可以查看此页面")
        if bureau is False and who.is_bureau:
            raise Denied(403, "此页面供学校使用；教育工会请查看汇总页面")
        return who

    async def checked_form(request: Request):
        """The posted form, and whether it carries this session's CSRF token."""
        form = await request.form(max_files=1, max_fields=8, max_part_size=SMALL_BODY)
        sent = form.get("csrf")
        return form, isinstance(sent, str) and hmac.compare_digest(sent, csrf_token(request))

    async def form_with_csrf(request: Request) -> dict[str, object]:
        form, genuine = await checked_form(request)
        if not genuine:
            raise Denied(403, CSRF_REASON)
        return dict(form)

    def client_ip(request: Request) -> str:
        return request.client.host if request.client else "?"

    def page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
        context.setdefault("who", page_user(request))
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.exception_handler(Denied)
    async def on_denied(request: Request, exc: Denied) -> Response:
        if exc.status == 303:
            return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
        return page(request, "message.html", exc.status, title="无法完成", message=exc.reason)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        message = "找不到该页面，或您无权查看" if exc.status_code == 404 else str(exc.detail)
        return page(request, "message.html", exc.status_code, title="无法完成", message=message)

    @app.exception_handler(RequestValidationError)
    async def on_bad_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "请求参数不正确（编号和年度应为数字）"}, status_code=422)
        return page(request, "message.html", 404, title="无法完成", message="找不到该页面，或您无权查看")

    # -- pages ----------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        who = page_user(request)
        if who is None:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse("/bureau" if who.is_bureau else "/submissions", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        portal.years()
        return PlainTextResponse("ok")

    @app.get("/login")
    def login_page(request: Request, next: str = "") -> HTMLResponse:
        return page(request, "login.html", next=_local_path(next), error="", login="")

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await form_with_csrf(request)
        login_name, password = str(form.get("login", "")), str(form.get("password", ""))
        target = _local_path(str(form.get("next", "")))
        try:
            who = await _in_thread(accounts.authenticate, portal.db, login_name, password, client_ip(request))
        except AccountError as exc:
            status = 429 if isinstance(exc, TooManyAttempts) else 401
            return page(request, "login.html", status, next=target, error=exc.reason, login=login_name, who=None)
        request.session.clear()
        request.session.update({"n": secrets.token_urlsafe(18), "a": who.id, "e": who.epoch})
        return RedirectResponse(target or ("/bureau" if who.is_bureau else "/submissions"), status_code=303)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        await form_with_csrf(request)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/upload")
    def upload_page(request: Request) -> HTMLResponse:
        signed_in(request, bureau=False)
        return page(request, "upload.html", error="")

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        who = signed_in(request, bureau=False)
        xhr = request.headers.get("x-requested-with") == "unionxl-upload"
        form, genuine = await checked_form(request)
        if not genuine:
            reason = CSRF_REASON
            return JSONResponse({"error": reason}, 403) if xhr else page(request, "upload.html", 403, error=reason)
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            reason = "请选择要提交的主工作簿（.xlsx）"
            return JSONResponse({"error": reason}, 400) if xhr else page(request, "upload.html", 400, error=reason)
        try:
            row = await portal.submit(who, file.filename, _chunks(file))
        except Refused as exc:
            return (JSONResponse({"error": exc.reason}, exc.status) if xhr
                    else page(request, "upload.html", exc.status, error=exc.reason))
        target = f"/submissions/{row.id}"
        return JSONResponse({"redirect": target}) if xhr else RedirectResponse(target, status_code=303)

    @app.get("/submissions")
    def my_submissions(request: Request) -> HTMLResponse:
        who = signed_in(request)
        return page(request, "submissions.html", rows=portal.listing(who), counted=portal.counted_ids())

    @app.get("/submissions/{submission_id}")
    def submission_page(request: Request, submission_id: int) -> HTMLResponse:
        who = signed_in(request)
        row = _visible(portal, who, submission_id)
        return page(request, "submission.html", row=row, result=row.result or {}, counted=portal.is_counted(row))

    @app.get("/submissions/{submission_id}/file")
    def submission_file(request: Request, submission_id: int) -> FileResponse:
        return _file(portal, _visible(portal, signed_in(request), submission_id))

    @app.get("/submissions/{submission_id}/reports/{kind}")
    def submission_report(request: Request, submission_id: int, kind: str) -> FileResponse:
        row = _visible(portal, signed_in(request), submission_id)
        path = portal.report(row, kind)
        if path is None:
            raise StarletteHTTPException(404)
        title = engine.REPORTS[kind][0]
        return FileResponse(path, media_type=XLSX, filename=f"{title}-{row.union_name or row.account.name}-{row.id}.xlsx")

    @app.get("/bureau")
    def dashboard(request: Request, year: int | None = None) -> HTMLResponse:
        signed_in(request, bureau=True)
        known = portal.years()
        year = year or portal.default_year(known)
        states = portal.states(year)
        counts: dict[str, int] = {}
        for st in states:
            counts[st.state] = counts.get(st.state, 0) + 1
        money = [(st.counted.union_name or st.account.name, st.counted.result["figures"]["income_fen"],
                  st.counted.result["figures"]["expense_fen"])
                 for st in states if st.counted is not None and (st.counted.result or {}).get("figures")]
        return page(request, "bureau.html", year=year, years=sorted(set(known) | {year}, reverse=True),
                    states=states, counts=counts, totals=portal.totals(states),
                    status_chart=charts.status_bar(counts), money_chart=charts.money_bars(money),
                    missing=[st for st in states if st.state == MISSING])

    @app.get("/bureau/consolidation.xlsx")
    async def dashboard_consolidation(request: Request, year: int) -> FileResponse:
        signed_in(request, bureau=True)
        return await _consolidation(portal, year)

    # -- the JSON API ---------------------------------------------------------------------------

    async def api_user(request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        challenge = {"WWW-Authenticate": 'Basic realm="unionxl", charset="UTF-8"'}
        if scheme.lower() != "basic" or not encoded:
            raise StarletteHTTPException(401, "需要登录：请用 HTTP Basic 提供登录名和密码", headers=challenge)
        try:
            login_name, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise StarletteHTTPException(401, "登录信息格式不正确", headers=challenge) from None
        try:
            return await _in_thread(accounts.authenticate, portal.db, login_name, password, client_ip(request))
        except TooManyAttempts as exc:
            raise StarletteHTTPException(429, exc.reason) from None
        except AccountError as exc:
            raise StarletteHTTPException(401, exc.reason, headers=challenge) from None

    @app.post("/api/submissions", status_code=201)
    async def api_submit(request: Request) -> JSONResponse:
        who = await api_user(request)
        form = await request.form(max_files=1, max_fields=8, max_part_size=SMALL_BODY)
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise StarletteHTTPException(400, "请在表单字段 file 中上传主工作簿（.xlsx）")
        try:
            row = await portal.submit(who, file.filename or "", _chunks(file))
        except Refused as exc:
            raise StarletteHTTPException(exc.status, exc.reason) from None
        return JSONResponse(await _in_thread(portal.to_api, row), status_code=201)

    @app.get("/api/submissions")
    async def api_list(request: Request) -> JSONResponse:
        who = await api_user(request)
        def listing() -> list[dict[str, object]]:
            counted = portal.counted_ids()
            return [portal.to_api(r, False, counted) for r in portal.listing(who)]

        return JSONResponse(await _in_thread(listing))

    @app.get("/api/submissions/{submission_id}")
    async def api_one(request: Request, submission_id: int) -> JSONResponse:
        row = _visible(portal, await api_user(request), submission_id)
        return JSONResponse(await _in_thread(portal.to_api, row))

    @app.get("/api/submissions/{submission_id}/file")
    async def api_file(request: Request, submission_id: int) -> FileResponse:
        return _file(portal, _visible(portal, await api_user(request), submission_id))

    @app.get("/api/consolidation.xlsx")
    async def api_consolidation(request: Request, year: int) -> FileResponse:
        who = await api_user(request)
        if not who.is_bureau:
            raise StarletteHTTPException(403, "只有教育工会账号可以下载汇总")
        return await _consolidation(portal, year)

    return app


def create_app_from_env() -> FastAPI:
    """The factory ``uvicorn`` calls in each worker process (settings from the environment)."""
    app = create_app(PortalConfig.from_env())
    import threading

    threading.Thread(target=app.state.portal.recover, daemon=True, name="unionxl-recover").start()
    return app


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 20):
        yield chunk


async def _in_thread(fn: Callable[..., object], *args: object) -> object:
    import anyio

    return await anyio.to_thread.run_sync(fn, *args)


def _visible(portal: Portal, who: Principal, submission_id: int) -> Submission:
    row = portal.visible(who, submission_id)
    if row is None:
        raise StarletteHTTPException(404, "没有这份提交，或您无权查看")
    return row


def _file(portal: Portal, row: Submission) -> FileResponse:
    return FileResponse(portal.store.blob(row.sha256), media_type=XLSX, filename=row.filename)


async def _consolidation(portal: Portal, year: int) -> FileResponse:
    path = await _in_thread(portal.consolidation, year)
    return FileResponse(path, media_type=XLSX, filename=f"教育工会汇总-{year}.xlsx")


def _local_path(target: str) -> str:
    """Only same-site paths after login (no open redirect to another host)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else ""


__all__ = ["create_app", "create_app_from_env"]
