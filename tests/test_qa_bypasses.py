"""Variations on issue 14's fixes that slipped past them (found by QA, h10).

Each test builds its own hostile input from the project's own example outputs; nothing from
/work/shared is read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from generator.importer.fetch import Fetcher, audit_urls, is_internal


# -- audit --urls: an internal address written in another numeric form ---------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://127.1/a.pdf",  # 127.0.0.1, as inet_aton and every resolver read it
        "http://2130706433/a.pdf",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/a.pdf",  # … as one hexadecimal number
        "http://0177.0.0.1/a.pdf",  # … in octal
        "http://0/a.pdf",  # 0.0.0.0: this machine
        "http://0xa9.254.169.254/latest/",  # 169.254.169.254, the cloud metadata service
    ],
)
def test_internal_addresses_in_other_numeric_forms_are_internal(url: str) -> None:
    assert is_internal(url)


def test_a_public_page_cannot_redirect_to_a_loopback_address_spelled_127_1(tmp_path: Path) -> None:
    import httpx

    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path == "/moved":
            return httpx.Response(302, headers={"Location": "http://127.1:8080/secret.pdf"})
        if request.url.path == "/notice.html":
            return httpx.Response(200, html="<html><body><p>见附件</p><a href='http://2130706433/b.pdf'>附件.pdf</a></body></html>")
        return httpx.Response(200, content=b"%PDF-1.4 internal")

    listing = tmp_path / "list.txt"
    listing.write_text("http://gov.example/moved\nhttp://gov.example/notice.html\n", "utf-8")
    audit = audit_urls(listing, [], jobs=1, fetcher=Fetcher(interval=0.0, transport=httpx.MockTransport(answer)))
    assert asked == ["http://gov.example/moved", "http://gov.example/notice.html"]
    assert sum("内部网络" in e.findings[0].message for e in audit.entries) == 2
