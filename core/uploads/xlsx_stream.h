// ERP uploads: the rows of an XLSX file's first worksheet (xl/worksheets/sheet1.xml), read
// with Debian's libminizip (the zip container) and libexpat (the XML): the shared strings first,
// then the sheet decompressed and parsed a chunk at a time, so the sheet's XML is never held
// whole. Cells come as UTF-8 text: shared and inline strings as written, numbers as their <v>.
// Pure computation over the file's bytes in memory (the zip's directory is at its end).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/uploads/csv_stream.h"

namespace agritrace::core::uploads {

// True for bytes that start like a zip file (an XLSX).
bool looks_like_xlsx(std::string_view head);

class XlsxReader {
 public:
  // Opens the container and reads its shared strings. Errors (kInvalidArgument, field "file"):
  // xlsx_invalid (not a zip, or no xl/worksheets/sheet1.xml), xlsx_xml_invalid.
  static Result<std::unique_ptr<XlsxReader>> open(std::string_view file);
  ~XlsxReader();
  XlsxReader(const XlsxReader&) = delete;
  XlsxReader& operator=(const XlsxReader&) = delete;

  // Decompresses and parses the next piece of the sheet, appending the rows it completes (number:
  // the sheet's row number; a missing cell is ""). False once the sheet has been read.
  Result<bool> next(std::vector<CsvRow>* rows);
  // Compressed bytes of the sheet consumed so far, and in all (progress).
  int64_t consumed() const;
  int64_t total() const;

 private:
  struct Impl;
  explicit XlsxReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An Excel date serial (1900 date system, days since 1899-12-30) as YYYY-MM-DD, if `cell` is a
// whole number in the range of real dates; otherwise nullopt.
std::optional<std::string> excel_serial_date(std::string_view cell);

}  // namespace agritrace::core::uploads
