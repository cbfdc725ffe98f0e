"""generate serve as a process: SIGKILL during uploads (issue 15, item 5) — after a restart the database opens, every upload
that was answered is there with its exact bytes, and no half-stored submission is shown."""

from __future__ import annotations

import hashlib
import io
import re
import sys
import threading
import time

import httpx
import openpyxl
import pytest
from hostile.corpus import seed_bytes
from serve_support import XLSX, Server

from generator.web.storage import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def workbooks(n: int) -> list[bytes]:
    """n different valid workbooks (the contact phone differs)."""
    wb = openpyxl.load_workbook(io.BytesIO(seed_bytes()))
    out = []
    for i in range(n):
        wb["申请情况"]["D7"] = 100 + i
        buf = io.BytesIO()
        wb.save(buf)
        out.append(buf.getvalue())
    return out


def test_a_killed_server_loses_no_answered_upload_and_shows_nothing_half_stored(tmp_path):
    data = tmp_path / "data"
    files = workbooks(60)
    server = Server(data)
    answered: dict[str, int] = {}  # sha256 → submission id, for every upload the server answered
    lock = threading.Lock()
    stop = threading.Event()
    todo = list(enumerate(files))

    def clerk() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            try:
                token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/2020/").text).group(1)
                while not stop.is_set():
                    with lock:
                        if not todo:
                            return
                        i, data_ = todo.pop()
                    r = c.post(
                        "/2020/upload", data={"csrf_token": token}, files={"workbook": (f"{i}.xlsx", data_, XLSX)}
                    )
                    if r.status_code == 303:
                        with lock:
                            answered[hashlib.sha256(data_).hexdigest()] = int(r.headers["location"].rsplit("/", 1)[1])
            except httpx.HTTPError:
                return  # the server is gone mid-request: that upload was never answered

    threads = [threading.Thread(target=clerk) for _ in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(answered) < 12 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # SIGKILL, with uploads in flight
    stop.set()
    for t in threads:
        t.join(30)
    assert len(answered) >= 12 and todo, "the kill must come while uploads are still going on"

    restarted = Server(data)
    try:
        with httpx.Client(base_url=restarted.url, timeout=30) as c:
            page = c.get("/2020/").text
            for sha, sub in answered.items():
                shown = c.get(f"/2020/submissions/{sub}")
                assert shown.status_code == 200 and sha in shown.text
        store = Store(data)
        subs = store.submissions(2020)
        assert {s.sha256 for s in subs} >= set(answered)
        for s in subs:  # every row listed has its complete file and its findings
            blob = store.blob(s.sha256)
            assert hashlib.sha256(blob.read_bytes()).hexdigest() == s.sha256 and blob.stat().st_size == s.size
            assert s.checks and s.checks[-1].errors >= 1
        assert f"上传记录（{len(subs)} 次）" in page
        assert list((data / "tmp").iterdir()) == [p for p in (data / "tmp").iterdir() if p.name == "secret"] == []
    finally:
        assert restarted.stop() == 0


def test_worker_processes_give_the_same_findings_and_ctrl_c_stops_cleanly(tmp_path):
    server = Server(tmp_path / "data", "--workers", "2")
    try:
        with httpx.Client(base_url=server.url, timeout=60, follow_redirects=True) as c:
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/2020/").text).group(1)
            page = c.post(
                "/2020/upload", data={"csrf_token": token}, files={"workbook": ("漳平.xlsx", seed_bytes(), XLSX)}
            )
            assert "校验完成：错误 4 条，警告 2 条，提示 0 条。" in page.text
            bad = c.post(
                "/2020/upload", data={"csrf_token": token}, files={"workbook": ("坏.xlsx", b"PK\x03\x04oops", XLSX)}
            )
            assert bad.status_code == 422
    finally:
        code = server.stop()  # SIGINT, as Ctrl-C
    assert code == 0
    out, err = server.output
    assert "服务已停止。" in out and "Traceback" not in err and err.strip() == ""


def test_a_desk_on_127_0_0_1_answers_only_its_own_host_names(tmp_path):
    server = Server(tmp_path / "data")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            assert c.get("/2020/").status_code == 200
            assert c.get("/2020/", headers={"host": "localhost"}).status_code == 200
            assert c.get("/2020/", headers={"host": "evil.example:8000"}).status_code == 400  # DNS rebinding
    finally:
        assert server.stop() == 0
