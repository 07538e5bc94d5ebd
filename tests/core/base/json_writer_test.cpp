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

TEST_CASE("JsonWriter: strings of every length with an escape at every position, as keys and values") {
  // The writer checks eight bytes at a time, and a short string's bytes one load each: every
  // length up to three words, each with no escape and with one at each position.
  for (size_t len = 0; len <= 24; ++len) {
    for (size_t pos = 0; pos <= len; ++pos) {  // pos == len: nothing to escape
      std::string s(len, 'k');
      if (pos < len) s[pos] = pos % 2 ? '"' : '\x02';
      JsonWriter w;
      w.begin_object().field(s, s).field("n", int64_t{-7}).end_object();
      simdjson::dom::parser parser;
      simdjson::dom::object obj;
      const std::string json = w.str();
      REQUIRE_MESSAGE(!parser.parse(json).get_object().get(obj), json);
      CAPTURE(len);
      CAPTURE(pos);
      std::string_view value;
      REQUIRE(!obj.at_key(s).get_string().get(value));
      CHECK(value == s);
      CHECK(int64_t(obj["n"]) == -7);
    }
  }
}

TEST_CASE("JsonWriter: grows across many writes, str() mid-way and take() give the text so far") {
  JsonWriter w;
  w.begin_array();
  std::string expected = "[";
  for (int i = 0; i < 2000; ++i) {
    const std::string item = "菜心-" + std::to_string(i) + (i % 97 == 0 ? "\n" : "");
    w.value(item);
    std::string quoted;
    append_json_string(quoted, item);
    expected += (i ? "," : "") + quoted;
    if (i == 1000) CHECK(w.str() == expected);  // trims, then the writer goes on
  }
  w.value(true).null().raw("{\"a\":1}").value(uint64_t{18446744073709551615ULL});
  w.end_array();
  expected += ",true,null,{\"a\":1},18446744073709551615]";
  CHECK(w.str() == expected);
  CHECK(w.take() == expected);
  CHECK(w.str().empty());  // taken: a new text starts
}

}  // namespace
}  // namespace agritrace
