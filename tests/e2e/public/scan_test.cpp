// End to end over real HTTP against `agritrace serve`, on both ledgers (issue 12, R-4.4.1): customs
// / import fields on purchase orders and receipts, shown by the resolver's JSON; the scan recorded
// with the anonymous cookie and listed in the consumer's history; the owner's alerts route. The
// pages themselves are tested in a browser (tests/browser/public/run.mjs).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kCustoms =
    R"("customs":{"declaration_number":"531620261234567890","origin_country":"NZ","port_of_entry":"广州南沙港","ciq_certificate_number":"440100-2026-0001"})";

std::string po_with(const std::string& supplier_id, const std::string& customs) {
  std::string body = purchase_order_body(supplier_id, 100);
  return body.substr(0, body.size() - 1) + "," + customs + "}";
}

void public_scan_slice(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司", "广东省东莞市");
  const std::string supplier = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));

  // Validation: each customs field, named.
  check_problem(
      plant.post(
          "/v1/purchase-orders",
          po_with(
              supplier,
              R"("customs":{"declaration_number":"123","origin_country":"NZ","port_of_entry":"南沙"})")),
      422, "customs_declaration_invalid", "customs.declaration_number");
  check_problem(
      plant.post(
          "/v1/purchase-orders",
          po_with(
              supplier,
              R"("customs":{"declaration_number":"531620261234567890","origin_country":"ZZ","port_of_entry":"南沙"})")),
      422, "origin_country_invalid", "customs.origin_country");
  check_problem(
      plant.post(
          "/v1/purchase-orders",
          po_with(
              supplier,
              R"("customs":{"declaration_number":"531620261234567890","origin_country":"NZ"})")),
      422, "port_of_entry_invalid", "customs.port_of_entry");

  // An imported material: the order declares it, the receipt carries it to the lot.
  Reply po = plant.post("/v1/purchase-orders", po_with(supplier, kCustoms));
  REQUIRE(po.status == 201);
  const std::string po_id = po.str("/id");
  REQUIRE(plant
              .post("/v1/purchase-orders/" + po_id + "/receive",
                    fmt::format(R"({{"quantity":{{"amount":100,"unit":"kg"}},"received_on":"{}"}})",
                                days_from_today(-13)))
              .status == 201);
  const std::string lot_id = plant.get_fresh("/v1/purchase-orders/" + po_id).str("/lot_id");
  Reply lot = plant.get_fresh("/v1/material-lots/" + lot_id);
  CHECK(lot.str("/origin_country") == "NZ");
  const std::string batch = batch_of_lot(plant, "IMP-1", lot_id, 10);
  std::vector<std::string> uris;
  code_run(plant, batch, "06901234567892", R"({"amount":1,"unit":"piece"})", 2, &uris);

  // The consumer's JSON: customs per material, circulation, sampling slot; a cookie on first scan.
  ApiClient consumer(app.port());
  Reply scan = consumer.call("GET", path_of(uris[0]), "", {{"Accept", "application/json"}});
  REQUIRE(scan.status == 200);
  CHECK(scan.str("/customs/0/customs_declaration_number") == "531620261234567890");
  CHECK(scan.str("/customs/0/origin_country") == "NZ");
  CHECK(scan.str("/customs/0/port_of_entry") == "广州南沙港");
  CHECK(scan.str("/materials/0/origin_region") == "广东省惠州市");
  CHECK(scan.str("/circulation/0/step") == "produced");
  CHECK(scan.str("/status") == "active");
  CHECK(scan.num("/scans/count") == 1);
  const std::string cookie = scan.header("Set-Cookie");
  REQUIRE(cookie.starts_with("agt_cid="));
  const std::string cid = cookie.substr(0, cookie.find(';'));
  CHECK(cookie.find("HttpOnly") != std::string::npos);

  // The same consumer again (cookie sent): no new cookie, two scans, its own history lists them.
  Reply again =
      consumer.call("GET", path_of(uris[0]), "", {{"Accept", "application/json"}, {"Cookie", cid}});
  CHECK(again.num("/scans/count") == 2);
  CHECK(again.num("/scans/consumers") == 1);
  CHECK(again.header("Set-Cookie").empty());
  Reply history = consumer.call("GET", "/v1/public/my-scans", "", {{"Cookie", cid}});
  REQUIRE(history.status == 200);
  CHECK(history.num("/count") == 2);
  CHECK(history.str("/items/0/serial") == serial_of(uris[0]));
  check_problem(consumer.get("/v1/public/my-scans"), 400, "consumer_cookie_required", "Cookie");
  // A location for someone else's scan is refused; for one's own it names the city.
  const std::string scan_id = again.str("/scans/scan_id");
  check_problem(consumer.call("POST", "/v1/public/scans/" + scan_id + "/location",
                              R"({"lat_e1":231,"lon_e1":1133})",
                              {{"Cookie", "agt_cid=0123456789abcdef0123456789abcdef"}}),
                404, "scan_not_found", "scan_id");
  check_problem(consumer.call("POST", "/v1/public/scans/" + scan_id + "/location",
                              R"({"lat_e1":991,"lon_e1":1133})", {{"Cookie", cid}}),
                422, "latitude_invalid", "lat_e1");
  Reply located = consumer.call("POST", "/v1/public/scans/" + scan_id + "/location",
                                R"({"lat_e1":231,"lon_e1":1133})", {{"Cookie", cid}});
  CHECK(located.status == 201);
  CHECK(located.str("/city") == "广州市");
  // No alert yet for the owner (one consumer, one place); the platform sees none either.
  Reply alerts = plant.get("/v1/scan-alerts");
  REQUIRE(alerts.status == 200);
  CHECK(alerts.num("/count") == 0);
  CHECK(ApiClient(app.port(), kAdminKey).get("/v1/platform/scan-alerts").num("/count") == 0);
  CHECK(consumer.get("/v1/platform/scan-alerts").status == 401);

  // Another consumer scans the same code in Beijing: far apart from Guangzhou, an alert. The owner
  // and the platform see it; so does the bureau of the owner's city (Dongguan, 441900), not
  // Shenzhen's (issue 13: a bureau sees its jurisdiction's alerts only).
  ApiClient far(app.port());
  Reply far_scan = far.call("GET", path_of(uris[0]), "", {{"Accept", "application/json"}});
  REQUIRE(far_scan.status == 200);
  const std::string far_cookie = far_scan.header("Set-Cookie");
  const std::string far_cid = far_cookie.substr(0, far_cookie.find(';'));
  REQUIRE(far.call("POST", "/v1/public/scans/" + far_scan.str("/scans/scan_id") + "/location",
                   R"({"lat_e1":399,"lon_e1":1164})", {{"Cookie", far_cid}})
              .status == 201);
  CHECK(plant.get("/v1/scan-alerts").num("/count") == 1);
  CHECK(ApiClient(app.port(), kAdminKey).get("/v1/platform/scan-alerts").num("/count") == 1);
  CHECK(ApiClient(app.port(), bureau_session(app.port(), "dg-amr", "441900"))
            .get("/v1/platform/scan-alerts")
            .num("/count") == 1);
  CHECK(ApiClient(app.port(), bureau_session(app.port(), "sz-amr", "440300"))
            .get("/v1/platform/scan-alerts")
            .num("/count") == 0);
}

// The scan page renders the views' part once per views state and reuses it (issue 12 figures):
// a hand-over or a recall shows at the very next scan, in the JSON and in the page, while the scan
// section (count, signals) moves on with every scan.
// With `inline_scans`, serve --inline-cached-scans 1: every scan after the first one at a views
// state is answered on the HTTP I/O thread (HttpServerOptions::inline_when), the same guarantees.
void scan_page_cache_slice(Backend backend, bool inline_scans) {
  TestLedger ledger(backend);
  std::vector<std::string> flags = ledger.flags();
  if (inline_scans) flags.insert(flags.end(), {"--inline-cached-scans", "1"});
  ServerProcess server(flags);
  server.start();
  struct {
    ServerProcess& s;
    uint16_t port() const { return s.port(); }
  } app{server};
  ApiClient plant(app.port(), register_enterprise(app.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司",
                                                  "广东省东莞市"));
  const std::string supplier = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  const ReceivedLot lot = receive_material(plant, supplier, 100);
  const std::string batch = batch_of_lot(plant, "CACHE-1", lot.lot_id, 10);
  std::vector<std::string> uris;
  code_run(plant, batch, "06901234567892", R"({"amount":1,"unit":"piece"})", 2, &uris);
  const std::string retail = new_counterparty(
      plant, enterprise_customer_body(kRetailUscc, "广州市天河区好又多超市", "广东省广州市"));

  ApiClient consumer(app.port());
  auto json = [&] {
    return consumer.call("GET", path_of(uris[0]), "", {{"Accept", "application/json"}});
  };
  // Twice before any change: the second answer comes from the cache, the scans still count.
  Reply first = json();
  REQUIRE(first.status == 200);
  CHECK(first.num("/scans/count") == 1);
  CHECK(first.size("/circulation") == 1);
  CHECK(first.str("/status") == "active");
  Reply second = json();
  CHECK(second.num("/scans/count") == 2);
  CHECK(second.size("/circulation") == 1);
  Reply before = consumer.get(path_of(uris[0]));
  CHECK(before.body.find("✔ 追溯码有效") != std::string::npos);
  CHECK(before.body.find("<strong>发货</strong>") == std::string::npos);

  // A hand-over: the code shipped to the retailer shows at the next scan.
  Reply order = plant.post(
      "/v1/sales-orders",
      fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":1,"unit":"piece"}}}})",
                  retail, batch));
  REQUIRE(order.status == 201);
  REQUIRE(plant.post("/v1/sales-orders/" + order.str("/id") + "/shipments", codes_body({uris[0]}))
              .status == 201);
  Reply shipped = json();
  REQUIRE(shipped.status == 200);
  CHECK(shipped.num("/scans/count") == 4);
  REQUIRE(shipped.size("/circulation") == 2);
  CHECK(shipped.str("/circulation/1/step") == "shipped");
  CHECK(shipped.str("/circulation/1/to").find("广州市") != std::string::npos);
  CHECK(consumer.get(path_of(uris[0])).body.find("<strong>发货</strong>") != std::string::npos);

  // A recall of the code: the next scan (JSON and page) warns; the other code stays active.
  REQUIRE(plant
              .post("/v1/recalls",
                    fmt::format(R"({{"scope":"code","id":"{}","reason":"包装破损"}})", uris[0]))
              .status == 201);
  Reply recalled = json();
  CHECK(recalled.str("/status") == "recalled");
  CHECK(recalled.body.find("\"recall_status\":{\"recalled\":true") != std::string::npos);
  CHECK(recalled.num("/scans/count") == 6);
  Reply page = consumer.get(path_of(uris[0]));
  CHECK(page.body.find("召回警告") != std::string::npos);
  CHECK(page.body.find("✔ 追溯码有效") == std::string::npos);
  Reply other = consumer.call("GET", path_of(uris[1]), "", {{"Accept", "application/json"}});
  CHECK(other.str("/status") == "active");

  // A disabled code answers 410 at the next scan.
  REQUIRE(plant.post("/v1/codes/" + serial_of(uris[1]) + "/disable", R"({"reason":"印错"})").status ==
          200);
  CHECK(consumer.call("GET", path_of(uris[1]), "", {{"Accept", "application/json"}}).status == 410);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.4.1 public scan: customs fields, scan log, history, alerts",
                            public_scan_slice)
AGRITRACE_TEST_BOTH_LEDGERS("R-4.4.1 scan page cache: a hand-over and a recall show at the next scan",
                            [](Backend b) { scan_page_cache_slice(b, false); })
AGRITRACE_TEST_BOTH_LEDGERS(
    "R-4.4.1 scan page cache answered on the I/O thread: a hand-over and a recall show at the next scan",
    [](Backend b) { scan_page_cache_slice(b, true); })

}  // namespace agritrace::testing
