"""Per-rule precision and recall of the validator over the corpus of real reports.

    .venv/bin/python tests/corpus/measure.py [-v]

True positive: a hand-found mismatch the rules report (at its cell, row or paragraph, under its
code). False positive: a finding not in the hand-found list (known false alarms included).
Miss: a hand-found mismatch not reported. Classes with no rule code yet count as misses.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.loader import compare, load, report_files  # noqa: E402
from generator.validate import validate  # noqa: E402


def main(verbose: bool = False) -> int:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    by_class: Counter[str] = Counter()
    reports = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in report_files():
            corpus = load(path, Path(tmp))
            reports += 1
            result = compare(corpus, validate(corpus.report))
            for e, _hits in result.found:
                tp[e.code or e.cls] += 1
                by_class[e.cls] += 1
            for e in result.missed + result.pending:
                fn[e.code or f"({e.cls})"] += 1
                by_class[e.cls] += 1
            for d in result.false_alarms + result.known_false:
                fp[d.code] += 1
            for k in result.stale:
                print(f"  known false alarm no longer raised, remove it: {path.stem} {k.code} {k.at}")
            if verbose:
                for e in result.missed + result.pending:
                    print(f"  miss  {path.stem}: {e.cls} {e.code or '-'} {e.at} {e.note}")
                for d in result.known_false:
                    print(f"  false {path.stem} (known): {d.code} {d.sheet}!{d.cell} {d.message}")
                for d in result.false_alarms:
                    print(f"  false {path.stem}: {d.code} {d.sheet}!{d.cell} {d.message}")
    print(f"{reports} reports; hand-found mismatches by class:")
    for cls, n in sorted(by_class.items()):
        print(f"  {cls:22} {n}")
    print(f"\n{'rule':24} {'TP':>4} {'FP':>4} {'miss':>5} {'precision':>10} {'recall':>7}")
    for code in sorted(set(tp) | set(fp) | set(fn)):
        t, f, m = tp[code], fp[code], fn[code]
        precision = f"{t / (t + f):.0%}" if t + f else "—"
        recall = f"{t / (t + m):.0%}" if t + m else "—"
        print(f"{code:24} {t:4} {f:4} {m:5} {precision:>10} {recall:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main("-v" in sys.argv))
