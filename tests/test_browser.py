"""A real browser renders the web page: desktop and phone widths, and print (issue 2, item 7)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, require_module, require_tool

WIDTHS = {"desktop": 1280, "phone": 375}
SCREENSHOTS = ROOT / "outputs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    chromium = require_tool("chromium")
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, html: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    return page, requests


@pytest.mark.parametrize("device", WIDTHS)
def test_page_fits_the_screen_and_every_number_is_visible(browser, generated, device):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for year, gen in generated.items():
        page, requests = _open(browser, gen.html, WIDTHS[device])
        try:
            # Nothing but the page itself is fetched.
            assert [u for u in requests if not u.startswith("file://")] == []
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{year} {device}: page scrolls sideways by {overflow}px"
            # Every number: rendered, on screen once its box is scrolled to it, not cut off.
            problems = page.evaluate(
                """width => {
                  const out = [];
                  const cells = [...document.querySelectorAll('td')].filter(c => c.textContent.trim());
                  for (const c of cells) {
                    c.scrollIntoView({block: 'center', inline: 'center'});
                    const r = c.getBoundingClientRect();
                    const st = getComputedStyle(c);
                    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                    if (r.width < 1 || r.height < 1 || st.visibility !== 'visible' || st.display === 'none') out.push(['hidden', c.textContent]);
                    else if (r.left < 0 || r.right > width + 1) out.push(['off screen', c.textContent]);
                    else if (c.scrollWidth > c.clientWidth + 1) out.push(['cut off', c.textContent]);
                    else if (!(hit === c || c.contains(hit))) out.push(['covered', c.textContent]);
                  }
                  return [cells.length, out];
                }""",
                WIDTHS[device],
            )
            count, bad = problems
            assert count > 0 and bad == [], f"{year} {device}: {bad[:5]}"
            if device == "phone":
                # Wide tables scroll inside their own box, not the page.
                wraps = page.locator(".table-wrap")
                assert any(wraps.nth(i).evaluate("w => w.scrollWidth > w.clientWidth") for i in range(wraps.count())), (
                    "expected the wide tables to scroll inside their box on a phone"
                )
            page.screenshot(path=str(SCREENSHOTS / f"{year}-{device}.png"), full_page=True)
        finally:
            page.close()


def test_print_gives_a4_pages_with_repeated_table_headers(browser, generated, tmp_path):
    page, _ = _open(browser, generated[2020].html, 1280)
    pdf = tmp_path / "print.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=False)
    page.close()
    info = subprocess.run([require_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 8
    text = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # The part 三 table crosses a page: its header row is printed again on the next page.
    assert len(re.findall(r"申请人情况", text)) >= 2


def test_html_is_self_contained_and_semantic(generated):
    for gen in generated.values():
        text = gen.html.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in text
        assert "<script" not in text.lower()
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "external resource"
        # Only the 1px visually-hidden caption idiom may name a pixel width.
        assert not re.search(r"(?<![-\w])width\s*:\s*(?!1px)\d+px|width=\"\d+\"", text), "fixed pixel width"
        assert "<h1>" in text and text.count("<h2") == 6
        assert "thead { display: table-header-group; }" in text
