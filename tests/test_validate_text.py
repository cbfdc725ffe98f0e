"""Text rules on short realistic sentences: each class of mismatch is caught, each correct wording is left alone.

Sentences are built from the table of a consistent report, so a sentence “agrees” or “disagrees”
by construction; every false alarm once seen on a real report is kept here as a counter-example.
"""

from __future__ import annotations

from copy import deepcopy
from decimal import Decimal

import pytest
from test_validate_support import SPECS, clean_report, key_at

from generator.model import Paragraph, Report, State, UnitLevel, Value
from generator.validate import validate

BASE = clean_report()


def n(key: str, report: Report = BASE, table: str = "requests") -> int:
    return int(report.tables[table][key].number)


def group(prefix: str, report: Report = BASE) -> int:
    """A 办理结果 group's total: the sum of its rows' 总计 column."""
    return sum(
        int(v.number) for k, v in report.tables["requests"].items() if k.startswith(prefix) and k.endswith(".total")
    )


PUBLIC, PARTIAL = n("public.total"), n("partial.total")
DENY, UNABLE, NOPROC, OTHER = group("deny_"), group("unable_"), group("noproc_"), n("other.total")
ANSWERED, NEW = n("total.total"), n("new.total")
REVIEW = n("review.total", table="appeals")
LAWSUITS = n("direct.total", table="appeals") + n("after.total", table="appeals")


def text(*paragraphs: str, base: Report = BASE) -> Report:
    out = deepcopy(base)
    out.sections["overview"].paragraphs = [Paragraph(t, row=5 + i) for i, t in enumerate(paragraphs)]
    return out


def found(*paragraphs: str, base: Report = BASE, previous: Report | None = None) -> list[tuple[str, object, object]]:
    return [(d.code, d.expected, d.actual) for d in validate(text(*paragraphs, base=base), previous)]


def codes(*paragraphs: str, base: Report = BASE, previous: Report | None = None) -> list[str]:
    return [c for c, _, _ in found(*paragraphs, base=base, previous=previous)]


def pct(part: int, base: int, places: int = 2) -> str:
    return f"{Decimal(part * 100) / Decimal(base):.{places}f}%"


def blank(report: Report, table: str, *keys: str) -> Report:
    out = deepcopy(report)
    for key in keys:
        out.tables[table][key] = Value(State.BLANK, cell=out.tables[table][key].cell)
    return out


# --- item 3: sums of rows named in one phrase; figures the table implies ---------------------


def test_sum_of_two_categories_is_compared_with_both_rows() -> None:
    assert codes(f"申请办理结果：予以公开及部分公开{PUBLIC + PARTIAL}件。") == []  # the false alarm of issue 11
    assert codes(f"答复申请中，“予以公开”和“部分公开”的共{PUBLIC + PARTIAL}件，不予公开{DENY}件。") == []
    assert found(f"申请办理结果：予以公开及部分公开{PUBLIC + PARTIAL + 1}件。") == [
        ("N2", PUBLIC + PARTIAL, PUBLIC + PARTIAL + 1)
    ]


def test_categories_paired_by_fenbie_are_not_guessed() -> None:
    assert codes(f"答复申请中，“予以公开”“部分公开”分别为{PARTIAL + 3}件、{PUBLIC + 3}件。") == []


def test_appeal_results_are_not_the_group_total() -> None:
    upheld = n("review.upheld", table="appeals")
    assert codes(f"行政复议结果维持{upheld}件，尚未审结{n('review.pending', table='appeals')}件。") == []


def test_appeals_paired_by_fenbie_are_not_guessed() -> None:
    assert codes(f"行政诉讼和行政复议分别为{LAWSUITS}件、{REVIEW}件。") == []
    assert codes(f"被申请行政复议{REVIEW}件，提起行政诉讼{LAWSUITS + 1}件。") == ["N3"]


def test_reasons_then_group_is_the_whole_group() -> None:
    assert codes(f"答复申请中，因本机关不掌握、没有现成信息等原因无法提供{UNABLE}件。") == []
    assert codes(f"答复申请中，因本机关不掌握相关政府信息无法提供{n('unable_none.total')}件。") == []  # the sub-row
    assert codes(f"答复申请中，因本机关不掌握、申请内容不明确等原因无法提供{UNABLE - 1}件。") == ["N2"]


def test_group_of_rows_and_count_before_the_category() -> None:
    assert codes(f"答复申请中，不予公开{DENY}件，其中属于国家秘密{n('deny_secret.total')}件。") == []
    assert codes(f"已办结的申请中，{PUBLIC}件予以公开，{PARTIAL}件部分公开。") == []
    assert codes(f"已办结的申请中，{PUBLIC + 2}件予以公开。") == ["N2"]


def test_a_category_outside_applications_is_not_a_result() -> None:
    assert codes(f"全年通过政府网站予以公开政府信息{PUBLIC + 100}件。") == []
    assert codes(f"全年通过政府网站予以公开政府信息{PUBLIC + 100}件，收到申请{NEW}件。") == ["N2"]


def test_a_category_named_in_an_appeal_is_not_a_count_of_results() -> None:
    assert codes(f"申请人对不予公开答复不服，提起行政复议{REVIEW}件。") == []
    assert codes(f"申请人对不予公开决定不服提起行政复议{REVIEW}件。") == []


def test_blank_total_is_read_from_its_parts() -> None:
    base = blank(BASE, "requests", "total.total")
    assert codes(f"本年度已办结政府信息公开申请{ANSWERED}件。", base=base).count("N1") == 0
    assert ("N1", ANSWERED, ANSWERED + 3) in found(f"本年度已办结政府信息公开申请{ANSWERED + 3}件。", base=base)


def test_blank_part_makes_the_figure_a_lower_bound() -> None:
    base = blank(BASE, "requests", "public.total", "public.natural")
    # 予以公开 is unknown but at least its other columns: any count at or above that is possible.
    assert "N2" not in codes(f"申请办理结果：予以公开{PUBLIC}件。", base=base)
    assert "N2" in codes("申请办理结果：予以公开0件。", base=base)


def test_wrong_total_and_text_agreeing_with_the_parts() -> None:
    report = deepcopy(BASE)
    report.tables["requests"]["public.total"].number = PUBLIC + 4
    found_ = validate(text(f"申请办理结果：予以公开{PUBLIC}件。", base=report))
    n2 = [d for d in found_ if d.code == "N2"]
    assert len(n2) == 1 and "与正文一致" in n2[0].message


# --- item 2: part 二 --------------------------------------------------------------------------

A19 = SPECS["2019"].table("active")
A21 = SPECS["2021"].table("active")
B21 = clean_report("2021")


def act(report: Report, table, row: str, col: str) -> int:  # type: ignore[no-untyped-def]
    return n(key_at(table, row, col), report, "active")


def test_documents_made_2019() -> None:
    rules, docs = act(BASE, A19, "规章", "本年新制作数量"), act(BASE, A19, "规范性文件", "本年新制作数量")
    assert codes(f"本年度制发规章{rules}件、规范性文件{docs}件。") == []
    assert found(f"本年度制发规章{rules}件、规范性文件{docs + 1}件。") == [("N6", docs, docs + 1)]
    total = act(BASE, A19, "规范性文件", "对外公开总数量")
    assert codes(f"规范性文件对外公开总数{total}件。") == []
    assert codes(f"规范性文件对外公开总数{total + 1}件。") == ["N6"]


def test_documents_2021_made_repealed_in_force() -> None:
    made = act(B21, A21, "行政规范性文件", "本年制发件数")
    repealed = act(B21, A21, "行政规范性文件", "本年废止件数")
    in_force = act(B21, A21, "行政规范性文件", "现行有效件数")
    ok = f"全年制发行政规范性文件{made}件，废止{repealed}件，现行有效行政规范性文件{in_force}件。"
    assert codes(ok, base=B21) == []
    bad = f"全年制发行政规范性文件{made}件，废止{repealed + 2}件。"
    assert found(bad, base=B21) == [("N6", repealed, repealed + 2)]


def test_decisions_and_fees() -> None:
    penalty = act(B21, A21, "行政处罚", "本年处理决定数量")
    enforcement = act(B21, A21, "行政强制", "本年处理决定数量")
    assert codes(f"作出行政处罚决定{penalty}件、行政强制{enforcement}件。", base=B21) == []
    assert codes(f"作出行政处罚决定{penalty + 10}件。", base=B21) == ["N6"]
    fee = B21.tables["active"][key_at(A21, "行政事业性收费", "本年收费金额（单位：万元）")].number
    assert codes(f"收取行政事业性收费{fee}万元。", base=B21) == []
    assert codes(f"收取行政事业性收费{int(fee * 10000)}元。", base=B21) == []
    assert codes(f"收取行政事业性收费{fee + 3}万元。", base=B21) == ["N6"]


def test_procurement_amount_2019() -> None:
    assert codes("全年政府集中采购总金额12.5元。") == []
    assert codes("全年政府集中采购总金额0.00125万元。") == []
    assert found("全年政府集中采购总金额20元。") == [("N6", Decimal("12.5"), 20)]


def test_a_narrower_body_is_not_the_whole_area() -> None:
    """A 本级汇总 table counts the whole area; the city government's own documents are a part of it."""
    docs = act(BASE, A19, "规范性文件", "本年新制作数量")
    assert codes(f"市政府及市政府办公室制定行政规范性文件{docs + 20}件。") == []
    assert codes(f"全市制定行政规范性文件{docs + 20}件。") == ["N6"]
    department = deepcopy(BASE)
    department.unit.level = UnitLevel.DEPARTMENT
    assert codes(f"本局制定规范性文件{docs + 1}件。", base=department) == ["N6"]
    assert codes(f"全市制定规范性文件{docs + 20}件，本局参与起草。", base=department) == []
    assert codes(f"市政务服务中心作出行政许可决定{docs + 20}件。") == []


def test_internal_rules_are_not_regulations() -> None:
    assert codes("制定内部规章制度12件。") == []


# --- item 4: percentages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "wording",
    ["占{p}", "占比{p}", "比例为{p}", "约占{p}", "占办结总数的{p}", "占比达{p}"],
)
def test_share_wordings(wording: str) -> None:
    ok = f"全年共办结200件，网上办理150件，{wording.format(p='75%')}。"
    bad = f"全年共办结200件，网上办理150件，{wording.format(p='70%')}。"
    assert codes(ok) == []
    assert codes(bad) == ["N5"]


def test_share_with_the_base_in_the_sentence_before() -> None:
    head = f"共答复{ANSWERED}件。"
    assert codes(head + f"其中不予公开{DENY}件，占{pct(DENY, ANSWERED)}。") == []
    assert codes(head + f"其中不予公开{DENY}件，占{pct(DENY + 5, ANSWERED)}。") == ["N5"]


def test_share_of_a_category_against_the_table() -> None:
    assert codes(f"申请办理结果：予以公开{PUBLIC}件，占比{pct(PUBLIC, ANSWERED)}。") == []
    assert codes(f"申请办理结果：予以公开{PUBLIC}件，占比{pct(PUBLIC, NEW, 1)}。") == []  # of applications received
    assert codes(f"申请办理结果：予以公开{PUBLIC}件，占比{pct(PUBLIC * 2, ANSWERED)}。") == ["N5"]


def test_shares_that_are_not_compared() -> None:
    assert codes("梳理公开事项150项，均在政府网站公开，公开率达100%。") == []
    assert codes("网上办理151件，占比60%。") == []  # no total to divide by
    assert codes("全年共办结200件，其中网上办理150件，75%的事项实现网上办理。") == []
    assert codes("全年共办结200件，其中95%的申请在5个工作日内办结。") == []
    assert codes("全年共办结200件，其中网上办理100件，现场办理50件，两项合计占75%。") == []
    assert codes("全年共办结200件，同比增长25%。") == []  # a change, not a share
    assert codes("共收到留言12条，其中网站留言8条，信件留言4条，网站留言占比66.7%。") == []


def test_share_in_every_clause_of_a_run() -> None:
    run = "；".join(
        f"{name}{k}件，占{pct(k, ANSWERED)}"
        for name, k in (("予以公开", PUBLIC), ("部分公开", PARTIAL), ("不予公开", DENY))
    )
    assert codes(f"共答复{ANSWERED}件。其中{run}。") == []


# --- item 5: enumerations and runs of 办理结果 -------------------------------------------------

RESULTS = (
    ("予以公开", PUBLIC),
    ("部分公开", PARTIAL),
    ("不予公开", DENY),
    ("无法提供", UNABLE),
    ("不予处理", NOPROC),
    ("其他处理", OTHER),
)


def _run(results: tuple[tuple[str, int], ...], sep: str = "；") -> str:
    return sep.join(f"{name}{k}件" for name, k in results)


def test_run_of_results_adds_up_to_answered() -> None:
    assert codes(f"共办理完毕{ANSWERED}件。其中{_run(RESULTS)}。") == []
    # a text-internal slip: every category agrees with the table, but not the answered count
    assert found(f"共办结{ANSWERED + 7}件，其中{_run(RESULTS, '，')}。") == [("N8", ANSWERED + 7, ANSWERED)]


def test_run_of_results_may_fall_short_unless_it_closes_with_the_catch_all() -> None:
    assert codes(f"共办结{ANSWERED + 7}件，其中{_run(RESULTS[:3], '，')}。") == []
    assert codes(f"共办结{ANSWERED + 7}件，其中{_run((*RESULTS[:2], RESULTS[5]), '，')}。") == ["N8"]


def test_items_of_another_kind_after_a_semicolon_are_not_in_the_list() -> None:
    """The second false alarm of issue 11: 行政复议、行政诉讼 added to a breakdown of applications."""
    sentence = (
        f"共收到申请{NEW}件，其中予以公开{PUBLIC}件、部分公开{PARTIAL}件；行政复议{REVIEW}件、行政诉讼{LAWSUITS}件。"
    )
    assert codes(sentence) == []
    small = f"共收到申请{NEW}件，其中网上申请{NEW - 2}件、信函申请2件；行政复议{REVIEW}件、行政诉讼{LAWSUITS}件。"
    assert codes(small) == []


def test_enumeration_exceeding_or_completed_by_a_catch_all() -> None:
    assert codes("共收到留言25条，其中网站留言9条，信件留言12条，其他渠道4条。") == []
    assert found("共收到留言25条，其中网站留言9条，信件留言12条，其他渠道3条。") == [("N4", 25, 24)]
    assert codes("共收到留言25条，其中网站留言9条，信件留言12条。") == []  # may fall short
    assert found("共收到留言25条，其中网站留言19条，信件留言12条。") == [("N4", "≤ 25", 31)]


def test_enumeration_by_fenbie_right_after_its_total_is_complete() -> None:
    assert codes("共召开新闻发布会12场，分别为市政府7场、各部门5场。") == []
    assert codes("共召开新闻发布会12场，分别为市政府7场、各部门4场。") == ["N4"]
    # 分别 elsewhere pairs names with numbers; it is no list of the count before
    assert codes(f"收到申请{NEW}件。行政复议和行政诉讼分别为{REVIEW}件、{LAWSUITS}件。") == []


def test_parts_that_may_overlap_are_not_added_up() -> None:
    assert codes("共作出重大行政决策8项，其中听证2项，专家论证3项，风险评估5项。") == []
    assert codes("共组织新闻发布会18场，其中主要领导出席6场，分管领导出席12场，其他负责人出席10场。") == []


def test_results_listed_after_the_applications_received() -> None:
    """Results add up to the applications answered; received ones may be carried over."""
    assert codes(f"共收到申请{NEW}件，其中{_run(RESULTS, '，')}。") == []


def test_nested_list_is_not_added_to_the_outer_one() -> None:
    assert codes("共收到留言25条，其中网站留言20条，信件留言5条，其中实名信件3条。") == []


# --- item 6: claims in words ------------------------------------------------------------------


def test_all_upheld_with_corrected_or_pending_cases() -> None:
    assert codes("本年度行政复议案件均获维持。") == ["N7"]  # the table has 纠正 and 尚未审结
    upheld = deepcopy(BASE)
    for g in ("review", "direct", "after"):
        t = upheld.tables["appeals"]
        t[f"{g}.upheld"].number += t[f"{g}.corrected"].number + t[f"{g}.pending"].number
        t[f"{g}.corrected"].number = t[f"{g}.pending"].number = 0
    assert codes("本年度行政复议、行政诉讼案件均获维持，无被纠错案件。", base=upheld) == []
    assert codes("行政诉讼零败诉。") == ["N7"]


def test_no_appeals_with_cases_in_the_table() -> None:
    assert codes("本年度未发生因政府信息公开引起的行政复议、行政诉讼。") == ["N7"]
    quiet = deepcopy(BASE)
    for k, v in quiet.tables["appeals"].items():
        v.number = 0
    assert codes("本年度未发生因政府信息公开引起的行政复议、行政诉讼。", base=quiet) == []
    assert codes("无行政复议被纠错情况。", base=quiet) == []
    assert codes("未经复议直接起诉的行政诉讼由法院审理。") == []
    assert codes("未发生涉及征地拆迁补偿标准问题的行政复议。") == []  # not about information disclosure


def test_no_applications_with_applications_in_the_table() -> None:
    assert codes("本年度未收到政府信息公开申请。") == ["N7"]
    assert codes("本年度未收到政府信息公开申请方面的投诉。") == []
    assert codes("本年度未收到涉及国家秘密的政府信息公开申请。") == []  # a part of the applications
    assert codes("全年未接到任何形式的信息公开申请。") == ["N7"]
    assert codes(f"{BASE.year - 1}年未收到政府信息公开申请。") == []


def test_no_processing_fee_against_a_fee_stated_elsewhere() -> None:
    assert codes("本年度未收取信息处理费。") == []
    assert codes("本年度未收取信息处理费。", "依法收取信息处理费200元。") == ["N7"]


# --- item 7: blank cells ----------------------------------------------------------------------


def test_a_row_of_blank_cells_is_one_finding() -> None:
    keys = [k for k in BASE.tables["requests"] if k.startswith("public.")]
    found_ = validate(blank(BASE, "requests", *keys))
    v2 = [d for d in found_ if d.code == "V2"]
    assert len(v2) == 1 and v2[0].cell == "D9" and "第 9 行 7 个单元格为空" in v2[0].message
    one = validate(blank(BASE, "requests", "public.natural"))
    assert [(d.code, d.cell) for d in one] == [("V2", "D9")]


def test_sums_still_checked_with_blank_parts() -> None:
    report = blank(BASE, "requests", "public.natural")
    report.tables["requests"]["public.total"].number = 0  # below the columns that are filled
    assert ("T3-3", "J9") in [(d.code, d.cell) for d in validate(report)]


def test_balance_still_checked_with_a_blank_total() -> None:
    report = blank(BASE, "requests", "total.natural")
    assert [d.code for d in validate(report)] == ["V2"]  # the total is its parts: balanced
    moved = int(report.tables["requests"]["new.business"].number)
    report.tables["requests"]["new.natural"].number += moved  # rows still add up; columns do not
    report.tables["requests"]["new.business"].number = 0
    assert [(d.code, d.cell) for d in validate(report)] == [("V2", "D28"), ("T3-1", "D28"), ("T3-1", "E28")]


# --- cross-year: C3, C5 -----------------------------------------------------------------------


def _years() -> tuple[Report, Report]:
    previous, current = clean_report(year=2019), clean_report(year=2020)
    for key, v in current.tables["requests"].items():
        if key.startswith("carried."):
            previous.tables["requests"][key.replace("carried.", "carry_next.")].number = v.number
    for key, v in current.tables["active"].items():
        if key.endswith(".prev"):
            row = key.removesuffix(".prev")
            v.number = previous.tables["active"][key].number + previous.tables["active"][f"{row}.delta"].number
    for row in ("规章", "规范性文件"):
        total, new = key_at(A19, row, "对外公开总数量"), key_at(A19, row, "本年新公开数量")
        current.tables["active"][total].number = (
            previous.tables["active"][total].number + current.tables["active"][new].number
        )
    current.sections["problems"].paragraphs = [Paragraph("1.政策解读形式单一，图解、视频等解读材料偏少。", row=5)]
    return previous, current


def test_published_total_carries_across_years() -> None:
    previous, current = _years()
    assert validate(current, previous) == []
    key = key_at(A19, "规范性文件", "对外公开总数量")
    current.tables["active"][key].number += 2
    c3 = [d for d in validate(current, previous) if d.code == "C3"]
    assert [(d.cell, d.expected, d.actual) for d in c3] == [
        ("D7", current.tables["active"][key].number - 2, current.tables["active"][key].number)
    ]
    assert "2019 年度" in c3[0].message and "主动公开!D7" in c3[0].message


def test_year_on_year_change() -> None:
    previous, current = _years()
    previous.tables["requests"]["new.total"].number = NEW - 2  # only 总计 matters to the text
    change = pct(2, NEW - 2)
    assert codes(f"全年共收到政府信息公开申请{NEW}件，同比增长{change}。", base=current, previous=previous) == []
    assert codes(f"全年共收到政府信息公开申请{NEW}件，比上年增加2件。", base=current, previous=previous) == []
    wrong = f"全年共收到政府信息公开申请{NEW}件，同比增长10%。"
    assert codes(wrong, base=current, previous=previous) == ["C5"]
    assert codes(wrong, base=current) == []  # no last year's report: nothing to compare


# --- counter-examples and misses from real reports (tests/corpus) ------------------------------


def test_list_in_parentheses_ends_there() -> None:
    """余杭 2023: “处理申请1717件(包含上年结转76件),1646件已答复,71件结转下年” is no list of 1717."""
    sentence = "全区共处理政府信息公开申请件1717件(包含上年结转76件),1646件已按规定予以答复,71件结转下年答复。"
    assert "N4" not in codes(sentence)


def test_ambiguous_total_in_the_sentence_before_is_not_guessed() -> None:
    """漳平市政府办 2021/2023: a sentence opening with 其中 after a sentence that is itself a list."""
    before = "共主动公开政府信息141条,其中:机构职能类信息16条,规划计划类信息10条,其他类信息115条。"
    assert "N4" not in codes(before + "其中主动公开政府信息17条,作为依申请公开信息数28条,不予公开信息数8条。")
    assert "N4" not in codes(
        "共受理申请9件,主要提交方式为网站申请3件、信函申请6件。其中已公开2件,同意公开2件,区分处理4件。"
    )


def test_subtotal_of_an_item_stays_in_the_list() -> None:
    """子长 2023 (包括, an inner 共计) and 山阳 2020 (closing with 其他信息共计)."""
    over = "共计3437条,包括:人事信息12条,政务动态1740条,公告公示225条,解读及回应信息共计110条,其他类信息1827条。"
    assert found(over) == [("N4", "≤ 3437", 3914)]
    short = "主动公开政府信息6391条,其中概况类信息1105条;政务动态类信息2896条;政府文件、工作报告等其他信息共计2004条。"
    assert found(short) == [("N4", 6391, 6005)]


def test_qizhong_baokuo_is_one_list() -> None:
    """遂宁经开区 2021: “977条。其中包括……其他信息145条” is one short list, reported once."""
    text_ = "主动公开政府信息977条,超额完成全年目标任务40%。其中包括政府文件11条,工作动态信息270条,其他信息145条。"
    assert found(text_) == [("N4", 977, 426)]


def test_shanghai_2019_paragraph() -> None:
    """上海市政府办公厅 2019: every mismatch of one paragraph, each by its own rule."""
    report = deepcopy(BASE)
    req = report.tables["requests"]
    for key, v in req.items():
        v.number = 0
    rows = (("public", 272), ("partial", 3), ("deny_secret", 35), ("unable_none", 265), ("unable_make", 47))
    for row, n_ in (*rows, ("unable_unclear", 25), ("noproc_repeat", 158)):
        req[f"{row}.natural"].number = req[f"{row}.total"].number = n_
    para = (
        "答复政府信息公开申请805件（含上年度结转申请18件），均在法定期限内予以答复。"
        "予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%；"
        "不予处理158件，占19.6%；其他处理0件。"
    )
    got = [c for c in codes(para, base=report) if c in ("N2", "N5", "N8")]
    # 258 ≠ 272 + 3; the （四） group is 265 + the other two rows; 258/805 ≠ 33.9%; 716 ≠ 805
    assert sorted(got) == ["N2", "N2", "N5", "N8"]


def test_fee_reported_in_other_words() -> None:
    """沭阳发改局 2023: “政府信息公开未发生收费情况” reports the 信息处理费 (F2)."""
    report = clean_report("2021")
    report.sections["other"].paragraphs = [Paragraph("政府信息公开未发生收费情况。", row=5)]
    assert validate(report) == []


def test_a_count_without_unit_silences_what_it_would_change() -> None:
    """“部分公开67,占4.61%”: the share is of 67, which has no 件; the run cannot be added up."""
    head = f"{BASE.year}年共完成政府信息公开申请答复1453件,包括上年结转申请30件。"
    ok = "其中,予以公开答复966件,占66.48%;部分公开67,占4.61%;不予公开81件,占5.57%;其他处理339件,占23.33%。"
    assert [c for c in codes(head + ok) if c in ("N5", "N8")] == []
    run = "其中,予以公开答复966件,占66.48%;部分公开67件,占4.61%;不予公开81件,占5.57%;其他处理330件,占22.71%。"
    assert [c for c in codes(head + run) if c in ("N5", "N8")] == ["N8"]  # 1444 ≠ 1453, in the next sentence


def test_text_rules_never_fail_on_odd_text() -> None:
    """Random mixes of the words the rules look for, numbers and punctuation: findings or none, never an exception."""
    import random

    words = [
        *"共收到申请答复办结予以公开部分不予无法提供处理其他中分别为包括占比约%件条个项万元，。；：、（）()0123456789."
    ]
    words += [
        "2020年",
        "其中",
        "予以公开",
        "行政复议",
        "行政诉讼",
        "均获维持",
        "未收到",
        "同比增长",
        "规范性文件",
        "废止",
    ]
    rng = random.Random(11)
    previous = clean_report(year=BASE.year - 1)
    for _ in range(300):
        line = "".join(rng.choice(words) for _ in range(rng.randint(1, 80)))
        validate(text(line), previous)


def test_a_row_of_blank_cells_without_workbook_cells_is_named_by_labels() -> None:
    """An imported published report has no workbook cells: the row and columns are named instead."""
    report = blank(BASE, "requests", "new.research", "new.nonprofit")
    for v in report.tables["requests"].values():
        v.cell = ""
    v2 = [d for d in validate(report) if d.code == "V2"]
    assert (
        len(v2) == 1
        and "“一、本年新收政府信息公开申请数量”一行 2 个单元格为空（科研机构、社会公益组织）" in v2[0].message
    )
