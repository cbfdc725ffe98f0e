"""The standardized workbook a clerk fills: its layout, the writer and the reader."""

from .reader import read_workbook
from .writer import write_workbook

__all__ = ["read_workbook", "write_workbook"]
