// End to end over real HTTP on both ledgers: the input hygiene of issue 16 — lot codes of manual
// receipts, finance totals that would overflow, problems that echo invalid UTF-8, HEAD on GET routes.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <limits>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

void input_hygiene(Backend backend) {
  TestApp app(backend);
  ApiClient shop = app.enterprise(kRetailUscc, "广州市江南果菜批发有限公司");
  const std::string farmer = new_counterparty(shop, individual_supplier_body());

  // A supplier's lot code: free text, but no CR/LF, NUL or other control characters and no '/'.
  auto receipt = [&](const std::string& lot_code_json) {
    return shop.post("/v1/receipts/manual",
                     fmt::format(R"({{"supplier_id":"{}","product":"土鸡蛋","lot_code":"{}","quantity":{{"amount":30,"unit":"piece"}},"production_date":"{}"}})",
                                 farmer, lot_code_json, days_from_today(-3)));
  };
  check_problem(receipt(R"(WANG\r\nSet-Cookie: x)"), 422, "lot_code_invalid", "lot_code");
  check_problem(receipt(R"(WANG\n1)"), 422, "lot_code_invalid", "lot_code");
  check_problem(receipt(R"(WANG\u00001)"), 422, "lot_code_invalid", "lot_code");
  check_problem(receipt("WANG/1"), 422, "lot_code_invalid", "lot_code");
  check_problem(receipt(R"(WANG\u007f)"), 422, "lot_code_invalid", "lot_code");
  CHECK(receipt("王 WANG-1125.a_b").status == 201);  // spaces, Chinese and punctuation stay fine

  // Finance: three entries of the largest amount. The statement's total does not fit in 64 bits:
  // a 422 problem, never a wrapped (negative) number.
  const std::string day = days_from_today(-2);
  const std::string big = std::to_string(std::numeric_limits<int64_t>::max());
  for (int k = 0; k < 3; ++k) {
    Reply e = shop.post("/v1/finance/entries",
                        fmt::format(R"({{"direction":"income","amount_fen":{},"category":"补贴","date":"{}"}})", big, day));
    INFO(e.body);
    REQUIRE(e.status == 201);
  }
  Reply statement = shop.get_fresh("/v1/finance/statement?from=" + day + "&to=" + day);
  check_problem(statement, 422, "total_overflow", "");
  // One entry alone still sums fine on another day.
  const std::string other = days_from_today(-1);
  REQUIRE(shop.post("/v1/finance/entries",
                    fmt::format(R"({{"direction":"expense","amount_fen":{},"category":"运输费","date":"{}"}})", big, other))
              .status == 201);
  Reply one = shop.get_fresh("/v1/finance/statement?from=" + other + "&to=" + other);
  INFO(one.body);
  REQUIRE(one.status == 200);
  CHECK(one.num("/expense_fen") == std::numeric_limits<int64_t>::max());
  CHECK(one.num("/net_fen") == -std::numeric_limits<int64_t>::max());

  // A problem that echoes invalid UTF-8 from the request is still valid JSON (Reply parses it
  // with simdjson, which validates UTF-8): each bad byte becomes U+FFFD.
  Reply bad = shop.get("/v1/batches/A%FF%C3%28B");
  check_problem(bad, 404, "batch_not_found", "");
  CHECK(bad.str("/detail").find("A\xEF\xBF\xBD\xEF\xBF\xBD(B") != std::string::npos);
  Reply bad_query = shop.get("/v1/finance/statement?from=%FF%FE&to=" + day);
  CHECK(bad_query.status == 422);
  CHECK(bad_query.str("/field") == "from");

  // HEAD on a GET route answers like GET, without the body.
  Reply get = shop.get("/v1/finance/entries");
  Reply head = shop.call("HEAD", "/v1/finance/entries", "", {{"Authorization", "Bearer " + shop.key()}});
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("Content-Length") == std::to_string(get.body.size()));
  Reply not_allowed = shop.call("DELETE", "/v1/finance/entries", "", {});
  CHECK(not_allowed.status == 405);
  CHECK(not_allowed.header("Allow").find("HEAD") != std::string::npos);
  CHECK(not_allowed.header("X-Content-Type-Options") == "nosniff");
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("input hygiene: lot codes, overflowing totals, invalid UTF-8, HEAD", input_hygiene)

}  // namespace agritrace::testing
