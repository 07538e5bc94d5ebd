// ERP uploads: the published templates (one per record type) and the validation of each
// row against its template, with a precise reason per problem: (row, column, code, message).
// docs/templates/<record type>.csv is template_csv(): header and one example row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/quantity.h"
#include "core/base/status.h"
#include "core/uploads/csv_stream.h"

namespace agritrace::core::uploads {

enum class RecordType { kGoodsIn, kGoodsOut };

// "goods-in" (purchases / receipts) or "goods-out" (sales / shipments). Reason record_type_unknown.
Result<RecordType> parse_record_type(std::string_view name, std::string_view field);
std::string_view record_type_name(RecordType type);

enum class ColumnKind { kDate, kUscc, kText, kQuantity, kUnit };

struct Column {
  std::string_view name;  // the header cell
  ColumnKind kind;
  bool required;
  size_t max_bytes;  // text columns
  std::string_view example;
  std::string_view description;
};

const std::vector<Column>& template_columns(RecordType type);

// The template file: the header and an example row (UTF-8, CRLF).
std::string template_csv(RecordType type);

struct RowError {
  int64_t row = 0;     // file line number (1 = the header)
  std::string column;  // header name, "" for the whole row
  std::string code;
  std::string message;
};

// One validated data row, in template terms (the values are checked, not yet commands).
struct UploadRecord {
  int64_t row = 0;
  Date date;  // received_on / ship_date
  std::string counterparty_uscc;
  std::string counterparty_name;
  std::string product;
  std::string lot_code;
  Quantity quantity;
  std::optional<Date> production_date;
  std::optional<Date> expiry_date;
  std::string reference;  // ERP document number (optional)
};

// Maps a header row onto the template: every required column present, no unknown or repeated
// column. Errors go to *errors (row 1).
class RowValidator {
 public:
  // `today`: no record may be dated in the future.
  RowValidator(RecordType type, Date today);

  // False when the header is unusable (the file's rows cannot be read then).
  bool read_header(const CsvRow& header, std::vector<RowError>* errors);
  // The record, or nullopt with every problem of the row appended to *errors.
  std::optional<UploadRecord> validate(const CsvRow& row, std::vector<RowError>* errors) const;

 private:
  RecordType type_;
  Date today_;
  std::vector<int> index_;  // template column -> file column (-1: absent)
};

// The downloadable error report: "row,column,code,message" (UTF-8 with BOM so Excel opens it
// right, CRLF, RFC 4180 quoting).
std::string error_report_header();
std::string error_report_line(const RowError& e);

}  // namespace agritrace::core::uploads
