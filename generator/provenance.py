"""Where a document came from: recorded in the DOCX (custom properties) and the page (<meta>).

The same workbook always gives the same bytes, so `generate verify` can regenerate a document and
compare; what is recorded here says, when they differ, whether the workbook or the content did.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from .diagnostics import Diagnostic, Severity


def tool_version() -> str:
    try:
        from importlib.metadata import version

        return version("nianbao")
    except Exception:  # noqa: BLE001 — run from a bare checkout
        return "0+unknown"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def templates_sha256() -> str:
    """One hash over the templates in use (wording, page, Word look): a unit's own copy shows."""
    from .templating import templates_dir

    h = hashlib.sha256()
    try:
        for path in sorted(p for p in templates_dir().iterdir() if p.suffix in (".j2", ".css", ".toml")):
            # Line ends as Jinja reads them: a Windows checkout (CRLF) renders the same documents.
            h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    except OSError:
        return ""  # the renderers will say what is wrong with the templates
    return h.hexdigest()


@dataclass(frozen=True)
class Provenance:
    """What a generated document records about its making; passed to both renderers."""

    workbook_sha256: str
    format_id: str  # the format version, e.g. "2021"
    format_document: str  # 国办公开办函〔2021〕30号
    year: int
    errors: int
    warnings: int
    tool_version: str
    previous_sha256: str = ""  # last year's workbook, when cross-year checks used one
    templates_sha256: str = ""
    title: str = ""  # the report's title, which its file name is made from
    # What the checks used besides the workbook, so that `verify` can use the same and name a change:
    previous_path: str = ""  # last year's workbook, relative to this year's folder ("2021.xlsx", "../2021/甲.xlsx")
    units_sha256: str = ""  # U1: the units folder (and roster) beside the workbook, one hash over names and contents
    units_count: str = ""  # how many files that folder held

    @classmethod
    def of(
        cls,
        workbook: Path,
        spec,
        year: int,
        findings: list[Diagnostic],
        previous: Path | None = None,
        units: tuple[str, int] | None = None,
    ) -> Provenance:
        """units: (digest, file count) of the units folder the U1 check read (units_digest), if any."""
        return cls(
            workbook_sha256=sha256_of(workbook),
            format_id=str(spec.id),
            format_document=spec.document,
            year=year,
            errors=sum(d.severity is Severity.ERROR for d in findings),
            warnings=sum(d.severity is Severity.WARNING for d in findings),
            tool_version=tool_version(),
            previous_sha256=sha256_of(previous) if previous else "",
            templates_sha256=templates_sha256(),
            previous_path=relative_to(previous, workbook.parent) if previous else "",
            units_sha256=units[0] if units else "",
            units_count=str(units[1]) if units else "",
        )

    @property
    def format_label(self) -> str:
        return f"{self.format_id}（{self.format_document}）"

    @property
    def program(self) -> str:
        return f"nianbao {self.tool_version}"

    def fields(self) -> list[tuple[str, str, str]]:
        """(DOCX custom property name, <meta> name, value), in a fixed order; empty ones left out."""
        rows = [(docx, meta, str(getattr(self, attr))) for docx, meta, attr in FIELDS]
        return [r for r in rows if r[2]]

    @property
    def title_sha256(self) -> str:
        return title_sha256(self.title) if self.title else ""

    def docx_properties(self) -> list[tuple[str, str]]:
        return [(name, value) for name, _, value in self.fields() if name]

    def html_meta(self) -> list[tuple[str, str]]:
        return [(name, value) for _, name, value in self.fields() if name]


def relative_to(path: Path, folder: Path) -> str:
    """path as seen from folder, with “/” on every system (no absolute path: documents stay the same
    wherever the folders are); on another Windows drive, the file name alone."""
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:
        return path.name


def units_digest(folder: Path, files: list[Path]) -> tuple[str, int]:
    """(one SHA-256 over each file's path in folder and its SHA-256, how many files): a unit
    workbook added, removed, renamed or saved again changes it."""
    h = hashlib.sha256()
    for path in sorted(files, key=lambda p: relative_to(p, folder)):
        try:
            with path.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            digest = "unreadable"
        h.update(f"{relative_to(path, folder)}\0{digest}\n".encode())
    return h.hexdigest(), len(files)


def title_sha256(title: str) -> str:
    return hashlib.sha256(title.encode("utf-8")).hexdigest()


# (DOCX custom property name — a reviewer sees it in Word's 属性 dialog, <meta> name, attribute)
FIELDS = (
    ("报告标题", "", "title"),  # the page has it in <title>; no workbook text goes into an attribute
    ("", "nianbao-title-sha256", "title_sha256"),
    ("工作簿SHA-256", "nianbao-workbook-sha256", "workbook_sha256"),
    ("上年工作簿SHA-256", "nianbao-previous-sha256", "previous_sha256"),
    ("报告年度", "nianbao-year", "year"),
    ("报告格式", "nianbao-format", "format_label"),
    ("生成程序", "nianbao-version", "program"),
    ("错误条数", "nianbao-errors", "errors"),
    ("警告条数", "nianbao-warnings", "warnings"),
    ("模板SHA-256", "nianbao-templates-sha256", "templates_sha256"),
    ("上年工作簿", "nianbao-previous-path", "previous_path"),
    ("各单位工作簿SHA-256", "nianbao-units-sha256", "units_sha256"),
    ("各单位工作簿数", "nianbao-units-count", "units_count"),
)


_PART_LIMIT = 1 << 20
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def read_recorded(path: Path) -> tuple[str, dict[str, str]]:
    """(report title, provenance by <meta> name) as recorded in a DOCX or HTML file; raises OSError,
    zipfile.BadZipFile or ValueError when the file cannot be read as one."""
    try:
        return _read_recorded(path)
    except ET.ParseError as exc:
        raise ValueError(str(exc)) from None


def _read_recorded(path: Path) -> tuple[str, dict[str, str]]:
    if path.suffix.lower() == ".docx":
        with zipfile.ZipFile(path) as z:
            # Only small property parts are read: a hostile file cannot expand into memory.
            names = {i.filename for i in z.infolist() if i.file_size <= _PART_LIMIT}
            title = ""
            if "docProps/core.xml" in names:
                node = ET.fromstring(z.read("docProps/core.xml")).find(_DC_TITLE)
                title = (node.text or "") if node is not None else ""
            custom: dict[str, str] = {}
            if "docProps/custom.xml" in names:
                for prop in ET.fromstring(z.read("docProps/custom.xml")).iter(f"{_CUSTOM_NS}property"):
                    custom[prop.get("name", "")] = "".join(prop.itertext())
        title = custom.get("报告标题") or title
        recorded = {meta: custom[docx] for docx, meta, _ in FIELDS if docx and meta and docx in custom}
        if "报告标题" in custom:
            recorded["nianbao-title-sha256"] = title_sha256(title)
        return title, recorded
    text = path.read_bytes().decode("utf-8")
    m = re.search(r"<title>(.*?)</title>", text, re.S)
    title = html.unescape(m.group(1)) if m else ""
    meta = {
        html.unescape(a): html.unescape(b)
        for a, b in re.findall(r'<meta name="(nianbao-[a-z0-9-]+)" content="([^"]*)">', text)
    }
    return title, meta
