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
# Characters with no visible glyph: a zero-width space inside “29件” hides the number from the
# text rules and from a reader's search. Soft hyphen, word joiners, BOM, LRM/RLM, fillers.
_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff\uffa0]"
)
# OOXML's escape of a character by its code: Excel writes a control character as _x0007_ and a
# literal “_x0007_” typed by the clerk as _x005F_x0007_ (the underscore escaped).
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_UNSEEN = re.compile(f"{_CONTROL.pattern}|{_BIDI.pattern}|{_INVISIBLE.pattern}|[\t\n\r\u2028\u2029]")


def decode_excel_escapes(text: str) -> str:
    """Undo OOXML's _xHHHH_ escapes in one left-to-right pass, as Excel does when it loads."""
    if "_x" not in text:
        return text
    decoded = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    # An astral character arrives as two escaped surrogates: pair them up again.
    return decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def visible(text: str) -> str:
    """Text for a message: characters that show nothing are written as <U+200B>."""
    return _UNSEEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


# A finding quotes at most this many characters of a cell: a 32,000-character cell must not
# become a 32,000-character terminal line or review-table cell.
EXCERPT_CHARS = 40


def excerpt(text: object, limit: int = EXCERPT_CHARS) -> str:
    """The start of a cell's text for a message, visible: longer text ends “…（共 N 字）”."""
    text = str(text)
    if len(text) <= limit:
        return visible(text)
    return f"{visible(text[:limit])}…（共 {len(text)} 字）"


def detect_level(text: str) -> int:
    """0 for body text; 1 一、 2 （一） 3 1. 4 （1）."""
    head = text.lstrip()
    for level, pattern in _LEVELS:
        if pattern.match(head):
            return level
    return 0


def clean_text(text: str) -> tuple[str, list[str]]:
    """Remove what a Word document cannot hold or a web page would misshow; say what was removed."""
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
    invisible = _INVISIBLE.findall(text)
    if invisible:
        codes = "、".join(sorted({f"<U+{ord(c):04X}>" for c in invisible}))
        notes.append(f"删除了 {len(invisible)} 个看不见的字符（{codes}），它们会使文字中的数字无法被核对")
        text = _INVISIBLE.sub("", text)
    return text, notes


def strip_invisible(text: str) -> tuple[str, str]:
    """The text without invisible characters, and what was removed (shown), for a table cell."""
    found = _INVISIBLE.findall(text)
    if not found:
        return text, ""
    return _INVISIBLE.sub("", text), "、".join(sorted({f"<U+{ord(c):04X}>" for c in found}))


def split_paragraphs(text: str) -> list[str]:
    """A cell may hold several pasted paragraphs: one per line, blank lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return [line.strip().strip("\u3000").strip() for line in text.split("\n") if line.strip().strip("\u3000")]


_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’]")


def one_line(text: str) -> str:
    """A title or a unit field on one line: a line break beside a Chinese character joins the lines
    (a break typed in the cell for looks, “漳平市人民政府⏎2020年…”); between two Latin words it is a space."""
    lines = [" ".join(line.split()) for line in split_paragraphs(text)]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        out += line if _WIDE.match(out[-1]) or _WIDE.match(line[0]) else " " + line
    return out
