#include "core/base/json_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace agritrace {

namespace {
// Bytes that JSON strings must escape: the control characters, '"' and '\\'.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// SWAR over eight bytes: the high bit of a byte is set where it needs an escape (a byte below
// 0x20, '"' or '\\'; bytes >= 0x80 never). Borrows may mark bytes above the first hit too, so
// only the lowest set bit is exact, which is all first_escape() uses.
uint64_t escape_bits(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
  return ((x - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~x & kHigh;
}

// The position of the first byte of `s` that needs an escape, or s.size(). Eight bytes at a time,
// the tail as the last eight bytes again (overlapping bytes are known clean) or, under eight,
// assembled from single loads: answers are mostly short strings (ids, names, keys), and a
// byte-at-a-time tail (then a variable-length memcpy, which defeats store forwarding) was most
// of this function's time.
size_t first_escape(std::string_view s) {
  const size_t n = s.size();
  const char* d = s.data();
  if (n < 8) {
    uint64_t x = 0x2020202020202020ULL;  // spaces need no escape
    for (size_t i = 0; i < n; ++i) {
      x &= ~(uint64_t{0xFF} << (8 * i));
      x |= uint64_t{static_cast<unsigned char>(d[i])} << (8 * i);
    }
    const uint64_t hit = escape_bits(x);
    return hit ? static_cast<size_t>(__builtin_ctzll(hit)) / 8 : n;
  }
  size_t i = 0;
  uint64_t x;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&x, d + i, 8);
    if (const uint64_t hit = escape_bits(x)) return i + static_cast<size_t>(__builtin_ctzll(hit)) / 8;
  }
  if (i == n) return n;
  std::memcpy(&x, d + n - 8, 8);
  if (const uint64_t hit = escape_bits(x)) return n - 8 + static_cast<size_t>(__builtin_ctzll(hit)) / 8;
  return n;
}

// Writes the escaped form of s[at..] (at being its first byte that needs an escape) to `out`,
// which has room for it (6 bytes per input byte at most); returns the end.
char* escape_rest(std::string_view s, size_t at, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (; at < s.size(); ++at) {
    const auto c = static_cast<unsigned char>(s[at]);
    if (!needs_escape(c)) {
      *out++ = static_cast<char>(c);
      continue;
    }
    *out++ = '\\';
    switch (c) {
      case '"': *out++ = '"'; break;
      case '\\': *out++ = '\\'; break;
      case '\n': *out++ = 'n'; break;
      case '\r': *out++ = 'r'; break;
      case '\t': *out++ = 't'; break;
      case '\b': *out++ = 'b'; break;
      case '\f': *out++ = 'f'; break;
      default:
        *out++ = 'u';
        *out++ = '0';
        *out++ = '0';
        *out++ = kHex[c >> 4];
        *out++ = kHex[c & 0xF];
    }
  }
  return out;
}
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const size_t at = first_escape(s);
  out.push_back('"');
  out.append(s.data(), at);
  if (at < s.size()) {
    const size_t before = out.size();
    out.resize(before + 6 * (s.size() - at));
    char* end = escape_rest(s, at, out.data() + before);
    out.resize(static_cast<size_t>(end - out.data()));
  }
  out.push_back('"');
}

void JsonWriter::grow(size_t n) {
  out_.resize(std::max({out_.size() * 2, len_ + n, size_t{256}}));
}

// `p` has room for the quoted string when it needs no escape (s.size() + 2 bytes).
void JsonWriter::write_string(std::string_view s, char* p) {
  const size_t at = first_escape(s);
  if (at == s.size()) {
    *p = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    len_ = static_cast<size_t>(p - out_.data()) + s.size() + 2;
    return;
  }
  const size_t offset = static_cast<size_t>(p - out_.data());
  len_ = offset;
  p = room(2 + at + 6 * (s.size() - at));
  *p = '"';
  std::memcpy(p + 1, s.data(), at);
  char* end = escape_rest(s, at, p + 1 + at);
  *end++ = '"';
  len_ = static_cast<size_t>(end - out_.data());
}

JsonWriter& JsonWriter::begin_object() {
  *next(1) = '{';
  ++len_;
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  *room(1) = '}';
  ++len_;
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  *next(1) = '[';
  ++len_;
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  *room(1) = ']';
  ++len_;
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  char* p = next(k.size() + 3);
  write_string(k, p);
  *room(1) = ':';
  ++len_;
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
  write_string(s, next(s.size() + 2));
  return *this;
}
JsonWriter& JsonWriter::value(int64_t n) {
  const fmt::format_int text(n);  // no allocation
  return raw(std::string_view(text.data(), text.size()));
}
JsonWriter& JsonWriter::value(uint64_t n) {
  const fmt::format_int text(n);
  return raw(std::string_view(text.data(), text.size()));
}
JsonWriter& JsonWriter::value(bool b) {
  return raw(b ? std::string_view("true") : std::string_view("false"));
}
JsonWriter& JsonWriter::null() { return raw("null"); }
JsonWriter& JsonWriter::raw(std::string_view json) {
  std::memcpy(next(json.size()), json.data(), json.size());
  len_ += json.size();
  return *this;
}

}  // namespace agritrace
