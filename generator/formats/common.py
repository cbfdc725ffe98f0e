"""Tables and rules that the 2019 and 2021 formats share: parts 三 and 四.

Only the rows of （六）其他处理 differ between versions; callers pass them in.
"""

from __future__ import annotations

from .spec import BalanceRule, Field, FormatSpec, Item, Label, Role, SumRule, TableSpec

REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# Applicant columns of part 三: (key, header label).
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)

# Result groups of part 三: (group label, [(row key, sub-label)]); an empty sub-label means the
# group is a single row whose label spans two columns.
RESULT_GROUPS_COMMON_HEAD: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("（一）予以公开", (("public", ""),)),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (("partial", ""),)),
    (
        "（三）不予公开",
        (
            ("deny_secret", "1.属于国家秘密"),
            ("deny_law", "2.其他法律行政法规禁止公开"),
            ("deny_safety", "3.危及“三安全一稳定”"),
            ("deny_third", "4.保护第三方合法权益"),
            ("deny_internal", "5.属于三类内部事务信息"),
            ("deny_process", "6.属于四类过程性信息"),
            ("deny_enforcement", "7.属于行政执法案卷"),
            ("deny_query", "8.属于行政查询事项"),
        ),
    ),
    (
        "（四）无法提供",
        (
            ("unable_none", "1.本机关不掌握相关政府信息"),
            ("unable_make", "2.没有现成信息需要另行制作"),
            ("unable_unclear", "3.补正后申请内容仍不明确"),
        ),
    ),
    (
        "（五）不予处理",
        (
            ("noproc_petition", "1.信访举报投诉类申请"),
            ("noproc_repeat", "2.重复申请"),
            ("noproc_publication", "3.要求提供公开出版物"),
            ("noproc_massive", "4.无正当理由大量反复申请"),
            ("noproc_confirm", "5.要求行政机关确认或重新出具已获取信息"),
        ),
    ),
)

APPEAL_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("direct", "未经复议直接起诉"),
    ("after", "复议后起诉"),
)
APPEAL_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


def title_row(text: str, colspan: int = 4) -> tuple[Label]:
    """A block title across a part 二 table: 第二十条第（一）项."""
    return (Label(text, Role.TITLE, colspan=colspan),)


def _data_fields(row_key: str) -> list[Item]:
    return [Field(f"{row_key}.{col}") for col, _ in APPLICANT_COLUMNS]


def requests_table(other_group: tuple[str, tuple[tuple[str, str], ...]]) -> TableSpec:
    """Part 三, given the version's （六）其他处理 group."""
    groups = (*RESULT_GROUPS_COMMON_HEAD, other_group, ("（七）总计", (("total", ""),)))
    result_rows = sum(len(subs) for _, subs in groups)
    rows: list[tuple[Item, ...]] = [
        (
            Label(REQUESTS_NOTE, Role.COL, rowspan=3, colspan=3),
            Label("申请人情况", Role.COL, colspan=7),
        ),
        (
            Label("自然人", Role.COL, rowspan=2),
            Label("法人或其他组织", Role.COL, colspan=5),
            Label("总计", Role.COL, rowspan=2),
        ),
        tuple(Label(text, Role.COL) for _, text in APPLICANT_COLUMNS[1:6]),
        (Label("一、本年新收政府信息公开申请数量", colspan=3), *_data_fields("new")),
        (Label("二、上年结转政府信息公开申请数量", colspan=3), *_data_fields("carried")),
    ]
    first = True
    for group_label, subs in groups:
        for i, (key, sub) in enumerate(subs):
            cells: list[Item] = []
            if first:
                cells.append(Label("三、本年度办理结果", rowspan=result_rows))
                first = False
            if not sub:
                cells.append(Label(group_label, colspan=2))
            else:
                if i == 0:
                    cells.append(Label(group_label, rowspan=len(subs)))
                cells.append(Label(sub))
            rows.append((*cells, *_data_fields(key)))
    rows.append((Label("四、结转下年度继续办理", colspan=3), *_data_fields("carry_next")))
    return TableSpec(
        id="requests",
        part=3,
        sheet="申请情况",
        ncols=10,
        rows=tuple(rows),
        header_rows=3,
        col_widths=(1.3, 2.0, 3.6, 1.05, 1.05, 1.05, 1.05, 1.05, 1.05, 1.05),
        font_pt=10.5,
    )


def result_row_keys(table: TableSpec) -> list[str]:
    """Row keys of 三、本年度办理结果 other than （七）总计, in order."""
    keys = []
    for info in table.fields.values():
        row_key, col = info.key.split(".")
        if col == "natural" and row_key not in ("new", "carried", "total", "carry_next"):
            keys.append(row_key)
    return keys


def requests_rules(table: TableSpec) -> tuple[list[SumRule], list[BalanceRule]]:
    """T3-2 column sums, T3-3 row sums and the official T3-1 勾稽关系, for every column."""
    parts = result_row_keys(table)
    cols = [c for c, _ in APPLICANT_COLUMNS]
    sums: list[SumRule] = []
    for col in cols:
        sums.append(SumRule("T3-2", table.id, f"total.{col}", tuple(f"{p}.{col}" for p in parts)))
    row_keys = ["new", "carried", *parts, "total", "carry_next"]
    for row in row_keys:
        sums.append(SumRule("T3-3", table.id, f"{row}.total", tuple(f"{row}.{c}" for c in cols[:-1])))
    balances = [
        BalanceRule("T3-1", table.id, (f"new.{c}", f"carried.{c}"), (f"total.{c}", f"carry_next.{c}")) for c in cols
    ]
    return sums, balances


def appeals_table() -> TableSpec:
    """Part 四: 行政复议 and 行政诉讼, 15 columns, identical in both versions."""
    results = [Label(text, Role.COL) for _, text in APPEAL_RESULTS]
    rows: tuple[tuple[Item, ...], ...] = (
        (Label("行政复议", Role.COL, colspan=5), Label("行政诉讼", Role.COL, colspan=10)),
        (
            *(Label(text, Role.COL, rowspan=2) for _, text in APPEAL_RESULTS),
            Label("未经复议直接起诉", Role.COL, colspan=5),
            Label("复议后起诉", Role.COL, colspan=5),
        ),
        (*results, *results),
        tuple(Field(f"{g}.{r}") for g, _ in APPEAL_GROUPS for r, _ in APPEAL_RESULTS),
    )
    return TableSpec(
        id="appeals",
        part=4,
        sheet="复议诉讼",
        ncols=15,
        rows=rows,
        header_rows=3,
        col_widths=(1,) * 15,
        font_pt=9,
    )


def appeals_rules(table: TableSpec) -> list[SumRule]:
    """T4-1: in each group, 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    return [
        SumRule("T4-1", table.id, f"{g}.total", tuple(f"{g}.{r}" for r, _ in APPEAL_RESULTS[:-1]))
        for g, _ in APPEAL_GROUPS
    ]


def assemble(
    format_id: str,
    document: str,
    years: tuple[int, int | None],
    active: TableSpec,
    other_group: tuple[str, tuple[tuple[str, str], ...]],
    *,
    amount_unit: str = "",
    overview_max_chars: int | None = None,
    fee_report_required: bool = False,
    states_counting_basis: bool = False,
) -> FormatSpec:
    """A format version from its own part 二 table, （六） rows and instructions, plus the shared parts 三 and 四."""
    requests, appeals = requests_table(other_group), appeals_table()
    sums, balances = requests_rules(requests)
    return FormatSpec(
        id=format_id,
        document=document,
        first_year=years[0],
        last_year=years[1],
        tables=(active, requests, appeals),
        sum_rules=(*sums, *appeals_rules(appeals)),
        balance_rules=tuple(balances),
        amount_unit=amount_unit,
        overview_max_chars=overview_max_chars,
        fee_report_required=fee_report_required,
        states_counting_basis=states_counting_basis,
    )
