"""Load benchmark of `generate serve` (issue 15, item 5): many clerks upload in the same hour.

    python benchmarks/serve_load.py                  300 uploads, 20 at a time
    python benchmarks/serve_load.py --uploads 60 --concurrency 10
    python benchmarks/serve_load.py --office         200 roster units upload at once through their
                                                     private links while the office reloads its desk

--office (issue 16): a roster of --uploads units is imported, every unit's link issued, then all
units upload at once (each through its own link, --concurrency at a time) while one signed-in
office client reloads the review desk without pause; the desk's answer times are measured.

Starts `generate serve` on 127.0.0.1 only (a port the system chooses, a temporary data folder),
uploads distinct workbooks (a third of them with 错误) from `--concurrency` clients at once and
measures, per upload, the time from sending the file to having its findings page (the POST, its
redirect, the GET). Afterwards every upload must be stored exactly (SHA-256) and its page must
show the findings `generate check` gives for that workbook. Bounded: at most --uploads requests
and --time-limit seconds; the server is stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbooks(n: int, work: Path, names: list[str] | None = None) -> list[tuple[bytes, str]]:
    """n distinct 2022 unit workbooks and the summary line `generate check` prints for each."""
    import openpyxl

    from generator.pipeline import check_workbook
    from generator.web.desk import summary

    source = openpyxl.load_workbook(ROOT / "inputs" / "2022" / "东山乡.xlsx")
    ws = source["申请情况"]
    base = ws["D7"].value or 0
    out = []
    for i in range(n):
        wrong = i % 3 == 0
        ws["D7"] = base + (i + 1 if wrong else 0)  # a third do not balance (T3-1 错误)
        source["单位信息"]["B9"] = f"0597-{1000000 + i}"  # every file differs
        if names:
            source["单位信息"]["B2"] = names[i]  # the unit's own roster name
        buf = io.BytesIO()
        source.save(buf)
        data = buf.getvalue()
        path = work / f"{i}.xlsx"
        path.write_bytes(data)
        out.append((data, summary(check_workbook(path, 2022).findings)))
    return out


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its worker processes so far; Linux only."""
    try:
        pids = [pid, *(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
        ticks = 0
        for p in pids:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


async def run(args: argparse.Namespace) -> dict:
    import httpx
    from serve_support import Server

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        files = workbooks(args.uploads, work)
        print(f"{len(files)} 个工作簿已准备（{time.perf_counter() - t0:.1f} s）", file=sys.stderr)
        server = Server(work / "data", "--workers", str(args.workers))
        assert server.url.startswith("http://127.0.0.1:")
        latencies: list[float] = []
        failures: list[str] = []
        pages: dict[str, str] = {}
        queue: asyncio.Queue = asyncio.Queue()
        for item in enumerate(files):
            queue.put_nowait(item)
        deadline = time.monotonic() + args.time_limit

        async def clerk() -> None:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
                token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', (await c.get("/2022/")).text).group(1)
                while not queue.empty() and time.monotonic() < deadline:
                    i, (data, expected) = queue.get_nowait()
                    start = time.perf_counter()
                    r = await c.post(
                        "/2022/upload", data={"csrf_token": token}, files={"workbook": (f"单位{i}.xlsx", data, XLSX)}
                    )
                    if r.status_code != 303:
                        failures.append(f"{i}: HTTP {r.status_code}")
                        continue
                    page = await c.get(
                        r.headers["location"]
                        if r.headers["location"].startswith("/")
                        else f"/2022/{r.headers['location']}"
                    )
                    latencies.append(time.perf_counter() - start)
                    if expected not in page.text:
                        failures.append(f"{i}: findings differ ({expected})")
                    pages[hashlib.sha256(data).hexdigest()] = r.headers["location"]

        try:
            cpu0 = cpu_seconds(server.proc.pid)
            t0 = time.perf_counter()
            await asyncio.gather(*(clerk() for _ in range(args.concurrency)))
            wall = time.perf_counter() - t0
            cpu1 = cpu_seconds(server.proc.pid)
        finally:
            server.stop()
        from generator.web.storage import Store

        store = Store(work / "data")
        stored = {s.sha256 for s in store.submissions(2022)}
        expected_shas = {hashlib.sha256(d).hexdigest() for d, _ in files}
        lost = expected_shas - stored
        for sha in stored:
            if hashlib.sha256(store.blob(sha).read_bytes()).hexdigest() != sha:
                failures.append(f"{sha}: stored bytes differ")
        store.engine.dispose()
    latencies.sort()
    return {
        "uploads": len(latencies),
        "concurrency": args.concurrency,
        "workers": args.workers,
        "wall_s": round(wall, 2),
        "throughput_per_s": round(len(latencies) / wall, 1),
        "p50_s": round(statistics.median(latencies), 3),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "max_s": round(latencies[-1], 3),
        "server_cpu_ms_per_upload": round(1000 * (cpu1 - cpu0) / len(latencies), 1) if cpu0 and cpu1 else None,
        "lost": len(lost),
        "failures": failures[:10],
        "cores": os.cpu_count(),
        "load_before": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def roster(names: list[str]) -> bytes:
    from generator.rollup.roster import RosterUnit, build_roster

    buf = io.BytesIO()
    build_roster([RosterUnit(n, "部门") for n in names]).save(buf)
    return buf.getvalue()


async def run_office(args: argparse.Namespace) -> dict:
    """200 units upload through their links while the office reloads the desk; desk latencies."""
    import subprocess

    import httpx
    from serve_support import Server

    password = "benchmark password 2023"
    names = [f"示例县第{i + 1:03d}局" for i in range(args.uploads)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        files = workbooks(args.uploads, work, names)
        print(f"{len(files)} 个工作簿已准备（{time.perf_counter() - t0:.1f} s）", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "generator.cli", "serve", "--data", str(work / "data"), "--set-password"],
            input=password + "\n",
            text=True,
            encoding="utf-8",
            check=True,
            capture_output=True,
        )
        server = Server(work / "data", "--workers", str(args.workers))
        assert server.url.startswith("http://127.0.0.1:")
        desk: list[float] = []
        uploads: list[float] = []
        failures: list[str] = []
        done = asyncio.Event()
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as office:
                form = lambda text: re.search(r'name="csrf_token" value="([0-9a-f]+)"', text).group(1)  # noqa: E731
                token = form((await office.get("/office/login")).text)
                r = await office.post(
                    "/office/login", data={"csrf_token": token, "name": "汇总单位", "password": password}
                )
                assert r.status_code == 303, r.text
                r = await office.post(
                    "/office/2022/roster/import",
                    data={"csrf_token": token},
                    files={"roster": ("名单.xlsx", roster(names), XLSX)},
                )
                assert f"新增 {len(names)} 个单位" in r.text
                r = await office.post("/office/2022/links/issue", data={"csrf_token": token})
                links = dict(
                    re.findall(
                        r'<th scope="row">([^<]+)</th>\s*<td><code class="link">[^<]*?(/u/[^<]+/)</code>', r.text
                    )
                )
                assert len(links) == len(names)
                queue: asyncio.Queue = asyncio.Queue()
                for i, name in enumerate(names):
                    queue.put_nowait((links[name], files[i]))

                async def unit_client() -> None:
                    async with httpx.AsyncClient(base_url=server.url, timeout=120) as c:
                        while not queue.empty():
                            link, (data, expected) = queue.get_nowait()
                            t = form((await c.get(f"{link}2022/")).text)
                            start = time.perf_counter()
                            r = await c.post(
                                f"{link}2022/upload",
                                data={"csrf_token": t},
                                files={"workbook": ("单位.xlsx", data, XLSX)},
                            )
                            if r.status_code != 303:
                                failures.append(f"{link}: HTTP {r.status_code}")
                                continue
                            page = await c.get(f"{link}2022/{r.headers['location']}")
                            uploads.append(time.perf_counter() - start)
                            if expected not in page.text:
                                failures.append(f"{link}: findings differ")

                async def reload_desk() -> None:
                    while not done.is_set():
                        start = time.perf_counter()
                        r = await office.get("/office/2022/")
                        desk.append(time.perf_counter() - start)
                        if r.status_code != 200 or r.text.count('class="status-row"') != len(names):
                            failures.append(f"desk: HTTP {r.status_code}")

                async def units_then_stop() -> None:
                    await asyncio.gather(*(unit_client() for _ in range(args.concurrency)))
                    done.set()

                cpu0 = cpu_seconds(server.proc.pid)
                t0 = time.perf_counter()
                await asyncio.gather(units_then_stop(), reload_desk())
                wall = time.perf_counter() - t0
                cpu1 = cpu_seconds(server.proc.pid)
                idle = []
                for _ in range(10):  # the desk of 200 units once everyone has uploaded
                    start = time.perf_counter()
                    await office.get("/office/2022/")
                    idle.append(time.perf_counter() - start)
                final = (await office.get("/office/2022/")).text
                start = time.perf_counter()  # the roll-up of 200 current uploads (generate rollup itself)
                r = await office.get("/office/2022/download/review.xlsx")
                rollup_s = time.perf_counter() - start
                if r.status_code != 200:
                    failures.append(f"roll-up: HTTP {r.status_code}")
        finally:
            server.stop()
    desk.sort()
    uploads.sort()
    idle.sort()
    return {
        "units": len(names),
        "uploads": len(uploads),
        "concurrency": args.concurrency,
        "workers": args.workers,
        "wall_s": round(wall, 2),
        "desk_loads_during": len(desk),
        "desk_p50_s": round(statistics.median(desk), 3),
        "desk_p95_s": round(desk[int(0.95 * (len(desk) - 1))], 3),
        "desk_max_s": round(desk[-1], 3),
        "desk_after_p50_s": round(statistics.median(idle), 3),
        "upload_p95_s": round(uploads[int(0.95 * (len(uploads) - 1))], 3),
        "rollup_download_s": round(rollup_s, 2),
        "server_cpu_ms_per_upload": round(1000 * (cpu1 - cpu0) / len(uploads), 1) if cpu0 and cpu1 else None,
        "passed_on_desk": final.count('<td class="status">通过</td>'),
        "failures": failures[:10],
        "cores": os.cpu_count(),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--uploads", type=int, default=300)
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--workers", type=int, default=0, help="generate serve --workers")
    p.add_argument("--time-limit", type=float, default=300.0, help="stop sending after this many seconds")
    p.add_argument("--office", action="store_true", help="the collecting office's desk under 200 units' uploads")
    args = p.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if args.office:
        if "--uploads" not in sys.argv:
            args.uploads = 200
        result = asyncio.run(run_office(args))
        result["load_before"] = load
        for k, v in result.items():
            print(f"{k}: {v}")
        return 0 if not result["failures"] and result["uploads"] == args.uploads else 1
    result = asyncio.run(run(args))
    result["load_before"] = load
    for k, v in result.items():
        print(f"{k}: {v}")
    ok = result["lost"] == 0 and not result["failures"] and result["uploads"] == args.uploads
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
