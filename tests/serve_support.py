"""Helpers for the desk's tests: an app on a temporary data folder, its form token, uploads."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

from generator.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette 1.x suggests httpx2; httpx still works
    from starlette.testclient import TestClient

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client(data: Path, database_url: str | None = None, **kw) -> TestClient:
    return TestClient(create_app(data, database_url, **kw))


def token(c: TestClient, year: int = 2020) -> str:
    page = c.get(f"/{year}/")
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)


def upload(c: TestClient, data: bytes, name: str = "工作簿.xlsx", year: int = 2020, csrf: str | None = None):
    """POST a workbook as the page's form does; follows the redirect to the findings."""
    csrf = token(c, year) if csrf is None else csrf
    return c.post(
        f"/{year}/upload", data={"csrf_token": csrf}, files={"workbook": (name, data, XLSX)}, follow_redirects=True
    )


def text_of(page: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def submission_url(response) -> str:
    m = re.search(r"/(\d{4})/submissions/(\d+)$", str(response.url))
    assert m, f"not a submission page: {response.url}"
    return m.group(0)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


class Server:
    """`generate serve` as a separate process on a port the system chooses (127.0.0.1 only)."""

    def __init__(self, data: Path, *extra: str):
        import subprocess
        import sys

        self.data = data
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "serve", "--data", str(data), "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        line = self.proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if not m:
            self.proc.kill()
            raise AssertionError(f"server did not start: {line!r} {self.proc.stderr.read()}")
        self.url = m.group(1)

    def stop(self) -> int:
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except Exception:  # noqa: BLE001
                self.proc.kill()
                self.proc.wait()
        self.output = (self.proc.stdout.read(), self.proc.stderr.read())
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
