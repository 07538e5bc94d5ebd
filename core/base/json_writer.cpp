#include "core/base/json_writer.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace agritrace {

namespace {
// Bytes that JSON strings must escape: the control characters, '"' and '\\'.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  // Runs of bytes that need no escape (nearly all of them) are appended whole: answers are mostly
  // strings, and a byte at a time was a visible part of every query's cost.
  size_t run = 0;
  size_t i = 0;
  while (i < s.size()) {
    // Eight bytes at a time while none of them needs an escape (SWAR: a byte below 0x20, or
    // equal to '"' or '\\', sets its high bit in `hit`; bytes >= 0x80 never do).
    while (i + 8 <= s.size()) {
      uint64_t x;
      std::memcpy(&x, s.data() + i, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
      const uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
      const uint64_t hit = ((x - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~x & kHigh;
      if (hit != 0) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i++]);
    if (!needs_escape(c)) continue;
    const size_t at = i - 1;
    out.append(s.data() + run, at - run);
    run = at + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void JsonWriter::separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  append_json_string(out_, k);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
  return *this;
}
JsonWriter& JsonWriter::value(int64_t n) {
  separate();
  const fmt::format_int text(n);  // no allocation
  out_.append(text.data(), text.size());
  return *this;
}
JsonWriter& JsonWriter::value(uint64_t n) {
  separate();
  const fmt::format_int text(n);
  out_.append(text.data(), text.size());
  return *this;
}
JsonWriter& JsonWriter::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}
JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

}  // namespace agritrace
