// End to end on both ledgers: receipts (R-4.3.2) and tracing across enterprises (R-4.2.4):
// backward and forward traces, whereabouts, recall and one code's path follow the goods through
// every enterprise they reach.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sstream>
#include <vector>

#include "tests/e2e/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// The Digital Link URIs of a run, from the codes CSV download.
std::vector<std::string> run_uris(ApiClient& c, const std::string& run_id) {
  Reply csv = c.get_fresh("/v1/code-runs/" + run_id + "/codes.csv");
  REQUIRE(csv.status == 200);
  std::vector<std::string> uris;
  std::istringstream lines(csv.body);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t a = line.find(',');
    if (a == std::string::npos) continue;
    uris.push_back(line.substr(a + 1, line.find(',', a + 1) - a - 1));
  }
  return uris;
}

std::string path_of(const std::string& uri) { return uri.substr(uri.find("/01/")); }
std::string serial_of(const std::string& uri) { return uri.substr(uri.rfind('/') + 1); }

std::string codes_body(const std::vector<std::string>& codes) {
  std::string body = R"({"codes":[)";
  for (size_t i = 0; i < codes.size(); ++i) body += (i ? ",\"" : "\"") + codes[i] + "\"";
  return body + "]}";
}

// The production end alone: the plant ships coded goods to a registered retailer that has not
// received them yet.
void production_end(Backend backend) {
  TestLedger ledger(backend);
  ServerProcess server(ledger.flags());
  server.start();
  ApiClient plant(server.port(), register_enterprise(server.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司"));
  ApiClient retail(server.port(), register_enterprise(server.port(), kRetailUscc, "广州市天河区鲜果超市有限公司"));

  Reply farm = plant.post("/v1/counterparties", enterprise_supplier_body(kFarmUscc));
  REQUIRE(farm.status == 201);
  Reply po = plant.post("/v1/purchase-orders", purchase_order_body(farm.str("/id"), 500));
  REQUIRE(po.status == 201);
  REQUIRE(plant.post("/v1/purchase-orders/" + po.str("/id") + "/receive",
                     R"({"quantity":{"amount":500,"unit":"kg"},"received_on":"2026-11-21"})").status == 201);
  const std::string lot_id = plant.get_fresh("/v1/purchase-orders/" + po.str("/id")).str("/lot_id");
  Reply b1 = plant.post("/v1/batches", batch_body("DG-T1"));
  REQUIRE(b1.status == 201);
  const std::string b1_id = b1.str("/id");
  REQUIRE(plant.post("/v1/batches/" + b1_id + "/materials",
                     fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":300,"unit":"kg"}}}})", lot_id)).status == 201);
  Reply tpl = plant.post("/v1/code-templates",
                         R"({"name":"单件","gtin":"6291041500213","base_url":"https://trace.example.cn","quantity_per_code":{"amount":1,"unit":"piece"}})");
  REQUIRE(tpl.status == 201);
  Reply run = plant.post("/v1/code-runs", fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":4}})", tpl.str("/id"), b1_id));
  REQUIRE(run.status == 201);
  const auto codes = run_uris(plant, run.str("/id"));
  REQUIRE(codes.size() == 4);
  Reply shop = plant.post("/v1/counterparties",
                          fmt::format(R"({{"kind":"enterprise","roles":["customer"],"name":"广州市天河区鲜果超市有限公司","uscc":"{}","contact_person":"刘洋","phone":"13711112222","region":"广东省广州市"}})", kRetailUscc));
  REQUIRE(shop.status == 201);
  Reply so = plant.post("/v1/sales-orders", fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":2,"unit":"piece"}}}})", shop.str("/id"), b1_id));
  REQUIRE(so.status == 201);
  // The shipping route learns from the views whether the customer is a registered enterprise.
  REQUIRE(plant.get_fresh("/v1/sales-orders/" + so.str("/id")).status == 200);
  Reply sh = plant.post("/v1/sales-orders/" + so.str("/id") + "/shipments", codes_body({codes[0], codes[1]}));
  REQUIRE(sh.status == 201);

  // R-4.3.2: nothing received yet.
  Reply none = retail.get_fresh("/v1/receipts?after=" + plant.last_position());
  REQUIRE(none.status == 200);
  CHECK(none.size("/items") == 0);
  Reply missing = retail.get("/v1/receipts/rcv-1");
  CHECK(missing.status == 404);
  CHECK(missing.str("/code") == "receipt_not_found");
  CHECK(missing.str("/field") == "receipt_id");

  // One code's path: shipped, in transit to the registered retailer; the retailer never held it.
  Reply path = plant.get_fresh("/v1/trace/code?code=" + codes[0]);
  REQUIRE(path.status == 200);
  CHECK(path.str("/status") == "in_transit");
  CHECK(path.str("/producer/enterprise") == kPlantUscc);
  CHECK(path.str("/batch_id") == b1_id);
  REQUIRE(path.size("/steps") == 2);
  CHECK(path.str("/steps/1/step") == "shipped");
  CHECK(path.str("/steps/1/shipment_id") == sh.str("/id"));
  CHECK(path.str("/steps/1/receiver/enterprise") == kRetailUscc);
  CHECK(plant.get_fresh("/v1/trace/code?code=" + serial_of(codes[3])).str("/status") == "in_stock");
  Reply not_theirs = retail.get_fresh("/v1/trace/code?code=" + path_of(codes[0]) + "&after=" + plant.last_position());
  CHECK(not_theirs.status == 404);
  CHECK(not_theirs.str("/code") == "code_not_found");
  Reply no_code = plant.get_fresh("/v1/trace/code");
  CHECK(no_code.status == 422);
  CHECK(no_code.str("/code") == "field_required");
  CHECK(no_code.str("/field") == "code");
  CHECK(plant.get_fresh("/v1/trace/code?code=/01/123/10/x/21/y").status == 422);

  // Whereabouts and recall list the shipment in transit; the walk starts at the plant.
  Reply wb = plant.get_fresh("/v1/whereabouts?batch_id=" + b1_id);
  REQUIRE(wb.status == 200);
  REQUIRE(wb.size("/in_transit") == 1);
  CHECK(wb.num("/in_transit/0/quantity/amount") == 2);
  CHECK(wb.str("/in_transit/0/to/enterprise") == kRetailUscc);
  CHECK(wb.size("/enterprises") == 1);
  CHECK(wb.size("/retail_sales") == 0);

  // Backward trace of a purchased lot: its supplier and order, nothing further upstream.
  Reply back = plant.get_fresh("/v1/material-lots/" + lot_id + "/trace/backward");
  REQUIRE(back.status == 200);
  CHECK(back.str("/purchase_order/po_id") == po.str("/id"));
  CHECK(back.str("/supplier/name") == "博罗县绿源菜心种植专业合作社");
  CHECK(back.body.find("\"upstream\":null") != std::string::npos);
  CHECK(plant.get_fresh("/v1/material-lots/lot-99/trace/backward").str("/code") == "material_lot_not_found");
  CHECK(retail.get_fresh("/v1/material-lots/" + lot_id + "/trace/backward").status == 404);
  Reply fwd = plant.get_fresh("/v1/material-lots/" + lot_id + "/trace/forward");
  REQUIRE(fwd.status == 200);
  CHECK(fwd.size("/downstream/enterprises/0/items") == 2);
  CHECK(fwd.num("/downstream/enterprises/0/items/0/stock/amount") == 200000);
  CHECK(plant.get_fresh("/v1/batches/" + b1_id + "/trace/backward").body.find("\"upstream\":null") != std::string::npos);

  Reply rc = plant.post("/v1/recalls", fmt::format(R"({{"scope":"lot","id":"{}","reason":"农残超标"}})", lot_id));
  REQUIRE(rc.status == 201);
  Reply report = plant.get_fresh("/v1/recalls/" + rc.str("/id"));
  REQUIRE(report.status == 200);
  CHECK(report.size("/shipped") == 1);
  CHECK(report.size("/in_transit") == 1);
  REQUIRE(report.size("/quarantine") == 2);  // the batch's stock, then the lot's remainder
  CHECK(report.num("/quarantine/0/quantity/amount") == 98);
  CHECK(report.str("/quarantine/1/item_id") == lot_id);
  CHECK(report.num("/quarantine/1/quantity/amount") == 200000);
}

}  // namespace

TEST_CASE("R-4.2.4 R-4.3.2 tracing across enterprises, production end [embedded]") {
  production_end(Backend::kEmbedded);
}
TEST_CASE("R-4.2.4 R-4.3.2 tracing across enterprises, production end [kafka]") {
  production_end(Backend::kKafka);
}

}  // namespace agritrace::testing
