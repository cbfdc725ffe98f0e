"""The review page (审核.html): one self-contained file that opens from disk."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import BinaryIO

from ..diagnostics import sort_key
from ..templating import environment
from .model import HEADLINES, Entry, Review, Status

TEMPLATE = "review.html.j2"


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _figure_key(text: str) -> str:
    """A sort key for a headline figure: the number itself (the page compares numbers as numbers,
    −20 before −3), or the text after every number."""
    return text if NUMBER.fullmatch(text) else f"~{text}"


def _item(i: int, e: Entry) -> dict:
    return {
        "index": i,
        "entry": e,
        "findings": sorted(e.findings, key=sort_key),
        "figures": [(e.figures.get(h, ""), _figure_key(e.figures.get(h, ""))) for h in HEADLINES],
    }


def _context(review: Review, generated: dt.datetime | None) -> dict:
    # A generator, not a list: thousands of units are rendered one at a time. The roll-up's own
    # row is shown apart, above the units, and is neither counted nor filtered with them.
    own = [_item(0, e) for e in review.entries if e.aggregate]
    units = (_item(i, e) for i, e in enumerate((e for e in review.entries if not e.aggregate), start=1))
    counts = review.counts()
    columns = 6 + review.show_year + review.show_category + review.show_origin + len(HEADLINES)
    return dict(
        review=review,
        own=own,
        entries=units,
        total=sum(counts.values()),
        headlines=HEADLINES,
        statuses=[s for s in Status if s in counts],
        counts=counts,
        columns=columns,
        generated=(generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
    )


def render_review_page(review: Review, generated: dt.datetime | None = None) -> str:
    return environment(True).get_template(TEMPLATE).render(**_context(review, generated))


def stream_review_page(review: Review, fh: BinaryIO, generated: dt.datetime | None = None) -> None:
    """Write the page piece by piece: a city office's thousands of units never sit in memory as one string."""
    for chunk in environment(True).get_template(TEMPLATE).generate(**_context(review, generated)):
        fh.write(chunk.encode("utf-8"))


def write_review_page(path: Path, review: Review) -> None:
    """Write atomically: the file appears complete or not at all."""
    from ..output import atomic_write

    atomic_write(path, lambda fh: stream_review_page(review, fh))
