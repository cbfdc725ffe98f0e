"""Render the outline as one self-contained web page (templates/report.html.j2)."""

from __future__ import annotations

from typing import BinaryIO

from ..templating import environment, templates_dir
from .outline import Outline


def render_html_text(outline: Outline) -> str:
    env = environment(True, str(templates_dir()))
    blocks = [(type(b).__name__.lower(), b) for b in outline.blocks]
    return env.get_template("report.html.j2").render(outline=outline, blocks=blocks)


def render_html(outline: Outline, out: BinaryIO) -> None:
    out.write(render_html_text(outline).encode("utf-8"))
