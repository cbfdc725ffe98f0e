"""Fuzzing: mutated workbooks end in a report or in the tool's own error, never a crash.

Three mutators, bounded to well under 60 s together: raw bytes of the archive, bytes of one XML
part inside a valid archive, and values of cells a clerk types into.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from conftest import how_many
from hostile.corpus import SEED, rezip, seed_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main

SEED_BYTES = seed_bytes()
with zipfile.ZipFile(SEED) as _zf:
    PARTS = {n: _zf.read(n) for n in _zf.namelist() if n.endswith((".xml", ".rels"))}
# Derandomized in CI, random locally, 20× longer with HYPOTHESIS_PROFILE=long (tests/conftest.py).
FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _run(argv: list[str]) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue() + out.getvalue()


def _assert_clean_exit(data: bytes, generate: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "2020.xlsx"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        argv = ["--year", "2020", "--input", str(src)]
        code, text = _run([*argv, "--output-dir", str(out)] if generate else ["check", *argv])
        assert code in (0, 1, 2), text
        assert "Traceback" not in text and "程序内部错误" not in text, text
        written = sorted(p.suffix for p in out.rglob("*") if p.is_file()) if out.exists() else []
        assert written == ([".docx", ".html"] if generate and code == 0 else []), (code, written, text)
        assert src.read_bytes() == data


mutation = st.tuples(
    st.sampled_from(["flip", "zero", "insert", "delete", "truncate"]), st.floats(0, 1), st.integers(0, 255)
)


def _mutate(data: bytes, ops: list[tuple[str, float, int]]) -> bytes:
    b = bytearray(data)
    for op, where, byte in ops:
        if not b:
            break
        i = min(int(where * len(b)), len(b) - 1)
        if op == "flip":
            b[i] ^= byte or 1
        elif op == "zero":
            b[i : i + 8] = bytes(len(b[i : i + 8]))
        elif op == "insert":
            b[i:i] = bytes([byte]) * 4
        elif op == "delete":
            del b[i : i + 16]
        else:
            del b[i:]
    return bytes(b)


@settings(max_examples=how_many(150), **FUZZ)
@given(st.lists(mutation, min_size=1, max_size=4))
def test_archive_bytes(ops) -> None:
    _assert_clean_exit(_mutate(SEED_BYTES, ops))


@settings(max_examples=how_many(150), **FUZZ)
@given(st.sampled_from(sorted(PARTS)), st.lists(mutation, min_size=1, max_size=3))
def test_xml_part_bytes(part, ops) -> None:
    _assert_clean_exit(rezip(SEED_BYTES, {part: _mutate(PARTS[part], ops)}))


# Cells a clerk types into: unit info, narrative text and title, and table fields.
TARGETS = [("单位信息", c) for c in ("B2", "B3", "B4", "B5", "B7", "B10", "B13")] + [
    ("引言", "A4"),
    ("引言", "A5"),
    ("引言", "B5"),
    ("问题及改进", "B2"),
    ("主动公开", "C10"),
    ("申请情况", "D7"),
    ("申请情况", "J7"),
    ("申请情况", "E12"),
    ("复议诉讼", "A7"),
]
_OPENPYXL_ILLEGAL = {chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)]}
text = st.text(st.characters(blacklist_categories=("Cs",)).filter(lambda c: c not in _OPENPYXL_ILLEGAL), max_size=40)
value = st.one_of(
    st.none(),
    text,
    st.sampled_from(
        [
            "12件",
            "１２",
            "-3",
            "12.5",
            "/",
            "#DIV/0!",
            "=1/0",
            "=SUM(A1:A3)",
            "1e400",
            "−8",
            "{{ 7*7 }}",
            "<b>x</b>",
            "_x0007_",
            "2021年1月29日",
        ]
    ),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
)


@settings(max_examples=how_many(60), **FUZZ)
@given(st.lists(st.tuples(st.sampled_from(TARGETS), value), min_size=1, max_size=5))
def test_cell_values(edits) -> None:
    wb = openpyxl.load_workbook(SEED)
    for (sheet, cell), v in edits:
        wb[sheet][cell] = v
    buf = io.BytesIO()
    wb.save(buf)
    _assert_clean_exit(buf.getvalue(), generate=True)
