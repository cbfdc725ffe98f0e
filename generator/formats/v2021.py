"""国办公开办函〔2021〕30号: the format of the 2021 report and every year after."""

from __future__ import annotations

from .common import assemble, title_row
from .spec import Field, Item, Kind, Label, Role, TableSpec

DECISIONS = "本年处理决定数量"


def _single_head(text: str) -> tuple[Label, Label]:
    """The header row of a single-value block: 信息内容 | one column label across three."""
    return (Label("信息内容", Role.COL), Label(text, Role.COL, colspan=3))


def _single(label: str, key: str, kind: Kind = Kind.COUNT) -> tuple[Item, ...]:
    return (Label(label), Field(key, kind, colspan=3))


def _documents(label: str, key: str) -> tuple[Item, ...]:
    return (Label(label), Field(f"{key}.made"), Field(f"{key}.repealed"), Field(f"{key}.in_force"))


ACTIVE = TableSpec(
    id="active",
    part=2,
    sheet="主动公开",
    ncols=4,
    rows=(
        title_row("第二十条第（一）项"),
        tuple(Label(t, Role.COL) for t in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")),
        _documents("规章", "rules"),
        _documents("行政规范性文件", "normative"),
        title_row("第二十条第（五）项"),
        _single_head(DECISIONS),
        _single("行政许可", "license.decisions"),
        title_row("第二十条第（六）项"),
        _single_head(DECISIONS),
        _single("行政处罚", "penalty.decisions"),
        _single("行政强制", "enforcement.decisions"),
        title_row("第二十条第（八）项"),
        _single_head("本年收费金额（单位：万元）"),
        _single("行政事业性收费", "fees.amount", Kind.AMOUNT),
    ),
    col_widths=(3.2, 2, 2, 2),
    font_pt=12,
)

OTHER_PROCESSING = (
    "（六）其他处理",
    (
        ("other_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("other_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other_3", "3.其他"),
    ),
)

FORMAT = assemble(
    "2021",
    "国办公开办函〔2021〕30号",
    (2021, None),
    ACTIVE,
    OTHER_PROCESSING,
    amount_unit="万元",
    overview_max_chars=1000,  # “篇幅原则上不超过一千字”
    fee_report_required=True,  # “收取信息处理费的情况，在此处专门报告”
    states_counting_basis=True,
)
