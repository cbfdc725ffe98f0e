"""axe-core in the Chromium test fixture: every page the tool writes has 0 violations, best practice included.

tests/vendor/axe.min.js is axe-core as published on the npm registry (`npm pack axe-core`, MPL-2.0,
licence beside it), vendored so that the tests run offline.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# WCAG A and AA, and axe's best-practice rules (landmarks, one main, headings, regions).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[str]:
    """Run axe-core on the open page; one line per violation and node (empty when the page passes)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(map(str, node['target']))}"
        for v in result["violations"]
        for node in v["nodes"]
    ]
