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


def test_every_table_number_is_in_the_pdf_text(pdfs, generated):
    from generator.workbook import read_workbook

    for year, pdf in pdfs.items():
        text = subprocess.run(
            [require_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = re.sub(r"\s+", "", text)
        report, _ = read_workbook(INPUTS / f"{year}.xlsx", format_for_year(year), year)
        for table in report.spec.tables:
            for key, value in report.tables[table.id].items():
                shown = value.display()
                if shown:
                    assert shown in flat, f"{year} {table.id}.{key} = {shown} missing from PDF"


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
