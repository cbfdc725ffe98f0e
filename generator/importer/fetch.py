"""generate audit --urls: fetch published reports from their web addresses, politely and safely.

httpx (a maintained HTTP client) does the requests; this module decides what may be fetched:
only http and https, a handful of redirects and never to another scheme, a timeout per request
and for the whole download, a size limit checked while streaming (reading stops past it), and
a pause between two requests to the same host. A page without tables is usually a notice that
links the report as a PDF or Word attachment: those links are followed. Every fetched document
is recorded (address, fetch time, SHA-256) and audited like a file; one that cannot be fetched
is 无法读取 with the reason, and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..diagnostics import Diagnostic, InputError, Severity, UserError
from ..review import Source

MAX_BYTES = 50 * 1024 * 1024  # a report with photos is a few MB
TIMEOUT = 20.0  # seconds without an answer (connect, each read)
DEADLINE = 120.0  # seconds for a whole download (a server dripping bytes stops here)
MAX_REDIRECTS = 5
PER_HOST_INTERVAL = 0.5  # seconds between two requests to one host: at most 2 a second
MAX_ATTACHMENTS = 5
WORKERS = 8  # addresses fetched at once (each host still gets its pause between requests)
USER_AGENT = "nianbao-audit/0.1 (government information disclosure annual report review)"
_ATTACHMENT = re.compile(r"\.(pdf|docx)$", re.I)
_STATUS = {
    400: "请求有误",
    401: "需要登录",
    403: "禁止访问",
    404: "页面不存在",
    410: "页面已删除",
    429: "请求过于频繁，被服务器拒绝",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂不可用",
    504: "网关超时",
}


class FetchError(Exception):
    """The address could not be read; the message (Chinese) says why."""


@dataclass
class Fetched:
    origin: Source  # kind "url": the address, the one read after redirects, when, SHA-256
    data: bytes
    content_type: str


@dataclass
class Fetcher:
    """One HTTP client for a run, with the per-host pause and the limits above."""

    max_bytes: int = MAX_BYTES
    timeout: float = TIMEOUT
    deadline: float = DEADLINE
    interval: float = PER_HOST_INTERVAL
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    transport: object = None  # tests: an httpx transport standing in for the network
    _last: dict[str, float] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        import httpx

        self._client = httpx.Client(
            follow_redirects=False,  # each hop is checked here
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": USER_AGENT},
            transport=self.transport,  # type: ignore[arg-type]
        )

    def close(self) -> None:
        self._client.close()

    def _wait(self, host: str) -> None:
        """Hold back until `interval` has passed since the last request to host began (threads
        fetching from one host queue up here; other hosts do not wait)."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            last = self._last.get(host)
            if last is not None:
                pause = self.interval - (self.clock() - last)
                if pause > 0:
                    self.sleep(pause)
            self._last[host] = self.clock()

    def get(self, address: str, page: str = "") -> Fetched:
        """page: the page whose link this is. A public page's link or redirect never leads into
        the reviewer's own network (loopback, private, link-local addresses): only an address
        the reviewer listed may be there."""
        import httpx

        url = address
        inside = is_internal(page or address)
        for _ in range(MAX_REDIRECTS + 1):
            parts = _checked(url)
            if not inside and (is_internal(url) or _resolves_inside(url)):
                raise FetchError(f"公网网页的链接或重定向指向内部网络地址（{_short(url)}），为安全起见没有读取。")
            self._wait(parts.netloc.lower())
            try:
                with self._client.stream("GET", url) as r:
                    if r.is_redirect:
                        target = r.headers.get("location", "")
                        if not target:
                            raise FetchError(f"服务器要求重定向（{r.status_code}）却没有给出新地址。")
                        url = urljoin(url, target)
                        if urlsplit(url).scheme.lower() not in ("http", "https"):
                            raise FetchError(f"重定向到了不是 http/https 的地址（{_short(url)}），为安全起见没有跟随。")
                        continue
                    if r.status_code >= 400:
                        reason = _STATUS.get(r.status_code, "请求失败")
                        raise FetchError(f"服务器返回 {r.status_code}（{reason}）。")
                    data = self._read(r)
                    digest = hashlib.sha256(data).hexdigest()
                    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
                    origin = Source(address, "url", sha256=digest, fetched_at=when, url=str(r.url), linked_from=page)
                    return Fetched(origin, data, r.headers.get("content-type", ""))
            except httpx.TimeoutException:
                raise FetchError(f"服务器在 {self.timeout:g} 秒内没有响应（超时）。") from None
            except httpx.ConnectError:
                raise FetchError("无法连接到服务器（地址不存在、拒绝连接或网络不通）。") from None
            except httpx.InvalidURL:
                raise FetchError("网址格式不正确。") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"网络错误（{type(exc).__name__}），没有读到完整内容。") from None
        raise FetchError(f"重定向超过 {MAX_REDIRECTS} 次，已停止。")

    def _read(self, r) -> bytes:
        declared = r.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(
                f"内容有 {int(declared) / 1048576:.0f} MB，超过 {self.max_bytes / 1048576:g} MB 的上限，没有下载。"
            )
        start = self.clock()
        chunks, total = [], 0
        for chunk in r.iter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(f"内容超过 {self.max_bytes / 1048576:g} MB 的上限，已停止下载。")
            if self.clock() - start > self.deadline:
                raise FetchError(f"下载超过 {self.deadline:g} 秒仍未完成，已停止。")
            chunks.append(chunk)
        return b"".join(chunks)


def _checked(url: str):
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError("只能读取 http:// 或 https:// 开头的网址。")
    return parts


def is_internal(url: str) -> bool:
    """An address in the reviewer's own network: localhost, or a loopback, private or link-local IP."""
    host = _host(url).lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = _legacy_ipv4(host)
        if ip is None:
            return False
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified or ip.is_reserved


def _resolves_inside(url: str) -> bool:
    """A name whose address is in the reviewer's own network (intranet names, 127.0.0.1.nip.io).
    The client resolves the name again when it connects; this stops the plain case."""
    try:
        infos = socket.getaddrinfo(_host(url), None)
    except (OSError, UnicodeError, ValueError):
        return False  # not resolvable here: the request itself will fail
    return any(is_internal(f"http://[{i[4][0]}]/" if ":" in i[4][0] else f"http://{i[4][0]}/") for i in infos)


def _host(url: str) -> str:
    """The host the HTTP client will connect to (it reads 127。0。0。1 as 127.0.0.1)."""
    import httpx

    try:
        return httpx.URL(url).host
    except (httpx.InvalidURL, ValueError, TypeError):
        return urlsplit(url).hostname or ""


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in a form resolvers still accept (127.1, 2130706433, 0x7f.0.0.1, 0177.0.0.1)."""
    if not re.fullmatch(r"[0-9a-fx.]+", host):
        return None  # a name, not a number
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "…"


def read_address_list(path: Path) -> list[str]:
    """One address a line; blank lines and # comments skipped (a comment may follow an address)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        from ..oserrors import describe

        raise UserError(f"无法读取网址清单 {path}：{describe(exc)}。") from None
    except UnicodeDecodeError:
        raise UserError(f"网址清单 {path} 不是 UTF-8 文本文件。请另存为 UTF-8 后再试。") from None
    out = []
    for line in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if line:
            out.append(line)
    return out


def _suffix(data: bytes) -> str:
    if b"%PDF-" in data[:1024]:
        return ".pdf"
    if data.startswith(b"PK"):
        return ".docx"
    return ".html"


def attachment_links(html_file: Path, base: str) -> list[str]:
    """Links on a page to PDF or Word attachments, absolute, in page order, without repeats."""
    import lxml.html
    from lxml import etree

    from .html import decode
    from .source import Doc

    try:
        root = lxml.html.document_fromstring(decode(html_file.read_bytes(), Doc(str(html_file), "HTML")))
    except (etree.ParserError, ValueError):
        return []
    out: list[str] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        text = a.text_content().strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        path = urlsplit(href).path
        if _ATTACHMENT.search(path) or _ATTACHMENT.search(text):
            url = urljoin(base, href)
            if urlsplit(url).scheme.lower() in ("http", "https") and url not in out:
                out.append(url)
    return out[:MAX_ATTACHMENTS]


def _has_tables(path: Path) -> bool:
    from .report import read_source
    from .source import RawTable

    try:
        doc = read_source(path)
    except InputError:
        return False
    return any(isinstance(b, RawTable) for b in doc.blocks)


@dataclass
class Fetch:
    """What a list of addresses gave: files to audit with their origins, and addresses that failed."""

    folder: tempfile.TemporaryDirectory
    files: list[tuple[Path, Source]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (address, code, reason)


def fetch_all(
    addresses: list[str],
    fetcher: Fetcher | None = None,
    tick: Callable[[str], None] | None = None,
    workers: int = WORKERS,
) -> Fetch:
    """Fetch every address (and, for a page without tables, its attachments) into a private
    folder; several addresses at once, results in the order listed."""
    from concurrent.futures import ThreadPoolExecutor

    own = fetcher is None
    fetcher = fetcher or Fetcher()
    out = Fetch(tempfile.TemporaryDirectory(prefix="nianbao-urls-"))
    folder = Path(out.folder.name)

    def one(i: int, address: str) -> tuple[list[tuple[Path, Source]], list[tuple[str, str, str]]]:
        files: list[tuple[Path, Source]] = []
        failed: list[tuple[str, str, str]] = []

        def keep(got: Fetched) -> Path:
            path = folder / f"{i:06d}-{len(files)}{_suffix(got.data)}"
            path.write_bytes(got.data)
            return path

        if tick:
            tick(address)
        try:
            got = fetcher.get(address)
        except FetchError as exc:
            return files, [(address, "I060", str(exc))]
        path = keep(got)
        links = attachment_links(path, got.origin.url) if path.suffix == ".html" and not _has_tables(path) else []
        if not links:
            return [(path, got.origin)], failed
        path.unlink()  # a notice page, not a report
        for link in links:
            try:
                att = fetcher.get(link, page=got.origin.url)
            except FetchError as exc:
                failed.append((link, "I061", f"附件（见 {_short(got.origin.url)}）无法下载：{exc}"))
                continue
            files.append((keep(att), att.origin))
        return files, failed

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for files, failed in pool.map(one, range(len(addresses)), addresses):
                out.files.extend(files)
                out.failed.extend(failed)
    finally:
        if own:
            fetcher.close()
    return out


def unreadable(address: str, code: str, reason: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, f"无法读取网址：{reason}", address)


def audit_urls(list_file: Path, files: list[Path], jobs: int | None = None, fetcher: Fetcher | None = None):
    """generate audit --urls: fetch every listed address, then audit what was fetched together
    with the given files, in audit's two passes (audit_one names each saved copy by its address;
    the second pass reads the copy again, so the folder lives until the audit is done). An
    address that cannot be fetched is 无法读取, and the run goes on."""
    import sys

    from .audit import UNREADABLE, AuditEntry, audit_paths

    addresses = read_address_list(list_file)
    if not addresses and not files:
        raise UserError(f"网址清单 {list_file} 中没有网址（每行一个，# 开头为注释）。")
    # One write a line: parallel downloads must not run two progress lines together.
    got = fetch_all(addresses, fetcher, tick=lambda a: sys.stderr.write(f"下载：{a}\n"))
    unread = [
        AuditEntry(address, UNREADABLE, findings=[unreadable(address, code, reason)], origin=Source(address, "url"))
        for address, code, reason in got.failed
    ]
    try:
        return audit_paths(
            [*files, *(p for p, _ in got.files)],
            jobs,
            fetched=[*(None for _ in files), *(o for _, o in got.files)],
            unread=unread,
        )
    finally:
        got.folder.cleanup()
