"""Narrative text: heading levels recognised from Chinese numbering, and text cleaning."""

from __future__ import annotations

import re

_LEVELS = (
    (1, re.compile(r"[一二三四五六七八九十]+、")),
    (2, re.compile(r"[（(][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"\d+[.．、](?!\d)")),
    (4, re.compile(r"[（(]\d+[)）]")),
)

# C0/C1 control characters and other invisible troublemakers; tab and newline are handled apart.
# Lone surrogates cannot be encoded as UTF-8, so neither the DOCX nor the HTML could hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Bidirectional overrides and isolates: no use in Chinese text, and on the public page they
# reorder what readers see (“报告\u202etxt.exe”).
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Excel stores a control character as _xHHHH_ (XML 1.0 cannot hold it); openpyxl hands the
# escape through literally. Only the escapes of characters XML forbids are decoded here.
_EXCEL_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f]|[Ff]{3}[EeFf])_")


def detect_level(text: str) -> int:
    """0 for body text; 1 一、 2 （一） 3 1. 4 （1）."""
    head = text.lstrip()
    for level, pattern in _LEVELS:
        if pattern.match(head):
            return level
    return 0


def clean_text(text: str) -> tuple[str, list[str]]:
    """Remove what a Word document cannot hold or a web page would misshow; say what was removed."""
    text = _EXCEL_ESCAPE.sub(lambda m: _decoded_control(m.group(1)), text)
    removed = _CONTROL.findall(text)
    notes = []
    if removed:
        codes = sorted({f"U+{ord(c):04X}" for c in removed})
        notes.append(f"删除了 {len(removed)} 个控制字符（{'、'.join(codes)}）")
        text = _CONTROL.sub("", text)
    bidi = _BIDI.findall(text)
    if bidi:
        codes = sorted({f"U+{ord(c):04X}" for c in bidi})
        notes.append(f"删除了 {len(bidi)} 个文字方向控制符（{'、'.join(codes)}），它们会在网页上颠倒文字顺序")
        text = _BIDI.sub("", text)
    return text, notes


def _decoded_control(hex_code: str) -> str:
    char = chr(int(hex_code, 16))
    return char if _CONTROL.fullmatch(char) else f"_x{hex_code}_"


def split_paragraphs(text: str) -> list[str]:
    """A cell may hold several pasted paragraphs: one per line, blank lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return [line.strip().strip("\u3000").strip() for line in text.split("\n") if line.strip().strip("\u3000")]
