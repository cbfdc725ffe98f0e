"""A real consumer opens the DOCX: LibreOffice converts it to PDF (issue 2, item 6)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import INPUTS, require_tool

from generator.formats import format_for_year

MM = 72 / 25.4


def to_pdf(docx: Path, outdir: Path) -> Path:
    soffice = require_tool("soffice")
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = outdir / (docx.stem + ".pdf")
    assert pdf.is_file(), "LibreOffice did not produce a PDF"
    return pdf


@pytest.fixture(scope="session")
def pdfs(generated, tmp_path_factory) -> dict[int, Path]:
    return {year: to_pdf(g.docx, tmp_path_factory.mktemp(f"pdf{year}")) for year, g in generated.items()}


def pages(pdf: Path) -> int:
    info = subprocess.run([require_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_seed_report_opens_and_has_a_plausible_length(pdfs):
    # 22 lines of 28 characters a page: the seed's ~11,000 characters and three tables
    # take a dozen pages; far fewer means lost text, far more means broken spacing.
    assert 10 <= pages(pdfs[2020]) <= 16


def _segments(text: str, headings: list[str]) -> list[str]:
    """The PDF text from each table part's heading to the next part's numeral."""

    def find(h: str, start: int = 0) -> int:
        m = re.compile(r"\s*".join(map(re.escape, h))).search(text, start)
        assert m, f"{h} not in the PDF"
        return m.start()

    starts = [find(h) for h in headings]
    starts.append(find("五、", starts[-1]))
    return [text[a:b] for a, b in zip(starts, starts[1:])]


def test_every_table_number_is_in_the_pdf_in_reading_order(pdfs):
    """Each table's values, row by row, appear in that order in its part of the PDF."""
    from generator.templating import Wording
    from generator.workbook import read_workbook

    w = Wording()
    for year, pdf in pdfs.items():
        text = subprocess.run(
            [require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        report, _ = read_workbook(INPUTS / f"{year}.xlsx", format_for_year(year), year)
        segments = _segments(text, [w.part_heading(n) for n in (2, 3, 4)])
        for table, segment in zip(report.spec.tables, segments):
            # “/” (不适用) is a value too: the 2022 example writes it for 规章.
            tokens = re.findall(r"-?\d+(?:\.\d+)?(?:\s*元|\s*万元)?|/", segment)
            tokens = [re.sub(r"\s+", "", t) for t in tokens]
            wanted = [report.tables[table.id][f.key].display() for f in table.fields.values()]
            it = iter(tokens)
            missing = [v for v in wanted if v and not any(v == t for t in it)]
            assert missing == [], f"{year} {table.id}: values missing or out of order in the PDF"


def test_page_numbers_and_text_stay_inside_the_page_block(pdfs):
    pdf = pdfs[2020]
    bbox = subprocess.run(
        [require_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox)
    assert words
    left, right = 28 * MM - 2, (210 - 26) * MM + 2
    # Chinese typesetting (Word and LibreOffice alike) lets one closing punctuation mark hang
    # past the margin; anything else beyond the block is a layout error.
    hanging = "，。、；：？！”’）》」』"
    outside = [
        w for w in words if float(w[0]) < left or float(w[2]) > right + (16 if w[4] and w[4][-1] in hanging else 0)
    ]
    assert outside == [], f"text outside the 156 mm text block: {outside[:5]}"
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    n = pages(pdf)
    for i in range(1, n + 1):
        assert re.search(rf"—\s*{i}\s*—", text), f"page number {i} missing"


def test_a_draft_says_so_on_every_page_and_a_final_report_nowhere(pdfs):
    """The 2020 example has 错误 (the seed's real mistakes): LibreOffice prints the notice on each page."""
    for year, pdf in pdfs.items():
        n = pages(pdf)
        marked = []
        for i in range(1, n + 1):
            text = subprocess.run(
                [require_tool("pdftotext"), "-f", str(i), "-l", str(i), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            marked.append("改正前不得签发" in re.sub(r"\s+", "", text))
        assert marked == [year == 2020] * n, f"{year}: draft notice on pages {marked}"


def test_the_signature_never_stands_alone_on_the_last_page(pdfs):
    """GB/T 9704: the 落款 and 成文日期 keep the text's last lines with them on their page."""
    for year, pdf in pdfs.items():
        n = pages(pdf)
        last = subprocess.run(
            [require_tool("pdftotext"), "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [ln.strip() for ln in last.splitlines() if ln.strip() and not re.fullmatch(r"—\s*\d+\s*—", ln.strip())]
        lines = [ln for ln in lines if not ln.startswith("草稿")]
        # Besides the signature's two lines (unit, date), the page holds text of the report.
        assert len(lines) > 2, f"{year}: last page holds only {lines}"
