// End to end on both ledgers (issue 13, R-4.5.3 statistics, R-4.5.4 targeted supervision): a
// Huizhou producer ships to a Guangzhou wholesaler who ships to a Shenzhen shop who sells to
// consumers, all with real commands (scanned codes). Guangzhou's bureau reads Guangzhou's ledger
// lines only; the Greater Bay Area's bureau reads the chain across the three cities with the right
// quantities; a relabelled sales order (the order's product is free text, the stock check is per
// stock item) shows as a mass-balance anomaly; CSV parses; an enterprise that stopped reporting
// is listed after the clock moved; `agritrace replay` rebuilds identical views.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <vector>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// The cursor of the next page (`next_after`), "" on the last page (null).
std::string next_page(const Reply& page) {
  return page.body.find("\"next_after\":null") != std::string::npos ? std::string()
                                                                       : page.str("/next_after");
}

constexpr const char* kFarm = kFarmUscc;             // Huizhou, Boluo 441322
constexpr const char* kWholesale = kRetailUscc;      // Guangzhou, Baiyun 440111
constexpr const char* kShop = "91440300708461136T";  // Shenzhen, Futian 440304
constexpr const char* kProduct = "净菜菜心 500g";    // batch_body's product

std::string url(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// RFC 4180 rows (quoted cells with "" escapes, CRLF line ends).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r') {
    } else if (c == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else {
      cell.push_back(c);
    }
  }
  REQUIRE_FALSE(quoted);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// Waits (bounded by wait_ms on the server) until the views include each enterprise's last write:
// the regulator's reads span every enterprise's partition.
void wait_for_views(uint16_t port, const std::string& token,
                    const std::vector<std::string>& positions) {
  ApiClient c(port);
  for (const std::string& p : positions) {
    Reply r = c.call("GET", "/v1/regulator/ledger-lines?limit=1&wait_ms=20000", "",
                     {{"Authorization", "Bearer " + token}, {"X-Agritrace-After", p}});
    INFO(r.body);
    REQUIRE(r.status == 200);
  }
}

bool flag(const Reply& r, const std::string& pointer) {
  simdjson::dom::parser parser;
  bool value = false;
  const auto error = parser.parse(r.body).at_pointer(pointer).get(value);
  INFO(pointer << " in " << r.body);
  REQUIRE(!error);
  return value;
}

std::string login(uint16_t port, const std::string& bureau) {
  Reply s = ApiClient(port).post(
      "/v1/regulator/sessions",
      fmt::format(R"({{"bureau_id":"{}","username":"sup","password":"Market-Watch-2024"}})",
                  bureau));
  INFO(s.body);
  REQUIRE(s.status == 201);
  return s.str("/token");
}

std::multiset<std::string> directions(const Reply& r) {
  std::multiset<std::string> out;
  for (size_t i = 0; i < r.size("/lines"); ++i) {
    out.insert(r.str(fmt::format("/lines/{}/enterprise_id", i)) + " " +
               r.str(fmt::format("/lines/{}/direction", i)) + " " +
               std::to_string(r.num(fmt::format("/lines/{}/quantity/amount", i))));
  }
  return out;
}

void flows_slice(Backend backend) {
  TestApp app(backend);
  const uint16_t port = app.port();
  ApiClient farm = app.enterprise(kFarm, "惠州绿源农场", "广东省惠州市博罗县");
  ApiClient wholesale =
      app.enterprise(kWholesale, "广州江南果菜批发有限公司", "广东省广州市白云区");
  ApiClient shop = app.enterprise(kShop, "深圳福田鲜果店", "广东省深圳市福田区");
  const std::string gz = bureau_session(port, "gz-amr", "440100");
  const std::string gba = bureau_session(port, "gba-amr", "GBA");
  ApiClient gz_reg(port, gz);
  ApiClient gba_reg(port, gba);

  // Huizhou: a batch of 100 pieces with 10 codes; 6 shipped to Guangzhou.
  Reply b = farm.post("/v1/batches", batch_body("HZ-C1"));
  REQUIRE(b.status == 201);
  std::vector<std::string> codes;
  code_run(farm, b.str("/id"), "6291041500213", R"({"amount":1,"unit":"piece"})", 10, &codes);
  const std::string to_gz = new_counterparty(
      farm, enterprise_customer_body(kWholesale, "广州江南果菜批发有限公司", "广东省广州市白云区"));
  Reply so = farm.post(
      "/v1/sales-orders",
      fmt::format(
          R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":6,"unit":"piece"}}}})",
          to_gz, b.str("/id")));
  REQUIRE(so.status == 201);
  std::vector<std::string> six(codes.begin(), codes.begin() + 6);
  REQUIRE(farm.post("/v1/sales-orders/" + so.str("/id") + "/shipments", codes_body(six)).status ==
          201);

  // Guangzhou: receives the 6 by scan; ships 4 to Shenzhen, and 2 more under another name (the
  // order's product is free text: the stock check is per stock item, not per product name).
  Reply rcv = wholesale.post("/v1/receipts", codes_body(six));
  INFO(rcv.body);
  REQUIRE(rcv.status == 201);
  const std::string to_sz = new_counterparty(
      wholesale, enterprise_customer_body(kShop, "深圳福田鲜果店", "广东省深圳市福田区"));
  Reply so2 = wholesale.post(
      "/v1/sales-orders",
      fmt::format(
          R"({{"customer_id":"{}","batch_id":"lot-1","quantity":{{"amount":4,"unit":"piece"}}}})",
          to_sz));
  REQUIRE(so2.status == 201);
  REQUIRE(wholesale
              .post("/v1/sales-orders/" + so2.str("/id") + "/shipments",
                    codes_body({codes[0], codes[1], codes[2], codes[3]}))
              .status == 201);
  Reply so3 = wholesale.post(
      "/v1/sales-orders",
      fmt::format(
          R"({{"customer_id":"{}","batch_id":"lot-1","product":"有机菜心","quantity":{{"amount":2,"unit":"piece"}}}})",
          to_sz));
  INFO(so3.body);
  REQUIRE(so3.status == 201);
  REQUIRE(wholesale
              .post("/v1/sales-orders/" + so3.str("/id") + "/shipments",
                    codes_body({codes[4], codes[5]}))
              .status == 201);

  // Shenzhen: receives the 4 and sells one to a consumer.
  REQUIRE(shop.post("/v1/receipts", codes_body({codes[0], codes[1], codes[2], codes[3]})).status ==
          201);
  Reply sale = shop.post("/v1/retail-sales",
                         R"({"codes":[")" + codes[0] +
                             R"("],"payment_voucher":"4200001234202611250001","price_fen":1290})");
  INFO(sale.body);
  REQUIRE(sale.status == 201);
  wait_for_views(port, gba,
                 {farm.last_position(), wholesale.last_position(), shop.last_position()});

  // ---- R-4.5.4: Guangzhou's bureau reads Guangzhou's lines only ----
  Reply gz_lines = gz_reg.get("/v1/regulator/ledger-lines");
  INFO(gz_lines.body);
  REQUIRE(gz_lines.status == 200);
  CHECK(directions(gz_lines) == std::multiset<std::string>{std::string(kWholesale) + " in 6",
                                                           std::string(kWholesale) + " out 4",
                                                           std::string(kWholesale) + " out 2"});
  for (size_t i = 0; i < gz_lines.size("/lines"); ++i) {
    CHECK(gz_lines.str(fmt::format("/lines/{}/division", i)) == "440111");
  }
  // The receipt names the Huizhou farm: on the platform, outside Guangzhou; the origin is Boluo.
  Reply gz_in = gz_reg.get("/v1/regulator/ledger-lines?direction=in");
  REQUIRE(gz_in.size("/lines") == 1);
  CHECK(gz_in.str("/lines/0/counterparty/id") == kFarm);
  CHECK(gz_in.str("/lines/0/counterparty/division") == "441322");
  CHECK(flag(gz_in, "/lines/0/counterparty/on_platform"));
  CHECK_FALSE(flag(gz_in, "/lines/0/counterparty/in_jurisdiction"));
  CHECK(gz_in.str("/lines/0/origin") == "441322");
  CHECK(gz_in.str("/lines/0/batch") == "HZ-C1");
  CHECK(gz_in.str("/lines/0/product") == kProduct);
  // Everything Guangzhou handled of it came from Huizhou (the lines carry the goods' origin).
  CHECK(gz_reg.get("/v1/regulator/ledger-lines?origin=441300").size("/lines") == 3);
  CHECK(gz_reg.get("/v1/regulator/ledger-lines?origin=441300&direction=out").size("/lines") == 2);
  CHECK(gz_reg.get(std::string("/v1/regulator/ledger-lines?origin=") + kFarm).size("/lines") == 3);
  CHECK(gz_reg.get("/v1/regulator/ledger-lines?origin=440300").size("/lines") == 0);
  // Refusals: another city's division, a malformed one, a bad direction, dates, cursor, limit.
  check_problem(gz_reg.get("/v1/regulator/ledger-lines?division=440300"), 403,
                "outside_jurisdiction", "division");
  check_problem(gz_reg.get("/v1/regulator/ledger-lines?division=44x"), 422, "division_code_invalid",
                "division");
  check_problem(gz_reg.get("/v1/regulator/ledger-lines?direction=lost"), 422, "direction_invalid",
                "direction");
  check_problem(gz_reg.get("/v1/regulator/ledger-lines?from=" + days_from_today(1) +
                           "&to=" + days_from_today(-1)),
                422, "date_range_invalid", "to");
  check_problem(gz_reg.get("/v1/regulator/ledger-lines?after_id=zz"), 422, "after_id_invalid",
                "after_id");
  check_problem(gz_reg.get("/v1/regulator/ledger-lines?limit=501"), 422, "limit_invalid", "limit");
  check_problem(gz_reg.get("/v1/regulator/chain"), 422, "field_required", "product");
  // An enterprise never reads through a regulator route.
  CHECK(wholesale.get("/v1/regulator/ledger-lines").status == 403);
  CHECK(ApiClient(port).get("/v1/regulator/ledger-lines").status == 401);

  // ---- the GBA bureau: every city's lines of the product, paged ----
  const std::string product_q = "/v1/regulator/ledger-lines?product=" + url(kProduct) +
                                "&from=" + days_from_today(-1) + "&to=" + days_from_today(1);
  Reply all = gba_reg.get(product_q + "&limit=500");
  INFO(all.body);
  REQUIRE(all.status == 200);
  CHECK(directions(all) ==
        std::multiset<std::string>{std::string(kFarm) + " produced 100",
                                   std::string(kFarm) + " out 6", std::string(kWholesale) + " in 6",
                                   std::string(kWholesale) + " out 4", std::string(kShop) + " in 4",
                                   std::string(kShop) + " sold 1"});
  CHECK(next_page(all).empty());
  std::set<std::string> paged;
  std::string after;
  int pages = 0;
  do {
    Reply p = gba_reg.get(product_q + "&limit=4" + (after.empty() ? "" : "&after_id=" + after));
    REQUIRE(p.status == 200);
    for (size_t i = 0; i < p.size("/lines"); ++i)
      paged.insert(p.str(fmt::format("/lines/{}/line_id", i)));
    after = next_page(p);
    ++pages;
  } while (!after.empty() && pages < 10);
  CHECK(pages == 2);
  CHECK(paged.size() == 6);
  // No line outside the date range; batch and division filters.
  CHECK(gba_reg.get("/v1/regulator/ledger-lines?to=" + days_from_today(-2)).size("/lines") == 0);
  CHECK(gba_reg.get("/v1/regulator/ledger-lines?batch=HZ-C1&division=440300").size("/lines") == 2);
  // The consumer's name never shows: the retail sale has no counterparty id.
  Reply sold = gba_reg.get("/v1/regulator/ledger-lines?direction=sold");
  REQUIRE(sold.size("/lines") == 1);
  CHECK(sold.str("/lines/0/counterparty/id").empty());

  // ---- the chain across three cities ----
  Reply chain = gba_reg.get("/v1/regulator/chain?product=" + url(kProduct));
  INFO(chain.body);
  REQUIRE(chain.status == 200);
  REQUIRE(chain.size("/edges") == 3);
  std::set<std::string> edges;
  for (size_t i = 0; i < 3; ++i) {
    edges.insert(fmt::format("{}>{} {} {}", chain.str(fmt::format("/edges/{}/from", i)),
                             chain.str(fmt::format("/edges/{}/to", i)),
                             chain.num(fmt::format("/edges/{}/amount", i)),
                             chain.num(fmt::format("/edges/{}/shipments", i))));
  }
  CHECK(edges == std::set<std::string>{std::string(kFarm) + ">" + kWholesale + " 6 1",
                                       std::string(kWholesale) + ">" + kShop + " 4 1",
                                       std::string(kShop) + ">consumers 1 1"});
  std::set<std::string> cities;
  for (size_t i = 0; i < chain.size("/nodes"); ++i)
    cities.insert(chain.str(fmt::format("/nodes/{}/city", i)));
  CHECK(cities.count("惠州市") == 1);
  CHECK(cities.count("广州市") == 1);
  CHECK(cities.count("深圳市") == 1);
  // Guangzhou's view of the chain: the farm and the shop are nodes outside its jurisdiction.
  Reply gz_chain = gz_reg.get("/v1/regulator/chain?product=" + url(kProduct));
  INFO(gz_chain.body);
  REQUIRE(gz_chain.size("/edges") == 2);
  int outside = 0;
  for (size_t i = 0; i < gz_chain.size("/nodes"); ++i) {
    const std::string p = fmt::format("/nodes/{}/", i);
    if (gz_chain.str(p + "id") == kWholesale) CHECK(flag(gz_chain, p + "in_jurisdiction"));
    if (gz_chain.str(p + "id") == kFarm || gz_chain.str(p + "id") == kShop) {
      CHECK_FALSE(flag(gz_chain, p + "in_jurisdiction"));
      ++outside;
    }
  }
  CHECK(outside == 2);
  // By lot code: the chain follows the goods under both names (the relabelled 2 included).
  Reply by_lot = gba_reg.get("/v1/regulator/chain?batch=HZ-C1");
  INFO(by_lot.body);
  REQUIRE(by_lot.status == 200);
  int64_t to_shop = 0;
  for (size_t i = 0; i < by_lot.size("/edges"); ++i) {
    const std::string p = fmt::format("/edges/{}/", i);
    if (by_lot.str(p + "from") == kWholesale && by_lot.str(p + "to") == kShop)
      to_shop += by_lot.num(p + "amount");
  }
  CHECK(to_shop == 6);

  // ---- R-4.5.3: the relabelled goods are a mass-balance anomaly ----
  Reply compliance = gba_reg.get("/v1/regulator/compliance");
  INFO(compliance.body);
  REQUIRE(compliance.status == 200);
  REQUIRE(compliance.size("/mass_balance_anomalies") == 1);
  CHECK(compliance.str("/mass_balance_anomalies/0/enterprise_id") == kWholesale);
  CHECK(compliance.str("/mass_balance_anomalies/0/product") == "有机菜心");
  CHECK(compliance.num("/mass_balance_anomalies/0/sent") == 2);
  CHECK(compliance.num("/mass_balance_anomalies/0/excess") == 2);
  CHECK(compliance.size("/stopped_reporting") == 0);
  CHECK(gz_reg.get("/v1/regulator/compliance?division=440111").size("/mass_balance_anomalies") ==
        1);

  // Statistics: production, circulation, entities; each enterprise's stock.
  Reply stats = gba_reg.get("/v1/regulator/statistics");
  INFO(stats.body);
  REQUIRE(stats.status == 200);
  CHECK(stats.num("/entities/on_platform") == 3);
  CHECK(stats.num("/entities/reporting") == 3);
  REQUIRE(stats.size("/production") == 1);
  CHECK(stats.num("/production/0/amount") == 100);
  Reply gz_stats = gz_reg.get("/v1/regulator/statistics?period=day");
  REQUIRE(gz_stats.status == 200);
  CHECK(gz_stats.num("/entities/on_platform") == 1);
  CHECK(gz_stats.size("/production") == 0);
  Reply ents = gz_reg.get("/v1/regulator/statistics/enterprises");
  INFO(ents.body);
  REQUIRE(ents.size("/enterprises") == 1);
  CHECK(ents.str("/enterprises/0/enterprise_id") == kWholesale);
  bool stock_checked = false;
  for (size_t i = 0; i < ents.size("/enterprises/0/products"); ++i) {
    const std::string p = fmt::format("/enterprises/0/products/{}/", i);
    if (ents.str(p + "product") == kProduct) {
      CHECK(ents.num(p + "in") == 6);
      CHECK(ents.num(p + "out") == 4);
      CHECK(ents.num(p + "stock") == 2);
      stock_checked = true;
    }
  }
  CHECK(stock_checked);

  // CSV parses: a header and one row per line, the same ids as the JSON.
  Reply csv = gba_reg.get(product_q + "&format=csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type").find("text/csv") != std::string::npos);
  auto rows = parse_csv(csv.body);
  REQUIRE(rows.size() == 7);
  CHECK(rows[0][0] == "line_id");
  std::set<std::string> csv_ids;
  for (size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i].size() == rows[0].size());
    csv_ids.insert(rows[i][0]);
  }
  CHECK(csv_ids == paged);
  // Accept: text/csv gives the same CSV.
  Reply accepted = gba_reg.call("GET", product_q, "",
                                {{"Authorization", "Bearer " + gba}, {"Accept", "text/csv"}});
  REQUIRE(accepted.status == 200);
  CHECK(parse_csv(accepted.body).size() == 7);
  // Each enterprise's statistics, paged one enterprise a page: all three, each once.
  std::set<std::string> listed;
  std::string cursor;
  for (int i = 0; i < 5; ++i) {
    Reply p = gba_reg.get("/v1/regulator/statistics/enterprises?limit=1" +
                          (cursor.empty() ? "" : "&after_id=" + cursor));
    REQUIRE(p.status == 200);
    REQUIRE(p.size("/enterprises") == 1);
    listed.insert(p.str("/enterprises/0/enterprise_id"));
    cursor = next_page(p);
    if (cursor.empty()) break;
  }
  CHECK(listed == std::set<std::string>{kFarm, kWholesale, kShop});
  CHECK(cursor.empty());
  auto compliance_rows = parse_csv(gba_reg.get("/v1/regulator/compliance?format=csv").body);
  REQUIRE(compliance_rows.size() == 2);
  CHECK(compliance_rows[1][0] == "mass_balance_anomaly");
  CHECK(parse_csv(gba_reg.get("/v1/regulator/statistics?format=csv").body).size() > 3);

  // ---- the clock moves 10 days: every enterprise has stopped reporting but the shop, which
  // sells again ----
  REQUIRE(app.server.stop() == 0);
  const std::string live = live_views_digest(app.ledger);
  CHECK(replay_digest(app.ledger) == live);
  ServerProcess later(
      with(app.ledger.flags(),
           {"--clock-start", core::format_rfc3339_utc(test_now_ms() + 10LL * 86'400'000)}));
  later.start();
  ApiClient shop2(later.port(), shop.key());
  Reply sale2 =
      shop2.post("/v1/retail-sales",
                 R"({"codes":[")" + codes[1] + R"("],"payment_voucher":"4200001234202611250002"})");
  INFO(sale2.body);
  REQUIRE(sale2.status == 201);
  const std::string gba2 = login(later.port(), "gba-amr");
  wait_for_views(later.port(), gba2, {shop2.last_position()});
  ApiClient gba_later(later.port(), gba2);
  Reply silent = gba_later.get("/v1/regulator/compliance?silent_days=7");
  INFO(silent.body);
  REQUIRE(silent.status == 200);
  std::set<std::string> stopped;
  for (size_t i = 0; i < silent.size("/stopped_reporting"); ++i) {
    stopped.insert(silent.str(fmt::format("/stopped_reporting/{}/enterprise_id", i)));
    CHECK(silent.num(fmt::format("/stopped_reporting/{}/days_silent", i)) >= 9);
  }
  CHECK(stopped == std::set<std::string>{kFarm, kWholesale});
  CHECK(gba_later.get("/v1/regulator/compliance?silent_days=30").size("/stopped_reporting") == 0);
  CHECK(gba_later.get("/v1/regulator/statistics").num("/entities/reporting") == 1);
}

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-4.5.3 R-4.5.4 regulator flows: ledger lines, chain, statistics, compliance", flows_slice)

}  // namespace
}  // namespace agritrace::testing
