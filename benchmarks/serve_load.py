"""Load benchmark of `generate serve` (issue 15, item 5): many clerks upload in the same hour.

    python benchmarks/serve_load.py                  300 uploads, 20 at a time
    python benchmarks/serve_load.py --uploads 60 --concurrency 10

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


def workbooks(n: int, work: Path) -> list[tuple[bytes, str]]:
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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--uploads", type=int, default=300)
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--workers", type=int, default=0, help="generate serve --workers")
    p.add_argument("--time-limit", type=float, default=300.0, help="stop sending after this many seconds")
    args = p.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result = asyncio.run(run(args))
    result["load_before"] = load
    for k, v in result.items():
        print(f"{k}: {v}")
    ok = result["lost"] == 0 and not result["failures"] and result["uploads"] == args.uploads
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
