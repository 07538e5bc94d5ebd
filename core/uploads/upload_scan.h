// ERP uploads: one pass over an uploaded file, fed in chunks (never whole): the encoding is
// detected from the first chunk, the text transcoded, split into CSV rows and every row validated
// against its template. Counts for progress, every problem as a RowError, the valid records.
// Pure computation: the caller reads the bytes (api/uploads reads them from the blob store).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/uploads/csv_stream.h"
#include "core/uploads/templates.h"

namespace agritrace::core::uploads {

// all_or_nothing (default): nothing is appended when any row fails; valid_rows: the valid rows
// are appended, the others reported. Reason upload_mode_unknown.
enum class UploadMode { kAllOrNothing, kValidRows };
Result<UploadMode> parse_upload_mode(std::string_view name, std::string_view field);
std::string_view upload_mode_name(UploadMode mode);

// The API's names of the record types: "goods_in" / "goods_out". Reason upload_type_unknown.
Result<RecordType> parse_upload_type(std::string_view name, std::string_view field);
std::string_view upload_type_name(RecordType type);

// The job id of an upload: the same tenant, record type and file bytes give the same id
// ("upl-" + 32 hex digits of SHA-256), so sending a file again finds its job.
std::string upload_id(std::string_view tenant, RecordType type,
                      std::string_view content_sha256_hex);

class UploadScan {
 public:
  UploadScan(RecordType type, Date today);

  // Feeds the next bytes of the file. A problem that stops the reading (bad bytes, broken CSV,
  // unusable header) is recorded in errors() and makes fatal() true; later feeds are ignored.
  void feed(std::string_view bytes);
  void finish();

  // Rows already split, from an XLSX sheet (core/uploads/xlsx_stream.h): in a date column a
  // number is an Excel date serial and reads as its date. Call finish() after the last rows.
  void feed_rows(std::vector<CsvRow>& rows);
  // A problem that stops the reading found outside the scan (an XLSX container that is broken).
  void stop(const Error& e);

  bool fatal() const { return fatal_; }
  int64_t rows_read() const { return rows_read_; }  // data rows (the header not counted)
  int64_t rows_valid() const { return static_cast<int64_t>(records_.size()); }
  int64_t rows_invalid() const { return rows_invalid_; }
  const std::vector<RowError>& errors() const { return errors_; }
  std::vector<UploadRecord>& records() { return records_; }

 private:
  void take_rows(std::vector<CsvRow>& rows);

  RecordType type_;
  RowValidator validator_;
  bool excel_ = false;
  std::vector<size_t> date_columns_;  // file columns of the template's date columns (XLSX)
  std::unique_ptr<Transcoder> transcoder_;
  CsvReader reader_;
  bool header_done_ = false;
  bool fatal_ = false;
  int64_t rows_read_ = 0;
  int64_t rows_invalid_ = 0;
  std::vector<RowError> errors_;
  std::vector<UploadRecord> records_;
};

}  // namespace agritrace::core::uploads
