"""The DOCX package around the document: true properties, provenance, and reproducible bytes.

python-docx starts from a template that says it was written by “python-docx” on 2013-12-23 with
“Microsoft Macintosh Word”, carries an unrelated thumbnail, and stamps every zip entry with the
current time. Here the properties tell the truth (title, the unit as author, 成文日期 as the date),
the provenance goes into docProps/custom.xml, and the zip is rewritten with fixed timestamps in a
fixed order, so the same workbook always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import BinaryIO
from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.opc.pkgwriter import _ContentTypesItem

from ..provenance import Provenance, tool_version

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the fmtid Office gives user-defined properties
_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CORE_PROPERTY_LIMIT = 255  # characters of a core property (title, author), as Word and python-docx allow


def fit_property(text: str, limit: int = CORE_PROPERTY_LIMIT) -> str:
    """A core property Word (and python-docx) holds to `limit` characters: a longer one keeps its
    start and its end (the year and “…年度报告”) around an ellipsis; the document text is whole."""
    if len(text) <= limit:
        return text
    tail = min(20, limit // 4)
    return text[: limit - tail - 1] + "…" + text[-tail:]


def set_properties(doc, title: str, unit_name: str, date: dt.date | None, provenance: Provenance | None = None) -> None:
    """Core, extended (app.xml) and custom properties that describe this report, not python-docx."""
    cp = doc.core_properties
    cp.title = fit_property(title)
    cp.author = cp.last_modified_by = fit_property(unit_name)
    cp.subject = provenance.format_document if provenance else ""
    cp.comments = (
        f"由 {provenance.program} 根据工作簿生成（工作簿 SHA-256：{provenance.workbook_sha256}）" if provenance else ""
    )
    cp.keywords = ""
    cp.category = ""
    cp.revision = 1
    cp.language = "zh-CN"
    core = cp._element
    if date is not None:
        when = dt.datetime(date.year, date.month, date.day)
        cp.created = cp.modified = when
    else:  # no 成文日期: no date at all rather than a made-up one
        for tag in ("created", "modified"):
            for node in core.findall(f"{{http://purl.org/dc/terms/}}{tag}"):
                core.remove(node)
    package = doc.part.package
    version = provenance.tool_version if provenance else tool_version()
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = (
                "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                f'<Properties xmlns="{_EXTENDED}" xmlns:vt="{_VT}">'
                f"<Application>nianbao {escape(version)}</Application><DocSecurity>0</DocSecurity>"
                "</Properties>"
            ).encode("utf-8")
    for rId, rel in list(package.rels.items()):  # a stock thumbnail of some other document
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rId]
            package.rels._target_parts_by_rId.pop(rId, None)
    if provenance is not None:
        props = "".join(
            f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
            f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
            for pid, (name, value) in enumerate(provenance.docx_properties(), start=2)
        )
        blob = (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<Properties xmlns="{_CUSTOM}" xmlns:vt="{_VT}">{props}</Properties>'
        ).encode("utf-8")
        existing = next((r.target_part for r in package.rels.values() if r.reltype == RT.CUSTOM_PROPERTIES), None)
        if existing is not None:  # a template document rendering its next report
            existing._blob = blob
        else:
            part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
            package.relate_to(part, RT.CUSTOM_PROPERTIES)


def save(doc, out: BinaryIO, date: dt.date | None = None, static: dict[str, bytes] | None = None) -> None:
    """Write the package with every zip entry stamped 成文日期 (or 1980-01-01), in python-docx's order.

    static, when given, caches the bytes of parts that are the same in every report rendered from
    one template document (styles, settings, footers…): filled on first use, reused after.
    """
    package = doc.part.package
    parts = list(package.iter_parts())
    stamp = (date.year, date.month, date.day, 0, 0, 0) if date and date.year >= 1980 else _EPOCH
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w") as zf:

        def put(name: str, blob: bytes) -> None:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0  # the same bytes on Windows and Linux
            entry.external_attr = 0
            zf.writestr(entry, blob, compresslevel=6)

        put("[Content_Types].xml", _ContentTypesItem.from_parts(parts).blob)
        put("_rels/.rels", package.rels.xml)
        for part in parts:
            name = part.partname.membername
            if static is None or name in _PER_REPORT or name.startswith("word/header"):
                blob = part.blob
            else:
                blob = static.get(name) or static.setdefault(name, part.blob)
            put(name, blob)
            if len(part.rels):
                put(part.partname.rels_uri.membername, part.rels.xml)
    out.write(result.getvalue())


# Parts that differ from report to report (headers too: a draft's notice counts its errors).
_PER_REPORT = frozenset({"word/document.xml", "docProps/core.xml", "docProps/custom.xml", "docProps/app.xml"})
