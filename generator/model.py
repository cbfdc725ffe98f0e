"""The report as plain data: what the reader produces and the validator and renderers consume."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from .formats.spec import FormatSpec


class State(str, Enum):
    """How a table cell was filled. Only NUMBER carries a value; nothing else is read as 0."""

    NUMBER = "number"
    BLANK = "blank"
    SLASH = "slash"  # “/”: the clerk marks the item as not applicable
    ERROR = "error"  # an Excel error value such as #REF!
    FORMULA = "formula"  # a formula with no computed value stored
    # Text (or a date, a logical value, a too-large number) where a number belongs: the reader's
    # R050 names the cell; every rule treats it as unknown and the report never prints it.
    UNREADABLE = "unreadable"


Number = int | Decimal


@dataclass
class Value:
    """One table field as the clerk filled it, and where it came from."""

    state: State
    number: Number | None = None
    raw: object = None  # the cell's content as stored, for messages
    unit: str = ""  # a unit written in the cell (2019 采购总金额 “6834.335元”)
    cell: str = ""  # cell address in the workbook, e.g. "D12"
    derived: bool = False  # a total recomputed from its parts because the cell held a formula
    page: int | None = None  # a published PDF: the page the figure was read from (findings name it)

    @property
    def is_number(self) -> bool:
        return self.state is State.NUMBER

    def display(self) -> str:
        """The text a reader of the report sees in the table."""
        if self.state is State.NUMBER:
            return f"{format_number(self.number)}{self.unit}"
        if self.state is State.SLASH:
            return "/"
        return ""


def format_number(n: Number | None) -> str:
    if n is None:
        return ""
    if isinstance(n, Decimal):
        text = format(n, "f")
        return text
    return str(n)


class UnitLevel(str, Enum):
    """The unit's level: decides the legal publication deadline."""

    DEPARTMENT = "部门"
    TOWNSHIP = "乡镇（街道）"
    COUNTY = "县级人民政府（本级汇总）"
    CITY = "地市级人民政府（本级汇总）"
    PROVINCE = "省级人民政府（本级汇总）"


@dataclass
class UnitInfo:
    name: str = ""
    title: str = ""  # optional override of the report title
    year: int | None = None
    level: UnitLevel | None = None
    website_name: str = ""
    website_url: str = ""
    office: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    fax: str = ""
    signature: str = ""
    date: dt.date | None = None


@dataclass
class Paragraph:
    text: str
    level: int = 0  # 0 body; 1 一、; 2 （一）; 3 1.; 4 （1）
    row: int = 0  # workbook row, for messages
    page: int | None = None  # a published PDF: the page the paragraph starts on (findings name it)


@dataclass
class Section:
    """A narrative part of the report: 引言, 一、总体情况, 五 or 六."""

    key: str
    title: str = ""  # the clerk's own heading wording; empty → the template's mandated one
    paragraphs: list[Paragraph] = field(default_factory=list)
    sheet: str = ""

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


SECTION_KEYS = ("intro", "overview", "problems", "other")


@dataclass
class Report:
    spec: FormatSpec
    unit: UnitInfo
    sections: dict[str, Section]
    tables: dict[str, dict[str, Value]]  # table id → field key → value
    year: int  # the year asked for; the workbook's own 报告年度 is unit.year
    source: str = ""  # the workbook path, for messages

    def value(self, table: str, key: str) -> Value:
        return self.tables[table][key]
