// ERP uploads: XLSX workbooks written by openpyxl (build/venv, ./scripts/deps --openapi) are
// read with libminizip + libexpat a piece at a time; date cells (Excel serials) and text dates
// both read as dates, and the rows are validated like a CSV file's.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/uploads/upload_scan.h"
#include "core/uploads/xlsx_stream.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::core::uploads {
namespace {

using testing::days_from_today;

// A goods-in workbook of `rows` rows made by tests/core/uploads/data/make_xlsx.py; its bytes.
std::string make_xlsx(const testing::TempDir& dir, int rows, int bad_row = 0) {
  const std::string out = fmt::format("{}/goods-in-{}-{}.xlsx", dir.path(), rows, bad_row);
  const std::string cmd = fmt::format(
      "{0}/build/venv/bin/python {0}/tests/core/uploads/data/make_xlsx.py {1} {2} "
      "93441322MA4W12345F {3} {4} {5} {6}",
      AGRITRACE_SOURCE_DIR, out, rows, days_from_today(-2), days_from_today(-3), bad_row,
      days_from_today(4));
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "needs openpyxl: ./scripts/deps --openapi");
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

UploadScan scan_xlsx(const std::string& file) {
  auto today = parse_date(days_from_today(0), "today");
  REQUIRE(today.ok());
  UploadScan scan(RecordType::kGoodsIn, *today);
  auto reader = XlsxReader::open(file);
  REQUIRE(reader.ok());
  std::vector<CsvRow> rows;
  for (;;) {
    auto more = (*reader)->next(&rows);
    REQUIRE(more.ok());
    scan.feed_rows(rows);
    if (!*more) break;
  }
  CHECK((*reader)->consumed() == (*reader)->total());
  scan.finish();
  return scan;
}

TEST_CASE("R-5.2 uploads: an XLSX workbook from openpyxl reads like the CSV, date cells included") {
  testing::TempDir dir;
  const std::string file = make_xlsx(dir, 3);
  CHECK(looks_like_xlsx(file));
  UploadScan scan = scan_xlsx(file);
  INFO(scan.errors().size());
  CHECK_FALSE(scan.fatal());
  CHECK(scan.errors().empty());
  REQUIRE(scan.rows_valid() == 3);
  const auto& r = scan.records();
  CHECK(r[0].row == 2);
  CHECK(format_date(r[0].date) == days_from_today(-2));              // a date cell
  CHECK(format_date(*r[0].production_date) == days_from_today(-3));  // a date cell
  CHECK(format_date(*r[1].production_date) == days_from_today(-3));  // text
  CHECK(r[0].quantity == Quantity{12'500, Unit::kGram});
  CHECK(r[1].quantity == Quantity{400'000, Unit::kGram});
  CHECK(r[1].counterparty_name == "博罗县绿源菜心种植专业合作社");
  CHECK(r[2].lot_code == "XL-3");
  CHECK_FALSE(r[0].expiry_date);
}

TEST_CASE(
    "R-5.2 uploads: XLSX rows are validated with the sheet's row numbers, broken files refused") {
  testing::TempDir dir;
  UploadScan scan = scan_xlsx(make_xlsx(dir, 2000, 1500));
  CHECK(scan.rows_read() == 2000);
  CHECK(scan.rows_valid() == 1999);
  REQUIRE(scan.errors().size() == 1);
  CHECK(scan.errors()[0].row == 1501);
  CHECK(scan.errors()[0].column == "received_on");
  CHECK(scan.errors()[0].code == "date_in_future");

  CHECK(XlsxReader::open("not a zip at all").error().reason == "xlsx_invalid");
  CHECK_FALSE(looks_like_xlsx("received_on,supplier_uscc"));
  CHECK(excel_serial_date("25569") == "1970-01-01");
  CHECK(excel_serial_date("25569.0") == "1970-01-01");
  CHECK_FALSE(excel_serial_date("12.5"));
  CHECK_FALSE(excel_serial_date("2026-12-01"));
}

TEST_CASE(
    "R-5.2 uploads: the XLSX templates (docs/templates, scripts/templates-xlsx) hold the CSV "
    "templates' rows") {
  for (RecordType type : {RecordType::kGoodsIn, RecordType::kGoodsOut}) {
    CAPTURE(record_type_name(type));
    std::ifstream in(
        fmt::format("{}/docs/templates/{}.xlsx", AGRITRACE_SOURCE_DIR, record_type_name(type)),
        std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto reader = XlsxReader::open(ss.str());
    REQUIRE(reader.ok());
    std::vector<CsvRow> sheet;
    while (true) {
      auto more = (*reader)->next(&sheet);
      REQUIRE(more.ok());
      if (!*more) break;
    }
    CsvReader csv;
    std::vector<CsvRow> want;
    REQUIRE(csv.feed(template_csv(type), &want).ok());
    REQUIRE(csv.finish(&want).ok());
    REQUIRE(sheet.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) CHECK(sheet[i].fields == want[i].fields);
  }
}

}  // namespace
}  // namespace agritrace::core::uploads
