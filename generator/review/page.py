"""The review page (审核.html): one self-contained file that opens from disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..diagnostics import sort_key
from ..templating import environment
from .model import HEADLINES, Review, Status

TEMPLATE = "review.html.j2"


def _figure_key(text: str) -> str:
    """A sort key for a headline figure: numbers sort as numbers, text after them."""
    try:
        return f"{int(text):012d}"
    except ValueError:
        return f"~{text}"


def render_review_page(review: Review, generated: dt.datetime | None = None) -> str:
    entries = [
        {
            "index": i,
            "entry": e,
            "findings": sorted(e.findings, key=sort_key),
            "figures": [(e.figures.get(h, ""), _figure_key(e.figures.get(h, ""))) for h in HEADLINES],
        }
        for i, e in enumerate(review.entries, start=1)
    ]
    template = environment(True).get_template(TEMPLATE)
    return template.render(
        review=review,
        entries=entries,
        headlines=HEADLINES,
        statuses=[s for s in Status if s in review.counts()],
        counts=review.counts(),
        generated=(generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M"),
    )


def write_review_page(path: Path, review: Review) -> None:
    """Write atomically: the file appears complete or not at all."""
    from ..output import atomic_write

    html = render_review_page(review).encode("utf-8")
    atomic_write(path, lambda fh: fh.write(html))
