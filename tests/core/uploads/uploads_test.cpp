// ERP uploads: CSV files written by Python's csv module and codecs (GB18030, UTF-8 with
// BOM) are read in small chunks (a character split across chunks included), and every row is
// validated against the goods-in template with (row, column, code).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/uploads/csv_stream.h"
#include "core/uploads/templates.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::core::uploads {
namespace {

using testing::days_from_today;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The fixtures, written by tests/core/uploads/data/make_fixtures.py with dates relative to today.
struct Fixtures {
  testing::TempDir dir;
  Fixtures() {
    const std::string bad_month = days_from_today(0).substr(0, 4) + "-13-01";
    const std::string cmd = fmt::format(
        "python3 {}/tests/core/uploads/data/make_fixtures.py {} {} {} {} {}", AGRITRACE_SOURCE_DIR,
        dir.path(), days_from_today(-7), days_from_today(-8), days_from_today(5), bad_month);
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  std::string file(const char* name) const { return read_file(dir.path() + "/" + name); }
};

// Every row of `bytes`, fed `chunk` bytes at a time through the transcoder and the reader.
std::vector<CsvRow> read_rows(const std::string& bytes, size_t chunk) {
  Transcoder transcoder(detect_encoding(bytes.substr(0, 4096)));
  CsvReader reader;
  std::vector<CsvRow> rows;
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    std::string text;
    REQUIRE(transcoder.feed(std::string_view(bytes).substr(at, chunk), &text).ok());
    REQUIRE(reader.feed(text, &rows).ok());
  }
  std::string rest;
  REQUIRE(transcoder.finish(&rest).ok());
  REQUIRE(reader.feed(rest, &rows).ok());
  REQUIRE(reader.finish(&rows).ok());
  return rows;
}

TEST_CASE(
    "R-5.2 uploads: GB18030 and UTF-8 (BOM) files from Python read the same, in any chunk size") {
  Fixtures fx;
  const std::string gb = fx.file("goods_in_gb18030.csv");
  const std::string utf8 = fx.file("goods_in_utf8_bom.csv");
  CHECK(detect_encoding(gb) == TextEncoding::kGb18030);
  CHECK(detect_encoding(utf8) == TextEncoding::kUtf8);
  const auto expected = read_rows(utf8, utf8.size());
  REQUIRE(expected.size() == 5);
  CHECK(expected[0].fields[0] == "received_on");  // the BOM is gone
  CHECK(expected[1].fields[2] == "博罗县绿源菜心种植专业合作社");
  CHECK(expected[2].fields[2] == "博罗县绿源菜心种植专业合作社, 二部");  // quoted comma
  CHECK(expected[4].fields[2] == "𠮷野家 (GB18030 four-byte)");
  for (size_t chunk : {1, 2, 3, 7, 64, 100000}) {
    CAPTURE(chunk);
    const auto rows = read_rows(gb, chunk);
    REQUIRE(rows.size() == expected.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      CHECK(rows[i].number == static_cast<int64_t>(i + 1));
      CHECK(rows[i].fields == expected[i].fields);
    }
  }
}

TEST_CASE("R-5.2 uploads: every row is validated with row, column and code") {
  Fixtures fx;
  const auto rows = read_rows(fx.file("goods_in_gb18030.csv"), 5);
  auto today = parse_date(days_from_today(0), "today");
  REQUIRE(today.ok());
  RowValidator v(RecordType::kGoodsIn, *today);
  std::vector<RowError> errors;
  REQUIRE(v.read_header(rows[0], &errors));
  auto first = v.validate(rows[1], &errors);
  REQUIRE(first);
  CHECK(first->quantity == Quantity{400'000, Unit::kGram});
  CHECK(first->lot_code == "CX-1125");
  CHECK(format_date(*first->production_date) == days_from_today(-8));
  auto second = v.validate(rows[2], &errors);
  REQUIRE(second);
  CHECK(second->quantity == Quantity{12'500, Unit::kGram});
  CHECK(errors.empty());
  CHECK_FALSE(v.validate(rows[3], &errors));
  std::vector<std::tuple<int64_t, std::string, std::string>> got;
  for (const auto& e : errors) got.emplace_back(e.row, e.column, e.code);
  const std::vector<std::tuple<int64_t, std::string, std::string>> want = {
      {4, "received_on", "date_invalid"},
      {4, "supplier_uscc", "uscc_check_failed"},
      {4, "supplier_name", "field_required"},
      {4, "production_date", "field_required"},
      {4, "quantity", "quantity_invalid"},
  };
  CHECK(got == want);
  auto piece = v.validate(rows[4], &errors);
  REQUIRE(piece);
  CHECK(piece->quantity == Quantity{3, Unit::kPiece});
  // The report names each problem, quoted where needed, with a BOM for Excel.
  CHECK(error_report_header() == "\xEF\xBB\xBFrow,column,code,message\r\n");
  CHECK(error_report_line(errors[2]) == "4,supplier_name,field_required,a value is required\r\n");
}

TEST_CASE("R-5.2 uploads: headers, future dates, quoting and bad bytes are refused precisely") {
  auto today = parse_date(days_from_today(0), "today");
  REQUIRE(today.ok());
  RowValidator v(RecordType::kGoodsOut, *today);
  std::vector<RowError> errors;
  CHECK_FALSE(v.read_header({1, {"ship_date", "customer_uscc", "colour", "ship_date"}}, &errors));
  std::vector<std::string> codes;
  for (const auto& e : errors) codes.push_back(e.column + ":" + e.code);
  CHECK(codes == std::vector<std::string>{"colour:column_unknown", "ship_date:column_repeated",
                                          "customer_name:column_missing", "product:column_missing",
                                          "lot_code:column_missing", "quantity:column_missing",
                                          "unit:column_missing"});
  errors.clear();
  const std::string tpl = template_csv(RecordType::kGoodsOut);
  const auto rows = read_rows(tpl, 3);
  REQUIRE(rows.size() == 2);
  REQUIRE(v.read_header(rows[0], &errors));
  CsvRow future = rows[1];
  future.fields[0] = days_from_today(1);
  CHECK_FALSE(v.validate(future, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "date_in_future");

  CsvReader reader;
  std::vector<CsvRow> out;
  CHECK(reader.feed("a,b\"c\n", &out).error().reason == "csv_quote_misplaced");
  CsvReader open_quote;
  REQUIRE(open_quote.feed("a,\"b\n", &out).ok());
  CHECK(open_quote.finish(&out).error().reason == "csv_quote_unclosed");
  Transcoder utf8(TextEncoding::kUtf8);
  std::string text;
  CHECK(utf8.feed("ok\xFF", &text).error().reason == "encoding_invalid");
  Transcoder gb(TextEncoding::kGb18030);
  CHECK(gb.feed("\x81\x20", &text).error().reason == "encoding_invalid");
}

// The template says what the job requires: a goods-in row is a receipt by hand
// (ReceiveGoodsManually), whose production date is required; a goods-out row is a sales order,
// where it is optional.
TEST_CASE("R-5.2 uploads: production_date is required by the goods-in template and its validation, "
          "optional for goods-out") {
  auto today = parse_date(days_from_today(0), "today");
  REQUIRE(today.ok());
  auto column = [](RecordType type) {
    for (const Column& c : template_columns(type)) {
      if (c.name == "production_date") return c;
    }
    FAIL("no production_date column");
    return Column{};
  };
  CHECK(column(RecordType::kGoodsIn).required);
  CHECK_FALSE(column(RecordType::kGoodsIn).example.empty());
  CHECK_FALSE(column(RecordType::kGoodsOut).required);
  for (auto type : {RecordType::kGoodsIn, RecordType::kGoodsOut}) {
    const bool in = type == RecordType::kGoodsIn;
    CAPTURE(in);
    RowValidator v(type, *today);
    std::vector<RowError> errors;
    const auto rows = read_rows(template_csv(type), 7);
    REQUIRE(rows.size() == 2);
    REQUIRE(v.read_header(rows[0], &errors));
    // The template's own example row is valid.
    CsvRow example = rows[1];
    example.fields[0] = days_from_today(-1);
    example.fields[7] = in ? days_from_today(-2) : "";
    CHECK(v.validate(example, &errors));
    CHECK(errors.empty());
    // Without a production date: refused for goods-in (row, column, code), accepted for goods-out.
    CsvRow without = example;
    without.fields[7] = "";
    auto record = v.validate(without, &errors);
    if (in) {
      CHECK_FALSE(record);
      REQUIRE(errors.size() == 1);
      CHECK(errors[0].row == 2);
      CHECK(errors[0].column == "production_date");
      CHECK(errors[0].code == "field_required");
    } else {
      REQUIRE(record);
      CHECK_FALSE(record->production_date);
      CHECK(errors.empty());
    }
  }
}

TEST_CASE("R-5.2 uploads: the published templates (docs/templates) are the validator's") {
  for (auto type : {RecordType::kGoodsIn, RecordType::kGoodsOut}) {
    const std::string name = std::string(record_type_name(type));
    CAPTURE(name);
    CHECK(read_file(std::string(AGRITRACE_SOURCE_DIR) + "/docs/templates/" + name + ".csv") ==
          template_csv(type));
  }
}

}  // namespace
}  // namespace agritrace::core::uploads
