"""The data folder: uploads stored by content, byte for byte, and each submission's reports.

``blobs/ab/abcdef….xlsx`` is named by the SHA-256 of its bytes, written once through a
temporary file and a rename, and made read-only: the same bytes uploaded twice share one
file and no code path ever opens a blob for writing again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path


class TooLarge(Exception):
    pass


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for sub in ("blobs", "reports", "work", "cache"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def blob(self, sha256: str) -> Path:
        return self.root / "blobs" / sha256[:2] / f"{sha256}.xlsx"

    def reports(self, submission_id: int) -> Path:
        return self.root / "reports" / str(submission_id)

    def work_dir(self) -> Path:
        """A scratch folder for one analysis (removed by the caller)."""
        return Path(tempfile.mkdtemp(prefix="job-", dir=self.root / "work"))

    def cache(self, name: str) -> Path:
        return self.root / "cache" / name

    async def put_stream(self, chunks: AsyncIterator[bytes], limit: int) -> tuple[str, int]:
        """Store an upload read chunk by chunk; :class:`TooLarge` beyond *limit* bytes."""
        fd, name = tempfile.mkstemp(prefix="upload-", dir=self.root / "work")
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as fh:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge()
                    digest.update(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            return self._keep(Path(name), digest.hexdigest()), size
        finally:
            Path(name).unlink(missing_ok=True)

    def _keep(self, tmp: Path, sha256: str) -> str:
        target = self.blob(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)
        try:
            os.link(tmp, target)  # atomic, and never replaces a blob another process just stored
        except FileExistsError:
            pass
        return sha256

    def keep_reports(self, submission_id: int, work: Path, names: Iterable[str]) -> None:
        target = self.reports(submission_id)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            if (work / name).is_file():
                os.replace(work / name, target / name)

    @staticmethod
    def discard(work: Path) -> None:
        shutil.rmtree(work, ignore_errors=True)
