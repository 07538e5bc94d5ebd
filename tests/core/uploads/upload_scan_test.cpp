// ERP uploads: one pass over a file fed in chunks (UploadScan) counts and validates every
// row, stops at what cannot be read, and names the job after the content hash.
#include "core/uploads/upload_scan.h"

#include <doctest/doctest.h>

#include <string>

#include "core/base/digest.h"
#include "tests/support/test_clock.h"

namespace agritrace::core::uploads {
namespace {

using testing::days_from_today;

constexpr const char* kHeader =
    "received_on,supplier_uscc,supplier_name,product,lot_code,quantity,unit,production_date,expiry_"
    "date,reference\r\n";

std::string row(const std::string& date, const std::string& lot) {
  return date + ",93441322MA4W12345F,绿源,菜心," + lot + ",12.5,kg," + date + ",,\r\n";
}

Date today() {
  auto d = parse_date(days_from_today(0), "today");
  REQUIRE(d.ok());
  return *d;
}

UploadScan scan_in_chunks(const std::string& file, size_t chunk) {
  UploadScan scan(RecordType::kGoodsIn, today());
  for (size_t at = 0; at < file.size(); at += chunk)
    scan.feed(std::string_view(file).substr(at, chunk));
  scan.finish();
  return scan;
}

TEST_CASE("R-5.2 uploads: a file fed in chunks is counted and validated row by row") {
  std::string file = kHeader;
  for (int i = 0; i < 50; ++i) file += row(days_from_today(-1), "L-" + std::to_string(i));
  file += row(days_from_today(2), "L-future");
  file += row(days_from_today(-1), "L-last");
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{64}, file.size()}) {
    UploadScan scan = scan_in_chunks(file, chunk);
    CHECK_FALSE(scan.fatal());
    CHECK(scan.rows_read() == 52);
    CHECK(scan.rows_valid() == 51);
    CHECK(scan.rows_invalid() == 1);
    REQUIRE(scan.errors().size() == 1);
    CHECK(scan.errors()[0].row == 52);
    CHECK(scan.errors()[0].code == "date_in_future");
    CHECK(scan.records().back().lot_code == "L-last");
  }
}

TEST_CASE("R-5.2 uploads: a broken header, broken CSV or an empty file stops the reading") {
  UploadScan header = scan_in_chunks("received_on,product\r\n" + row(days_from_today(-1), "L"), 7);
  CHECK(header.fatal());
  CHECK(header.rows_read() == 0);
  CHECK(header.errors().at(0).code == "column_missing");

  UploadScan quote = scan_in_chunks(std::string(kHeader) + "\"" + row(days_from_today(-1), "L"), 5);
  CHECK(quote.fatal());
  CHECK(quote.errors().at(0).code == "csv_quote_unclosed");
  CHECK(quote.errors().at(0).row == 2);

  UploadScan empty = scan_in_chunks("", 5);
  CHECK(empty.fatal());
  CHECK(empty.errors().at(0).code == "file_empty");
}

TEST_CASE("R-5.2 uploads: the job id follows the tenant, record type and content hash") {
  const std::string h = sha256_hex("a file");
  CHECK(upload_id("t1", RecordType::kGoodsIn, h) == upload_id("t1", RecordType::kGoodsIn, h));
  CHECK(upload_id("t1", RecordType::kGoodsIn, h).rfind("upl-", 0) == 0);
  CHECK(upload_id("t1", RecordType::kGoodsIn, h).size() == 36);
  CHECK(upload_id("t1", RecordType::kGoodsOut, h) != upload_id("t1", RecordType::kGoodsIn, h));
  CHECK(upload_id("t2", RecordType::kGoodsIn, h) != upload_id("t1", RecordType::kGoodsIn, h));
  CHECK(upload_id("t1", RecordType::kGoodsIn, sha256_hex("another")) !=
        upload_id("t1", RecordType::kGoodsIn, h));
  CHECK(parse_upload_mode("valid_rows", "mode").value() == UploadMode::kValidRows);
  CHECK(parse_upload_mode("all", "mode").error().reason == "upload_mode_unknown");
  CHECK(parse_upload_type("goods_out", "type").value() == RecordType::kGoodsOut);
  CHECK(parse_upload_type("goods-in", "type").error().reason == "upload_type_unknown");
}

}  // namespace
}  // namespace agritrace::core::uploads
