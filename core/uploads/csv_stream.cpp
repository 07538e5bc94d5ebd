#include "core/uploads/csv_stream.h"

#include <fmt/format.h>
#include <iconv.h>

#include <cctype>
#include <cerrno>

namespace agritrace::core::uploads {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

Error invalid(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message),
                    std::move(field));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Length of the valid UTF-8 prefix of s; *complete is false when s ends inside a character.
size_t valid_utf8_prefix(std::string_view s, bool* truncated_at_end) {
  size_t i = 0;
  *truncated_at_end = false;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0) return i;
    if (i + n > s.size()) {
      *truncated_at_end = true;
      return i;
    }
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    i += n;
  }
  return i;
}

}  // namespace

Result<TextEncoding> parse_encoding(std::string_view name, std::string_view field) {
  const std::string n = lower(name);
  if (n == "utf-8" || n == "utf8") return TextEncoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return TextEncoding::kGb18030;
  return invalid("encoding_unknown", "encoding is utf-8 or gb18030", std::string(field));
}

TextEncoding detect_encoding(std::string_view head) {
  if (head.substr(0, kUtf8Bom.size()) == kUtf8Bom) return TextEncoding::kUtf8;
  bool truncated = false;
  const size_t ok = valid_utf8_prefix(head, &truncated);
  return ok == head.size() || truncated ? TextEncoding::kUtf8 : TextEncoding::kGb18030;
}

// ---- Transcoder ----

struct Transcoder::Impl {
  TextEncoding encoding;
  iconv_t cd = reinterpret_cast<iconv_t>(-1);
  std::string carry;     // bytes of a character split across chunks
  int64_t consumed = 0;  // bytes converted so far (for messages)
};

Transcoder::Transcoder(TextEncoding encoding) : impl_(std::make_unique<Impl>()) {
  impl_->encoding = encoding;
  if (encoding == TextEncoding::kGb18030) impl_->cd = iconv_open("UTF-8", "GB18030");
}

Transcoder::~Transcoder() {
  if (impl_->cd != reinterpret_cast<iconv_t>(-1)) iconv_close(impl_->cd);
}

Status Transcoder::feed(std::string_view bytes, std::string* out) {
  std::string in = std::move(impl_->carry);
  impl_->carry.clear();
  in.append(bytes);
  if (impl_->encoding == TextEncoding::kUtf8) {
    bool truncated = false;
    const size_t ok = valid_utf8_prefix(in, &truncated);
    if (ok != in.size() && !truncated) {
      return invalid("encoding_invalid",
                     fmt::format("byte {} is not UTF-8 (save the file as UTF-8 or GB18030)",
                                 impl_->consumed + ok),
                     "file");
    }
    out->append(in, 0, ok);
    impl_->carry = in.substr(ok);
    impl_->consumed += static_cast<int64_t>(ok);
    return Status::Ok();
  }
  if (impl_->cd == reinterpret_cast<iconv_t>(-1)) {
    return make_error(ErrorCode::kInternal, "encoding_unavailable",
                      "iconv has no GB18030 converter", "file");
  }
  char* src = in.data();
  size_t src_left = in.size();
  char buffer[16384];
  while (src_left > 0) {
    char* dst = buffer;
    size_t dst_left = sizeof buffer;
    const size_t r = iconv(impl_->cd, &src, &src_left, &dst, &dst_left);
    out->append(buffer, sizeof buffer - dst_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) continue;
    if (errno == EINVAL) {  // a character continues in the next chunk
      impl_->carry.assign(src, src_left);
      break;
    }
    return invalid("encoding_invalid",
                   fmt::format("byte {} is not GB18030 text",
                               impl_->consumed + static_cast<int64_t>(src - in.data())),
                   "file");
  }
  impl_->consumed += static_cast<int64_t>(in.size() - impl_->carry.size());
  return Status::Ok();
}

Status Transcoder::finish(std::string* out) {
  (void)out;
  if (!impl_->carry.empty()) {
    return invalid("encoding_invalid",
                   fmt::format("the file ends inside a character (byte {})", impl_->consumed),
                   "file");
  }
  return Status::Ok();
}

// ---- CsvReader ----

Error CsvReader::error(std::string reason, std::string message) const {
  return invalid(std::move(reason), std::move(message), fmt::format("row {}", row_.number));
}

Status CsvReader::end_field() {
  if (row_.fields.size() >= kMaxFields) {
    return error("csv_too_many_fields", fmt::format("a row has at most {} fields", kMaxFields));
  }
  row_.fields.push_back(std::move(field_));
  field_.clear();
  return Status::Ok();
}

Status CsvReader::end_row(std::vector<CsvRow>* rows) {
  if (row_started_) {
    if (Status s = end_field(); !s.ok()) return s;
    rows->push_back(std::move(row_));
  }
  row_ = CsvRow{};
  row_started_ = false;
  state_ = State::kFieldStart;
  ++line_;
  return Status::Ok();
}

Status CsvReader::delimiter(char c, std::vector<CsvRow>* rows, bool* used) {
  *used = c == ',' || c == '\r' || c == '\n';
  if (c == ',') {
    state_ = State::kFieldStart;
    return end_field();
  }
  if (c == '\r') state_ = State::kAfterCr;
  if (c == '\n') return end_row(rows);
  return Status::Ok();
}

Status CsvReader::feed(std::string_view text, std::vector<CsvRow>* rows) {
  if (!bom_checked_) {
    pending_bom_.append(text);
    if (pending_bom_.size() < kUtf8Bom.size() &&
        kUtf8Bom.substr(0, pending_bom_.size()) == pending_bom_) {
      return Status::Ok();  // could still be a BOM
    }
    bom_checked_ = true;
    std::string all = std::move(pending_bom_);
    pending_bom_.clear();
    if (std::string_view(all).substr(0, kUtf8Bom.size()) == kUtf8Bom) all.erase(0, kUtf8Bom.size());
    return feed(all, rows);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!row_started_ && c != '\r' && c != '\n') {
      row_started_ = true;
      row_.number = line_;
    }
    switch (state_) {
      case State::kAfterCr:
        if (Status s = end_row(rows); !s.ok()) return s;
        if (c == '\n') continue;
        --i;  // the character starts the next row
        continue;
      case State::kFieldStart:
        if (c == '"') {
          state_ = State::kQuoted;
          continue;
        }
        [[fallthrough]];
      case State::kUnquoted: {
        bool used = false;
        if (Status s = delimiter(c, rows, &used); !s.ok()) return s;
        if (used) break;
        if (c == '"') {
          return error("csv_quote_misplaced",
                       "a quote inside an unquoted field (quote the whole field)");
        } else {
          field_.push_back(c);
          state_ = State::kUnquoted;
        }
        break;
      }
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          if (c == '\n') ++line_;
          field_.push_back(c);
        }
        break;
      case State::kQuoteInQuoted: {
        if (c == '"') {
          field_.push_back('"');
          state_ = State::kQuoted;
          break;
        }
        bool used = false;
        if (Status s = delimiter(c, rows, &used); !s.ok()) return s;
        if (!used) return error("csv_quote_misplaced", "text after a closing quote");
        break;
      }
    }
    if (field_.size() > kMaxFieldBytes) {
      return error("csv_field_too_long",
                   fmt::format("a field has at most {} bytes", kMaxFieldBytes));
    }
  }
  return Status::Ok();
}

Status CsvReader::finish(std::vector<CsvRow>* rows) {
  if (!bom_checked_) {  // a file shorter than a BOM
    bom_checked_ = true;
    const std::string all = std::move(pending_bom_);
    pending_bom_.clear();
    if (Status s = feed(all, rows); !s.ok()) return s;
  }
  if (state_ == State::kQuoted)
    return error("csv_quote_unclosed", "the file ends inside a quoted field");
  if (row_started_) return end_row(rows);
  return Status::Ok();
}

}  // namespace agritrace::core::uploads
