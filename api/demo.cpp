#include "api/demo.h"

#include <fmt/format.h>

#include <vector>

#include "api/http_client.h"
#include "projections/keys.h"

namespace agritrace::api {
namespace {

class DemoClient {
 public:
  DemoClient(HttpClient& http) : http_(http) {}

  // Sends a command; the Idempotency-Key makes re-running the demo after a failure safe.
  Result<std::string> call(std::string_view method, const std::string& target, const std::string& key,
                           const std::string& body, const std::string& idem,
                           std::string_view content_type = "application/json") {
    HeaderList headers{{"Authorization", "Bearer " + key}, {"Content-Type", std::string(content_type)}};
    if (!idem.empty()) headers.emplace_back("Idempotency-Key", idem);
    auto r = http_.request(method, target, body, headers);
    if (!r.ok()) return r.error();
    if (r->status >= 300) {
      return make_error(ErrorCode::kInternal, "demo_step_failed",
                        fmt::format("{} {} answered {}: {}", method, target, r->status, r->body));
    }
    last_position_ = projections::json_string_field(r->body, "position").value_or(last_position_);
    return r->body;
  }
  std::string field(const std::string& body, std::string_view name) {
    return projections::json_string_field(body, name).value_or("");
  }
  const std::string& last_position() const { return last_position_; }

 private:
  HttpClient& http_;
  std::string last_position_;
};

}  // namespace

Status run_demo(const std::string& url, const std::string& admin_key, FILE* out) {
  auto target = parse_url(url);
  if (!target.ok()) return target.status();
  HttpClient http(target->host, target->port);
  DemoClient c(http);
  const std::string run = "demo-v1";  // idempotency keys: re-running the demo appends nothing twice

#define DEMO_TRY(var, expr)            \
  auto var = (expr);                   \
  if (!var.ok()) return var.status()

  // Two enterprises: a vegetable cooperative in Boluo, Huizhou and a processing plant in Dongguan.
  const std::string farm_uscc = "93441322MA4W12345F";
  const std::string plant_uscc = "91441900MA51ABCD7J";
  DEMO_TRY(farm, c.call("POST", "/v1/enterprises", admin_key,
                        fmt::format(R"({{"uscc":"{}","name":"博罗县绿源菜心种植专业合作社","region":"广东省惠州市博罗县"}})", farm_uscc),
                        run + "-ent-farm"));
  DEMO_TRY(plant, c.call("POST", "/v1/enterprises", admin_key,
                         fmt::format(R"({{"uscc":"{}","name":"东莞市鲜达农产品加工有限公司","region":"广东省东莞市"}})", plant_uscc),
                         run + "-ent-plant"));
  const std::string farm_key = c.field(*farm, "api_key");
  const std::string plant_key = c.field(*plant, "api_key");
  if (farm_key.empty() || plant_key.empty()) {
    return make_error(ErrorCode::kConflict, "demo_already_seeded",
                      "the demo enterprises already exist on this server (their keys were shown when "
                      "they were created); start from an empty data folder to seed again");
  }

  // The farm: its customer (the plant) and its harvest batch.
  DEMO_TRY(farm_customer, c.call("POST", "/v1/counterparties", farm_key,
                                 fmt::format(R"({{"kind":"enterprise","roles":["customer"],"name":"东莞市鲜达农产品加工有限公司","uscc":"{}","legal_representative":"陈志强","contact_person":"李敏","phone":"0769-22881234","address":"广东省东莞市寮步镇农产品加工园 8 号"}})", plant_uscc),
                                 run + "-farm-cp"));
  DEMO_TRY(harvest, c.call("POST", "/v1/batches", farm_key,
                           R"({"product":"菜心（鲜）","lot_code":"HZ-CX-20261120","quantity":{"amount":2,"unit":"t"},"production_date":"2026-11-20","expiry_date":"2026-11-27","note":"博罗基地 3 号田"})",
                           run + "-farm-batch"));

  // The plant: suppliers (the farm and a smallholder), purchase orders, goods in, production.
  DEMO_TRY(sup_farm, c.call("POST", "/v1/counterparties", plant_key,
                            fmt::format(R"({{"kind":"enterprise","roles":["supplier"],"name":"博罗县绿源菜心种植专业合作社","uscc":"{}","legal_representative":"黄国华","contact_person":"黄国华","phone":"13826601234","address":"广东省惠州市博罗县石坝镇"}})", farm_uscc),
                            run + "-plant-sup1"));
  DEMO_TRY(sup_person, c.call("POST", "/v1/counterparties", plant_key,
                              R"({"kind":"individual","roles":["supplier"],"name":"张伟","id_number":"441322197806151238","phone":"13912345678","address":"广东省惠州市博罗县龙溪街道"})",
                              run + "-plant-sup2"));
  const std::string farm_cp = c.field(*sup_farm, "id");
  const std::string person_cp = c.field(*sup_person, "id");
  DEMO_TRY(po1, c.call("POST", "/v1/purchase-orders", plant_key,
                       fmt::format(R"({{"material":"菜心","supplier_id":"{}","quantity":{{"amount":800,"unit":"kg"}},"supplier_lot":"HZ-CX-20261120","production_date":"2026-11-20","expiry_date":"2026-11-27"}})", farm_cp),
                       run + "-po1"));
  DEMO_TRY(po2, c.call("POST", "/v1/purchase-orders", plant_key,
                       fmt::format(R"({{"material":"生姜","supplier_id":"{}","quantity":{{"amount":50,"unit":"kg"}},"supplier_lot":"ZW-2611","production_date":"2026-11-18","expiry_date":"2027-02-18"}})", person_cp),
                       run + "-po2"));
  const std::string po1_id = c.field(*po1, "id");
  const std::string po2_id = c.field(*po2, "id");
  DEMO_TRY(rcv1, c.call("POST", fmt::format("/v1/purchase-orders/{}/receive", po1_id), plant_key,
                        R"({"quantity":{"amount":800,"unit":"kg"},"received_on":"2026-11-21"})", run + "-rcv1"));
  DEMO_TRY(rcv2, c.call("POST", fmt::format("/v1/purchase-orders/{}/receive", po2_id), plant_key,
                        R"({"quantity":{"amount":48,"unit":"kg"},"received_on":"2026-11-21"})", run + "-rcv2"));
  (void)rcv1;
  (void)rcv2;
  DEMO_TRY(batch, c.call("POST", "/v1/batches", plant_key,
                         R"({"product":"净菜菜心 500g 装","lot_code":"DG-JCX-20261122A","quantity":{"amount":1400,"unit":"piece"},"production_date":"2026-11-22","expiry_date":"2026-11-26"})",
                         run + "-batch"));
  const std::string batch_id = c.field(*batch, "id");
  DEMO_TRY(use1, c.call("POST", fmt::format("/v1/batches/{}/materials", batch_id), plant_key,
                        R"({"lot_id":"lot-1","quantity":{"amount":700,"unit":"kg"}})", run + "-use1"));
  DEMO_TRY(use2, c.call("POST", fmt::format("/v1/batches/{}/materials", batch_id), plant_key,
                        R"({"lot_id":"lot-2","quantity":{"amount":20,"unit":"kg"}})", run + "-use2"));
  (void)use1;
  (void)use2;
  const std::string report =
      "广东省农产品质量安全检测报告\n样品：净菜菜心 批次 DG-JCX-20261122A\n农药残留（GB 2763-2021）：未检出\n结论：合格\n";
  DEMO_TRY(doc, c.call("POST", "/v1/documents", plant_key, report, "", "text/plain; charset=utf-8"));
  const std::string sha = c.field(*doc, "sha256");
  DEMO_TRY(attach, c.call("POST", fmt::format("/v1/batches/{}/documents", batch_id), plant_key,
                          fmt::format(R"({{"sha256":"{}","kind":"inspection_report","filename":"检测报告-DG-JCX-20261122A.txt","media_type":"text/plain"}})", sha),
                          run + "-doc"));
  (void)attach;
  (void)harvest;
  (void)farm_customer;

  // R-4.2.7 / R-4.2.5 / R-4.2.9: main varieties, a code template whose resolver is this server,
  // 20 trace codes for the batch, one of them disabled, and the product published.
  DEMO_TRY(varieties, c.call("PUT", "/v1/enterprise/main-varieties", plant_key,
                             R"({"product_ids":["veg-caixin","veg-gailan"]})", run + "-mainvar"));
  (void)varieties;
  DEMO_TRY(tpl, c.call("POST", "/v1/code-templates", plant_key,
                       fmt::format(R"({{"name":"净菜菜心 500g 单件码","product_id":"veg-caixin","base_url":"{}","serial_format":"base32","packaging_level":"item","quantity_per_code":{{"amount":1,"unit":"piece"}}}})", url),
                       run + "-tpl"));
  DEMO_TRY(codes, c.call("POST", "/v1/code-runs", plant_key,
                         fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":20}})", c.field(*tpl, "id"), batch_id),
                         run + "-codes"));
  const std::string run_id = c.field(*codes, "id");
  DEMO_TRY(csv, c.call("GET", fmt::format("/v1/code-runs/{}/codes.csv?limit=8&after={}&wait_ms=10000", run_id,
                                          c.last_position()),
                       plant_key, "", ""));
  // The first rows after the header: serial,uri,...
  std::vector<std::pair<std::string, std::string>> rows;
  for (size_t at = csv->find('\n') + 1; at < csv->size() && rows.size() < 8;) {
    const size_t end = csv->find('\n', at);
    const std::string line = csv->substr(at, end - at);
    const size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    rows.emplace_back(line.substr(0, c1), line.substr(c1 + 1, c2 - c1 - 1));
    at = end + 1;
  }
  if (rows.size() < 8) return make_error(ErrorCode::kInternal, "demo_step_failed", "no codes in the CSV");
  DEMO_TRY(disable, c.call("POST", fmt::format("/v1/codes/{}/disable", rows[1].first), plant_key,
                           R"({"reason":"标签打印错误，已作废"})", run + "-disable"));
  (void)disable;
  DEMO_TRY(publish, c.call("POST", "/v1/publications", plant_key,
                           R"({"product_id":"veg-caixin","description":"东莞寮步加工，博罗基地直供净菜菜心"})", run + "-publish"));
  (void)publish;
  // R-4.2.3: the plant sells to a supermarket and ships 6 coded packs; R-4.2.4: the farm's lot
  // turns out to be contaminated and is recalled.
  DEMO_TRY(shop, c.call("POST", "/v1/counterparties", plant_key,
                        R"({"kind":"enterprise","roles":["customer"],"name":"广州市天河区鲜果超市有限公司","uscc":"91440101MA59XYW12B","contact_person":"刘洋","phone":"13711112222","address":"广州市天河区天河路 1 号","region":"广东省广州市"})",
                        run + "-plant-cust"));
  std::string scanned;  // 6 scanned codes (not the disabled one), as a JSON array body
  for (size_t k = 2; k < 8; ++k) scanned += (scanned.empty() ? "\"" : ",\"") + rows[k].second + "\"";
  DEMO_TRY(order, c.call("POST", "/v1/sales-orders", plant_key,
                         fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":10,"unit":"piece"}},"price_fen":85000}})",
                                     c.field(*shop, "id"), batch_id),
                         run + "-so"));
  const std::string so_id = c.field(*order, "id");
  DEMO_TRY(ship, c.call("POST", fmt::format("/v1/sales-orders/{}/shipments", so_id), plant_key,
                        R"({"codes":[)" + scanned + "]}", run + "-ship"));
  DEMO_TRY(recall, c.call("POST", "/v1/recalls", plant_key,
                          R"({"scope":"lot","id":"lot-1","reason":"抽检发现毒死蜱残留超标（GB 2763-2021）"})", run + "-recall"));
  const std::string recall_id = c.field(*recall, "id");
  (void)ship;
#undef DEMO_TRY

  fmt::print(out,
             "Demo chain seeded through {}\n\n"
             "  Farm   博罗县绿源菜心种植专业合作社  USCC {}\n         API key {}\n"
             "  Plant  东莞市鲜达农产品加工有限公司  USCC {}\n         API key {}\n\n"
             "Try:\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/batches/{}/trace/backward?after={}'\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/material-lots/lot-1/trace/forward\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/counterparties\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/whereabouts?lot_id=lot-1'\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/recalls/{}/report.csv\n"
             "  curl -s {}/healthz ; curl -s {}/metrics | head\n",
             url, farm_uscc, farm_key, plant_uscc, plant_key, plant_key, url, batch_id, c.last_position(),
             plant_key, url, plant_key, url, plant_key, url, plant_key, url, recall_id, url, url);
  fmt::print(out,
             "\nTrace codes (R-4.2.5): run {} of 20 codes for batch {}. Scan or open:\n"
             "  {}                       (active: 产品追溯 page)\n"
             "  curl -s -H 'Accept: application/json' {}\n"
             "  curl -s -i {}    (disabled: 410 Gone)\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/code-runs/{}/codes.svg -o codes.svg\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/market/products?variety=vegetable'\n",
             run_id, batch_id, rows[0].second, rows[0].second, rows[1].second, plant_key, url, run_id, plant_key, url);
  return Status::Ok();
}

}  // namespace agritrace::api
