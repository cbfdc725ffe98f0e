"""generate audit --urls against a local server on 127.0.0.1 (a thread in the test, nothing else
on the network): pages, PDF and Word attachments, slow and oversize answers, redirects (also to
other schemes), 404s and a page with a wrong declared charset."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workbook_support import INPUTS

from generator.cli import main as generate_main
from generator.importer.audit import ERRORS, PASSED, UNREADABLE
from generator.importer.fetch import Fetcher, FetchError, audit_urls, read_address_list

HONGZE = Path(__file__).parent / "data" / "published" / "hongze-2023.pdf"
BIG = 50 * 1024 * 1024
HOSTILE = '=HYPERLINK("http://evil.example/","点此")'


class _Site:
    """What the server serves, and what it saw (request times, bytes sent before the client left)."""

    def __init__(self, files: dict[str, tuple[str, bytes]]):
        self.files = files
        self.seen: list[tuple[str, float]] = []
        self.sent_big = 0


def _handler(site: _Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, code: int, body: bytes = b"", ctype: str = "text/html", **headers: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", headers.pop("length", str(len(body))))
            for k, v in headers.items():
                self.send_header(k.replace("_", "-"), v)
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the client gave up (a timeout test): nothing to answer
                pass

        def do_GET(self) -> None:  # noqa: N802 — the http.server name
            site.seen.append((self.path, time.monotonic()))
            if self.path in site.files:
                ctype, body = site.files[self.path]
                return self._send(200, body, ctype)
            if self.path == "/slow":
                time.sleep(3)
                try:
                    return self._send(200, b"<html></html>")
                except OSError:
                    return None
            if self.path == "/declared-big":
                return self._send(200, b"", length=str(BIG))
            if self.path == "/big":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    while site.sent_big < BIG:
                        self.wfile.write(chunk)
                        site.sent_big += len(chunk)
                except OSError:
                    pass
                return None
            redirects = {
                "/moved": "/report.html",
                "/loop": "/loop",
                "/to-file": "file:///etc/passwd",
                "/to-ftp": "ftp://127.0.0.1/report.pdf",
            }
            if self.path in redirects:
                return self._send(302, b"", Location=redirects[self.path])
            return self._send(404, "<html><body>找不到</body></html>".encode())

    return Handler


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("site")
    for year in (2020, 2021):
        assert (
            generate_main(["--year", str(year), "--input", str(INPUTS / f"{year}.xlsx"), "--output-dir", str(out)]) == 0
        )
    page = next((out / "2021").glob("*.html")).read_bytes()
    docx = next((out / "2020").glob("*.docx")).read_bytes()
    # The same page in GBK while both the server and the page claim UTF-8.
    gbk = page.decode("utf-8").encode("gb18030")
    assert b'<meta charset="utf-8">' in gbk
    notice = (
        "<html><head><meta charset='utf-8'><title>通知</title></head><body><p>洪泽区2023年年报已发布，见附件：</p>"
        "<a href='/files/hongze-2023.pdf'>洪泽区人民政府2023年政府信息公开工作年度报告.pdf</a>"
        "<a href='files/zhangping.docx'>漳平市2020年报.docx</a>"
        "<a href='/files/gone.pdf'>旧版.pdf</a><a href='javascript:alert(1)'>x.pdf</a></body></html>"
    ).encode()
    files = {
        "/report.html": ("text/html; charset=utf-8", page),
        "/gbk.html": ("text/html; charset=utf-8", gbk),
        "/notice.html": ("text/html; charset=utf-8", notice),
        "/files/hongze-2023.pdf": ("application/pdf", HONGZE.read_bytes()),
        "/files/zhangping.docx": ("application/octet-stream", docx),
    }
    s = _Site(files)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield s
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def _fetcher(**kw) -> Fetcher:
    return Fetcher(**{"timeout": 1.0, "interval": 0.0, **kw})


def test_address_list_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("# 2023 年报\n\nhttp://a.example/1.html  # 区政府\n  https://b.example/x#part\n", "utf-8")
    assert read_address_list(listing) == ["http://a.example/1.html", "https://b.example/x#part"]


def test_audit_urls_records_address_time_and_sha256(site, tmp_path: Path, capsys) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(
        f"# reports of 2023\n{site.base}/report.html\n{site.base}/notice.html\n{site.base}/missing.html\n", "utf-8"
    )
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    code = generate_main(["audit", "--urls", str(listing), "--jobs", "1", "--output-dir", str(tmp_path / "out")])
    after = dt.datetime.now(dt.UTC)
    out = capsys.readouterr().out
    assert code == 1  # the missing page and the attachment that is gone are 无法读取
    assert f"{site.base}/report.html" in out and "/tmp/" not in out.replace(str(tmp_path), "")
    wb = load_workbook(tmp_path / "out" / "审核" / "审核表.xlsx")
    ws = wb["概况"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    by_source = {r["文件"]: r for r in rows}
    # The page with tables is audited itself; the notice without tables gives its two readable attachments.
    page = by_source[f"{site.base}/report.html"]
    assert page["状态"] == PASSED.value
    assert page["SHA-256"] == hashlib.sha256(site.files["/report.html"][1]).hexdigest()
    fetched = dt.datetime.fromisoformat(page["获取时间（UTC）"].replace("Z", "+00:00"))
    assert before <= fetched <= after
    pdf = by_source[f"{site.base}/files/hongze-2023.pdf"]
    assert pdf["状态"] == ERRORS.value and pdf["单位名称"] == "洪泽区人民政府"
    assert pdf["SHA-256"] == hashlib.sha256(HONGZE.read_bytes()).hexdigest()
    assert by_source[f"{site.base}/files/zhangping.docx"]["单位名称"] == "漳平市人民政府"
    assert by_source[f"{site.base}/missing.html"]["状态"] == UNREADABLE.value
    assert "404" in by_source[f"{site.base}/missing.html"]["说明"]
    assert "附件" in by_source[f"{site.base}/files/gone.pdf"]["说明"]
    assert f"{site.base}/notice.html" not in by_source  # a notice is not a report
    # The findings name the address, never the private copy that was audited.
    files = {r[2].value for r in wb["问题清单"].iter_rows(min_row=2)}
    assert all(f.startswith(site.base) for f in files), files
    html = (tmp_path / "out" / "审核" / "审核.html").read_text("utf-8")
    assert page["SHA-256"] in html and page["获取时间（UTC）"] in html


def test_audit_urls_json_says_the_same(site, tmp_path: Path, capsys) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{site.base}/moved\n", "utf-8")
    code = generate_main(
        ["audit", "--urls", str(listing), "--jobs", "1", "--format", "json", "--output-dir", str(tmp_path / "o")]
    )
    assert code == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["file"] == f"{site.base}/moved" and entry["status"] == PASSED.value
    assert entry["sha256"] == hashlib.sha256(site.files["/report.html"][1]).hexdigest()
    assert entry["fetched_at"].endswith("Z")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/missing.html", "404（页面不存在）"),
        ("/slow", "超时"),
        ("/declared-big", "没有下载"),
        ("/big", "已停止下载"),
        ("/loop", "重定向超过"),
        ("/to-file", "不是 http/https"),
        ("/to-ftp", "不是 http/https"),
    ],
)
def test_what_cannot_be_fetched_says_why(site, path: str, words: str) -> None:
    fetcher = _fetcher(max_bytes=1024 * 1024)
    try:
        with pytest.raises(FetchError, match=words):
            fetcher.get(site.base + path)
    finally:
        fetcher.close()
    if path == "/big":  # reading stopped soon after the limit: far from the 50 MB the server offers
        assert site.sent_big < BIG / 2


@pytest.mark.parametrize("address", ["file:///etc/passwd", "ftp://127.0.0.1/x.pdf", "javascript:alert(1)", "127.0.0.1"])
def test_only_http_and_https_addresses_are_fetched(address: str) -> None:
    with pytest.raises(FetchError, match="只能读取 http"):
        _fetcher().get(address)


def test_one_unfetchable_address_does_not_stop_the_run(site, tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{site.base}/slow\nfile:///etc/passwd\n{site.base}/gbk.html\n{HOSTILE}\n", "utf-8")
    audit = audit_urls(listing, [], jobs=1, fetcher=_fetcher(timeout=0.5))
    by = {e.source: e for e in audit.entries}
    assert by[f"{site.base}/slow"].status is UNREADABLE and "超时" in by[f"{site.base}/slow"].findings[0].message
    assert by["file:///etc/passwd"].status is UNREADABLE
    # A GBK page that claims UTF-8 (in its header and its <meta>) still reads right.
    gbk = by[f"{site.base}/gbk.html"]
    assert gbk.unit == "示例县教育局"
    assert gbk.origin is not None and gbk.origin.sha256 == hashlib.sha256(site.files["/gbk.html"][1]).hexdigest()
    # A line of the list that is not an address stays text in 审核表, never a formula.
    from generator.importer.audit import review_of, write_review

    write_review(tmp_path / "out", review_of(audit, [listing]))
    ws = load_workbook(tmp_path / "out" / "审核表.xlsx")["概况"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" for c in cells)


def test_requests_to_one_host_are_spaced() -> None:
    """At most a few requests a second per host; another host does not wait. A fake clock, so the
    test measures the pauses asked for, not the machine's speed."""
    now = [0.0]
    pauses: list[float] = []

    def sleep(s: float) -> None:
        pauses.append(s)
        now[0] += s

    f = Fetcher(interval=0.5, clock=lambda: now[0], sleep=sleep)
    f.close()
    for host in ("a.example", "a.example", "b.example", "a.example"):
        f._wait(host)
        now[0] += 0.1  # each request takes 0.1 s
    assert pauses == pytest.approx([0.4, 0.3])


def test_a_public_page_never_leads_into_the_reviewers_network(tmp_path: Path) -> None:
    """A published page (or its redirect) pointing at 127.0.0.1, 10.x or 169.254.169.254 is not
    followed; an internal address the reviewer listed is. httpx's MockTransport stands in for
    the internet: no request leaves the machine."""
    import httpx

    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path == "/notice.html":
            links = "".join(
                f"<a href='{u}'>附件{i}.pdf</a>"
                for i, u in enumerate(
                    ["http://127.0.0.1/a.pdf", "http://10.1.2.3/b.pdf", "http://169.254.169.254/c.pdf"]
                )
            )
            return httpx.Response(200, html=f"<html><body><p>见附件</p>{links}</body></html>")
        if request.url.path == "/moved":
            return httpx.Response(302, headers={"Location": "http://192.168.1.1/report.pdf"})
        return httpx.Response(404)

    listing = tmp_path / "list.txt"
    listing.write_text("http://gov.example/notice.html\nhttp://gov.example/moved\n", "utf-8")
    fetcher = Fetcher(interval=0.0, transport=httpx.MockTransport(answer))
    audit = audit_urls(listing, [], jobs=1, fetcher=fetcher)
    # the two listed addresses are fetched at once: which asks first is not fixed
    assert sorted(asked) == ["http://gov.example/moved", "http://gov.example/notice.html"]
    assert {e.status for e in audit.entries} == {UNREADABLE}
    assert sum("内部网络" in e.findings[0].message for e in audit.entries) == 4


def test_the_same_report_at_two_addresses_names_the_first_address(site, tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{site.base}/report.html\n{site.base}/moved\n", "utf-8")
    audit = audit_urls(listing, [], jobs=1, fetcher=_fetcher())
    first, second = audit.entries
    assert second.status.value == "重复" and second.duplicate_of == f"{site.base}/report.html"
    assert f"{site.base}/report.html" in second.note and "/tmp" not in second.note
    assert second.origin is not None and second.origin.url == f"{site.base}/report.html"  # after the redirect


def test_a_missing_or_empty_list_is_said_in_chinese(tmp_path: Path, capsys) -> None:
    out = ["--output-dir", str(tmp_path / "o")]
    assert generate_main(["audit", "--urls", str(tmp_path / "nope.txt"), *out]) == 2
    assert "无法读取网址清单" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("# 只有注释\n\n", "utf-8")
    assert generate_main(["audit", "--urls", str(empty), *out]) == 2
    assert "没有网址" in capsys.readouterr().err
    assert generate_main(["audit", *out]) == 2
    assert "--urls" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_several_addresses_at_once_still_one_host_at_a_polite_pace(site, tmp_path: Path) -> None:
    """Eight workers fetch together, yet requests to one host start at least `interval` apart
    (measured by the server, with a margin below only: waiting longer is never a failure), and
    the entries come in the order listed."""
    from generator.importer.fetch import fetch_all

    paths = ["/report.html", "/gbk.html", "/missing.html", "/files/zhangping.docx"]
    site.seen.clear()
    got = fetch_all([site.base + p for p in paths], _fetcher(interval=0.3), workers=8)
    try:
        assert [o.location for _, o in got.files] == [site.base + p for p in paths if p != "/missing.html"]
        assert [a for a, _, _ in got.failed] == [site.base + "/missing.html"]
    finally:
        got.folder.cleanup()
    times = sorted(t for _, t in site.seen)
    assert len(times) == 4 and all(b - a >= 0.2 for a, b in zip(times, times[1:])), times
