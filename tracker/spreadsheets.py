"""Cells that a spreadsheet must never run: text starting with = + - @ (or a tab or carriage
return) is read by Excel and LibreOffice as a formula, so an exported narrative could execute
something. Every CSV and XLSX export writes its cells through these."""

from datetime import date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A CSV cell as text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_value(value):
    """An XLSX cell's value: dates and numbers as they are (typed cells), text that would read as a
    formula with the same leading apostrophe as the CSV (openpyxl writes text starting with = as a
    formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
