#include <doctest/doctest.h>

#include "core/base/json_writer.h"
#include "core/base/status.h"

namespace agritrace {

TEST_CASE("Result carries either a value or an error") {
  Result<int> good = 7;
  CHECK(good.ok());
  CHECK(*good == 7);
  Result<int> bad = make_error(ErrorCode::kNotFound, "batch_not_found", "no such batch", "batch_id");
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().reason == "batch_not_found");
  CHECK(bad.status().to_string() == "not_found: batch_not_found: no such batch (field batch_id)");
}

TEST_CASE("JsonWriter escapes and keeps key order") {
  JsonWriter w;
  w.begin_object().field("b", "x\"y\n").field("a", int64_t{-3}).key("l").begin_array();
  w.value(true).null().raw("{\"k\":1}").end_array().end_object();
  CHECK(w.str() == R"({"b":"x\"y\n","a":-3,"l":[true,null,{"k":1}]})");
  std::string s;
  append_json_string(s, std::string_view("\x01", 1));
  CHECK(s == "\"\\u0001\"");
}

}  // namespace agritrace
