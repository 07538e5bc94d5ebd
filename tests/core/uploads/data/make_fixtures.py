#!/usr/bin/env python3
"""Writes the upload fixtures with Python's own csv writer and codecs (not our code): a goods-in
file in GB18030 (what Chinese Excel saves) and the same rows in UTF-8 with a BOM (Excel's
"CSV UTF-8"). Called by tests/core/uploads/uploads_test.cpp with the output folder and dates
relative to the test clock:  make_fixtures.py OUTDIR RECEIVED PRODUCED EXPIRY BAD_DATE"""
import csv
import io
import os
import sys

HEADER = ["received_on", "supplier_uscc", "supplier_name", "product", "lot_code", "quantity", "unit",
          "production_date", "expiry_date", "reference"]
OUT, RECEIVED, PRODUCED, EXPIRY, BAD_DATE = sys.argv[1:6]
ROWS = [
    [RECEIVED, "93441322MA4W12345F", "博罗县绿源菜心种植专业合作社", "菜心", "CX-1125", "400", "kg",
     PRODUCED, EXPIRY, "PO-1"],
    [RECEIVED, "93441322MA4W12345F", "博罗县绿源菜心种植专业合作社, 二部", "菜心", "CX-1126", "12.5", "kg",
     PRODUCED, "", "PO-2"],
    [BAD_DATE, "93441322MA4W12345G", "", "菜心", "CX-1127", "-3", "kg", "", "", ""],
    [RECEIVED, "93441322MA4W12345F", "𠮷野家 (GB18030 four-byte)", "荔枝", "LZ-1", "3", "piece", PRODUCED, "", ""],
]


def write(name, encoding):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(ROWS)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(buf.getvalue().encode(encoding))


write("goods_in_gb18030.csv", "gb18030")
write("goods_in_utf8_bom.csv", "utf-8-sig")
