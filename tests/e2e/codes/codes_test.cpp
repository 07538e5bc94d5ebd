// End to end over real HTTP against `agritrace serve`, on both ledgers: the base catalogue and
// main varieties (R-4.2.7), trace code templates, bulk generation, downloads, disable/enable
// (R-4.2.5), the public GS1 Digital Link resolver and publishing with the market (R-4.2.9).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// The serial of the CSV's first data row.
std::string first_serial(const std::string& csv) {
  const size_t row = csv.find('\n') + 1;
  return csv.substr(row, csv.find(',', row) - row);
}

void codes_slice(Backend backend) {
  TestApp app(backend);
  ApiClient plant = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  ApiClient public_client(app.port());  // no key: the resolver is public

  // R-4.2.7 the base catalogue is there from the first start.
  Reply catalogue = plant.get("/v1/catalogue");
  REQUIRE(catalogue.status == 200);
  CHECK(catalogue.size("/items") >= 40);
  Reply tea = plant.get("/v1/catalogue?category=tea");
  CHECK(tea.size("/items") == 3);
  CHECK(tea.str("/items/0/category") == "tea");

  Reply bad_pick = plant.put("/v1/enterprise/main-varieties",
                             R"({"product_ids":["veg-caixin","tea-yingde-black","fruit-lychee-nuomici","veg-nope"]})");
  CHECK(bad_pick.status == 422);
  CHECK(bad_pick.str("/code") == "catalogue_product_unknown");
  CHECK(bad_pick.str("/field") == "product_ids[3]");
  REQUIRE(plant.put("/v1/enterprise/main-varieties", R"({"product_ids":["veg-caixin","tea-yingde-black"]})").status == 200);
  Reply mine = plant.get_fresh("/v1/enterprise/main-varieties");
  REQUIRE(mine.size("/products") == 2);
  CHECK(mine.str("/products/0/name") == "菜心");

  // A batch names a catalogue product (a main variety); the free text stays optional.
  Reply not_main = plant.post("/v1/batches",
                              R"({"product_id":"fruit-banana","lot_code":"X1","quantity":{"amount":1,"unit":"piece"},"production_date":")" + days_from_today(-14) + R"("})");
  CHECK(not_main.status == 409);
  CHECK(not_main.str("/code") == "not_a_main_variety");
  // The material behind the batch, for the resolver's backward trace.
  const std::string farm_id = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  receive_material(plant, farm_id, 800);
  Reply batch = plant.post("/v1/batches",
                           R"({"product_id":"veg-caixin","lot_code":"CX-1125","quantity":{"amount":400,"unit":"kg"},"production_date":")" + days_from_today(-9) + R"(","expiry_date":")" + days_from_today(1) + R"("})");
  REQUIRE(batch.status == 201);
  const std::string batch_id = batch.str("/id");
  REQUIRE(plant.post("/v1/batches/" + batch_id + "/materials",
                     R"({"lot_id":"lot-1","quantity":{"amount":400,"unit":"kg"}})").status == 201);
  CHECK(plant.get_fresh("/v1/batches/" + batch_id).str("/product_id") == "veg-caixin");

  // R-4.2.5 templates and a run of 5,001 codes (two codes.generated events).
  const std::string base = fmt::format("http://127.0.0.1:{}", app.port());
  Reply bad_tpl = plant.post("/v1/code-templates",
                             R"({"name":"x","gtin":"06901234000017","base_url":"https://t.cn","quantity_per_code":{"amount":1,"unit":"piece"}})");
  CHECK(bad_tpl.status == 422);
  CHECK(bad_tpl.str("/code") == "gtin_check_failed");
  Reply tpl = plant.post("/v1/code-templates",
                         fmt::format(R"({{"name":"菜心 500g 单件","product_id":"veg-caixin","base_url":"{}","serial_format":"base32","packaging_level":"item","quantity_per_code":{{"amount":500,"unit":"g"}}}})",
                                     base));
  REQUIRE(tpl.status == 201);
  CHECK(plant.get_fresh("/v1/code-templates/" + tpl.str("/id")).str("/gtin") == "06901234000016");
  CHECK(plant.post("/v1/code-runs", fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":100001}})", tpl.str("/id"), batch_id))
            .str("/code") == "code_count_invalid");
  CHECK(plant.post("/v1/code-runs", fmt::format(R"({{"template_id":"ct-99","batch_id":"{}","count":1}})", batch_id)).status == 404);
  Reply run = plant.post("/v1/code-runs",
                         fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":5001}})", tpl.str("/id"), batch_id),
                         "run-key-1");
  REQUIRE(run.status == 201);
  const std::string run_id = run.str("/id");
  CHECK(run.size("/events") == 3);  // code_run.started + 5,000 + 1
  Reply again = plant.post("/v1/code-runs",
                           fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":5001}})", tpl.str("/id"), batch_id),
                           "run-key-1");
  CHECK(again.str("/id") == run_id);  // a retry never generates twice
  CHECK(again.header("Idempotent-Replayed") == "true");
  Reply run_view = plant.get_fresh("/v1/code-runs/" + run_id);
  CHECK(run_view.num("/count") == 5001);
  CHECK(plant.get("/v1/code-runs").size("/items") == 1);

  // Downloads, paged.
  Reply csv = plant.get_fresh("/v1/code-runs/" + run_id + "/codes.csv");
  REQUIRE(csv.status == 200);
  CHECK(count_lines(csv.body) == 5002);  // header + every code
  CHECK(csv.header("X-Total-Count") == "5001");
  Reply page = plant.get("/v1/code-runs/" + run_id + "/codes.csv?offset=5000&limit=10");
  CHECK(count_lines(page.body) == 2);
  CHECK(plant.get("/v1/code-runs/" + run_id + "/codes.csv?limit=10001").status == 422);
  const std::string serial = first_serial(csv.body);
  CHECK(serial.size() == 13);
  const std::string path = "/01/06901234000016/10/CX-1125/21/" + serial;
  CHECK(csv.body.find(base + path) != std::string::npos);
  Reply svg = plant.get("/v1/code-runs/" + run_id + "/codes.svg?limit=3");
  REQUIRE(svg.status == 200);
  CHECK(svg.body.find("<svg") != std::string::npos);
  CHECK(svg.body.find(serial) != std::string::npos);
  Reply tar = plant.get("/v1/code-runs/" + run_id + "/codes.tar?limit=2");
  REQUIRE(tar.status == 200);
  CHECK(tar.body.size() % 512 == 0);
  CHECK(tar.body.substr(0, serial.size() + 4) == serial + ".png");
  CHECK(tar.body.substr(257, 5) == "ustar");
  CHECK(tar.body.substr(512, 4) == "\x89PNG");
  CHECK(plant.get("/v1/code-runs/run-99/codes.csv").status == 404);

  // The public resolver: JSON, HTML (suppliers masked), linkset, refusals.
  Reply json = public_client.call("GET", path, "", {{"Accept", "application/json"}});
  REQUIRE(json.status == 200);
  CHECK(json.str("/product/name") == "菜心");
  CHECK(json.str("/batch/lot_code") == "CX-1125");
  CHECK(json.str("/batch/expiry_date") == days_from_today(1));
  CHECK(json.str("/producer/name") == "东莞市鲜达农产品加工有限公司");
  CHECK(json.str("/materials/0/material") == "菜心");
  CHECK(json.str("/materials/0/supplier") == "博罗****合作社");
  CHECK(json.body.find(kFarmUscc) == std::string::npos);
  Reply html = public_client.call("GET", path, "", {{"Accept", "text/html"}});
  REQUIRE(html.status == 200);
  CHECK(html.header("Content-Type").find("text/html") == 0);
  CHECK(html.body.find("lang=\"zh-CN\"") != std::string::npos);
  CHECK(html.body.find("原料来源") != std::string::npos);
  CHECK(html.body.find("博罗县绿源菜心种植专业合作社") == std::string::npos);
  // Issue 16: the public page is not framed, sniffed or scripted from elsewhere.
  CHECK(html.header("Content-Security-Policy").find("default-src 'self'") == 0);
  CHECK(html.header("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(html.header("X-Content-Type-Options") == "nosniff");
  CHECK(html.header("Referrer-Policy") == "no-referrer");
  CHECK(json.header("X-Content-Type-Options") == "nosniff");
  CHECK(json.header("Content-Security-Policy").empty());  // only HTML answers carry it
  CHECK(json.header("Strict-Transport-Security").empty());  // plain HTTP: no HSTS
  // HEAD answers like GET without the body.
  Reply head = public_client.call("HEAD", path, "", {{"Accept", "text/html"}});
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("Content-Length") == std::to_string(html.body.size()));
  CHECK(head.header("Content-Security-Policy") == html.header("Content-Security-Policy"));
  Reply links = public_client.get(path + "?linkType=all");
  REQUIRE(links.status == 200);
  CHECK(links.header("Link").find("gs1:traceability") != std::string::npos);
  CHECK(links.body.find("https://gs1.org/voc/pip") != std::string::npos);
  CHECK(public_client.get("/01/06901234000017/10/CX-1125/21/" + serial).status == 400);  // check digit
  // An unknown serial of a known lot goes to the lot's entry (307), as GS1 resolvers do.
  Reply unknown = public_client.get("/01/06901234000016/10/CX-1125/21/0000000000000");
  CHECK(unknown.status == 307);
  CHECK(unknown.header("Location") == base + "/01/06901234000016/10/CX-1125");
  CHECK(public_client.get("/01/06901234000016/10/OTHER/21/" + serial).status == 404);

  // Disable, then scan at once without ?after=: 410 by design (the resolver waits for the views).
  Reply disabled = plant.post("/v1/codes/" + serial + "/disable", R"({"reason":"包装破损"})");
  REQUIRE(disabled.status == 200);
  CHECK(public_client.get(path).status == 410);
  CHECK(plant.post("/v1/codes/" + serial + "/disable", "").str("/code") == "code_already_disabled");
  CHECK(plant.post("/v1/codes/NOPE/disable", "").status == 404);
  CHECK(plant.get_fresh("/v1/codes/" + serial).str("/disabled_reason") == "包装破损");
  REQUIRE(plant.post("/v1/codes/" + serial + "/enable", "").status == 200);
  CHECK(public_client.get(path).status == 200);
  CHECK(plant.post("/v1/codes/" + serial + "/enable", "").str("/code") == "code_not_disabled");
  // A whole run.
  REQUIRE(plant.post("/v1/code-runs/" + run_id + "/disable", R"({"reason":"召回"})").status == 200);
  CHECK(public_client.get(path).status == 410);
  CHECK(plant.post("/v1/code-runs/" + run_id + "/disable", "").str("/code") == "code_run_already_disabled");
  CHECK(plant.post("/v1/codes/" + serial + "/enable", "").str("/code") == "code_run_disabled");
  CHECK(plant.get_fresh("/v1/code-runs/" + run_id + "/codes.csv?limit=1").body.find(",disabled") != std::string::npos);
  REQUIRE(plant.post("/v1/code-runs/" + run_id + "/enable", "").status == 200);
  CHECK(public_client.get(path).status == 200);
  CHECK(plant.post("/v1/code-runs/run-99/enable", "").status == 404);

  // R-4.2.9 publishing and the market.
  CHECK(plant.post("/v1/publications", R"({"product_id":"fruit-banana"})").str("/code") == "not_a_main_variety");
  CHECK(plant.post("/v1/publications", R"({"product_id":"nope"})").status == 422);
  REQUIRE(plant.post("/v1/publications", R"({"product_id":"veg-caixin","description":"每日现采菜心"})").status == 201);
  ApiClient shop = app.enterprise(kRetailUscc, "广州市江南果菜批发有限公司");
  plant.get_fresh("/v1/publications");
  Reply market = shop.get("/v1/market/products?variety=vegetable");
  REQUIRE(market.status == 200);
  REQUIRE(market.size("/items") == 1);
  CHECK(market.str("/items/0/product/product_id") == "veg-caixin");
  CHECK(market.str("/items/0/producer/enterprise_id") == kPlantUscc);
  CHECK(market.str("/items/0/newest_batches/0/lot_code") == "CX-1125");
  CHECK(shop.get("/v1/market/products?variety=tea").size("/items") == 0);
  CHECK(shop.get("/v1/market/products?producer=" + std::string(kRetailUscc)).size("/items") == 0);
  CHECK(shop.get("/v1/market/products?region=%E5%B9%BF%E4%B8%9C").size("/items") == 1);
  // Published today by the server's clock, which is the test clock.
  CHECK(shop.get("/v1/market/products?since=" + test_today()).size("/items") == 1);
  CHECK(shop.get("/v1/market/products?since=" + days_from_today(1)).size("/items") == 0);
  CHECK(shop.get("/v1/market/products?since=2026-13-01").status == 422);
  REQUIRE(plant.post("/v1/publications/veg-caixin/withdraw", "").status == 200);
  CHECK(plant.post("/v1/publications/veg-caixin/withdraw", "").str("/code") == "not_published");
  CHECK(plant.get_fresh("/v1/publications").size("/items") == 0);
  CHECK(app.server.stop() == 0);
}

// R-4.2.7: the catalogue is appended once; a restart on the same ledger appends nothing.
void catalogue_once(Backend backend) {
  TestLedger ledger(backend);
  {
    ServerProcess first(ledger.flags());
    first.start();
    CHECK(first.stop() == 0);
  }
  ServerProcess second(ledger.flags());
  second.start();
  ApiClient c(second.port(), register_enterprise(second.port(), kPlantUscc, "东莞市鲜达农产品加工有限公司"));
  Reply metrics = c.get("/metrics");
  // Only the enterprise registration was appended by the second process.
  CHECK(metrics.body.find("agritrace_events_appended_total 1\n") != std::string::npos);
  Reply catalogue = c.get_fresh("/v1/catalogue");
  CHECK(catalogue.size("/items") == 49);
  CHECK(second.stop() == 0);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.2.5 R-4.2.7 R-4.2.9 catalogue, trace codes, resolver, publishing end to end", codes_slice)
AGRITRACE_TEST_BOTH_LEDGERS("R-4.2.7 the base catalogue is appended once across restarts", catalogue_once)

}  // namespace agritrace::testing
