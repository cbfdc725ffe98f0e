"""Render the outline as one self-contained web page (templates/report.html.j2)."""

from __future__ import annotations

from typing import BinaryIO

from ..provenance import Provenance
from ..templating import environment, templates_dir
from .outline import Outline


def render_html_text(outline: Outline, provenance: Provenance | None = None) -> str:
    env = environment(True, str(templates_dir()))
    blocks = [(type(b).__name__.lower(), b) for b in outline.blocks]
    return env.get_template("report.html.j2").render(outline=outline, blocks=blocks, provenance=provenance)


def render_html(outline: Outline, out: BinaryIO, provenance: Provenance | None = None) -> None:
    out.write(render_html_text(outline, provenance).encode("utf-8"))
