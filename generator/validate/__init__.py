"""Validation: every rule of docs/rules.md, each finding pinned to the cell or paragraph to fix.

    findings = validate(report, previous=None)

Rules read the format spec as data (sum rules, balance rules, field kinds and labels), so a
new format version needs no change here unless it brings a new kind of rule.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..model import Report
from .arithmetic import check_active, check_balances, check_sums
from .context import Ctx
from .crossyear import check_previous
from .inputs import check_tables, check_unit, check_year_and_date
from .structure import check_intro, check_intro_contacts, check_part_headings, check_period
from .text import check_format_text, check_leftovers
from .text_claims import check_claims
from .text_lists import check_breakdowns, check_result_runs
from .text_percent import check_percentages
from .text_words import check_word_claims

__all__ = ["validate"]


def validate(report: Report, previous: Report | None = None) -> list[Diagnostic]:
    """All findings about one report, in catalogue order; `previous` enables cross-year rules."""
    ctx = Ctx(report)
    findings = [
        *check_unit(ctx),
        *check_year_and_date(ctx),
        *check_period(ctx),
        *check_tables(ctx),
        *check_sums(ctx),
        *check_balances(ctx),
        *check_active(ctx),
        *check_claims(ctx),
        *check_breakdowns(ctx),
        *check_result_runs(ctx),
        *check_percentages(ctx),
        *check_word_claims(ctx),
        *check_leftovers(ctx),
        *check_intro(ctx),
        *check_intro_contacts(ctx),
        *check_part_headings(ctx),
        *check_format_text(ctx),
    ]
    if previous is not None:
        findings += check_previous(ctx, previous)
    return findings
