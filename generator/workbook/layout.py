"""Sheets and fields of the standardized workbook that are not mandated tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..formats.spec import FormatSpec

INSTRUCTIONS_SHEET = "填写说明"
UNIT_SHEET = "单位信息"
# Last year's narrative, offered when carrying forward; the reader never opens it.
REFERENCE_SHEET = "上年正文参考"


@dataclass(frozen=True)
class UnitField:
    label: str
    attr: str
    hint: str
    required: bool = True


UNIT_FIELDS: tuple[UnitField, ...] = (
    UnitField("单位名称", "name", "发布报告的行政机关全称，如“××市人民政府”“××县教育局”"),
    UnitField("报告标题", "title", "可留空：自动生成“单位名称＋年度＋政府信息公开工作年度报告”", False),
    UnitField("报告年度", "year", "四位数字年份，如 2020"),
    UnitField("单位层级", "level", "从下拉列表选择；决定法定发布期限"),
    UnitField("网站名称", "website_name", "发布年报的政府网站名称"),
    UnitField("网站网址", "website_url", "如 http://www.example.gov.cn"),
    UnitField("联系单位", "office", "受理疑问和意见的机构，如“××市人民政府办公室”"),
    UnitField("通讯地址", "address", ""),
    UnitField("邮政编码", "postcode", "6 位数字"),
    UnitField("联系电话", "phone", ""),
    UnitField("传真", "fax", "没有可填“无”", False),
    UnitField("落款单位", "signature", "报告末尾署名的单位"),
    UnitField("成文日期", "date", "报告签发日期，如 2021-01-29"),
)


@dataclass(frozen=True)
class NarrativeSheet:
    key: str  # section key in the model
    sheet: str
    part: int | None  # report part number, None for the intro
    hint: str


NARRATIVE_SHEETS: tuple[NarrativeSheet, ...] = (
    NarrativeSheet(
        "intro",
        "引言",
        None,
        "报告开头的说明文字。生成工作簿时已按“单位信息”写好报告构成、统计时间、网址和联系方式的标准段落，"
        "可以修改或删除：这里的文字就是报告中的文字，程序不会另外添加。",
    ),
    NarrativeSheet(
        "overview", "总体情况", 1, "“一、总体情况”的内容：主动公开、依申请公开、政府信息管理、平台建设、监督保障等。"
    ),
    NarrativeSheet(
        "problems", "问题及改进", 5, "“五、存在的主要问题及改进情况”：问题要具体，改进要有实效，不得与往年雷同。"
    ),
    NarrativeSheet("other", "其他事项", 6, "“六、其他需要报告的事项”。"),
)


def nothing_to_report(spec: FormatSpec) -> str:
    """What 六 says when there is nothing to report: where the format requires it, the 信息处理费 too (F2)."""
    return "本年度未收取信息处理费，无其他需要报告的事项。" if spec.fee_report_required else "无。"


def narrative_hint(n: NarrativeSheet, spec: FormatSpec) -> str:
    """The note in a narrative sheet's banner; 六's suggestion for “nothing to report” follows the format."""
    return f"{n.hint}没有需要报告的事项可写“{nothing_to_report(spec)}”" if n.key == "other" else n.hint


NARRATIVE_TITLE_LABEL = "本部分标题"
# Row 1 of a narrative sheet reads “<heading> —— <hint>”; the hint beside the title starts so.
NARRATIVE_BANNER_SEP = " —— "
TITLE_HINT_PREFIX = "可留空：使用规定标题"
NARRATIVE_TEXT_HEADER = "内容"
NARRATIVE_LEVEL_HEADER = "级别"
