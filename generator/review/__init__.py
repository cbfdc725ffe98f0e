"""The review of many reports: one data model, two writers (审核表 workbook and 审核.html page).

Roll-up (reports collected from units) and audit (reports imported from publications) are the
same review with different sources: each builds a list of `Entry` (one reviewed report, or a
report that should be there and is not) and, where figures were summed, a `Provenance`.

    entries = [Entry(name, category, source, Status.PASSED, findings, figures), ...]
    write_review_workbook(path, Review(title, entries, provenance))
    write_review_page(path, Review(title, entries))
"""

from __future__ import annotations

from .model import (
    HEADLINES,
    Entry,
    Provenance,
    ProvenanceColumn,
    Review,
    Skipped,
    Source,
    Status,
    also_see,
    headline_figures,
)
from .page import render_review_page, stream_review_page, write_review_page
from .workbook import build_review_workbook, write_review_workbook

__all__ = [
    "HEADLINES",
    "Entry",
    "Provenance",
    "ProvenanceColumn",
    "Review",
    "Skipped",
    "Source",
    "Status",
    "build_review_workbook",
    "also_see",
    "headline_figures",
    "render_review_page",
    "stream_review_page",
    "write_review_page",
    "write_review_workbook",
]
