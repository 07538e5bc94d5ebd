// JsonWriter: builds compact JSON text with correct escaping. Keys keep insertion order, so the
// same calls always give the same bytes (views rebuilt from the ledger must be byte-identical).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agritrace {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(int32_t n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(uint64_t n);
  JsonWriter& value(bool b);
  JsonWriter& null();
  // Inserts already-valid JSON text as a value (e.g. a stored payload).
  JsonWriter& raw(std::string_view json);

  // Shorthands for "key": value.
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  JsonWriter& field_raw(std::string_view k, std::string_view json) {
    key(k);
    return raw(json);
  }

  const std::string& str() const {
    out_.resize(len_);
    return out_;
  }
  std::string take() {
    out_.resize(len_);
    len_ = 0;
    return std::move(out_);
  }

 private:
  // `out_` is grown ahead and written through a pointer, `len_` bytes of it being the text so
  // far: one capacity check per call instead of one per byte written (a recall answer is tens of
  // kilobytes of short strings, and std::string's per-append bookkeeping was a visible part).
  char* room(size_t n) {
    if (out_.size() - len_ < n) grow(n);
    return out_.data() + len_;
  }
  void grow(size_t n);
  // Writes the separator a value needs (','), then `n` bytes of room is returned past it.
  char* next(size_t n) {
    char* p = room(n + 1);
    if (need_comma_) {
      *p++ = ',';
      ++len_;
    }
    need_comma_ = true;
    return p;
  }
  void write_string(std::string_view s, char* p);
  mutable std::string out_;  // str() trims it to len_
  size_t len_ = 0;
  bool need_comma_ = false;
};

// Appends `s` to `out` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace agritrace
