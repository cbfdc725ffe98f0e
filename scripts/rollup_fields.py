"""Print the field tables of docs/rollup.md from the format definitions (never retyped by hand).

python scripts/rollup_fields.py            print the tables
python scripts/rollup_fields.py --write    replace them in docs/rollup.md
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.formats import FORMATS  # noqa: E402
from generator.formats.spec import FormatSpec, Kind  # noqa: E402
from generator.rollup.sums import cell_of  # noqa: E402

DOC = ROOT / "docs" / "rollup.md"
KIND = {
    Kind.COUNT: "件数，整数相加",
    Kind.DELTA: "增减数，整数相加（可为负）",
    Kind.AMOUNT: "金额，十进制精确相加",
    Kind.AMOUNT_TEXT: "金额，换算为元后十进制精确相加，写作“…元”",
}
# Why each part 二 field of a government's report is the sum over its units (docs/rollup.md).
WHY = {
    "made": "每件文件只有一个制发机关，各单位制发的件数相加不重复",
    "repealed": "同上，各单位废止的件数相加",
    "in_force": "年末现行有效件数：各单位自己制发、仍有效的文件，相加即本地区现行有效总数",
    "published": "各单位本年新公开的件数相加",
    "total": "各单位对外公开的文件总数相加（每件文件由制发单位公开，不重复）",
    "decisions": "处理决定由作出决定的机关计数，各单位相加",
    "prev": "各单位上一年项目数量相加（事项由实施机关计数）",
    "delta": "各单位本年增减数相加",
    "count": "各单位采购项目数量相加",
    "amount": "金额相加",
}


def table(spec: FormatSpec) -> str:
    lines = [f"<!-- fields {spec.id} -->", "", "| 工作表!单元格 | 字段 | 项目 | 类型 | 汇总 |", "|---|---|---|---|---|"]
    for t in spec.tables:
        if t.part == 2:
            for key, info in t.fields.items():
                label = " ".join(x for x in (*info.row_path[-1:], *info.col_path[-1:]) if x)
                why = WHY.get(key.split(".")[1], "相加")
                lines.append(
                    f"| {t.sheet}!{cell_of(spec, t.id, key)} | `{key}` | {label} | {KIND[info.kind]} | 求和：{why} |"
                )
        else:
            rows: dict[str, list[str]] = {}
            for key, info in t.fields.items():
                rows.setdefault(key.split(".")[0], []).append(key.split(".")[1])
            for row, cols in rows.items():
                first = t.fields[f"{row}.{cols[0]}"]
                label = " ".join(first.row_path[-2:]) if first.row_path else "、".join(first.col_path[:1])
                cells = f"{cell_of(spec, t.id, f'{row}.{cols[0]}')}–{cell_of(spec, t.id, f'{row}.{cols[-1]}')}"
                lines.append(
                    f"| {t.sheet}!{cells} | `{row}.*`（{'、'.join(cols)}） | {label} | {KIND[first.kind]} | 求和：每一格都是各单位同一格之和 |"
                )
    lines += ["", "<!-- end -->"]
    return "\n".join(lines)


def tables() -> dict[str, str]:
    return {spec.id: table(spec) for spec in FORMATS}


def main(argv: list[str]) -> int:
    if "--write" in argv:
        text = DOC.read_text(encoding="utf-8")
        for spec_id, block in tables().items():
            start, end = f"<!-- fields {spec_id} -->", "<!-- end -->"
            head, rest = text.split(start, 1)
            text = head + block + rest.split(end, 1)[1]
        DOC.write_text(text, encoding="utf-8")
    else:
        print("\n\n".join(tables().values()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
