// ERP uploads: a CSV file read as a stream of chunks (never whole), in UTF-8 or GB18030
// (the encoding Chinese Excel writes), turned into rows of UTF-8 fields. Transcoding is glibc's
// iconv; the CSV grammar is RFC 4180 (quoted fields with "" escapes, CRLF or LF line ends,
// line breaks inside quotes). Pure computation: the caller reads the bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace agritrace::core::uploads {

enum class TextEncoding { kUtf8, kGb18030 };

// "utf-8" / "gb18030" (case-insensitive; "gbk" and "gb2312" read as GB18030, their superset).
// Reason `encoding_unknown`.
Result<TextEncoding> parse_encoding(std::string_view name, std::string_view field);

// A file's encoding guessed from its first bytes: a UTF-8 BOM or valid UTF-8 → UTF-8, otherwise
// GB18030. `head` may end inside a character.
TextEncoding detect_encoding(std::string_view head);

// Converts chunks of `encoding` to UTF-8; a character split across chunks is carried over.
// Errors (kInvalidArgument): encoding_invalid (bytes that are not text in that encoding, with
// the byte offset in the message).
class Transcoder {
 public:
  explicit Transcoder(TextEncoding encoding);
  ~Transcoder();
  Transcoder(const Transcoder&) = delete;
  Transcoder& operator=(const Transcoder&) = delete;

  Status feed(std::string_view bytes, std::string* utf8_out);
  Status finish(std::string* utf8_out);  // an incomplete last character is an error

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct CsvRow {
  int64_t number = 0;  // 1-based line number of the row's first line in the file
  std::vector<std::string> fields;
};

// RFC 4180 rows from UTF-8 text fed in chunks. A leading UTF-8 BOM is dropped; blank lines are
// skipped. Errors (kInvalidArgument, field "row N"): csv_quote_unclosed, csv_quote_misplaced,
// csv_field_too_long (over kMaxFieldBytes), csv_too_many_fields (over kMaxFields).
class CsvReader {
 public:
  static constexpr size_t kMaxFieldBytes = 4096;
  static constexpr size_t kMaxFields = 256;

  // Appends the rows completed by `text` to *rows.
  Status feed(std::string_view text, std::vector<CsvRow>* rows);
  // The last row when the file does not end with a line break.
  Status finish(std::vector<CsvRow>* rows);

 private:
  Status end_field();
  // ',' ends the field, CR or LF the row; *used says whether c was one of them.
  Status delimiter(char c, std::vector<CsvRow>* rows, bool* used);
  Status end_row(std::vector<CsvRow>* rows);
  Error error(std::string reason, std::string message) const;

  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };
  State state_ = State::kFieldStart;
  bool bom_checked_ = false;
  std::string pending_bom_;
  std::string field_;
  CsvRow row_;
  int64_t line_ = 1;
  bool row_started_ = false;
};

}  // namespace agritrace::core::uploads
