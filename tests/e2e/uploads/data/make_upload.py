#!/usr/bin/env python3
"""Writes a goods-in upload file with Python's own csv writer and codecs (not our code). Called by
tests/e2e/uploads/uploads_test.cpp with dates relative to the test clock:

  make_upload.py OUT ENCODING ROWS USCC RECEIVED PRODUCED [BAD_ROW BAD_DATE]

ROWS data rows of 菜心 from the supplier USCC; with BAD_ROW (1-based), that row's received_on is
BAD_DATE (a day in the future)."""
import csv
import sys

HEADER = ["received_on", "supplier_uscc", "supplier_name", "product", "lot_code", "quantity", "unit",
          "production_date", "expiry_date", "reference"]
OUT, ENCODING, ROWS, USCC, RECEIVED, PRODUCED = sys.argv[1:7]
BAD_ROW = int(sys.argv[7]) if len(sys.argv) > 7 else 0
BAD_DATE = sys.argv[8] if len(sys.argv) > 8 else ""

with open(OUT, "w", encoding=ENCODING, newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(HEADER)
    for i in range(1, int(ROWS) + 1):
        w.writerow([BAD_DATE if i == BAD_ROW else RECEIVED, USCC, "博罗县绿源菜心种植专业合作社", "菜心",
                    f"CX-{i}", "12.5", "kg", PRODUCED, "", f"PO-{i}"])
