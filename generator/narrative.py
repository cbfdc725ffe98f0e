"""Narrative text: heading levels recognised from Chinese numbering, and text cleaning."""

from __future__ import annotations

import re
import unicodedata

_LEVELS = (
    (1, re.compile(r"[一二三四五六七八九十]+、")),
    (2, re.compile(r"[（(][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"\d+[.．、](?!\d)")),
    (4, re.compile(r"[（(]\d+[)）]")),
)

# C0/C1 control characters and other invisible troublemakers; tab and newline are handled apart.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def detect_level(text: str) -> int:
    """0 for body text; 1 一、 2 （一） 3 1. 4 （1）."""
    head = text.lstrip()
    for level, pattern in _LEVELS:
        if pattern.match(head):
            return level
    return 0


def clean_text(text: str) -> tuple[str, list[str]]:
    """Remove what a Word document cannot hold; say what was removed."""
    removed = _CONTROL.findall(text)
    notes = []
    if removed:
        codes = sorted({f"U+{ord(c):04X}" for c in removed})
        notes.append(f"删除了 {len(removed)} 个控制字符（{'、'.join(codes)}）")
        text = _CONTROL.sub("", text)
    return text, notes


def split_paragraphs(text: str) -> list[str]:
    """A cell may hold several pasted paragraphs: one per line, blank lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return [line.strip().strip("\u3000").strip() for line in text.split("\n") if line.strip().strip("\u3000")]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
