"""Turning what a spreadsheet cell holds into a Value, without ever guessing a number."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..diagnostics import Severity
from ..formats.spec import Kind
from ..model import State, Value
from ..narrative import strip_invisible, visible

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_AMOUNT_UNIT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(元|万元|千元|亿元)")
# A count typed with its measure word (“12件”): the number is unambiguous, the word is dropped.
_COUNT_UNIT = re.compile(r"([+-]?\d+)\s*(件|个|条|项|次|人次|家|份|宗|起)")
# Minus signs that NFKC leaves alone: U+2212 MINUS SIGN, en/em dash, U+2012 figure dash.
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})
# Excel keeps 15 significant digits; a larger figure cannot have been typed as a real count or
# amount and is refused rather than printed as a 20-digit number in a public report.
MAX_DIGITS = 15
MAX_MAGNITUDE = 10**MAX_DIGITS
TEXT_NUMBER_NOTE = "以文本形式填写的数字已按数字读取"
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")


@dataclass
class Parsed:
    value: Value | None  # None when the cell cannot be read as a number
    note: str = ""  # what was cleaned (text-number, full-width digits, thousands separators)
    problem: str = ""  # why the cell cannot be read
    # How much the note matters: a number merely stored as text is a 提示; anything that was
    # rewritten (full-width digits, separators, a dropped unit) is a 警告 the clerk should see.
    severity: Severity = Severity.WARNING
    # A stored binary fraction printed at the precision the format allows: what changed, and
    # how much it matters (an Excel rounding artefact is a 提示, a dropped fraction of a 分 a 警告).
    rounded: str = ""
    rounded_severity: Severity = Severity.INFO


def _cleaned(value: Value, notes: list[str]) -> Parsed:
    """A number read from text, with what was done to it and how much that matters."""
    severity = Severity.INFO if notes == [TEXT_NUMBER_NOTE] else Severity.WARNING
    return Parsed(value, note="，".join(notes), severity=severity)


def normalize(text: str) -> str:
    """Compare labels as people see them: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _to_number(text: str, kind: Kind) -> int | Decimal:
    if "." not in text:
        return int(text)
    number = Decimal(text)
    # “12.0” in a count is exactly 12: an int, as a float 12.0 already is. 12.5 stays Decimal
    # and the validator refuses it as a count.
    if kind in (Kind.COUNT, Kind.DELTA) and number == number.to_integral_value():
        return int(number)
    return number


def _too_large(raw: object) -> Parsed:
    return Parsed(
        None,
        problem=f"数字过大或位数过多（{raw}），超过 {MAX_DIGITS} 位有效数字，不可能是实际的件数或金额。请核对后重新填写",
    )


def _sane(parsed: Parsed) -> Parsed:
    """Refuse absurd magnitudes and more significant digits than Excel can hold."""
    v = parsed.value
    if v is None or v.number is None:
        return parsed
    n = v.number
    digits = len(n.as_tuple().digits) if isinstance(n, Decimal) else len(str(abs(n)))
    if abs(n) >= MAX_MAGNITUDE or digits > MAX_DIGITS + 3:
        return _too_large(v.raw)
    return parsed


def parse_cell(raw: object, kind: Kind, data_type: str = "n", unit: str = "") -> Parsed:
    """Read one table cell. data_type is openpyxl's ("n", "s", "f", "e", "d", "b");
    unit is the unit the format fixes for an amount (万元), which decides its precision."""
    return _sane(_parse_cell(raw, kind, data_type, unit))


# Excel keeps 15 significant digits: beyond them a stored double is binary noise (0.1 + 0.2 is
# stored as 0.30000000000000004). Money is not counted below 1 分.
EXCEL_SIGNIFICANT = 15
CENT = {"万元": Decimal("0.000001"), "元": Decimal("0.01")}


def _from_float(raw: float, kind: Kind, unit: str) -> Parsed:
    """A stored number at the precision the format allows, saying when that changed it."""
    stored = Decimal(repr(raw))
    number = Decimal(format(raw, f".{EXCEL_SIGNIFICANT}g"))
    parsed = Parsed(None)
    if number != stored:
        parsed.rounded = f"保存的数值是 {format(stored, 'f')}（Excel 计算或保存产生的二进制误差），报告中按 {format(number, 'f')} 印出"
    cent = CENT.get(unit) if kind is Kind.AMOUNT else None
    if cent is not None and number.as_tuple().exponent < cent.as_tuple().exponent:  # type: ignore[operator]
        to_cent = number.quantize(cent, rounding=ROUND_HALF_UP)
        parsed.rounded = f"金额 {format(number, 'f')}{unit} 精确到分，报告中按 {format(to_cent, 'f')} 印出（四舍五入）"
        parsed.rounded_severity = Severity.WARNING
        number = to_cent
    integral = kind in (Kind.COUNT, Kind.DELTA) and number == number.to_integral_value()
    parsed.value = Value(State.NUMBER, int(number) if integral else number, raw=raw)
    return parsed


def _other_digits(text: str) -> str:
    """Digits of other scripts (١٢, १२) as ASCII; the rest unchanged."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def _quote(text: str, limit: int = 40) -> str:
    """A cell's text for a message: its start when long (a whole 32,000-character cell helps no one)."""
    return visible(text) if len(text) <= limit else f"{visible(text[:limit])}…（共 {len(text)} 字）"


def _parse_cell(raw: object, kind: Kind, data_type: str, unit: str = "") -> Parsed:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return Parsed(Value(State.BLANK, raw=raw))
    if data_type == "e" or (isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS):
        return Parsed(Value(State.ERROR, raw=raw))
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return Parsed(None, problem=f"应填写数字，实际为「{raw}」")
    if isinstance(raw, int):
        return Parsed(Value(State.NUMBER, raw, raw=raw))
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Parsed(None, problem=f"应填写数字，实际为「{raw}」")
        if raw.is_integer():
            return Parsed(Value(State.NUMBER, int(raw), raw=raw))
        return _from_float(raw, kind, unit)
    if isinstance(raw, Decimal):
        integral = kind in (Kind.COUNT, Kind.DELTA) and raw.is_finite() and raw == raw.to_integral_value()
        return Parsed(Value(State.NUMBER, int(raw) if integral else raw, raw=raw))
    text = str(raw)
    notes = []
    seen, hidden = strip_invisible(text)
    if hidden:
        notes.append(f"删除了看不见的字符（{hidden}）")
    norm = unicodedata.normalize("NFKC", seen).strip()
    if norm != seen.strip():
        notes.append("全角字符已转为半角")
    ascii_digits = _other_digits(norm)
    if ascii_digits != norm:
        shown = "".join(ch for ch in norm if ch.isdigit() and not ch.isascii())
        notes.append(f"其他文字的数字（{shown}）已按阿拉伯数字读取，请核对")
        norm = ascii_digits
    if norm.translate(_MINUS) != norm and len(norm) < 40:
        norm = norm.translate(_MINUS)
        notes.append("负号“−”已按减号读取")
    if norm in ("/", "\\"):
        return Parsed(Value(State.SLASH, raw=raw))
    if _THOUSANDS.fullmatch(norm):
        norm = norm.replace(",", "")
        notes.append("千位分隔符已去掉")
    if _NUMBER.fullmatch(norm):
        notes.insert(0, TEXT_NUMBER_NOTE)
        try:
            return _cleaned(Value(State.NUMBER, _to_number(norm, kind), raw=raw), notes)
        except (InvalidOperation, ValueError):
            pass
    if kind in (Kind.COUNT, Kind.DELTA):
        m = _COUNT_UNIT.fullmatch(norm)
        if m:
            notes.append(f"已去掉单位“{m.group(2)}”，按数字 {m.group(1)} 读取（单元格中只填数字即可）")
            return _cleaned(Value(State.NUMBER, int(m.group(1)), raw=raw), notes)
    if kind is Kind.AMOUNT_TEXT:
        m = _AMOUNT_UNIT.fullmatch(norm)
        if m:
            return Parsed(Value(State.NUMBER, _to_number(m.group(1), kind), raw=raw, unit=m.group(2)))
    hint = "只填数字，单位不要写进单元格" if re.search(r"\d", norm) else "只填数字；不适用的项目填“/”"
    if kind is Kind.AMOUNT_TEXT:
        hint = "填写金额数字，可带单位“元”或“万元”，如 6834.335元"
    return Parsed(None, problem=f"应填写数字，实际为「{_quote(text)}」（{hint}）")
