"""docs/rules.md lists every code a clerk can see, so each finding can be looked up."""

from __future__ import annotations

import re

from conftest import ROOT

# Rule codes as they appear in the code: V1, T3-2, U1, R042, I010, E000 (cell addresses like D28 are not codes).
CODE = re.compile(r'"((?:[ACFLNPUVY]\d)|(?:T\d-\d)|(?:[REI]\d{3}))"')


def _codes_in_source() -> set[str]:
    return {m for path in (ROOT / "generator").rglob("*.py") for m in CODE.findall(path.read_text(encoding="utf-8"))}


def test_every_code_in_the_source_is_catalogued() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    codes = _codes_in_source()
    assert {"V8", "R001", "R042", "R090"} <= codes  # the pattern still finds codes where they are made
    rows = set(re.findall(r"^\| ([A-Z][\d-]+) \|", doc, flags=re.MULTILINE))
    missing = sorted(c for c in codes if c not in rows and not (c.startswith("E") and c in doc))
    assert missing == [], f"not in docs/rules.md: {missing}"
