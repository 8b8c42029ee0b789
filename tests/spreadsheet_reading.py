"""Reading an exported list back as a user's spreadsheet program would: the CSV's rows as text, the
XLSX's rows as typed values."""

import csv
import io

import openpyxl


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def xlsx_sheet(response):
    """The workbook's only sheet (its rows: `sheet.iter_rows(values_only=True)`)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    data = response.data
    response.close()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref  # a frozen header with filters on
    return sheet


def xlsx_rows(response) -> list[tuple]:
    return list(xlsx_sheet(response).iter_rows(values_only=True))
