"""Tiny hand-made PDFs for tests: pages from raw content streams, optionally password-protected.

Chinese text uses Adobe's predefined STSong-Light font with the UniGB-UCS2-H encoding (no font
file needed: every PDF reader, pdfminer included, maps it to Unicode). Sheet draws text and
ruling lines at exact positions, top-left origin like the page a reader sees.
"""

from __future__ import annotations

HEIGHT = 842


def minimal_pdf(pages: list[str], password: bool = False, unmapped: bool = False) -> bytes:
    """A valid PDF whose pages draw the given content streams with STSong-Light as /F1.

    password: an /Encrypt dictionary (standard handler, RC4 40-bit) whose user password is not
    empty, so no reader can open the file without it. unmapped: a font with Identity encoding and
    no Unicode map (what some converters write): the glyphs show, their text cannot be known.
    """
    objects: list[bytes] = []
    n_pages = len(pages)
    font = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, content in enumerate(pages):
        data = content.encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
    unicode = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> >>] >>"
    )
    identity = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+SimSun /Encoding /Identity-H /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+SimSun /DW 1000 "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >>"
    )
    objects.append(identity if unmapped else unicode)
    encrypt = ""
    if password:
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"a1" * 32 + b"> /U <" + b"b2" * 32 + b"> /P -4 >>")
        encrypt = (
            f" /Encrypt {len(objects)} 0 R /ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{encrypt} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class Sheet:
    """One page: text lines and ruling lines at positions measured from the top-left corner."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    def text(self, x: float, top: float, text: str, size: float = 12) -> None:
        code = text.encode("utf-16-be").hex()
        self.ops.append(f"BT /F1 {size} Tf {x:.2f} {HEIGHT - top - 0.88 * size:.2f} Td <{code}> Tj ET")

    def sideways(self, x: float, top: float, text: str, size: float = 12) -> None:
        """Text turned 90°, as on a landscape page or a watermark."""
        code = text.encode("utf-16-be").hex()
        self.ops.append(f"BT /F1 {size} Tf 0 1 -1 0 {x:.2f} {HEIGHT - top:.2f} Tm <{code}> Tj ET")

    def line(self, x0: float, top0: float, x1: float, top1: float) -> None:
        self.ops.append(f"0.8 w {x0:.2f} {HEIGHT - top0:.2f} m {x1:.2f} {HEIGHT - top1:.2f} l S")

    def bar(self, x0: float, top: float, x1: float, bottom: float, gray: float = 0.0) -> None:
        """A filled rectangle: how Word draws a cell border (a thin one) or shading (a wide one)."""
        self.ops.append(f"{gray} g {x0:.2f} {HEIGHT - bottom:.2f} {x1 - x0:.2f} {bottom - top:.2f} re f 0 g")

    def content(self) -> str:
        return "\n".join(self.ops)
