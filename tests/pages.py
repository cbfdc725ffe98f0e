"""Look at PDF pages as a reader does: how much of each text block is ink, and where words sit.

Used by the page-fill tests: LibreOffice → PDF → pdftoppm (grey images) / pdftotext -bbox.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from conftest import require_tool

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
# GB/T 9704 text block on A4: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
PAGE_MM = (210, 297)
BLOCK_MM = (28, 37, 210 - 26, 297 - 35)  # left, top, right, bottom


def convert_to_pdf(docs: list[Path], outdir: Path) -> list[Path]:
    """Convert DOCX files with one LibreOffice start (starting it costs more than a conversion)."""
    soffice = require_tool("soffice")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{outdir / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, docs),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdfs = [outdir / (d.stem + ".pdf") for d in docs]
    missing = [p.name for p in pdfs if not p.is_file()]
    assert not missing, f"LibreOffice did not produce {missing}"
    return pdfs


def _read_pgm(path: Path) -> tuple[int, int, bytes]:
    """A binary PGM (P5) image as width, height, 8-bit pixels."""
    data = path.read_bytes()
    m = re.match(rb"P5\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert m, f"{path} is not a binary PGM"
    width, height = int(m.group(1)), int(m.group(2))
    return width, height, data[m.end() : m.end() + width * height]


def inked_rows(pdf: Path, dpi: int = 50) -> list[list[bool]]:
    """For each page, for each pixel row of the text block: does it hold any ink?"""
    pdftoppm = require_tool("pdftoppm")
    px_per_mm = dpi / MM_PER_INCH
    left, top, right, bottom = (round(v * px_per_mm) for v in BLOCK_MM)
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([pdftoppm, "-gray", "-r", str(dpi), str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        images = sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        for image in images:
            width, _, px = _read_pgm(image)
            pages.append([min(px[y * width + left : y * width + right]) < 160 for y in range(top, bottom)])
    return pages


def blank_tail(rows: list[bool]) -> float:
    """The fraction of the text block left empty below the last ink on the page."""
    last = max((i for i, ink in enumerate(rows) if ink), default=-1)
    return (len(rows) - 1 - last) / len(rows)


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    x0: float  # points from the page's left edge
    y0: float
    x1: float
    y1: float
    text: str


def words(pdf: Path) -> list[Word]:
    """Every word pdftotext finds, with its page and box (a CJK line in a cell is one word)."""
    out = subprocess.run(
        [require_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for page, chunk in enumerate(out.split("<page ")[1:], start=1):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', chunk
        ):
            found.append(Word(page, *(float(m.group(i)) for i in range(1, 5)), m.group(5)))
    return found
