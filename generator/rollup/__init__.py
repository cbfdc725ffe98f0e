"""The collecting office's commands: rollup (check and sum every unit), batch (render every unit), init-roster."""

from __future__ import annotations

import argparse
from pathlib import Path

COMMANDS = ("rollup", "batch", "init-roster")


def add_arguments(o: argparse._ArgumentGroup, command: str) -> None:
    """The options of the office's commands (the parser and --year come from cli.py)."""
    o.add_argument("--units", type=Path, metavar="DIR", help="各单位工作簿所在文件夹（默认 inputs/<年度>/）")
    if command == "rollup":
        o.add_argument(
            "--roster", type=Path, metavar="XLSX", help="名单工作簿（默认 inputs/<年度>-名单.xlsx，存在时使用）"
        )
        o.add_argument(
            "--own", type=Path, metavar="XLSX", help="本级政府自己的工作簿（默认 inputs/<年度>.xlsx，存在时使用）"
        )
    if command in ("rollup", "batch"):
        o.add_argument(
            "--output-dir", type=Path, default=Path("outputs"), metavar="DIR", help="输出文件夹（默认 outputs）"
        )
        o.add_argument("--jobs", type=int, metavar="N", help="同时处理的进程数（默认为 CPU 核数）")
    if command == "init-roster":
        o.add_argument("--output", type=Path, metavar="XLSX", help="写到哪里（默认 inputs/<年度>-名单.xlsx）")
        o.add_argument("--force", action="store_true", help="覆盖已存在的名单")


def run(command: str, args: argparse.Namespace) -> int:
    if command == "rollup":
        from .command import cmd_rollup

        return cmd_rollup(args)
    if command == "batch":
        from .batch import cmd_batch

        return cmd_batch(args)
    from .command import cmd_init_roster

    return cmd_init_roster(args)
