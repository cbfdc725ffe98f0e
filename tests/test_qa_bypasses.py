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
        "http://127。0。0。1/a.pdf",  # ideographic full stops: the HTTP client reads them as dots
        "http://127．0．0．1/a.pdf",  # full-width full stops too
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
    assert sorted(asked) == ["http://gov.example/moved", "http://gov.example/notice.html"]  # fetched at once
    assert sum("内部网络" in e.findings[0].message for e in audit.entries) == 2


# -- PDF: the PDF library's own English warnings never reach the user's terminal -----------------
def _pdf(objects: list[bytes]) -> bytes:
    """A PDF built from its objects (1 0 obj … n 0 obj), with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_font_without_its_box_gives_no_english_warning(tmp_path: Path) -> None:
    """Word and Chromium write fonts whose descriptor lacks FontBBox; pdfminer logs an English
    warning for each, which Python prints on stderr when nothing configures logging (so the
    command runs in its own process here: pytest's log capture would hide it)."""
    import subprocess
    import sys

    stream = b"BT /F1 12 Tf 72 720 Td (2023 report) Tj ET"
    path = tmp_path / "report.pdf"
    path.write_bytes(
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
                b" /Resources << /Font << /F1 5 0 R >> >> >>",
                b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
                b"<< /Type /Font /Subtype /TrueType /BaseFont /Demo /FirstChar 32 /LastChar 126"
                b" /FontDescriptor 6 0 R >>",
                b"<< /Type /FontDescriptor /FontName /Demo /Flags 32 /ItalicAngle 0 /Ascent 800"
                b" /Descent -200 /CapHeight 700 /StemV 80 >>",
            ]
        )
    )
    argv = ["import", str(path), "--output", str(tmp_path / "out.xlsx"), "--year", "2023"]
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from generator.cli import main; sys.exit(main(sys.argv[1:]))", *argv],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    err = run.stderr
    assert "report.pdf" in err and "FontBBox" not in err and "Could not" not in err, err


# -- verify: the whole file, not only the parts a Word reader opens -----------------------------
@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from conftest import ROOT

    from generator.cli import main

    base = tmp_path_factory.mktemp("signed")
    workbook = base / "2020.xlsx"
    workbook.write_bytes((ROOT / "inputs" / "2020.xlsx").read_bytes())
    assert main(["--year", "2020", "--input", str(workbook), "--output-dir", str(base / "out")]) == 0
    return next((base / "out" / "2020").glob("*.docx")), workbook


def _verify(doc: Path, workbook: Path, capsys) -> tuple[int, str]:
    from generator.cli import main

    code = main(["verify", str(doc), "--input", str(workbook)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _reordered(data: bytes) -> bytes:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for info in reversed(infos):
                out.writestr(info, z.read(info.filename))
    return buf.getvalue()


def _commented(data: bytes) -> bytes:
    import io

    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = b"hidden payload " * 100
    return buf.getvalue()


@pytest.mark.parametrize(
    "tamper, words",
    [
        (lambda d: d + b"\0" * 7000, "附加"),  # a payload after the package
        (lambda d: d + b"x", "附加"),
        (lambda d: b"MZ" + b"\0" * 998 + d, "附加"),  # …or before it (a polyglot file)
        (_reordered, "重新打包"),  # the same parts in another order: repacked, not edited
        (_commented, "注释"),  # data hidden in the zip's comment
    ],
    ids=["appended-7000", "appended-1", "prepended-1000", "reordered", "zip-comment"],
)
def test_verify_compares_the_whole_file(signed, tmp_path: Path, capsys, tamper, words: str) -> None:
    doc, workbook = signed
    changed = tmp_path / doc.name
    changed.write_bytes(tamper(doc.read_bytes()))
    code, text = _verify(changed, workbook, capsys)
    assert code == 1 and text.startswith("不一致") and words in text, text
    assert "修改过" not in text or words != "重新打包", text


def test_verify_still_confirms_the_untouched_file(signed, capsys) -> None:
    doc, workbook = signed
    code, text = _verify(doc, workbook, capsys)
    assert code == 0 and text.startswith("一致"), text


# -- import: a paragraph longer than an Excel cell holds is never cut silently ------------------
def test_a_paragraph_longer_than_an_excel_cell_is_named_not_cut_silently(tmp_path: Path, capsys) -> None:
    """openpyxl keeps only the first 32,767 characters of a cell (Excel's limit) without a word."""
    import openpyxl
    from conftest import ROOT

    from generator.cli import main

    out = tmp_path / "out"
    assert main(["--year", "2020", "--input", str(ROOT / "inputs" / "2020.xlsx"), "--output-dir", str(out)]) == 0
    page = next((out / "2020").glob("*.html"))
    text = page.read_text("utf-8")
    at = text.index("</p>", text.index("一、总体情况")) + len("</p>")
    long = "全年共收到申请25件。" * 4000  # 44,000 characters in one paragraph
    page.write_text(text[:at] + f"<p>{long}</p>" + text[at:], "utf-8")
    target = tmp_path / "2020.xlsx"
    capsys.readouterr()
    assert main(["import", str(page), "--output", str(target)]) == 0
    said = capsys.readouterr().out
    (line,) = [x for x in said.splitlines() if "32767" in x]
    assert "I036" in line and "总体情况" in line and "44000" in line, said
    cells = [c.value for row in openpyxl.load_workbook(target)["总体情况"].iter_rows() for c in row]
    assert long[:32767] in cells


# -- R050 quotes the start of a long cell, not all of it (issue 14 item 19) ---------------------
def test_a_long_text_in_a_number_cell_is_quoted_by_its_start(tmp_path: Path, capsys) -> None:
    import openpyxl
    from conftest import ROOT

    from generator.cli import main

    path = tmp_path / "2022.xlsx"
    path.write_bytes((ROOT / "inputs" / "2022" / "财政局.xlsx").read_bytes())
    wb = openpyxl.load_workbook(path)
    wb["申请情况"]["D7"].value = "很长" * 16000  # 32,000 characters where a number belongs
    wb.save(path)
    assert main(["check", "--year", "2022", "--input", str(path)]) in (1, 2)
    captured = capsys.readouterr()
    (line,) = [x for x in (captured.out + captured.err).splitlines() if "R050" in x]
    assert len(line) < 300 and "很长很长" in line and "32000" in line, line[:400]


# -- PDF: a scan with an OCR text layer is read, but never as if it were typed text -------------
def _page_pdf(content: bytes, with_image: bool) -> bytes:
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    xobject = b" /XObject << /Im1 6 0 R >>" if with_image else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >>" + xobject + b" >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf([*objects, image] if with_image else objects)


@pytest.mark.parametrize("with_image", [True, False], ids=["scan-with-ocr-layer", "typed"])
def test_a_scanned_page_with_an_ocr_text_layer_is_named(tmp_path: Path, with_image: bool) -> None:
    from generator.importer.pdf import read_pdf

    text = b"BT 3 Tr /F1 12 Tf 72 720 Td (2023 annual report of the county: 129 requests received) Tj ET"
    scan = b"q 595 0 0 842 0 0 cm /Im1 Do Q " if with_image else b""
    path = tmp_path / "scan.pdf"
    path.write_bytes(_page_pdf(scan + text, with_image))
    doc = read_pdf(path)
    notes = [d for d in doc.notes if d.code == "I056"]
    assert len(notes) == (1 if with_image else 0)
    if with_image:
        assert "第 1 页" in notes[0].message and "识别" in notes[0].message


# -- audit --urls: progress lines from parallel downloads never run into each other ---------------
def test_each_download_progress_line_is_written_whole(tmp_path: Path, monkeypatch) -> None:
    """print() writes the text and the newline separately; from 8 threads, two lines could join
    (“下载：a下载：b”) as seen on a terminal."""
    import sys

    import httpx

    writes: list[str] = []

    class Recorder:
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return False

    listing = tmp_path / "list.txt"
    listing.write_text("http://gov.example/a\nhttp://gov.example/b\n", "utf-8")
    monkeypatch.setattr(sys, "stderr", Recorder())
    fetcher = Fetcher(interval=0.0, transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    audit_urls(listing, [], jobs=1, fetcher=fetcher)
    progress = [w for w in writes if "下载" in w]
    assert progress and all(w.startswith("下载：") and w.endswith("\n") for w in progress), progress


def test_a_public_page_cannot_lead_to_a_name_that_resolves_into_the_reviewers_network(
    tmp_path: Path, monkeypatch
) -> None:
    """intranet.example (or a public name such as 127.0.0.1.nip.io) resolves to an internal
    address: a public page's link or redirect to it is not followed."""
    import socket

    import httpx

    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://intranet.example/secret.pdf"})

    listing = tmp_path / "list.txt"
    listing.write_text("http://gov.example/moved\n", "utf-8")
    audit = audit_urls(listing, [], jobs=1, fetcher=Fetcher(interval=0.0, transport=httpx.MockTransport(answer)))
    assert asked == ["http://gov.example/moved"]
    assert "内部网络" in audit.entries[0].findings[0].message
