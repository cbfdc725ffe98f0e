"""Format versions, one module each, and the choice of version by report year."""

from __future__ import annotations

from .spec import FormatSpec
from .v2019 import FORMAT as V2019
from .v2021 import FORMAT as V2021

FORMATS: tuple[FormatSpec, ...] = (V2019, V2021)


class UnsupportedYear(ValueError):
    """No format version covers the year."""


def format_for_year(year: int) -> FormatSpec:
    for spec in FORMATS:
        if spec.covers(year):
            return spec
    first = min(f.first_year for f in FORMATS)
    raise UnsupportedYear(
        f"{year} 年度没有可用的报告格式：统一格式自 {first} 年度起施行"
        f"（国办公开办函〔2019〕60号），更早年度的报告请按当时的要求手工编写。"
    )


def format_by_id(format_id: str) -> FormatSpec:
    for spec in FORMATS:
        if spec.id == format_id:
            return spec
    raise KeyError(format_id)
