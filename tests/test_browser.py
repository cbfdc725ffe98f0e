"""A real browser renders the web page: desktop and phone widths, and print (issue 2, item 7)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, require_tool

WIDTHS = {"desktop": 1280, "phone": 375}
SCREENSHOTS = ROOT / "outputs" / "screenshots"


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


def test_print_leaves_no_page_half_empty(browser, generated, tmp_path):
    """Part 三's tall merged group once moved whole to the next page, leaving 56–72% of a page blank."""
    from pages import blank_tail, inked_rows

    for year, gen in generated.items():
        page, _ = _open(browser, gen.html, 1280)
        pdf = tmp_path / f"print{year}.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=False)
        page.close()
        blanks = [blank_tail(rows) for rows in inked_rows(pdf)[:-1]]
        assert max(blanks) <= 0.4, f"{year}: page {blanks.index(max(blanks)) + 1} is {max(blanks):.0%} empty"


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


@pytest.mark.parametrize("device", WIDTHS)
def test_a_draft_page_shows_its_banner_while_scrolling_and_a_final_page_has_none(browser, generated, device):
    """The 2020 example has 错误: the banner is on screen, readable, at the top and after scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, _ = _open(browser, generated[2020].html, WIDTHS[device])
    try:
        for scroll in (0, 4000):
            page.evaluate(f"window.scrollTo(0, {scroll})")
            seen = page.evaluate(
                """() => {
                  const b = document.querySelector('.draft-banner');
                  if (!b) return null;
                  const r = b.getBoundingClientRect();
                  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                  const st = getComputedStyle(b);
                  return {top: r.top, bottom: r.bottom, width: r.width, left: r.left, right: r.right,
                          onTop: hit === b || b.contains(hit), color: st.color, role: b.getAttribute('role'),
                          text: b.textContent, scrolled: window.scrollY};
                }"""
            )
            assert seen is not None, "no draft banner"
            assert seen["scrolled"] >= min(scroll, 1), "the page did not scroll"
            assert 0 <= seen["top"] < seen["bottom"] <= 200, f"{device}: banner out of view at scroll {scroll}"
            assert seen["left"] >= 0 and seen["right"] <= WIDTHS[device] and seen["onTop"]
            assert seen["role"] == "alert" and "不得签发" in seen["text"]
            r, g, b = map(int, re.findall(r"\d+", seen["color"])[:3])
            assert r > 150 and g < 60 and b < 60, f"banner text is not red: {seen['color']}"
            page.screenshot(path=str(SCREENSHOTS / f"draft-{device}-{scroll}.png"))
    finally:
        page.close()
    page, _ = _open(browser, generated[2021].html, WIDTHS[device])
    try:
        assert page.locator(".draft-banner").count() == 0
    finally:
        page.close()


def test_every_report_page_passes_axe_core(browser, generated):
    """Issue 14, item 25: every page the tool writes has 0 axe-core violations, best practice
    included (the draft, with its banner, as well as the final reports)."""
    from axe import axe_violations

    for year, gen in generated.items():
        context = browser.new_context(bypass_csp=True)
        try:
            page = context.new_page()
            page.goto(gen.html.as_uri())
            assert axe_violations(page) == [], year
        finally:
            context.close()
