"""The `generate` command: read workbook → validate → render DOCX and HTML.

    generate --year 2020                 validate, print findings, write outputs/2020/…
    generate --year 2020 --strict        write nothing when any 错误 is found
    generate check --year 2020           validate only
    generate init --year 2021            write the blank standardized workbook inputs/2021.xlsx
    generate import report.html          a published report (HTML, DOCX or PDF) → inputs/<year>.xlsx
    generate audit reports/              import each published report in memory, print every finding,
                                         write outputs/审核/审核表.xlsx and 审核.html
    generate audit --urls list.txt       the same for reports fetched from their web addresses
    generate verify X.docx --input W     is X exactly what workbook W produces? (0 yes, 1 no)

Exit codes: 0 done; 1 findings of severity 错误 (check, or --strict); 2 the input cannot be
read or the output cannot be written (nothing written); 3 an internal error.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

# UserError lives in diagnostics (so that `python -m generator.cli` and library callers raise the
# same class); importing it from here still works.
from .diagnostics import Diagnostic, InputError, Severity, UserError, sort_key
from .oserrors import describe
from .pipeline import Checked, check_workbook, has_errors, render, summary_line, write_pair_or_refuse

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
# The collecting office's commands live in generator/rollup.
OFFICE_COMMANDS = ("rollup", "batch", "init-roster")
# The code a refusal that is not about a cell (missing file, bad arguments) carries in JSON output.
USER_ERROR_CODE = "E000"


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's headings are English; the clerk reads Chinese."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001 — argparse's signature
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


# argparse's own messages are English; the ones a clerk can meet, in Chinese.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少参数 {0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数 {0}"),
    (re.compile(r"argument (\S+): invalid int value: '(.*)'"), "参数 {0} 应为整数，实际为“{1}”"),
    (re.compile(r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)"), "参数 {0} 不能是“{1}”，可选：{2}"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面需要一个值"),
    (re.compile(r"argument (\S+): (.+)", re.S), "参数 {0}：{1}"),  # our own type checks speak Chinese already
)


def _chinese(message: str) -> str:
    for pattern, text in _ARGPARSE_MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m:
            return text.format(*m.groups())
    return message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        raise UserError(
            f"命令参数有误：{_chinese(message)}\n"
            "用法示例：generate --year 2020；generate check --year 2020；generate init --year 2021"
        )


_EPILOG = """命令：
  generate --year 2020           校验并生成 outputs/2020/ 下的 Word 和网页文件
  generate check --year 2020     只校验，不生成文件
  generate init --year 2021      生成空白的标准工作簿 inputs/2021.xlsx
  generate import 报告.html       把已发布的报告（网页、Word 或 PDF）导入为标准工作簿 inputs/<年度>.xlsx
  generate audit 文件夹/          核查已发布的报告：逐份导入并按全部规则校验，列出问题，生成审核表（outputs/审核/）
  generate audit --urls 清单.txt  同上，报告从网址下载（清单每行一个网址）
  generate verify 文件.docx --input inputs/2020.xlsx
                                 核验 Word 或网页文件是否正是该工作簿生成的（一致 0，不一致 1）
  generate rollup --year 2022    校验 inputs/2022/ 中各单位的工作簿，汇总并生成审核表（outputs/2022/汇总/）
  generate batch --year 2022     为 inputs/2022/ 中每个单位生成 Word 和网页（outputs/2022/<单位名称>/）
  generate init-roster --year 2022  按 inputs/2022/ 中的工作簿生成名单 inputs/2022-名单.xlsx
  generate serve                 在浏览器中填报：上传工作簿、查看校验结果、下载 Word 和网页（http://127.0.0.1:8000/）
  generate serve --set-password  设置汇总单位登录 /office/ 的用户名和密码
  generate serve --export-year 2022 --to 文件夹
                                 把数据文件夹中 2022 年度各单位的当前工作簿和名单导出，可用 generate rollup 汇总

退出码：0 完成；1 有“错误”级问题（check 或 --strict）；2 输入无法读取或输出无法写入；3 程序内部错误。"""


def _parser(command: str) -> argparse.ArgumentParser:
    prog = "generate" if command == "generate" else f"generate {command}"
    p = _Parser(
        prog=prog,
        description="政府信息公开工作年度报告生成器",
        epilog=_EPILOG,
        formatter_class=_HelpFormatter,
        add_help=False,
    )
    o = p.add_argument_group("选项")
    o.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    if command == "audit":
        o.add_argument(
            "paths", type=Path, nargs="*", metavar="路径", help="已发布报告（.html/.docx/.pdf）或存放它们的文件夹"
        )
        o.add_argument(
            "--urls",
            type=Path,
            metavar="清单",
            help="网址清单（文本文件，每行一个网址，# 开头为注释）：逐个下载网页，网页本身没有表格时下载它链接的 PDF/Word 附件，一并核查",
        )
        o.add_argument("--jobs", type=int, metavar="N", help="同时处理的进程数（默认使用全部 CPU 核）")
        o.add_argument(
            "--output-dir",
            type=Path,
            default=Path("outputs"),
            metavar="DIR",
            help="审核表和审核页面写到 DIR/审核/（默认 outputs/审核/）",
        )
        o.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="问题输出格式：text（默认）或 json（每份报告一个对象）",
        )
        return p
    if command == "import":
        o.add_argument(
            "file",
            type=Path,
            metavar="文件",
            help="已发布的报告：网页（.html）、Word 文件（.docx）或有文字层的 PDF（.pdf）",
        )
        o.add_argument("--year", type=_year, metavar="YYYY", help="报告年度（默认取报告标题中的年度）")
        o.add_argument("--output", type=Path, metavar="XLSX", help="写到哪里（默认 inputs/<年度>.xlsx）")
        o.add_argument("--force", action="store_true", help="覆盖已存在的工作簿")
        return p
    if command == "serve":
        _serve_arguments(o)
        return p
    if command == "verify":
        o.add_argument("document", type=Path, metavar="文件", help="要核验的 Word（.docx）或网页（.html）文件")
    o.add_argument(
        "--year",
        type=_year,
        required=command != "verify",
        metavar="YYYY",
        help="报告年度，如 2020" + ("（默认取文件中记录的年度）" if command == "verify" else ""),
    )
    if command in ("generate", "check", "verify"):
        o.add_argument("--input", type=Path, metavar="XLSX", help="工作簿路径（默认 inputs/<年度>.xlsx）")
        o.add_argument(
            "--previous",
            type=Path,
            metavar="XLSX",
            help="上一年度工作簿（默认为本年工作簿所在文件夹中的 <年度-1>.xlsx，如 inputs/2019.xlsx；存在时自动使用）",
        )
    if command in ("generate", "check"):
        o.add_argument(
            "--format", choices=("text", "json"), default="text", help="校验结果的输出格式：text 文字，json 供程序读取"
        )
    if command == "generate":
        o.add_argument(
            "--output-dir", type=Path, default=Path("outputs"), metavar="DIR", help="输出文件夹（默认 outputs）"
        )
        o.add_argument("--strict", action="store_true", help="有“错误”级问题时不生成文件，退出码 1")
    if command in OFFICE_COMMANDS:
        from .rollup import add_arguments

        add_arguments(o, command)
    if command == "init":
        o.add_argument(
            "--from",
            dest="source",
            type=Path,
            metavar="XLSX",
            help="上一年度工作簿（或已发布的上一年度报告 .html/.docx/.pdf），用于结转单位信息和上年数据",
        )
        o.add_argument("--force", action="store_true", help="覆盖已存在的工作簿")
        o.add_argument("--output", type=Path, metavar="XLSX", help="写到哪里（默认 inputs/<年度>.xlsx）")
    return p


def _serve_arguments(o: argparse._ArgumentGroup) -> None:
    o.add_argument(
        "--data", type=Path, default=Path("data"), metavar="DIR", help="数据文件夹：上传的工作簿和数据库（默认 data）"
    )
    o.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="地址",
        help="监听地址（默认 127.0.0.1，只有本机能打开）；改为其他地址前请阅读 docs/serve.md 中的风险说明",
    )
    o.add_argument("--port", type=int, default=8000, metavar="端口", help="端口（默认 8000）")
    o.add_argument(
        "--database",
        metavar="URL",
        help="数据库地址（默认数据文件夹中的 SQLite）；如 postgresql+psycopg://用户@主机/库名",
    )
    o.add_argument("--max-upload-mb", type=int, default=20, metavar="MB", help="上传文件大小上限（默认 20 MB）")
    o.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="用 N 个进程校验上传的工作簿（默认 0：在服务进程内校验；多核且空闲的计算机上可设为核数）",
    )
    o.add_argument(
        "--set-password", action="store_true", help="设置汇总单位的登录密码（在控制台输入），然后退出；不启动服务"
    )
    o.add_argument("--user", default="汇总单位", metavar="用户名", help="--set-password 设置哪个用户（默认“汇总单位”）")
    o.add_argument(
        "--export-year", type=_year, metavar="YYYY", help="导出该年度各单位的当前工作簿和名单到 --to 文件夹，然后退出"
    )
    o.add_argument("--to", type=Path, metavar="DIR", help="--export-year 导出到的文件夹")


def _year(text: str) -> int:
    """--year: a four-digit year, at most next year (a report is written once its year is over)."""
    value = text.strip()
    latest = dt.date.today().year + 1
    if not re.fullmatch(r"\d{4}", value):
        raise argparse.ArgumentTypeError(f"报告年度应写四位数字，如 2020，实际为“{text}”")
    if int(value) > latest:
        raise argparse.ArgumentTypeError(f"报告年度 {value} 还没有到（最晚可以是 {latest} 年度），请检查是否输错")
    return int(value)


def _print_findings(findings: list[Diagnostic], fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump([d.to_dict() for d in findings], out, ensure_ascii=False, indent=2)
        out.write("\n")
        if out is sys.stdout:
            _ANSWERED["json"] = True
        return
    for d in findings:
        print(d.format(), file=out)
    print(summary_line(findings), file=out)


def _validated(args: argparse.Namespace) -> Checked:
    """Read this year's workbook (and last year's, if any) and validate it."""
    return check_workbook(
        args.input or Path(f"inputs/{args.year}.xlsx"),
        args.year,
        previous=args.previous,
        without_previous=getattr(args, "without_previous", False),
    )


def _checked(args: argparse.Namespace) -> Checked:
    """_validated, with the findings printed."""
    checked = _validated(args)
    _print_findings(checked.findings, args.format)
    return checked


def cmd_check(args: argparse.Namespace) -> int:
    return EXIT_FINDINGS if has_errors(_checked(args).findings) else EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    checked = _checked(args)
    if args.strict and has_errors(checked.findings):
        print("存在“错误”级问题，按 --strict 要求未生成任何文件。请改正后重试。", file=sys.stderr)
        return EXIT_FINDINGS
    written = write_pair_or_refuse(
        args.output_dir / str(args.year), args.year, render(checked.report, checked.provenance)
    )
    for p in written:
        print(f"已生成：{p}", file=sys.stderr)
    if checked.provenance.errors:
        print("以上文件标为草稿（Word 页眉和水印、网页顶部横幅）：改正全部“错误”后重新生成。", file=sys.stderr)
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from .init_workbook import init_workbook

    target = args.output or Path(f"inputs/{args.year}.xlsx")
    messages = init_workbook(args.year, target, source=args.source, force=args.force)
    for m in messages:
        print(m, file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import import_report
    from .importer.workbook import too_long, write_imported

    report, findings = import_report(args.file, args.year)
    findings += too_long(report, str(args.file))
    target = args.output or Path(f"inputs/{report.year}.xlsx")
    if target.exists() and not args.force:
        raise UserError(
            f"{target} 已经存在，为防止覆盖已填写的内容，没有写入。确需覆盖请加 --force，或用 --output 写到别处。"
        )
    try:
        write_imported(target, report)
    except OSError as exc:
        raise UserError(
            f"无法写入工作簿 {target}：{describe(exc)}。没有写出任何文件。也可用 --output 换一个位置。"
        ) from None
    for d in sorted(findings, key=sort_key):
        print(d.format())
    command = f"generate check --year {report.year}"
    if target != Path(f"inputs/{report.year}.xlsx"):
        command += f" --input {target}"
    print(
        f"已导入：{args.file} → {target}（{report.year} 年度，{report.spec.document} 格式）。"
        f"请对照原报告核对上面列出的问题，补填单位信息，然后运行 {command}。",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Exit 0 when every report passed, 1 when any has 错误 or cannot be read, 2 when none was found."""
    from .importer.audit import (
        audit_paths,
        collect,
        output_folder,
        print_audit,
        print_audit_json,
        print_skipped,
        review_of,
        write_review,
    )
    from .importer.report import SUFFIXES

    if not args.paths and args.urls is None:
        raise UserError("请给出要核查的报告文件或文件夹，或用 --urls 给出网址清单。")
    # Every file and folder found is read, or listed with the reason it was not (nianbao's own
    # review pages, other file types, folders that cannot be opened, broken links).
    found = collect(args.paths)
    if not found.files and not found.missing and args.urls is None:
        print_skipped(found.skipped, sys.stderr)
        raise UserError(
            f"没有找到要核查的报告（{'、'.join(SUFFIXES)}）："
            + "、".join(str(p) for p in args.paths)
            + (f"（跳过了 {len(found.skipped)} 个文件或文件夹，原因见上）" if found.skipped else "")
        )
    folder = output_folder(args.output_dir, args.paths)
    if args.urls is not None:
        from .importer.fetch import audit_urls

        audit = audit_urls(args.urls, [*found.files, *found.missing], args.jobs)
    else:
        # A path that is not there is a report that cannot be read (I001), listed with the rest.
        audit = audit_paths([*found.files, *found.missing], args.jobs)
    audit.skipped = found.skipped
    if args.format == "json":
        print_audit_json(audit)
        print_skipped(found.skipped, sys.stderr)
    else:
        print_audit(audit)
    try:
        written = write_review(folder, review_of(audit, [*args.paths, *([args.urls] if args.urls else [])]))
    except OSError as exc:
        raise UserError(
            f"无法写入输出文件夹 {folder}：{describe(exc)}。没有写出任何新文件；也可用 --output-dir 换一个文件夹。"
        ) from None
    for p in written:
        print(f"已生成：{p}", file=sys.stderr)
    return EXIT_FINDINGS if audit.failed else EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    """Regenerate the document from the workbook and say whether the file is exactly that."""
    from zipfile import BadZipFile

    from .provenance import read_recorded
    from .verify import compare, conditions

    doc: Path = args.document
    if doc.suffix.lower() not in (".docx", ".html"):
        raise UserError(f"只能核验本程序生成的 Word（.docx）或网页（.html）文件：{doc}")
    if not doc.is_file():
        raise UserError(f"找不到要核验的文件：{doc}")
    try:
        actual = doc.read_bytes()
        _, recorded = read_recorded(doc)
    except (OSError, ValueError, BadZipFile, KeyError) as exc:
        reason = describe(exc) if isinstance(exc, OSError) else "文件已损坏或不是完整的 Word 文件/网页"
        raise UserError(f"无法读取要核验的文件 {doc}：{reason}。") from None
    if args.year is None:
        year = recorded.get("nianbao-year", "")
        if not year.isdigit():
            raise UserError(f"{doc} 中没有记录报告年度（可能不是本程序生成的）。请用 --year 指定年度。")
        args.year = int(year)
    # What the document records it was checked against (last year's workbook, the units folder)
    # is used again; what has changed since is named by compare.
    workbook = args.input or Path(f"inputs/{args.year}.xlsx")
    used = conditions(workbook, args.year, recorded, args.previous)
    checked = check_workbook(workbook, args.year, used.previous, used.without_previous, used.parent_check)
    now = checked.provenance
    if now.previous_sha256 and now.previous_sha256 == recorded.get("nianbao-previous-sha256"):
        # The same workbook found elsewhere (--previous): recorded where it was when generated.
        now = dataclasses.replace(now, previous_path=recorded.get("nianbao-previous-path", ""))
    rendered = render(checked.report, now)
    expected = rendered.docx if doc.suffix.lower() == ".docx" else rendered.html
    same, lines = compare(doc, workbook, actual, expected, recorded, now)
    print("\n".join(lines))
    return EXIT_OK if same else EXIT_FINDINGS


def cmd_serve(args: argparse.Namespace) -> int:
    """The report desk in a browser (generator/web), until Ctrl-C."""
    from .web.server import serve

    if not 0 <= args.port < 65536:
        raise UserError(f"端口应在 0 到 65535 之间，实际为 {args.port}。")
    if args.max_upload_mb < 1:
        raise UserError(f"上传大小上限至少为 1 MB，实际为 {args.max_upload_mb}。")
    if args.workers < 0:
        raise UserError(f"--workers 不能是负数，实际为 {args.workers}。")
    if args.set_password or args.export_year:
        from .web.console import export_year, set_password

        if args.set_password:
            return set_password(args.data, args.database, args.user)
        return export_year(args.data, args.database, args.export_year, args.to)
    serve(args.data, args.host, args.port, args.database, args.max_upload_mb, args.workers)
    return EXIT_OK


COMMANDS = {
    "generate": cmd_generate,
    "serve": cmd_serve,
    "check": cmd_check,
    "init": cmd_init,
    "verify": cmd_verify,
    "import": cmd_import,
    "audit": cmd_audit,
}


def run(argv: list[str]) -> int:
    command = (
        argv[0]
        if argv and argv[0] in ("check", "init", "verify", "import", "audit", "serve", *OFFICE_COMMANDS)
        else "generate"
    )
    rest = argv[1:] if command != "generate" else argv
    args = _parser(command).parse_args(rest)
    if command in OFFICE_COMMANDS:
        from .rollup import run as run_office

        return run_office(command, args)
    return COMMANDS[command](args)


def _wants_json(argv: list[str]) -> bool:
    """--format json, judged from the words alone: a refusal may come before argparse has finished."""
    if argv and argv[0] in ("init", "verify", "import", "serve"):
        return False
    return "--format=json" in argv or any(a == "--format" and b == "json" for a, b in zip(argv, argv[1:]))


def _print_refusal_json(exc: UserError | InputError) -> None:
    """A refused run still answers a program on stdout: the same array shape as the findings."""
    if isinstance(exc, InputError):
        findings = exc.diagnostics
    else:
        findings = [Diagnostic(USER_ERROR_CODE, Severity.ERROR, str(exc))]
    _print_findings(findings, "json")


# Whether this run has already answered a program on stdout: a refusal after the findings were
# printed (an unwritable output folder, a broken template) must not add a second JSON document.
_ANSWERED = {"json": False}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _ANSWERED["json"] = False
    try:
        try:
            code = run(argv)
        except (UserError, InputError) as exc:
            if _wants_json(argv) and not _ANSWERED["json"]:
                _print_refusal_json(exc)
            raise
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        code = EXIT_INPUT
    except InputError as exc:
        if argv and argv[0] == "import":
            print("错误：报告无法导入，没有写出任何文件：", file=sys.stderr)
        else:
            print("错误：工作簿无法读取，未生成任何文件。请按下列提示修改后重试：", file=sys.stderr)
        for d in exc.diagnostics:
            print(f"  {d.format()}", file=sys.stderr)
        code = EXIT_INPUT
    except BrokenPipeError:  # `generate check | head`: the reader went away; stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        code = 130
    except OSError as exc:  # the machine's refusal (a file that cannot be read or written), not a bug
        where = f" {exc.filename}" if exc.filename else ""
        print(f"错误：无法读取或写入文件{where}：{describe(exc)}。没有写出不完整的文件。", file=sys.stderr)
        code = EXIT_INPUT
    except SystemExit as exc:  # --help
        code = exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:  # noqa: BLE001 — the clerk must never see a traceback
        print(
            f"程序内部错误（{type(exc).__name__}: {exc}）。输入工作簿未被修改，也没有写出不完整的文件。"
            "请把这条信息和工作簿发给维护人员。",
            file=sys.stderr,
        )
        code = EXIT_INTERNAL
    return code


if __name__ == "__main__":
    sys.exit(main())
