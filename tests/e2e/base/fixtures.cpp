#include "tests/e2e/base/fixtures.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sstream>

#include "events/ledger/ledger.h"
#include "projections/base/view_store.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {

std::vector<std::string> ledger_payloads(const TestLedger& l) {
  Result<std::unique_ptr<events::Ledger>> ledger = [&]() -> Result<std::unique_ptr<events::Ledger>> {
    if (l.backend == Backend::kKafka) {
      events::KafkaLedgerOptions o;
      o.brokers = kafka_brokers();
      o.topic = l.topic;
      return events::open_kafka_ledger(o);
    }
    events::LocalLedgerOptions o;
    o.path = l.data.path() + "/ledger";
    o.read_only = true;
    return events::open_local_ledger(o);
  }();
  REQUIRE(ledger.ok());
  auto reader = (*ledger)->open_reader({});
  REQUIRE(reader.ok());
  std::vector<std::string> out;
  for (;;) {
    auto polled = (*reader)->poll(1000, 1000);
    REQUIRE(polled.ok());
    for (const auto& e : polled->events) {
      out.push_back(e.envelope.tenant + " " + e.envelope.type + " " + e.envelope.payload_json);
    }
    if (polled->at_end && polled->events.empty()) return out;
  }
}

// A session of a new bureau with jurisdiction `division` (issue 13), its supervisor logged in.
std::string bureau_session(uint16_t port, const std::string& bureau, const std::string& division) {
  ApiClient platform(port, kAdminKey);
  Reply b = platform.post("/v1/regulator/bureaus",
                          fmt::format(R"({{"bureau_id":"{}","name":"市场监督管理局","jurisdiction":"{}"}})",
                                      bureau, division));
  INFO(b.body);
  REQUIRE(b.status == 201);
  Reply u = platform.post("/v1/regulator/bureaus/" + bureau + "/users",
                          R"({"username":"sup","password":"Market-Watch-2024","role":"supervisor"})");
  INFO(u.body);
  REQUIRE(u.status == 201);
  Reply s = ApiClient(port).post(
      "/v1/regulator/sessions",
      fmt::format(R"({{"bureau_id":"{}","username":"sup","password":"Market-Watch-2024"}})", bureau));
  INFO(s.body);
  REQUIRE(s.status == 201);
  return s.str("/token");
}

std::string register_enterprise(uint16_t port, const std::string& uscc, const std::string& name,
                                const std::string& region) {
  ApiClient admin(port, kAdminKey);
  Reply r = admin.post("/v1/enterprises",
                       fmt::format(R"({{"uscc":"{}","name":"{}","region":"{}"}})", uscc, name, region));
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.str("/api_key");
}

void check_problem(const Reply& r, int32_t status, const std::string& code, const std::string& field) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.header("Content-Type") == "application/problem+json");
  CHECK(r.str("/code") == code);
  CHECK(r.num("/status") == status);
  CHECK(!r.str("/detail").empty());
  if (!field.empty()) CHECK(r.str("/field") == field);
}

std::string new_counterparty(ApiClient& c, const std::string& body) {
  Reply r = c.post("/v1/counterparties", body);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.str("/id");
}

std::string enterprise_supplier_body(const std::string& uscc) {
  return fmt::format(
      R"({{"kind":"enterprise","roles":["supplier"],"name":"博罗县绿源菜心种植专业合作社","uscc":"{}","contact_person":"黄国华","phone":"13826601234","address":"广东省惠州市博罗县"}})",
      uscc);
}

std::string individual_supplier_body() {
  return fmt::format(
      R"({{"kind":"individual","roles":["supplier"],"name":"张伟","id_number":"{}","phone":"13912345678"}})",
      kPersonId);
}

std::string purchase_order_body(const std::string& supplier_id, int64_t kg, const std::string& expiry) {
  return fmt::format(
      R"({{"material":"菜心","supplier_id":"{}","quantity":{{"amount":{},"unit":"kg"}},"supplier_lot":"HZ-1","production_date":"{}","expiry_date":"{}"}})",
      supplier_id, kg, days_from_today(-33), expiry);
}

ReceivedLot receive_material(ApiClient& c, const std::string& supplier_id, int64_t kg, int received_days_ago,
                             const std::string& expiry) {
  Reply po = c.post("/v1/purchase-orders", purchase_order_body(supplier_id, kg, expiry));
  REQUIRE(po.status == 201);
  const std::string po_id = po.str("/id");
  REQUIRE(c.post("/v1/purchase-orders/" + po_id + "/receive",
                 fmt::format(R"({{"quantity":{{"amount":{},"unit":"kg"}},"received_on":"{}"}})", kg,
                             days_from_today(-received_days_ago))).status == 201);
  return {po_id, c.get_fresh("/v1/purchase-orders/" + po_id).str("/lot_id")};
}

std::string batch_body(const std::string& lot_code) {
  return fmt::format(
      R"({{"product":"净菜菜心 500g","lot_code":"{}","quantity":{{"amount":100,"unit":"piece"}},"production_date":"{}"}})",
      lot_code, days_from_today(-12));
}

std::string batch_of_lot(ApiClient& c, const std::string& lot_code, const std::string& lot_id, int64_t kg) {
  Reply b = c.post("/v1/batches", batch_body(lot_code));
  REQUIRE(b.status == 201);
  const std::string id = b.str("/id");
  REQUIRE(c.post("/v1/batches/" + id + "/materials",
                 fmt::format(R"({{"lot_id":"{}","quantity":{{"amount":{},"unit":"kg"}}}})", lot_id, kg)).status == 201);
  return id;
}

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

std::string codes_body(const std::vector<std::string>& codes) {
  std::string body = R"({"codes":[)";
  for (size_t i = 0; i < codes.size(); ++i) body += (i ? ",\"" : "\"") + codes[i] + "\"";
  return body + "]}";
}

std::string enterprise_customer_body(const std::string& uscc, const std::string& name,
                                     const std::string& region) {
  return fmt::format(
      R"({{"kind":"enterprise","roles":["customer"],"name":"{}","uscc":"{}","contact_person":"刘洋","phone":"13711112222","address":"{}","region":"{}"}})",
      name, uscc, region, region);
}

std::string code_run(ApiClient& c, const std::string& batch_id, const char* gtin, const char* per_code,
                     int count, std::vector<std::string>* uris) {
  Reply tpl = c.post("/v1/code-templates",
                     fmt::format(R"({{"name":"箱码","gtin":"{}","base_url":"https://trace.example.cn","quantity_per_code":{}}})", gtin, per_code));
  INFO(tpl.body);
  REQUIRE(tpl.status == 201);
  Reply run = c.post("/v1/code-runs", fmt::format(R"({{"template_id":"{}","batch_id":"{}","count":{}}})", tpl.str("/id"), batch_id, count));
  REQUIRE(run.status == 201);
  *uris = run_uris(c, run.str("/id"));
  REQUIRE(uris->size() == static_cast<size_t>(count));
  return run.str("/id");
}

std::string views_dir(const TestLedger& l) {
  return l.data.path() + (l.backend == Backend::kKafka ? "/views-kafka-" + l.topic : "/views");
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string live_views_digest(const TestLedger& l) {
  auto views = projections::ViewStore::open(views_dir(l));
  REQUIRE(views.ok());
  return (*views)->digest();
}

std::string replay_digest(const TestLedger& l) {
  RunResult r = run_agritrace(with({"replay"}, l.flags()));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const size_t d = r.out.find("views digest ");
  REQUIRE(d != std::string::npos);
  return r.out.substr(d + 13, 64);
}

}  // namespace agritrace::testing
