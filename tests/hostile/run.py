"""Run the `generate` CLI in a child process under hard limits, measuring time and peak memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT_S = 10.0
MEMORY_LIMIT_MB = 500
# Hard ceilings so that a runaway case fails its test instead of taking the machine down.
_CPU_CEILING_S = 30
_AS_CEILING = 3 * 1024**3
_WALL_CEILING_S = 40.0


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (_CPU_CEILING_S, _CPU_CEILING_S))
    resource.setrlimit(resource.RLIMIT_AS, (_AS_CEILING, _AS_CEILING))


def run_cli(args: list[str], cwd: Path | None = None) -> Run:
    """`python -m generator.cli ARGS`; peak RSS from this child's own rusage (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", *args],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=cwd or ROOT,
            env=env,
            preexec_fn=_limits,
        )
        killer = threading.Timer(_WALL_CEILING_S, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Run(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
            usage.ru_maxrss / 1024,  # Linux reports KiB
        )
