// append_json_string appends runs of plain bytes whole; every byte value, at the start, middle
// and end of a string and next to multi-byte UTF-8, must still come back exactly through a real
// JSON parser (simdjson).
#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>

#include "core/base/json_writer.h"

namespace agritrace {
namespace {

std::string parsed_back(const std::string& json) {
  simdjson::dom::parser parser;
  std::string_view v;
  const auto err = parser.parse(json).get_string().get(v);
  REQUIRE_MESSAGE(!err, json);
  return std::string(v);
}

TEST_CASE("append_json_string: every ASCII byte at the start, middle and end comes back exactly") {
  for (int b = 1; b < 0x80; ++b) {
    const char c = static_cast<char>(b);
    for (const std::string& s : {std::string(1, c), "菜心" + std::string(1, c) + "500g",
                                 std::string(1, c) + "lot-1", "lot-1" + std::string(1, c),
                                 std::string(3, c)}) {
      std::string json;
      append_json_string(json, s);
      CAPTURE(b);
      CHECK(parsed_back(json) == s);
      if (b >= 0x20 && c != '"' && c != '\\') CHECK(json == "\"" + s + "\"");  // not escaped
    }
  }
}

TEST_CASE("append_json_string: a byte to escape at every position of a long string is found") {
  // Eight bytes are checked at a time: each position of two such words, and a word's neighbours.
  for (const char c : {'"', '\\', '\n', '\x1f', '\x01'}) {
    for (size_t pos = 0; pos < 17; ++pos) {
      std::string s = "鲜达lot-1-" + std::string(12, 'a');  // 24 bytes, UTF-8 first
      s[pos + 6] = c;
      std::string json;
      append_json_string(json, s);
      CAPTURE(pos);
      CHECK(parsed_back(json) == s);
      CHECK(json.size() > s.size() + 2);  // escaped
    }
  }
}

TEST_CASE("append_json_string: appends to what is there, empty strings and UTF-8 untouched") {
  std::string out = "[";
  append_json_string(out, "");
  out += ",";
  append_json_string(out, "广东省\t\"鲜达\"\\");
  out += "]";
  CHECK(out == "[\"\",\"广东省\\t\\\"鲜达\\\"\\\\\"]");
}

}  // namespace
}  // namespace agritrace
