#include "core/uploads/upload_scan.h"

#include <charconv>

#include "core/base/digest.h"
#include "core/uploads/xlsx_stream.h"

namespace agritrace::core::uploads {

Result<UploadMode> parse_upload_mode(std::string_view name, std::string_view field) {
  if (name == "all_or_nothing") return UploadMode::kAllOrNothing;
  if (name == "valid_rows") return UploadMode::kValidRows;
  return make_error(ErrorCode::kInvalidArgument, "upload_mode_unknown",
                    "mode is all_or_nothing or valid_rows", std::string(field));
}

std::string_view upload_mode_name(UploadMode mode) {
  return mode == UploadMode::kAllOrNothing ? "all_or_nothing" : "valid_rows";
}

Result<RecordType> parse_upload_type(std::string_view name, std::string_view field) {
  if (name == "goods_in") return RecordType::kGoodsIn;
  if (name == "goods_out") return RecordType::kGoodsOut;
  return make_error(ErrorCode::kInvalidArgument, "upload_type_unknown",
                    "type is goods_in or goods_out", std::string(field));
}

std::string_view upload_type_name(RecordType type) {
  return type == RecordType::kGoodsIn ? "goods_in" : "goods_out";
}

std::string upload_id(std::string_view tenant, RecordType type,
                      std::string_view content_sha256_hex) {
  std::string in;
  in.append(tenant).push_back('\n');
  in.append(upload_type_name(type)).push_back('\n');
  in.append(content_sha256_hex);
  return "upl-" + sha256_hex(in).substr(0, 32);
}

UploadScan::UploadScan(RecordType type, Date today) : type_(type), validator_(type, today) {}

void UploadScan::stop(const Error& e) {
  RowError r;
  // The reader names the row as "row N".
  std::string_view f = e.field;
  if (f.rfind("row ", 0) == 0) {
    f.remove_prefix(4);
    std::from_chars(f.data(), f.data() + f.size(), r.row);
  }
  r.code = e.reason;
  r.message = e.message;
  errors_.push_back(std::move(r));
  fatal_ = true;
}

void UploadScan::take_rows(std::vector<CsvRow>& rows) {
  for (CsvRow& row : rows) {
    if (fatal_) break;
    if (!header_done_) {
      header_done_ = true;
      if (!validator_.read_header(row, &errors_)) fatal_ = true;
      for (size_t i = 0; i < row.fields.size(); ++i) {
        for (const Column& c : template_columns(type_)) {
          if (c.kind == ColumnKind::kDate && c.name == row.fields[i]) date_columns_.push_back(i);
        }
      }
      continue;
    }
    ++rows_read_;
    if (excel_) {
      for (size_t i : date_columns_) {
        if (i >= row.fields.size()) continue;
        if (auto d = excel_serial_date(row.fields[i])) row.fields[i] = *d;
      }
    }
    if (auto rec = validator_.validate(row, &errors_)) {
      records_.push_back(std::move(*rec));
    } else {
      ++rows_invalid_;
    }
  }
  rows.clear();
}

void UploadScan::feed(std::string_view bytes) {
  if (fatal_ || bytes.empty()) return;
  if (!transcoder_) transcoder_ = std::make_unique<Transcoder>(detect_encoding(bytes.substr(0, 4096)));
  std::string text;
  std::vector<CsvRow> rows;
  Status s = transcoder_->feed(bytes, &text);
  if (!s.ok()) return stop(s.error());
  s = reader_.feed(text, &rows);
  take_rows(rows);
  if (!s.ok() && !fatal_) stop(s.error());
}

void UploadScan::feed_rows(std::vector<CsvRow>& rows) {
  excel_ = true;
  if (!fatal_) take_rows(rows);
  rows.clear();
}

void UploadScan::finish() {
  if (fatal_) return;
  std::vector<CsvRow> rows;
  if (transcoder_) {
    std::string rest;
    Status s = transcoder_->finish(&rest);
    if (!s.ok()) return stop(s.error());
    s = reader_.feed(rest, &rows);
    take_rows(rows);
    if (!s.ok() && !fatal_) return stop(s.error());
  }
  Status s = reader_.finish(&rows);
  take_rows(rows);
  if (!s.ok() && !fatal_) return stop(s.error());
  if (!header_done_ && !fatal_) {
    errors_.push_back(RowError{1, "", "file_empty", "the file has no header row"});
    fatal_ = true;
  }
}

}  // namespace agritrace::core::uploads
