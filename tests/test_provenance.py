"""A signed document can be traced to its workbook: true properties, recorded provenance,
reproducible bytes, `generate verify`; file names that keep the year and never collide silently."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from conftest import ROOT

from generator.cli import main
from generator.output import MAX_NAME_BYTES, MAX_NAME_CHARS, safe_filename

SEED = ROOT / "inputs" / "2020.xlsx"
STEM = "漳平市人民政府2020年政府信息公开工作年度报告"
NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
}


def _generate(src: Path, out: Path, *extra: str) -> int:
    return main(["--year", "2020", "--input", str(src), "--output-dir", str(out), "--format", "json", *extra])


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("prov")
    shutil.copy(SEED, base / "2020.xlsx")
    assert _generate(base / "2020.xlsx", base / "outputs") == 0
    return base


def test_the_same_workbook_gives_byte_identical_documents_at_any_time(generated, tmp_path, monkeypatch) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 400 * 86400)  # a run more than a year later
    assert _generate(generated / "2020.xlsx", tmp_path / "later") == 0
    for ext in ("docx", "html"):
        first = (generated / "outputs" / "2020" / f"{STEM}.{ext}").read_bytes()
        assert (tmp_path / "later" / "2020" / f"{STEM}.{ext}").read_bytes() == first, ext


def _findings_counts(src: Path, capsys) -> tuple[int, int]:
    capsys.readouterr()
    main(["check", "--year", "2020", "--input", str(src), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    return sum(f["severity"] == "错误" for f in findings), sum(f["severity"] == "警告" for f in findings)


def test_docx_properties_tell_who_when_and_from_which_workbook(generated, capsys) -> None:
    src = generated / "2020.xlsx"
    z = zipfile.ZipFile(generated / "outputs" / "2020" / f"{STEM}.docx")
    core = ET.fromstring(z.read("docProps/core.xml"))
    assert core.findtext("dc:title", namespaces=NS) == STEM
    assert core.findtext("dc:creator", namespaces=NS) == "漳平市人民政府"
    assert core.findtext("cp:lastModifiedBy", namespaces=NS) == "漳平市人民政府"
    signed = openpyxl.load_workbook(src)["单位信息"]
    date = next(r[1].value for r in signed.iter_rows() if r[0].value and "成文日期" in str(r[0].value))
    assert core.findtext("dcterms:created", namespaces=NS).startswith(date.strftime("%Y-%m-%d"))
    assert core.findtext("dcterms:modified", namespaces=NS) == core.findtext("dcterms:created", namespaces=NS)
    app = ET.fromstring(z.read("docProps/app.xml"))
    assert app.findtext("ep:Application", namespaces=NS).startswith("nianbao ")
    for name in z.namelist():
        if name.startswith("docProps/"):
            text = z.read(name)
            assert b"python-docx" not in text and b"Macintosh" not in text and b"2013-12-23" not in text, name
    assert "docProps/thumbnail.jpeg" not in z.namelist(), "no picture of some other document"
    custom = {
        p.get("name"): "".join(p.itertext())
        for p in ET.fromstring(z.read("docProps/custom.xml")).iterfind("op:property", NS)
    }
    errors, warnings = _findings_counts(src, capsys)
    assert errors > 0 and warnings > 0  # the seed has real mistakes: the counts are not trivially 0
    assert custom["工作簿SHA-256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert custom["报告年度"] == "2020"
    assert custom["报告格式"].startswith("2019（国办公开办函〔2019〕60号")
    assert re.fullmatch(r"nianbao \S+", custom["生成程序"])
    assert (custom["错误条数"], custom["警告条数"]) == (str(errors), str(warnings))
    for info in z.infolist():
        assert info.date_time == (date.year, date.month, date.day, 0, 0, 0)


def test_page_records_the_same_provenance_in_meta(generated, capsys) -> None:
    src = generated / "2020.xlsx"
    page = (generated / "outputs" / "2020" / f"{STEM}.html").read_text("utf-8")
    meta = dict(re.findall(r'<meta name="(nianbao-[a-z0-9-]+)" content="([^"]*)">', page))
    errors, warnings = _findings_counts(src, capsys)
    assert meta["nianbao-workbook-sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert meta["nianbao-year"] == "2020" and "60号" in meta["nianbao-format"]
    assert (meta["nianbao-errors"], meta["nianbao-warnings"]) == (str(errors), str(warnings))
    assert meta["nianbao-version"].startswith("nianbao ")


def _verify(doc: Path, src: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", str(doc), "--input", str(src)])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("ext", ["docx", "html"])
def test_verify_confirms_a_fresh_document(generated, ext, capsys) -> None:
    code, text = _verify(generated / "outputs" / "2020" / f"{STEM}.{ext}", generated / "2020.xlsx", capsys)
    assert code == 0, text
    assert text.startswith("一致") and hashlib.sha256((generated / "2020.xlsx").read_bytes()).hexdigest() in text


@pytest.mark.parametrize("ext", ["docx", "html"])
def test_verify_notices_a_workbook_changed_by_one_byte(generated, tmp_path, ext, capsys) -> None:
    src = tmp_path / "2020.xlsx"
    data = bytearray((generated / "2020.xlsx").read_bytes())
    data[-1] ^= 0x01  # the zip comment area: the workbook still reads the same, only its bytes differ
    src.write_bytes(bytes(data))
    code, text = _verify(generated / "outputs" / "2020" / f"{STEM}.{ext}", src, capsys)
    assert code == 1, text
    assert text.startswith("不一致") and "工作簿不同" in text


def test_verify_notices_a_page_changed_by_one_character(generated, tmp_path, capsys) -> None:
    page = (generated / "outputs" / "2020" / f"{STEM}.html").read_text("utf-8")
    doc = tmp_path / "page.html"
    doc.write_text(page.replace("申请", "申諳", 1), "utf-8")
    code, text = _verify(doc, generated / "2020.xlsx", capsys)
    assert code == 1 and "内容不同" in text and "行起不同" in text, text


def test_verify_notices_a_docx_whose_text_was_edited(generated, tmp_path, capsys) -> None:
    original = zipfile.ZipFile(generated / "outputs" / "2020" / f"{STEM}.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace("申请".encode(), "申諳".encode(), 1)
            z.writestr(info, data)
    doc = tmp_path / "edited.docx"
    doc.write_bytes(buf.getvalue())
    code, text = _verify(doc, generated / "2020.xlsx", capsys)
    assert code == 1 and "内容不同" in text and "正文" in text, text


def test_verify_notices_a_docx_with_one_byte_flipped(generated, tmp_path, capsys) -> None:
    data = bytearray((generated / "outputs" / "2020" / f"{STEM}.docx").read_bytes())
    data[len(data) // 3] ^= 0x01
    doc = tmp_path / "flipped.docx"
    doc.write_bytes(bytes(data))
    code, text = _verify(doc, generated / "2020.xlsx", capsys)
    assert code in (1, 2) and "一致：" not in text.replace("不一致：", ""), text
    assert "Traceback" not in text


def test_verify_with_unreadable_input_exits_2_in_chinese(generated, tmp_path, capsys) -> None:
    doc = generated / "outputs" / "2020" / f"{STEM}.docx"
    code, text = _verify(doc, tmp_path / "missing.xlsx", capsys)
    assert code == 2 and "找不到输入工作簿" in text
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    code, text = _verify(junk, generated / "2020.xlsx", capsys)
    assert code == 2 and "无法读取要核验的文件" in text, text


# --- file names ---------------------------------------------------------------------------------


def _unit(src: Path, name: str) -> Path:
    wb = openpyxl.load_workbook(SEED)
    wb["单位信息"]["B2"] = name
    wb.save(src)
    return src


LONG = (
    "福建省龙岩市漳平市某某镇人民政府办公室政务公开与信息化建设领导小组办公室下属政府信息公开工作专班及其联络服务中心"
)


def test_a_long_unit_name_keeps_the_year_and_report_words_and_two_such_units_do_not_collide(tmp_path) -> None:
    out = tmp_path / "outputs"
    assert _generate(_unit(tmp_path / "a.xlsx", LONG + "甲"), out) == 0
    assert _generate(_unit(tmp_path / "b.xlsx", LONG + "乙"), out) == 0
    docs = sorted((out / "2020").glob("*.docx"))
    assert len(docs) == 2, "two units, two reports"
    for doc in docs:
        assert doc.stem.endswith("2020年政府信息公开工作年度报告")
        assert doc.stem.startswith(LONG[:10]) and "…" in doc.stem
        assert len(doc.stem) <= MAX_NAME_CHARS and len(doc.stem.encode()) <= MAX_NAME_BYTES


def test_safe_filename_shortens_only_the_unit_part() -> None:
    title = LONG * 2 + "2021年度政府信息公开工作年度报告"
    name = safe_filename(title, year=2021)
    assert name.endswith("2021年度政府信息公开工作年度报告") and name.startswith(LONG[:20])
    assert safe_filename(title, year=2021) == name, "the same title, the same name"
    assert safe_filename(title.replace("专班", "专组"), year=2021) != name
    assert safe_filename("某局2021年政府信息公开工作年度报告", year=2021) == "某局2021年政府信息公开工作年度报告"


def test_another_unit_mapping_to_the_same_file_name_is_refused(tmp_path, capsys) -> None:
    out = tmp_path / "outputs"
    assert _generate(_unit(tmp_path / "a.xlsx", "某市政府/办公室"), out) == 0
    before = {p.name: p.read_bytes() for p in (out / "2020").iterdir()}
    capsys.readouterr()
    assert _generate(_unit(tmp_path / "b.xlsx", "某市政府／办公室"), out) == 2
    err = capsys.readouterr().err
    assert "已经存在" in err and "某市政府/办公室" in err and "没有写入任何文件" in err
    assert {p.name: p.read_bytes() for p in (out / "2020").iterdir()} == before
    for docx in (out / "2020").glob("*.docx"):
        docx.unlink()  # the page alone also says whose it is
    assert _generate(tmp_path / "b.xlsx", out) == 2
    assert _generate(tmp_path / "a.xlsx", out) == 0, "the same unit again is no collision"


def test_verify_names_a_different_template_as_the_reason(generated, tmp_path, monkeypatch, capsys) -> None:
    from generator.templating import templates_dir

    own = tmp_path / "templates"
    shutil.copytree(templates_dir(), own)
    (own / "report.css").write_text((own / "report.css").read_text("utf-8") + "\nh1 { color: #333; }\n", "utf-8")
    monkeypatch.setenv("NIANBAO_TEMPLATES", str(own))
    assert _generate(generated / "2020.xlsx", tmp_path / "out") == 0
    monkeypatch.delenv("NIANBAO_TEMPLATES")
    code, text = _verify(tmp_path / "out" / "2020" / f"{STEM}.html", generated / "2020.xlsx", capsys)
    assert code == 1 and "模板不同" in text, text


def test_verify_is_not_fooled_by_last_years_workbook_appearing_later(generated, tmp_path, capsys) -> None:
    """Made without last year's workbook; one appears beside the workbook afterwards (an imported
    report, say). The document is still what the workbook made: no claim that it was tampered with."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(generated / "2020.xlsx", folder / "2020.xlsx")
    shutil.copy(ROOT / "inputs" / "2020.xlsx", folder / "2019.xlsx")  # not last year's: its own year says 2020
    document = generated / "outputs" / "2020" / f"{STEM}.docx"
    code, text = _verify(document, folder / "2020.xlsx", capsys)
    assert code == 0, text
    # Told to use that workbook, verify says why the result differs instead of blaming the file.
    capsys.readouterr()
    code = main(
        ["verify", str(document), "--input", str(folder / "2020.xlsx"), "--previous", str(folder / "2019.xlsx")]
    )
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1 and "上一年度工作簿不同" in text and "被修改过" not in text.replace("无法判断文件是否被修改过", "")


# -- issue 14, item 21: the whole DOCX is compared, and a repacked one is called so ------------------


@pytest.mark.parametrize(("before", "after"), [(b"", b"\0" * 7000), (b"MZ" * 500, b""), (b"x" * 10, b"y" * 10)])
def test_verify_notices_bytes_added_to_a_docx(generated, tmp_path, before, after, capsys) -> None:
    doc = tmp_path / "padded.docx"
    doc.write_bytes(before + (generated / "outputs" / "2020" / f"{STEM}.docx").read_bytes() + after)
    code, text = _verify(doc, generated / "2020.xlsx", capsys)
    assert code == 1 and text.startswith("不一致"), text
    assert "不属于 Word 文件的数据" in text and "被修改过" in text
    assert (f"前面多出 {len(before)} 字节" in text) == bool(before)


def _repack(source: Path, target: Path, order=lambda infos: infos, **entry) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for info in order(original.infolist()):
            z.writestr(zipfile.ZipInfo(info.filename, **entry) if entry else info, original.read(info.filename))


@pytest.mark.parametrize(
    ("how", "order", "entry"),
    [
        ("顺序不同", lambda infos: list(reversed(infos)), {}),
        ("打包信息不同", lambda infos: infos, {"date_time": (2024, 5, 1, 12, 0, 0)}),
    ],
)
def test_verify_calls_the_same_parts_repacked_not_changed(generated, tmp_path, how, order, entry, capsys) -> None:
    doc = tmp_path / "repacked.docx"
    _repack(generated / "outputs" / "2020" / f"{STEM}.docx", doc, order, **entry)
    code, text = _verify(doc, generated / "2020.xlsx", capsys)
    assert code == 1 and "重新打包" in text and how in text, text
    assert "被修改过" not in text and "内容没有改动" in text


def test_verify_still_accepts_the_same_package_compressed_by_another_zlib(generated, tmp_path, capsys) -> None:
    """Same parts, order and entries, other deflate bytes (a zlib of another platform): 一致."""
    source = generated / "outputs" / "2020" / f"{STEM}.docx"
    doc = tmp_path / "level9.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(doc, "w") as z:
        for info in original.infolist():
            z.writestr(info, original.read(info.filename), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    assert doc.read_bytes() != source.read_bytes()
    code, text = _verify(doc, generated / "2020.xlsx", capsys)
    assert code == 0 and text.startswith("一致"), text
