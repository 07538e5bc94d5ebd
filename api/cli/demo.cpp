#include "api/cli/demo.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/http_client.h"
#include "projections/base/keys.h"
#include "core/base/civil_time.h"

namespace agritrace::api {
namespace {

class DemoClient {
 public:
  explicit DemoClient(HttpClient& http) : http_(http) {}

  // Sends a command; the Idempotency-Key makes re-running the demo after a failure safe.
  Result<std::string> call(std::string_view method, const std::string& target, const std::string& key,
                           const std::string& body, const std::string& idem,
                           std::string_view content_type = "application/json") {
    HeaderList headers{{"Content-Type", std::string(content_type)}};
    if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
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

  // The first `n` codes of a run as (serial, Digital Link URI), read from its CSV once the views
  // have the run.
  Result<std::vector<std::pair<std::string, std::string>>> codes(const std::string& key,
                                                                  const std::string& run_id, size_t n) {
    auto csv = call("GET", fmt::format("/v1/code-runs/{}/codes.csv?limit={}&after={}&wait_ms=10000", run_id, n,
                                       last_position_),
                    key, "", "");
    if (!csv.ok()) return csv.error();
    std::vector<std::pair<std::string, std::string>> rows;
    for (size_t at = csv->find('\n') + 1; at < csv->size() && rows.size() < n;) {
      const size_t end = csv->find('\n', at);
      std::string line = csv->substr(at, end - at);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
      rows.emplace_back(line.substr(0, c1), line.substr(c1 + 1, c2 - c1 - 1));
      at = end == std::string::npos ? csv->size() : end + 1;
    }
    if (rows.size() < n) return make_error(ErrorCode::kInternal, "demo_step_failed", "too few codes in the CSV");
    return rows;
  }

 private:
  HttpClient& http_;
  std::string last_position_;
};

// {"codes":["uri",...]} of rows [from, to).
std::string codes_body(const std::vector<std::pair<std::string, std::string>>& rows, size_t from, size_t to,
                       std::string_view extra = {}) {
  std::string body = R"({"codes":[)";
  for (size_t k = from; k < to; ++k) body += (k == from ? "\"" : ",\"") + rows[k].second + "\"";
  body += "]";
  body += extra;
  return body + "}";
}

struct Enterprise {
  std::string uscc, name, region, key;
};

// The demo's calendar: every date is relative to the server's own platform day (clock.today of
// /healthz), so the story is the same on any day of any year and under a test clock.
class DemoCalendar {
 public:
  explicit DemoCalendar(core::Date today) : today_(today) {}
  core::CivilDate civil(int32_t n) const { return core::civil_from_days(today_.days_since_epoch + n); }
  // "YYYY-MM-DD" of today + n days.
  std::string day(int32_t n) const { return core::format_date(core::Date{today_.days_since_epoch + n}); }
  // "YYYYMMDD", "YYMM" and "MMDD" of today + n days, for lot codes and payment vouchers.
  std::string compact(int32_t n) const {
    const core::CivilDate c = civil(n);
    return fmt::format("{:04d}{:02d}{:02d}", c.year, c.month, c.day);
  }
  std::string yymm(int32_t n) const {
    const core::CivilDate c = civil(n);
    return fmt::format("{:02d}{:02d}", c.year % 100, c.month);
  }
  std::string mmdd(int32_t n) const {
    const core::CivilDate c = civil(n);
    return fmt::format("{:02d}{:02d}", c.month, c.day);
  }

 private:
  core::Date today_;
};

// The server's platform day from GET /healthz ("clock":{"today":"YYYY-MM-DD",...}).
Result<core::Date> server_today(HttpClient& http) {
  auto r = http.request("GET", "/healthz", "", {});
  if (!r.ok()) return r.error();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view today;
  if (r->status != 200 || parser.parse(r->body).get(doc) || doc.at_pointer("/clock/today").get(today)) {
    return make_error(ErrorCode::kInternal, "demo_step_failed",
                      fmt::format("step server_clock: GET /healthz answered {} without clock.today: {}", r->status,
                                  r->body));
  }
  return core::parse_date(today, "clock.today");
}

// The demo's bureaus (issue 13): their users (the first one a supervisor) and the entities the
// supervisor files. Every user's password is kDemoBureauPassword.
struct BureauUser {
  std::string_view username, role;
};
struct Bureau {
  std::string_view id, name, jurisdiction;
  std::vector<BureauUser> users;
  std::vector<std::string_view> entities;
};
constexpr std::string_view kDemoBureauPassword = "Market-Watch-2024";
// The signed inspection form's scan (a minimal PDF).
constexpr std::string_view kDemoInspectionForm =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";
const std::vector<Bureau> kDemoBureaus = {
    {"gz-amr", "广州市市场监督管理局", "440100",
     {{"li.sup", "supervisor"}, {"zhao.insp", "inspector"}, {"qian.insp", "inspector"}},
     {R"({"name":"广州江南果菜批发有限公司","premises_type":"wholesale","uscc":"91440101MA59XYW12B","division":"440111","address":"广州市白云区江南大道中","legal_representative":"刘洋","contact_person":"刘洋","phone":"13711112222"})",
      R"({"name":"陈记蔬菜档","premises_type":"retail","id_number":"441322197806151238","division":"440106","address":"广州市天河区石牌农贸市场 12 号","contact_person":"陈国强","phone":"13800138000"})"}},
    {"sz-amr", "深圳市市场监督管理局", "440300",
     {{"sun.sup", "supervisor"}, {"zhou.insp", "inspector"}, {"wu.insp", "inspector"}},
     {R"({"name":"深圳市福田区鲜果坊","premises_type":"retail","uscc":"91440300708461136T","division":"440304","address":"深圳市福田区福田农批市场 B-12","legal_representative":"黄丽","contact_person":"黄丽","phone":"13923456789"})",
      R"({"name":"深圳市南山区百果园生鲜店","premises_type":"retail","uscc":"91440304MA5G3XW81N","division":"440305","address":"深圳市南山区南头街道","legal_representative":"周杰","contact_person":"周杰","phone":"13612345678"})"}},
    {"gba-amr", "大湾区食品安全协调办公室", "GBA",
     {{"chen.sup", "supervisor"}, {"zheng.insp", "inspector"}, {"feng.insp", "inspector"}},
     {R"({"name":"东莞市鲜达农产品加工有限公司","premises_type":"production","uscc":"91441900MA51ABCD7J","division":"441900","address":"广东省东莞市寮步镇","legal_representative":"何建国","contact_person":"何建国","phone":"13509876543"})",
      R"({"name":"博罗县绿源菜心种植专业合作社","premises_type":"farm","uscc":"93441322MA4W12345F","division":"441322","address":"广东省惠州市博罗县","legal_representative":"黄国华","contact_person":"黄国华","phone":"13826601234"})"}},
};

}  // namespace

// The chain (R-4.2.x production end, R-4.3.x circulation end):
//   fertiliser supplier -> farm (material lot, harvest batch, crate codes)
//   -> Dongguan processing plant (receives by scan, processes into packs with their own codes)
//   -> Guangzhou wholesaler (receives by scan) -> two Shenzhen shops (receive by scan)
//   -> consumers (retail sales with payment vouchers)
// and finally the farm recalls its fertiliser lot: the recall follows the goods to every sale.
Status run_demo(const std::string& url, const std::string& admin_key, FILE* out, const std::string& printer) {
  auto target = parse_url(url);
  if (!target.ok()) return target.status();
  HttpClient http(target->host, target->port);
  DemoClient c(http);
  const std::string run = "demo-v3";  // idempotency keys: re-running the demo appends nothing twice
  auto today = server_today(http);
  if (!today.ok()) return today.status();
  const DemoCalendar cal(*today);

  // A failed step names itself: "step fert_use: POST /v1/batches/b-1/materials answered 409: {...}".
#define DEMO_TRY(var, expr)                                                                         \
  auto var = (expr);                                                                                \
  if (!var.ok()) {                                                                                  \
    Error e = var.error();                                                                          \
    e.message = fmt::format("step {}: {}", #var, e.message);                                       \
    return e;                                                                                       \
  }

  std::vector<Enterprise> ents{
      {"93441322MA4W12345F", "博罗县绿源菜心种植专业合作社", "广东省惠州市博罗县", ""},
      {"91441900MA51ABCD7J", "东莞市鲜达农产品加工有限公司", "广东省东莞市", ""},
      {"91440101MA59XYW12B", "广州江南果菜批发有限公司", "广东省广州市白云区", ""},
      {"91440300708461136T", "深圳市福田区鲜果坊", "广东省深圳市福田区", ""},
      {"91440304MA5G3XW81N", "深圳市南山区百果园生鲜店", "广东省深圳市南山区", ""},
  };
  for (size_t k = 0; k < ents.size(); ++k) {
    DEMO_TRY(enterprise, c.call("POST", "/v1/enterprises", admin_key,
                       fmt::format(R"({{"uscc":"{}","name":"{}","region":"{}"}})", ents[k].uscc, ents[k].name,
                                   ents[k].region),
                       fmt::format("{}-ent-{}", run, k)));
    ents[k].key = c.field(*enterprise, "api_key");
    if (ents[k].key.empty()) {
      return make_error(ErrorCode::kConflict, "demo_already_seeded",
                        "the demo enterprises already exist on this server (their keys were shown when "
                        "they were created); start from an empty data folder to seed again");
    }
  }
  Enterprise& farm = ents[0];
  Enterprise& plant = ents[1];
  Enterprise& wholesaler = ents[2];
  Enterprise& shop1 = ents[3];
  Enterprise& shop2 = ents[4];
  // A customer counterparty for a registered enterprise (goods shipped to it can be received by scan).
  auto customer = [&](const Enterprise& seller, const Enterprise& buyer, const std::string& idem) {
    return c.call("POST", "/v1/counterparties", seller.key,
                  fmt::format(R"({{"kind":"enterprise","roles":["customer"],"name":"{}","uscc":"{}","contact_person":"李敏","phone":"0769-22881234","address":"{}","region":"{}"}})",
                              buyer.name, buyer.uscc, buyer.region, buyer.region),
                  idem);
  };

  // ---- The farm: fertiliser bought in (material lot), a harvest batch, 10 kg crate codes. ----
  DEMO_TRY(fert_sup, c.call("POST", "/v1/counterparties", farm.key,
                            R"({"kind":"enterprise","roles":["supplier"],"name":"惠州市绿丰肥业有限公司","uscc":"91441322MA4UHK1P0J","legal_representative":"陈国强","contact_person":"陈国强","phone":"0752-6123456","address":"广东省惠州市博罗县园洲镇"})",
                            run + "-farm-sup"));
  DEMO_TRY(fert_po, c.call("POST", "/v1/purchase-orders", farm.key,
                           fmt::format(R"({{"material":"有机肥","supplier_id":"{}","quantity":{{"amount":1,"unit":"t"}},"supplier_lot":"LF-{}-{}","production_date":"{}","expiry_date":"{}","price_fen":180000}})",
                                       c.field(*fert_sup, "id"), cal.yymm(-53), cal.mmdd(-53).substr(2),
                                       cal.day(-53), cal.day(-53 + 365)),
                           run + "-farm-po"));
  DEMO_TRY(fert_in, c.call("POST", fmt::format("/v1/purchase-orders/{}/receive", c.field(*fert_po, "id")), farm.key,
                           fmt::format(R"({{"quantity":{{"amount":1,"unit":"t"}},"received_on":"{}"}})", cal.day(-50)),
                           run + "-farm-rcv"));
  (void)fert_in;
  DEMO_TRY(farm_varieties, c.call("PUT", "/v1/enterprise/main-varieties", farm.key,
                                  R"({"product_ids":["veg-caixin"]})", run + "-farm-mainvar"));
  (void)farm_varieties;
  // Harvested two days ago, keeps a week.
  DEMO_TRY(harvest, c.call("POST", "/v1/batches", farm.key,
                           fmt::format(R"({{"product":"菜心（鲜）","lot_code":"HZ-CX-{}","quantity":{{"amount":2,"unit":"t"}},"production_date":"{}","expiry_date":"{}","note":"博罗基地 3 号田","product_id":"veg-caixin"}})",
                                       cal.compact(-2), cal.day(-2), cal.day(5)),
                           run + "-farm-batch"));
  const std::string harvest_id = c.field(*harvest, "id");
  DEMO_TRY(fert_use, c.call("POST", fmt::format("/v1/batches/{}/materials", harvest_id), farm.key,
                            R"({"lot_id":"lot-1","quantity":{"amount":300,"unit":"kg"}})", run + "-farm-use"));
  (void)fert_use;
  DEMO_TRY(farm_tpl, c.call("POST", "/v1/code-templates", farm.key,
                            fmt::format(R"({{"name":"菜心 10kg 周转箱码","product_id":"veg-caixin","base_url":"{}","serial_format":"base32","packaging_level":"case","quantity_per_code":{{"amount":10,"unit":"kg"}}}})", url),
                            run + "-farm-tpl"));
  DEMO_TRY(farm_run, c.call("POST", "/v1/code-runs", farm.key,
                            fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":20}})", c.field(*farm_tpl, "id"), harvest_id),
                            run + "-farm-codes"));
  DEMO_TRY(crates, c.codes(farm.key, c.field(*farm_run, "id"), 15));

  // The farm sells 150 kg (15 crates) to the plant and ships them by scan.
  DEMO_TRY(farm_cp, customer(farm, plant, run + "-farm-cp"));
  DEMO_TRY(farm_so, c.call("POST", "/v1/sales-orders", farm.key,
                           fmt::format(R"({{"customer_id":"{}","batch_id":"{}","quantity":{{"amount":150,"unit":"kg"}},"price_fen":90000}})",
                                       c.field(*farm_cp, "id"), harvest_id),
                           run + "-farm-so"));
  DEMO_TRY(farm_ship, c.call("POST", fmt::format("/v1/sales-orders/{}/shipments", c.field(*farm_so, "id")), farm.key,
                             codes_body(*crates, 0, 15), run + "-farm-ship"));
  (void)farm_ship;

  // ---- The plant: receives the crates by scan, buys ginger from a smallholder, processes. ----
  DEMO_TRY(plant_in, c.call("POST", "/v1/receipts", plant.key, codes_body(*crates, 0, 15), run + "-plant-rcv"));
  (void)plant_in;  // lot-1: 150 kg of the farm's batch
  DEMO_TRY(sup_person, c.call("POST", "/v1/counterparties", plant.key,
                              R"({"kind":"individual","roles":["supplier"],"name":"张伟","id_number":"441322197806151238","phone":"13912345678","address":"广东省惠州市博罗县龙溪街道"})",
                              run + "-plant-sup"));
  DEMO_TRY(ginger_po, c.call("POST", "/v1/purchase-orders", plant.key,
                             fmt::format(R"({{"material":"生姜","supplier_id":"{}","quantity":{{"amount":50,"unit":"kg"}},"supplier_lot":"ZW-{}","production_date":"{}","expiry_date":"{}","price_fen":40000}})",
                                         c.field(*sup_person, "id"), cal.yymm(-4), cal.day(-4), cal.day(-4 + 92)),
                             run + "-plant-po"));
  DEMO_TRY(ginger_in, c.call("POST", fmt::format("/v1/purchase-orders/{}/receive", c.field(*ginger_po, "id")), plant.key,
                             fmt::format(R"({{"quantity":{{"amount":48,"unit":"kg"}},"received_on":"{}"}})", cal.day(-3)),
                             run + "-plant-rcv2"));
  (void)ginger_in;  // lot-2
  DEMO_TRY(varieties, c.call("PUT", "/v1/enterprise/main-varieties", plant.key,
                             R"({"product_ids":["veg-caixin","veg-gailan"]})", run + "-mainvar"));
  (void)varieties;
  const std::string pack_lot = fmt::format("DG-JCX-{}A", cal.compact(-1));  // packed yesterday, keeps 4 days
  DEMO_TRY(batch, c.call("POST", "/v1/batches", plant.key,
                         fmt::format(R"({{"product":"净菜菜心 500g 装","lot_code":"{}","quantity":{{"amount":250,"unit":"piece"}},"production_date":"{}","expiry_date":"{}","product_id":"veg-caixin"}})",
                                     pack_lot, cal.day(-1), cal.day(3)),
                         run + "-batch"));
  const std::string batch_id = c.field(*batch, "id");
  DEMO_TRY(use1, c.call("POST", fmt::format("/v1/batches/{}/materials", batch_id), plant.key,
                        R"({"lot_id":"lot-1","quantity":{"amount":140,"unit":"kg"}})", run + "-use1"));
  DEMO_TRY(use2, c.call("POST", fmt::format("/v1/batches/{}/materials", batch_id), plant.key,
                        R"({"lot_id":"lot-2","quantity":{"amount":20,"unit":"kg"}})", run + "-use2"));
  (void)use1;
  (void)use2;
  const std::string report = fmt::format(
      "广东省农产品质量安全检测报告\n样品：净菜菜心 批次 {}\n农药残留（GB 2763-2021）：未检出\n结论：合格\n", pack_lot);
  DEMO_TRY(doc, c.call("POST", "/v1/documents", plant.key, report, "", "text/plain; charset=utf-8"));
  DEMO_TRY(attach, c.call("POST", fmt::format("/v1/batches/{}/documents", batch_id), plant.key,
                          fmt::format(R"({{"sha256":"{}","kind":"inspection_report","filename":"检测报告-{}.txt","media_type":"text/plain"}})",
                                      c.field(*doc, "sha256"), pack_lot),
                          run + "-doc"));
  (void)attach;
  // R-4.2.5 / R-4.2.9: pack codes (one disabled), the product published.
  DEMO_TRY(tpl, c.call("POST", "/v1/code-templates", plant.key,
                       fmt::format(R"({{"name":"净菜菜心 500g 单件码","product_id":"veg-caixin","base_url":"{}","serial_format":"base32","packaging_level":"item","quantity_per_code":{{"amount":1,"unit":"piece"}}}})", url),
                       run + "-tpl"));
  DEMO_TRY(pack_run, c.call("POST", "/v1/code-runs", plant.key,
                            fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":20}})", c.field(*tpl, "id"), batch_id),
                            run + "-codes"));
  const std::string run_id = c.field(*pack_run, "id");
  DEMO_TRY(packs, c.codes(plant.key, run_id, 20));
  DEMO_TRY(disable, c.call("POST", fmt::format("/v1/codes/{}/disable", (*packs)[19].first), plant.key,
                           R"({"reason":"标签打印错误，已作废"})", run + "-disable"));
  (void)disable;
  DEMO_TRY(publish, c.call("POST", "/v1/publications", plant.key,
                           R"({"product_id":"veg-caixin","description":"东莞寮步加工，博罗基地直供净菜菜心"})", run + "-publish"));
  (void)publish;

  // ---- R-4.3.1 docking: the Guangzhou wholesaler orders 12 packs through the market; the plant
  // accepts from its batch (the wholesaler becomes its customer) and ships them by scan. ----
  DEMO_TRY(order, c.call("POST", "/v1/market/orders", wholesaler.key,
                         fmt::format(R"({{"producer_tenant":"{}","product_id":"veg-caixin","quantity":{{"amount":12,"unit":"piece"}},"price_fen":8400,"note":"周五前到货"}})",
                                     plant.uscc),
                         run + "-mo"));
  const std::string mo_id = c.field(*order, "id");
  DEMO_TRY(accept, c.call("POST", fmt::format("/v1/market/incoming-orders/{}/{}/accept", wholesaler.uscc, mo_id),
                          plant.key, fmt::format(R"({{"batch_id":"{}"}})", batch_id), run + "-mo-accept"));
  DEMO_TRY(plant_ship, c.call("POST", fmt::format("/v1/sales-orders/{}/shipments", c.field(*accept, "so_id")), plant.key,
                              codes_body(*packs, 0, 12), run + "-plant-ship"));
  (void)plant_ship;

  // ---- The wholesaler receives by scan and sells on to two Shenzhen shops. ----
  DEMO_TRY(ws_in, c.call("POST", "/v1/receipts", wholesaler.key, codes_body(*packs, 0, 12), run + "-ws-rcv"));
  (void)ws_in;  // lot-1 of the wholesaler
  const std::vector<std::pair<Enterprise*, std::pair<size_t, size_t>>> shops{{&shop1, {0, 5}}, {&shop2, {5, 9}}};
  for (size_t k = 0; k < shops.size(); ++k) {
    Enterprise& shop = *shops[k].first;
    const auto [from, to] = shops[k].second;
    DEMO_TRY(cp, customer(wholesaler, shop, fmt::format("{}-ws-cp{}", run, k)));
    DEMO_TRY(so, c.call("POST", "/v1/sales-orders", wholesaler.key,
                        fmt::format(R"({{"customer_id":"{}","batch_id":"lot-1","quantity":{{"amount":{},"unit":"piece"}},"price_fen":{}}})",
                                    c.field(*cp, "id"), to - from, (to - from) * 900),
                        fmt::format("{}-ws-so{}", run, k)));
    DEMO_TRY(ship, c.call("POST", fmt::format("/v1/sales-orders/{}/shipments", c.field(*so, "id")), wholesaler.key,
                          codes_body(*packs, from, to), fmt::format("{}-ws-ship{}", run, k)));
    (void)ship;
    // The shop receives by scan and sells packs to consumers, paid by WeChat Pay / Alipay.
    DEMO_TRY(in, c.call("POST", "/v1/receipts", shop.key, codes_body(*packs, from, to), fmt::format("{}-shop-rcv{}", run, k)));
    (void)in;
    for (size_t s = from; s < from + 2; ++s) {
      DEMO_TRY(sale, c.call("POST", "/v1/retail-sales", shop.key,
                            codes_body(*packs, s, s + 1,
                                       fmt::format(R"(,"payment_voucher":"4200001234{}{}{:03d}","price_fen":1290)", cal.compact(0), k, s)),
                            fmt::format("{}-sale-{}-{}", run, k, s)));
      (void)sale;
    }
  }
  // Shop 1 also sells eggs from a smallholder, received by hand (no codes), by quantity.
  DEMO_TRY(egg_farmer, c.call("POST", "/v1/counterparties", shop1.key,
                              R"({"kind":"individual","roles":["supplier"],"name":"王秀英","id_number":"440305198810108889","phone":"13800138000"})",
                              run + "-shop-sup"));
  DEMO_TRY(eggs_in, c.call("POST", "/v1/receipts/manual", shop1.key,
                           fmt::format(R"({{"supplier_id":"{}","product":"农家土鸡蛋","lot_code":"WXY-{}","quantity":{{"amount":60,"unit":"piece"}},"production_date":"{}","price_fen":6000}})",
                                       c.field(*egg_farmer, "id"), cal.mmdd(-1), cal.day(-1)),
                           run + "-shop-eggs"));
  (void)eggs_in;
  DEMO_TRY(eggs_sale, c.call("POST", "/v1/retail-sales", shop1.key,
                             R"({"item_id":"lot-2","quantity":{"amount":10,"unit":"piece"},"price_fen":1500})", run + "-shop-eggs-sale"));
  (void)eggs_sale;
  // R-4.3.5 / R-4.3.6: the stocktake finds two broken eggs; the shop pays this month's rent.
  DEMO_TRY(stocktake, c.call("POST", "/v1/stocktakes", shop1.key,
                             R"({"note":"盘点","counts":[{"item_id":"lot-2","counted":{"amount":48,"unit":"piece"},"reason":"破损 2 枚"}]})",
                             run + "-shop-stocktake"));
  (void)stocktake;
  DEMO_TRY(rent, c.call("POST", "/v1/finance/entries", shop1.key,
                        fmt::format(R"({{"direction":"expense","amount_fen":680000,"category":"rent","document":"福田农批市场 B-12 铺位 {} 月租金"}})",
                                    cal.civil(0).month),
                        run + "-shop-rent"));
  (void)rent;

  // ---- R-4.2.4: the farm's fertiliser lot fails a heavy-metal test; the farm recalls it. ----
  DEMO_TRY(recall, c.call("POST", "/v1/recalls", farm.key,
                          R"({"scope":"lot","id":"lot-1","reason":"有机肥抽检镉含量超标（GB/T 23349-2020）"})", run + "-recall"));
  const std::string recall_id = c.field(*recall, "id");

  // ---- Issue 13: three market supervision bureaus with logins for the regulator portal
  // (/regulator), and the chain's enterprises filed as regulated entities (R-4.5.1). ----
  std::map<std::string, std::string> entity_ids;         // name -> entity id
  std::map<std::string, std::string> supervisor_tokens;  // bureau -> its supervisor's session
  for (const Bureau& b : kDemoBureaus) {
    DEMO_TRY(bureau, c.call("POST", "/v1/regulator/bureaus", admin_key,
                            fmt::format(R"({{"bureau_id":"{}","name":"{}","jurisdiction":"{}"}})", b.id, b.name,
                                        b.jurisdiction),
                            fmt::format("{}-bureau-{}", run, b.id)));
    (void)bureau;
    for (const BureauUser& u : b.users) {
      DEMO_TRY(user, c.call("POST", fmt::format("/v1/regulator/bureaus/{}/users", b.id), admin_key,
                            fmt::format(R"({{"username":"{}","password":"{}","role":"{}"}})", u.username,
                                        kDemoBureauPassword, u.role),
                            fmt::format("{}-bureau-{}-{}", run, b.id, u.username)));
      (void)user;
    }
    // The bureau's supervisor files the entities of its jurisdiction.
    DEMO_TRY(login, c.call("POST", "/v1/regulator/sessions", "",
                           fmt::format(R"({{"bureau_id":"{}","username":"{}","password":"{}"}})", b.id,
                                       b.users[0].username, kDemoBureauPassword),
                           ""));
    const std::string token = c.field(*login, "token");
    for (const std::string_view body : b.entities) {
      DEMO_TRY(filed, c.call("POST", "/v1/regulator/entities", token, std::string(body), ""));
      entity_ids[c.field(std::string(body), "name")] = c.field(*filed, "id");
    }
    supervisor_tokens[std::string(b.id)] = token;
  }

  // R-4.5.2, when this server has it (the checklist answers): a Guangzhou inspector inspects the
  // stall with the signed form uploaded; the GBA supervisor makes a random draw.
  std::string inspection_id, draw_id;
  DEMO_TRY(zhao, c.call("POST", "/v1/regulator/sessions", "",
                        fmt::format(R"({{"bureau_id":"gz-amr","username":"zhao.insp","password":"{}"}})",
                                    kDemoBureauPassword),
                        ""));
  const std::string zhao_token = c.field(*zhao, "token");
  auto checklist = http.request("GET", "/v1/regulator/checklist", "", {{"Authorization", "Bearer " + zhao_token}});
  if (checklist.ok() && checklist->status == 200) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::array items;
    std::string item_json;
    if (!parser.parse(checklist->body).get(doc) && !doc["items"].get(items)) {
      for (simdjson::dom::element item : items) {
        std::string_view code;
        if (item["code"].get_string().get(code)) continue;
        item_json += fmt::format(R"({}{{"code":"{}","result":"{}","note":""}})", item_json.empty() ? "" : ",", code,
                                 item_json.empty() ? "basically_conforming" : "conforming");
      }
    }
    DEMO_TRY(form, c.call("POST", "/v1/regulator/documents", zhao_token, std::string(kDemoInspectionForm), "",
                          "application/pdf"));
    DEMO_TRY(inspection,
             c.call("POST", "/v1/regulator/inspections", zhao_token,
                    fmt::format(R"({{"entity_id":"{}","inspected_on":"{}","inspectors":["zhao.insp","qian.insp"],"items":[{}],"findings":"进货查验记录缺 3 天","follow_up":"补齐进货查验记录，两周内复查","follow_up_due":"{}","form_sha256":"{}"}})",
                                entity_ids["陈记蔬菜档"], cal.day(-10), item_json, cal.day(4),
                                c.field(*form, "sha256")),
                    run + "-inspection"));
    inspection_id = c.field(*inspection, "inspection_id");
    if (inspection_id.empty()) inspection_id = c.field(*inspection, "id");
    DEMO_TRY(draw, c.call("POST", "/v1/regulator/draws", supervisor_tokens["gba-amr"],
                          R"({"seed":"0d0e0a","entity_count":3,"inspectors_per_entity":2})", run + "-draw"));
    draw_id = c.field(*draw, "draw_id");
    if (draw_id.empty()) draw_id = c.field(*draw, "id");
  }
#undef DEMO_TRY

  fmt::print(out, "Demo chain seeded through {}\n\n", url);
  const char* roles[] = {"Farm", "Plant", "Wholesaler", "Shop 1", "Shop 2"};
  for (size_t k = 0; k < ents.size(); ++k) {
    fmt::print(out, "  {:<11}{}  USCC {}\n             API key {}\n", roles[k], ents[k].name, ents[k].uscc, ents[k].key);
  }
  fmt::print(out,
             "\nTry (every line below works when pasted into a shell; the farm's recall follows the goods\n"
             "through the plant and the wholesaler to every sale):\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/recalls/{}?after={}'\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/recalls/{}/report.csv\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/whereabouts?lot_id=lot-1'\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/batches/{}/trace/backward'\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/material-lots/lot-1/trace/forward\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/market/orders/{}\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/inventory?in_stock=true'\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/finance/statement?from={}&to={}'\n"
             "  curl -s {}/healthz ; curl -s {}/metrics | grep '^agritrace_commands'\n",
             farm.key, url, recall_id, c.last_position(), farm.key, url, recall_id, farm.key, url, plant.key, url,
             batch_id, plant.key, url, wholesaler.key, url, mo_id, shop1.key, url, shop1.key, url, cal.day(-30),
             cal.day(0), url, url);
  fmt::print(out,
             "\nTrace codes (R-4.2.5): run {} of 20 pack codes for the plant's batch {}. Scan or open:\n"
             "  {}                       # sold in shop 1\n"
             "  curl -s -H 'Accept: application/json' {}\n"
             "  curl -s -i {}    # disabled: 410 Gone\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/code-runs/{}/codes.svg -o codes.svg\n"
             "  curl -s -H 'Authorization: Bearer {}' '{}/v1/market/products?variety=vegetable'\n",
             run_id, batch_id, (*packs)[0].second, (*packs)[0].second, (*packs)[19].second, plant.key, url, run_id,
             wholesaler.key, url);
  fmt::print(out, "\nRegulator portal (issue 13): open {}/regulator and log in with a bureau id, a user and the\n"
                  "password {} (every bureau user of the demo):\n", url, kDemoBureauPassword);
  for (const Bureau& b : kDemoBureaus) {
    std::string users;
    for (const BureauUser& u : b.users) users += fmt::format("{}{} ({})", users.empty() ? "" : ", ", u.username, u.role);
    fmt::print(out, "  {:<8} {} (jurisdiction {}): {}\n", b.id, b.name, b.jurisdiction, users);
  }
  if (!inspection_id.empty()) {
    fmt::print(out, "  R-4.5.2: gz-amr's zhao.insp recorded inspection {} of 陈记蔬菜档 with its signed form; gba-amr "
                    "drew {}.\n", inspection_id, draw_id);
  }
  fmt::print(out,
             "  curl -s -H 'Content-Type: application/json' -d '{{\"bureau_id\":\"gz-amr\",\"username\":\"li.sup\",\"password\":\"{}\"}}' {}/v1/regulator/sessions\n",
             kDemoBureauPassword, url);
  if (printer.empty()) return Status::Ok();

  // R-4.2.6: a packing line with the given printer (e.g. the simulator ./scripts/run starts) and
  // a run of 50 codes to print on it.
  const size_t c1 = printer.find(':'), c2 = printer.rfind(':');
  if (c1 == std::string::npos || c1 == c2) {
    return make_error(ErrorCode::kInvalidArgument, "invalid_printer", "--printer is zpl|coder:HOST:PORT");
  }
  const std::string protocol = printer.substr(0, c1);
  const std::string host = printer.substr(c1 + 1, c2 - c1 - 1);
  const std::string port = printer.substr(c2 + 1);
#define DEMO_TRY(var, expr)                  \
  auto var = (expr);                         \
  if (!var.ok()) {                           \
    Error e = var.error();                   \
    e.message = fmt::format("step {}: {}", #var, e.message); \
    return e;                                \
  }
  DEMO_TRY(print_run, c.call("POST", "/v1/code-runs", plant.key,
                             fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":50}})", c.field(*tpl, "id"), batch_id),
                             run + "-print-codes"));
  const std::string print_run_id = c.field(*print_run, "id");
  DEMO_TRY(line, c.call("POST", "/v1/lines", plant.key, R"({"name":"净菜包装一号线"})", run + "-line"));
  const std::string line_id = c.field(*line, "id");
  DEMO_TRY(device, c.call("POST", "/v1/devices", plant.key,
                          fmt::format(R"({{"line_id":"{}","name":"贴标机（模拟）","protocol":"{}","host":"{}","port":{}}})",
                                      line_id, protocol, host, port),
                          run + "-device"));
#undef DEMO_TRY
  fmt::print(out,
             "\nPrinting (R-4.2.6): line {} has a {} printer at {}:{}. Start a job of the 50 codes of run {}\n"
             "(the Idempotency-Key makes a second paste answer the same job), then watch it and a code:\n"
             "  curl -s -H 'Authorization: Bearer {}' -H 'Idempotency-Key: demo-print-1' -d '{{\"line_id\":\"{}\",\"run_id\":\"{}\"}}' {}/v1/print-jobs\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/print-jobs\n"
             "  curl -s -H 'Authorization: Bearer {}' {}/v1/lines\n",
             line_id, protocol, host, port, print_run_id, plant.key, line_id, print_run_id, url, plant.key, url,
             plant.key, url);
  return Status::Ok();
}

}  // namespace agritrace::api
