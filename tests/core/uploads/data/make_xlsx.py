#!/usr/bin/env python3
"""Writes a goods-in workbook with openpyxl (pinned in build/venv by ./scripts/deps --openapi), not
our code: dates as real date cells (Excel date serials), one as text, numbers as numbers, Chinese
text as shared strings. Called by the upload tests with dates relative to the test clock:

  make_xlsx.py OUT ROWS USCC RECEIVED PRODUCED [BAD_ROW BAD_DATE]

ROWS data rows; with BAD_ROW (1-based) that row's received_on is BAD_DATE (YYYY-MM-DD)."""
import datetime
import sys

import openpyxl

HEADER = ["received_on", "supplier_uscc", "supplier_name", "product", "lot_code", "quantity", "unit",
          "production_date", "expiry_date", "reference"]
OUT, ROWS, USCC, RECEIVED, PRODUCED = sys.argv[1:6]
BAD_ROW = int(sys.argv[6]) if len(sys.argv) > 6 else 0
BAD_DATE = sys.argv[7] if len(sys.argv) > 7 else ""


def day(text):
    return datetime.date.fromisoformat(text)


wb = openpyxl.Workbook()
ws = wb.active
ws.title = "goods-in"
ws.append(HEADER)
for i in range(1, int(ROWS) + 1):
    received = day(BAD_DATE if i == BAD_ROW else RECEIVED)
    # Row 2 carries its production date as text, as some ERPs export it.
    produced = PRODUCED if i == 2 else day(PRODUCED)
    ws.append([received, USCC, "博罗县绿源菜心种植专业合作社", "菜心", f"XL-{i}", 12.5 if i % 2 else 400, "kg",
               produced, None, f"PO-{i}"])
wb.save(OUT)
