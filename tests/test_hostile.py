"""Every bad workbook in the corpus gets a clear answer within 10 s and 500 MB, never a traceback.

The corpus (tests/hostile/corpus.py) is built from inputs/2020.xlsx once per session; each case
runs the real CLI in a child process, several at a time, and the tests check the outcome.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document
from hostile.corpus import CASES, LONG_TEXT, Case
from hostile.run import MEMORY_LIMIT_MB, TIME_LIMIT_S, Run, run_cli

BY_NAME = {c.name: c for c in CASES}
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="session")
def corpus_runs(tmp_path_factory) -> dict[str, tuple[Path, Path, Run]]:
    """name → (input file, output folder, run) for every case."""
    work = tmp_path_factory.mktemp("hostile")
    inputs = {c.name: c.build(work) for c in CASES}

    def one(case: Case) -> tuple[str, tuple[Path, Path, Run]]:
        out = work / f"out-{case.name}"
        run = run_cli(["--year", str(case.year), "--input", str(inputs[case.name]), "--output-dir", str(out)])
        return case.name, (inputs[case.name], out, run)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(one, CASES))


def _written(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_case_ends_in_a_clear_answer(name: str, corpus_runs) -> None:
    case = BY_NAME[name]
    source, out, run = corpus_runs[name]
    assert "Traceback" not in run.output, run.output
    assert run.code in (0, 2), f"exit {run.code}: {run.output}"
    for fragment in case.says:
        assert fragment in run.output, f"{fragment!r} missing from:\n{run.output}"
    if case.outcome == "refused":
        assert run.code == 2, run.output
        assert _written(out) == [], "nothing may be written when the input is refused"
        message = run.stderr
        assert "错误" in message and CJK.search(message), message
        assert source.name in message  # the file is named
    else:
        assert run.code == 0, run.output
        files = _written(out)
        assert [p.suffix for p in files] == [".docx", ".html"], files
        assert not [p for p in files if p.name.startswith(".~")], "no temporary files left"
        Document(str(files[0]))  # the Word file is a valid package
        if case.outcome == "cleaned" and name not in ("narrative_200k_rows", "narrative_200k_cell"):
            assert re.search(r"R0\d\d (警告|提示)", run.stdout), "a warning says what was cleaned"
        if case.outcome == "flagged":
            # A wrong value (V…) or a value that is no number (R050, issue 14 item 20): named, not refused.
            assert re.search(r"!\w+\d+: (V\d|R050) 错误", run.stdout), "an error finding names the cell"


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_case_stays_within_time_and_memory(name: str, corpus_runs) -> None:
    run = corpus_runs[name][2]
    assert run.seconds < TIME_LIMIT_S, f"{name}: {run.seconds:.1f} s"
    assert run.peak_mb < MEMORY_LIMIT_MB, f"{name}: {run.peak_mb:.0f} MB"


def test_report_measurements(corpus_runs, capsys) -> None:
    """Not an assertion: prints the slowest and hungriest cases for the record (pytest -s)."""
    rows = sorted(corpus_runs.items(), key=lambda kv: -kv[1][2].seconds)
    with capsys.disabled():
        print("\nhostile corpus: case, exit, seconds, peak MB")
        for name, (_, _, run) in rows[:6]:
            print(f"  {name:28} {run.code}  {run.seconds:5.2f}  {run.peak_mb:6.0f}")
        worst = max(r[2].peak_mb for r in corpus_runs.values())
        print(f"  max peak {worst:.0f} MB")


@pytest.mark.parametrize("name", [c.name for c in CASES if c.outcome == "flagged"])
def test_flagged_case_with_strict_writes_nothing(name: str, corpus_runs, tmp_path) -> None:
    source = corpus_runs[name][0]
    run = run_cli(["--year", "2020", "--input", str(source), "--output-dir", str(tmp_path), "--strict"])
    assert run.code == 1, run.output
    assert _written(tmp_path) == []
    assert "Traceback" not in run.output


def test_control_characters_are_gone_from_the_word_file(corpus_runs) -> None:
    _, out, run = corpus_runs["control_chars"]
    docx = next(p for p in _written(out) if p.suffix == ".docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "各部门认真落实公开要求。反转" in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]|_x00", text)


@pytest.mark.parametrize("name", ["narrative_200k_rows", "narrative_200k_cell"])
def test_long_narrative_arrives_whole(name: str, corpus_runs) -> None:
    _, out, _ = corpus_runs[name]
    html = next(p for p in _written(out) if p.suffix == ".html").read_text("utf-8")
    docx = next(p for p in _written(out) if p.suffix == ".docx")
    words = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    for text in (html, words):
        assert text.count("群众满意度不断提升😀") >= LONG_TEXT.count("群众满意度不断提升😀")
        assert "𠀀𪚥" in text


@pytest.mark.parametrize(
    ("name", "says"),
    [
        # a 2019-format workbook offered as 2021: carry it forward rather than edit labels
        (
            "wrong_year_for_format",
            ("R044", "国办公开办函〔2019〕60号格式", "2019–2020 年度", "generate init --year 2021 --from"),
        ),
        # a 2021-format workbook offered as 2020
        ("other_format_version", ("R044", "国办公开办函〔2021〕30号格式", "2021 年度及以后", "--year 改为")),
    ],
)
def test_a_workbook_of_the_other_format_says_which_format_it_is(name: str, says: tuple[str, ...], corpus_runs) -> None:
    run = corpus_runs[name][2]
    assert run.code == 2
    for fragment in says:
        assert fragment in run.stderr, run.stderr
    assert "R042" not in run.stderr and "请不要修改" not in run.stderr
