"""Published reports in: a web page, Word file or PDF read into the same Report the workbook reader makes.

    report, findings = import_report(Path("report.html"))      # or .docx, .pdf; year from the title

source.py (what readers hand on) ← html.py, docx.py, pdf.py; fetch.py (reports from web addresses); grid.py (spans resolved, what a cell is);
tables.py (figures placed by mandated labels); parts.py (title, parts 一–六, unit information).
"""

from .report import SUFFIXES, import_report

__all__ = ["SUFFIXES", "import_report"]
