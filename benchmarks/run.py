"""Benchmark of the collecting office's commands on synthetic units (issue 9, item 6).

    python benchmarks/run.py                      N = 200 and 2000, batch on 200
    python benchmarks/run.py --sizes 200 --batch 50 --profile

Synthesises N seeded, internally consistent 2022 unit workbooks (cached in benchmarks/.work/),
then measures:
  read+validate   workbooks/s, one process and on every core (generator.rollup.units.read_units)
  rollup          `generate rollup` wall time and peak memory (the main process, and the largest worker)
  batch           `generate batch` reports/s (DOCX + HTML)
  audit           `generate audit` reports/s on N copies of the example reports (HTML and DOCX),
                  one process and on every core
  audit at scale  `generate audit` on --audit-scale distinct reports (default 10,000: a province's
                  year; one in ten has its unit's neighbouring year): peak memory, reports/s
  floor           a bare python-calamine read of the same unit workbooks (every sheet's cells, one
                  process): the floor for reading cells; each rollup is reported as a multiple of it,
                  measured in the same run (pip install -e '.[bench]')
--profile prints where the time of one read+validate and one DOCX build goes (cProfile).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

YEAR = 2022
WORK = ROOT / "benchmarks" / ".work"
SEED = 9


def _one(args: tuple[Path, int]) -> None:
    import datetime as dt

    import make_county_2022 as county

    from generator.model import UnitLevel
    from generator.workbook.writer import write_workbook

    folder, i = args
    rng = random.Random(SEED * 1_000_003 + i)
    township = i % 4 == 0
    name = f"合成县{'第' + str(i) + '镇人民政府' if township else '第' + str(i) + '局'}"
    tables = county.unit_tables(rng, fees=not township)
    level = UnitLevel.TOWNSHIP if township else UnitLevel.DEPARTMENT
    report = county.report(name, level, tables, county.text(name, tables), dt.date(2023, 1, 20))
    write_workbook(folder / f"{i:05d}.xlsx", county.SPEC, YEAR, report)


def synthesise(n: int) -> Path:
    """benchmarks/.work/units-N: N unit workbooks, made once and kept (delete the folder to rebuild)."""
    folder = WORK / f"units-{n}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    with ProcessPoolExecutor() as ex:
        list(ex.map(_one, [(folder, i) for i in range(n)], chunksize=16))
    done.write_text("")
    print(f"  synthesised {n} workbooks in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def read_validate(folder: Path, limit: int) -> dict[str, float]:
    from generator.formats import format_for_year
    from generator.rollup.units import read_units

    spec = format_for_year(YEAR)
    paths = sorted(folder.glob("*.xlsx"))[:limit]
    out = {}
    for label, jobs in (("one_process", 1), ("every_core", None)):
        started = time.perf_counter()
        cpu = time.process_time()
        reads = list(read_units(paths, spec, YEAR, jobs=jobs))
        elapsed = time.perf_counter() - started
        if jobs == 1:
            out["cpu_ms"] = (time.process_time() - cpu) / len(paths) * 1000
        assert all(r.readable and not r.has_errors for r in reads), [r.findings for r in reads if r.findings][:1]
        out[label] = len(paths) / elapsed
    return out


# The main process's peak is VmHWM: ru_maxrss would also count the memory of the process it was
# forked from (this benchmark, after synthesising). The workers' is the largest child's ru_maxrss.
def calamine_floor(folder: Path, limit: int | None = None) -> dict[str, float] | None:
    """Per workbook, a bare python-calamine read of every sheet's cells (wall and CPU ms, one process).

    The floor for reading cells: no checks, no labels, no validation. None when python-calamine
    is not installed (it is a benchmark dependency only: the `bench` extra).
    """
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    paths = sorted(folder.glob("*.xlsx"))[:limit]

    def read_all() -> None:
        for p in paths:
            wb = CalamineWorkbook.from_path(str(p))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()

    read_all()  # warm the file cache, as the roll-up's workers find it
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        read_all()
        best_wall = min(best_wall, (time.perf_counter() - started) / len(paths) * 1000)
        best_cpu = min(best_cpu, (time.process_time() - cpu) / len(paths) * 1000)
    return {"wall_ms": best_wall, "cpu_ms": best_cpu}


_MEASURE = """
import contextlib, io, json, re, resource, sys, time
from generator.cli import main
t = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()) if "--quiet" in sys.argv else contextlib.nullcontext():
    code = main([a for a in sys.argv[1:] if a != "--quiet"])
wall = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
peak = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
print(json.dumps({"code": code, "wall": wall, "self_mb": peak / 1024, "worker_mb": kids.ru_maxrss / 1024,
    "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}), file=sys.stderr)
"""


def _measured(argv: list[str], cwd: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    last = done.stderr.strip().splitlines()[-1]
    return json.loads(last)


def rollup(folder: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        return _measured(["rollup", "--year", str(YEAR), "--units", str(folder), "--output-dir", tmp], Path(tmp))


def batch(folder: Path, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        units = Path(tmp) / "units"
        units.mkdir()
        for p in sorted(folder.glob("*.xlsx"))[:n]:
            os.link(p, units / p.name) if hasattr(os, "link") else shutil.copy(p, units / p.name)
        m = _measured(
            ["batch", "--year", str(YEAR), "--units", str(units), "--output-dir", str(Path(tmp) / "out")], Path(tmp)
        )
        m["reports_per_s"] = n / m["wall"]
        return m


def audit(n: int, jobs: int | None = None) -> dict[str, float]:
    """`generate audit` on n copies of the example years' published HTML and DOCX (reports/s)."""
    from generator.cli import main as generate_main

    with tempfile.TemporaryDirectory() as tmp:
        made, reports = Path(tmp) / "made", Path(tmp) / "reports"
        reports.mkdir()
        for xlsx in sorted((ROOT / "inputs").glob("*.xlsx")):
            if xlsx.stem.isdigit():
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    generate_main(["--year", xlsx.stem, "--input", str(xlsx), "--output-dir", str(made)])
        sources = sorted(p for p in made.rglob("*") if p.suffix in (".html", ".docx"))
        for i in range(n):
            src = sources[i % len(sources)]
            shutil.copy(src, reports / f"{i:04d}{src.suffix}")
        argv = ["audit", str(reports), "--output-dir", str(Path(tmp) / "out"), *(["--jobs", str(jobs)] if jobs else [])]
        m = _measured(argv, Path(tmp))
        m["reports_per_s"] = n / m["wall"]
        return m


def _examples() -> dict[int, dict[str, Path]]:
    """The example years' reports as nianbao writes them (benchmarks/.work/examples), made once."""
    from generator.cli import main as generate_main

    made = WORK / "examples"
    if not (made / ".complete").is_file():
        shutil.rmtree(made, ignore_errors=True)
        for xlsx in sorted((ROOT / "inputs").glob("*.xlsx")):
            if xlsx.stem.isdigit():
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    generate_main(["--year", xlsx.stem, "--input", str(xlsx), "--output-dir", str(made)])
        (made / ".complete").write_text("")
    return {
        int(year.name): {p.suffix: p for p in year.iterdir() if p.suffix in (".html", ".docx")}
        for year in made.iterdir()
        if year.is_dir()
    }


def _renamed(src: Path, old: str, new: str, dest: Path) -> None:
    """A copy of a report with its unit's name changed throughout (a DOCX: in every XML part)."""
    import zipfile

    if src.suffix == ".html":
        dest.write_text(src.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        return
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)


def synthesise_reports(n: int) -> Path:
    """benchmarks/.work/reports-N: N published reports of different units, made once and kept.

    Unit i's 2021 report (the 2021 example with the unit renamed), as a page or a Word file in
    turn; every tenth report is instead the 2022 report of the unit before it, so one unit in
    nine has a neighbouring year and gets the cross-year rules (the second pass).
    """
    from generator.importer import import_report

    folder = WORK / f"reports-{n}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    examples = _examples()
    names = {year: import_report(files[".html"])[0].unit.name for year, files in examples.items()}
    for i in range(n):
        year, unit = (2022, i - 1) if i % 10 == 9 else (2021, i)
        src = examples[year][(".html", ".docx")[(i + i // 10) % 2]]
        _renamed(src, names[year], f"合成市第{unit:05d}局", folder / f"{i:05d}{src.suffix}")
    done.write_text("")
    print(f"  synthesised {n} published reports in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def audit_scale(n: int) -> dict[str, float]:
    """`generate audit` on n distinct reports, on every core (the terminal output discarded)."""
    folder = synthesise_reports(n)
    with tempfile.TemporaryDirectory() as tmp:
        m = _measured(["audit", str(folder), "--output-dir", str(Path(tmp) / "out"), "--quiet"], Path(tmp))
        m["reports_per_s"] = n / m["wall"]
        m["review_mb"] = sum(p.stat().st_size for p in (Path(tmp) / "out" / "审核").iterdir()) / 2**20
        return m


def profile(folder: Path, n: int = 40) -> None:
    from generator.formats import format_for_year
    from generator.render.docx import render_docx
    from generator.render.html import render_html
    from generator.render.outline import build_outline
    from generator.validate import validate
    from generator.workbook import read_workbook

    spec = format_for_year(YEAR)
    paths = sorted(folder.glob("*.xlsx"))[:n]
    reports = []

    def read_all() -> None:
        for p in paths:
            report, _ = read_workbook(p, spec, YEAR)
            validate(report)
            reports.append(report)

    def render_all() -> None:
        for r in reports:
            outline = build_outline(r)
            render_docx(outline, io.BytesIO())
            render_html(outline, io.BytesIO())

    for label, fn in (("read+validate", read_all), ("render DOCX+HTML", render_all)):
        prof = cProfile.Profile()
        started = time.perf_counter()
        prof.runcall(fn)
        per = (time.perf_counter() - started) / n * 1000
        print(f"\n== profile: {label}, {n} units, {per:.0f} ms per unit (under cProfile) ==")
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(25)
        print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:6000])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[200, 2000], help="roll-up sizes (none: skip)")
    ap.add_argument("--batch", type=int, default=200, help="units rendered by the batch measurement")
    ap.add_argument("--read", type=int, default=200, help="workbooks in the read+validate measurement")
    ap.add_argument("--audit", type=int, default=200, help="reports in the audit measurement")
    ap.add_argument("--audit-scale", type=int, default=10_000, help="distinct reports audited at scale (0: skip)")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    folders = {n: synthesise(n) for n in args.sizes}
    biggest = folders[max(folders)] if folders else None
    rv = read_validate(biggest, args.read) if args.read and biggest else None
    if rv:
        print(
            f"read+validate: {rv['one_process']:.1f} workbooks/s in one process ({rv['cpu_ms']:.0f} ms CPU each), "
            f"{rv['every_core']:.1f} on every core"
        )
    floor = calamine_floor(biggest, args.read or None)
    if floor:
        print(
            f"floor (bare python-calamine read, one process): {floor['wall_ms']:.2f} ms wall, "
            f"{floor['cpu_ms']:.2f} ms CPU per workbook"
        )
    else:
        print("floor: python-calamine not installed (pip install -e '.[bench]'): no ratio to the floor")
    for n, folder in folders.items():
        m = rollup(folder)
        print(
            f"rollup N={n}: {m['wall']:.1f} s wall, peak memory {m['self_mb']:.0f} MB (main process), "
            f"{m['worker_mb']:.0f} MB (largest worker), CPU {m['cpu']:.1f} s "
            f"({m['cpu'] / n * 1000:.0f} ms per unit), exit {m['code']}"
        )
        if floor:
            wall, cpu = m["wall"] / n * 1000, m["cpu"] / n * 1000
            print(
                f"  per unit against the floor: {wall:.2f} ms wall = {wall / floor['wall_ms']:.1f}× "
                f"(every core against one), {cpu:.2f} ms CPU = {cpu / floor['cpu_ms']:.1f}×"
            )
    if args.batch and biggest:
        m = batch(biggest, args.batch)
        print(
            f"batch N={args.batch}: {m['reports_per_s']:.1f} reports/s (DOCX + HTML), {m['wall']:.1f} s wall, "
            f"CPU {m['cpu']:.1f} s ({m['cpu'] / args.batch * 1000:.0f} ms per unit), exit {m['code']}"
        )
    if args.audit:
        for jobs in (1, None):
            m = audit(args.audit, jobs)
            print(
                f"audit N={args.audit} ({'one process' if jobs == 1 else 'every core'}): "
                f"{m['reports_per_s']:.1f} reports/s, {m['wall']:.1f} s wall, CPU {m['cpu']:.1f} s "
                f"({m['cpu'] / args.audit * 1000:.0f} ms per report), peak memory {m['self_mb']:.0f} MB "
                f"(main process), exit {m['code']}"
            )
    if args.audit_scale:
        m = audit_scale(args.audit_scale)
        print(
            f"audit at scale N={args.audit_scale} (every core): {m['reports_per_s']:.1f} reports/s, "
            f"{m['wall']:.1f} s wall, CPU {m['cpu']:.1f} s ({m['cpu'] / args.audit_scale * 1000:.0f} ms per report), "
            f"peak memory {m['self_mb']:.0f} MB (main process), {m['worker_mb']:.0f} MB (largest worker), "
            f"review files {m['review_mb']:.0f} MB, exit {m['code']}"
        )
    if args.profile and biggest:
        profile(biggest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
