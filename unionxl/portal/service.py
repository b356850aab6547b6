"""Submissions: store, check in a limited worker, keep the results, and answer who sees what.

The web layer (:mod:`unionxl.portal.app`) only translates HTTP to these calls; every
decision about status, visibility and what the bureau counts is made here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from unionxl.portal import accounts, engine, worker
from unionxl.portal.accounts import Principal
from unionxl.portal.config import PortalConfig
from unionxl.portal.db import (
    ACCEPTED,
    COUNTED_STATUSES,
    FLAGGED,
    MISSING,
    PENDING,
    REJECTED,
    STATUS_NAMES,
    Account,
    Database,
    Submission,
    now,
)
from unionxl.portal.store import Store, TooLarge

log = logging.getLogger("unionxl.portal")
CHINA = dt.timezone(dt.timedelta(hours=8))


class Refused(Exception):
    """An upload refused before it became a submission (too large, wrong role)."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def safe_filename(name: str) -> str:
    """The upload's own name, kept readable but harmless as a path and a header."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = re.sub(r"[\x00-\x1f\x7f/:*?\"<>|]", "_", name).strip(" .")[:120]
    return name or "上传的工作簿.xlsx"


def local_time(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class SchoolState:
    """One school's line on the bureau dashboard for a year."""

    account: Principal
    latest: Submission | None
    counted: Submission | None

    @property
    def state(self) -> str:
        if self.counted is not None:
            return self.counted.status
        return self.latest.status if self.latest is not None else MISSING


class Portal:
    def __init__(self, config: PortalConfig) -> None:
        self.config = config
        config.data.mkdir(parents=True, exist_ok=True)
        self.db = Database(config.db_url)
        self.store = Store(config.data)
        self.limits = worker.Limits(seconds=config.worker_seconds, memory_bytes=config.worker_memory_mb * 2**20)
        self._limiter: anyio.CapacityLimiter | None = None

    # -- submitting ---------------------------------------------------------------------------

    async def submit(self, who: Principal, filename: str, chunks: AsyncIterator[bytes]) -> Submission:
        if who.is_bureau:
            raise Refused("教育工会账号不能提交学校工作簿，请用学校的账号登录", 403)
        try:
            sha256, size = await self.store.put_stream(chunks, self.config.max_upload_bytes)
        except TooLarge:
            raise Refused(self.too_large_reason(), 413) from None
        if size == 0:
            raise Refused("上传的文件是空的，请选择主工作簿（.xlsx）")
        with self.db.session() as s:
            row = Submission(account_id=who.id, sha256=sha256, size=size, filename=safe_filename(filename))
            s.add(row)
            s.flush()
            submission_id = row.id
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.config.jobs)
        return await anyio.to_thread.run_sync(self.analyse, submission_id, limiter=self._limiter)

    def too_large_reason(self) -> str:
        return f"文件超过 {self.config.max_upload_mb} MB 的上限，未接收；请删除多余的空行、图片后另存再提交"

    def analyse(self, submission_id: int) -> Submission:
        """Check one stored submission in a worker and record the outcome (idempotent)."""
        with self.db.session() as s:
            row = s.get(Submission, submission_id)
            sha256, filename = row.sha256, row.filename
        work = self.store.work_dir()
        try:
            book = work / "in" / (filename if filename.lower().endswith((".xlsx", ".xlsm")) else filename + ".xlsx")
            book.parent.mkdir()
            book.symlink_to(self.store.blob(sha256))
            try:
                result = worker.run("analyse", (str(book),), work, self.limits)
            except worker.WorkerFailed as exc:
                log.warning("submission %s refused by the worker: %s", submission_id, exc.reason)
                result = {"usable": False, "reason": exc.reason, "reports": []}
            self.store.keep_reports(submission_id, work, [engine.REPORTS[k][1] for k in result.get("reports", [])])
        finally:
            self.store.discard(work)
        with self.db.session() as s:
            row = s.get(Submission, submission_id, options=[joinedload(Submission.account)])
            _record(row, result)
            return row

    def recover(self) -> None:
        """Re-check submissions left pending by a process that stopped while checking them."""
        stale = now() - dt.timedelta(seconds=2 * self.config.worker_seconds + 60)
        with self.db.session() as s:
            ids = s.scalars(select(Submission.id).where(Submission.status == PENDING,
                                                        Submission.uploaded_at < stale)).all()
        for submission_id in ids:
            self.analyse(submission_id)

    # -- reading ------------------------------------------------------------------------------

    def visible(self, who: Principal, submission_id: int) -> Submission | None:
        """The submission if *who* may see it: the bureau all, a school only its own."""
        with self.db.session() as s:
            row = s.get(Submission, submission_id, options=[joinedload(Submission.account)])
            if row is None or (not who.is_bureau and row.account_id != who.id):
                return None
            return row

    def listing(self, who: Principal) -> list[Submission]:
        with self.db.session() as s:
            query = select(Submission).options(joinedload(Submission.account)).order_by(Submission.id.desc())
            if not who.is_bureau:
                query = query.where(Submission.account_id == who.id)
            return list(s.scalars(query).all())

    def counted_ids(self) -> set[int]:
        """The submission the bureau counts for each school and year: its latest non-rejected."""
        with self.db.session() as s:
            return set(s.scalars(select(func.max(Submission.id)).where(
                Submission.status.in_(COUNTED_STATUSES), Submission.year.is_not(None))
                .group_by(Submission.account_id, Submission.year)).all())

    def is_counted(self, row: Submission) -> bool:
        return row.id in self.counted_ids()

    def report(self, row: Submission, kind: str) -> Path | None:
        if kind not in engine.REPORTS or kind not in (row.result or {}).get("reports", []):
            return None
        path = self.store.reports(row.id) / engine.REPORTS[kind][1]
        return path if path.is_file() else None

    def to_api(self, row: Submission, full: bool = True, counted: set[int] | None = None) -> dict[str, object]:
        result = row.result or {}
        out: dict[str, object] = {
            "id": row.id, "status": row.status, "year": row.year, "union_name": row.union_name,
            "school": row.account.login, "school_name": row.account.name,
            "uploaded_at": row.uploaded_at.replace(tzinfo=dt.timezone.utc).isoformat(),
            "filename": row.filename, "size": row.size, "sha256": row.sha256, "reason": row.reason,
            "counted": row.id in (self.counted_ids() if counted is None else counted),
            "validation": {"errors": row.errors, "warnings": row.warnings},
        }
        if full:
            out["findings"] = result.get("findings", [])
            out["audit"] = result.get("audit")
        return out

    # -- the bureau ---------------------------------------------------------------------------

    def years(self) -> list[int]:
        with self.db.session() as s:
            found = s.scalars(select(Submission.year).where(Submission.year.is_not(None)).distinct()).all()
        return sorted(set(found), reverse=True)

    def default_year(self, years: list[int] | None = None) -> int:
        """The newest year submitted (*years*, when the caller has already listed them), else this year."""
        years = self.years() if years is None else years
        return years[0] if years else dt.date.today().year

    def states(self, year: int) -> list[SchoolState]:
        """Every enabled school (and any disabled one that submitted for *year*) with its state."""
        with self.db.session() as s:
            rows = s.scalars(select(Submission).where(Submission.year == year).order_by(Submission.id)).all()
            latest: dict[int, Submission] = {}
            counted: dict[int, Submission] = {}
            for row in rows:
                latest[row.account_id] = row
                if row.status in COUNTED_STATUSES:
                    counted[row.account_id] = row
            accounts_ = s.scalars(select(Account).where(Account.role == "school").order_by(Account.login)).all()
            return [SchoolState(accounts._principal(a), latest.get(a.id), counted.get(a.id))
                    for a in accounts_ if not a.disabled or a.id in latest]

    def consolidation(self, year: int) -> Path:
        """The 学校汇总 workbook for *year*, built once per set of counted submissions."""
        entries = []
        for st in self.states(year):
            name = st.account.name
            if st.counted is not None:
                failures = [r["title"] for r in (st.counted.result.get("audit") or {}).get("results", [])
                            if r["status"] == "fail"]
                note = "；".join(dict.fromkeys(failures))
                entries.append(engine.Counted(name, f"{name}（第 {st.counted.id} 号提交）",
                                              st.counted.result.get("school_row"), note,
                                              "经费审核不通过" if st.counted.status == FLAGGED else ""))
            elif st.latest is not None:
                entries.append(engine.Counted(name, f"{name}（第 {st.latest.id} 号提交）", None,
                                              st.latest.reason or "", "已退回未重新提交"))
            else:
                entries.append(engine.Counted(name, name, None, "本年度尚未提交", "未提交"))
        key = hashlib.sha256(json.dumps([year, [e.__dict__ for e in entries]], ensure_ascii=False,
                                        sort_keys=True, default=str).encode()).hexdigest()[:24]
        path = self.store.cache(f"consolidation-{year}-{key}.xlsx")
        if not path.is_file():
            engine.write_consolidation(path, entries, f"{year}年 学校工作簿汇总", year)
            stale = time.time() - 600  # older versions, long enough ago that no download still opens them
            for old in path.parent.glob(f"consolidation-{year}-*.xlsx"):
                if old != path and old.stat().st_mtime < stale:
                    old.unlink(missing_ok=True)
        return path

    def totals(self, states: list[SchoolState]) -> dict[str, object]:
        rows = [st.counted.result["school_row"] for st in states
                if st.counted is not None and st.counted.result.get("school_row")]
        return engine.consolidation_totals(rows)


def _record(row: Submission, result: dict[str, object]) -> None:
    counts = result.get("counts") or {}
    row.result = result
    row.year = result.get("year")
    row.union_name = str(result.get("union_name") or "")[:200]
    row.errors = int(counts.get("error", 0))
    row.warnings = int(counts.get("warning", 0))
    row.failures = engine.audit_failures(result.get("audit"))
    if not result.get("usable"):
        row.status, row.reason = REJECTED, str(result.get("reason") or "文件无法使用")
    elif row.errors:
        row.status, row.reason = REJECTED, f"工作簿有 {row.errors} 个错误，请按校验结果改正后重新提交"
    elif row.year is None:
        row.status, row.reason = REJECTED, "设置表中没有填写年度，请填写后重新提交"
    elif row.failures:
        row.status, row.reason = FLAGGED, f"经费审核有 {row.failures} 项不通过，已报送，请按预算审核表整改"
    else:
        row.status, row.reason = ACCEPTED, None


__all__ = ["STATUS_NAMES", "Portal", "Refused", "local_time", "safe_filename"]
