"""国办公开办函〔2019〕60号: the format of the 2019 and 2020 reports."""

from __future__ import annotations

from .common import assemble, title_row
from .spec import Field, Kind, Label, Role, TableSpec


def _heads(*texts: str, last_span: int = 1) -> tuple[Label, ...]:
    cells = [Label(t, Role.COL) for t in texts]
    cells[-1] = Label(texts[-1], Role.COL, colspan=last_span)
    return tuple(cells)


def _three(label: str, key: str, middle: Kind = Kind.COUNT) -> tuple:
    return (Label(label), Field(f"{key}.prev"), Field(f"{key}.delta", middle), Field(f"{key}.decisions"))


ACTIVE = TableSpec(
    id="active",
    part=2,
    sheet="主动公开",
    ncols=4,
    rows=(
        title_row("第二十条第（一）项"),
        _heads("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
        (Label("规章"), Field("rules.made"), Field("rules.published"), Field("rules.total")),
        (Label("规范性文件"), Field("normative.made"), Field("normative.published"), Field("normative.total")),
        title_row("第二十条第（五）项"),
        _heads("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
        _three("行政许可", "license", Kind.DELTA),
        _three("其他对外管理服务事项", "other_service", Kind.DELTA),
        title_row("第二十条第（六）项"),
        _heads("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
        _three("行政处罚", "penalty", Kind.DELTA),
        _three("行政强制", "enforcement", Kind.DELTA),
        title_row("第二十条第（八）项"),
        _heads("信息内容", "上一年项目数量", "本年增/减", last_span=2),
        (Label("行政事业性收费"), Field("fees.prev"), Field("fees.delta", Kind.DELTA, colspan=2)),
        title_row("第二十条第（九）项"),
        _heads("信息内容", "采购项目数量", "采购总金额", last_span=2),
        (Label("政府集中采购"), Field("procurement.count"), Field("procurement.amount", Kind.AMOUNT_TEXT, colspan=2)),
    ),
    col_widths=(3.2, 2, 2, 2),
    font_pt=12,
)

OTHER_PROCESSING = ("（六）其他处理", (("other", ""),))

FORMAT = assemble("2019", "国办公开办函〔2019〕60号", (2019, 2020), ACTIVE, OTHER_PROCESSING)
