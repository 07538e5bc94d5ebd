// Issue 13, "Regulators on Kafka" (R-4.5): the server publishes each enterprise's events as
// CloudEvents to the topic of every jurisdiction containing it, exactly once across a crash and
// restarts, in order per enterprise, personal data masked; the broker (SASL/SCRAM + ACLs, KRaft
// StandardAuthorizer) lets a bureau's principal read its own jurisdiction's topic and refuses
// another; `agritrace subscribe` keeps a resumable local copy. Both ledgers.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/accounts/events.h"
#include "events/ledger/ledger.h"
#include "events/regulator/feed_consumer.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/e2e/regulator/feed_support.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

// Three enterprises: Boluo county of Huizhou (GBA), Nanshan district of Shenzhen (GBA), Zhenjiang
// district of Shaoguan (not GBA).
constexpr const char* kBoluo = "广东省惠州市博罗县";
constexpr const char* kNanshan = "广东省深圳市南山区";
constexpr const char* kShaoguan = "广东省韶关市浈江区";

struct Record {
  std::string id, tenant, type;
  int64_t seq = 0;
  std::string json;
};

Record parse_record(const std::string& json) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  REQUIRE_FALSE(p.parse(json).get(doc));
  Record r;
  std::string_view s;
  REQUIRE_FALSE(doc["id"].get(s));
  r.id = s;
  REQUIRE_FALSE(doc["tenant"].get(s));
  r.tenant = s;
  REQUIRE_FALSE(doc["type"].get(s));
  r.type = s;
  REQUIRE_FALSE(doc["tenantseq"].get(r.seq));
  CHECK(doc["specversion"].get_string().value() == "1.0");
  CHECK(doc["source"].get_string().value() == "/agritrace/tenants/" + r.tenant);
  r.json = json;
  return r;
}

// Every committed record of `topic`, reading until at least `expected` are there and the end is
// reached (bounded: 240 polls of at most 500 ms).
std::vector<Record> read_topic(const std::string& brokers, const std::string& topic,
                               size_t expected,
                               std::vector<std::pair<std::string, std::string>> sasl = {}) {
  events::FeedConsumerOptions o;
  o.brokers = brokers;
  o.topic = topic;
  o.client_config = std::move(sasl);
  auto c = open_when_created(o);
  std::vector<Record> out;
  for (int i = 0; i < 240; ++i) {
    auto polled = c->poll(500, 1000);
    REQUIRE_MESSAGE(polled.ok(), polled.status().to_string());
    for (const auto& m : polled->messages) out.push_back(parse_record(m.value));
    if (polled->at_end && out.size() >= expected) break;
  }
  return out;
}

// The ledger's events per tenant, in ledger order, that a regulator receives (credentials never).
std::map<std::string, std::vector<std::string>> ledger_ids(const TestLedger& l) {
  std::unique_ptr<events::Ledger> ledger;
  if (l.backend == Backend::kEmbedded) {
    events::LocalLedgerOptions o;
    o.path = l.data.path() + "/ledger";
    o.read_only = true;
    auto opened = events::open_local_ledger(o);
    REQUIRE(opened.ok());
    ledger = std::move(opened).value();
  } else {
    events::KafkaLedgerOptions o;
    o.brokers = kafka_brokers();
    o.topic = l.topic;
    auto opened = events::open_kafka_ledger(o);
    REQUIRE(opened.ok());
    ledger = std::move(opened).value();
  }
  auto reader = ledger->open_reader({});
  REQUIRE(reader.ok());
  std::map<std::string, std::vector<std::string>> out;
  for (int i = 0; i < 1000; ++i) {
    auto polled = (*reader)->poll(200, 4096);
    REQUIRE(polled.ok());
    for (const auto& se : polled->events) {
      const std::string& t = se.envelope.type;
      if (t == core::UserCreated::kType || t.starts_with("api_key.")) continue;
      out[se.envelope.tenant].push_back(se.envelope.id);
    }
    if (polled->at_end) break;
  }
  return out;
}

std::vector<std::string> serve_flags(const TestLedger& l, const std::string& prefix) {
  return with(l.flags(),
              {"--regulator-feed-kafka", kafka_brokers(), "--regulator-feed-prefix", prefix});
}

// The records of `topic` are exactly the events of `tenants`, each tenant's in ledger order, once.
void check_topic(const std::string& topic, const std::vector<Record>& records,
                 const std::map<std::string, std::vector<std::string>>& ledger,
                 const std::vector<std::string>& tenants) {
  INFO("topic ", topic);
  size_t expected = 0;
  for (const auto& t : tenants) expected += ledger.at(t).size();
  CHECK(records.size() == expected);
  std::map<std::string, std::vector<std::string>> seen;
  std::set<std::string> ids;
  for (const Record& r : records) {
    CHECK_MESSAGE(ids.insert(r.id).second, "duplicate event ", r.id);
    seen[r.tenant].push_back(r.id);
  }
  CHECK(seen.size() == tenants.size());
  for (const auto& t : tenants) CHECK(seen[t] == ledger.at(t));
}

// The CloudEvent of the individual supplier's registration: name, ID number and phone masked.
void check_masked(const std::vector<Record>& records) {
  bool found = false;
  for (const Record& r : records) {
    if (r.type != "agritrace.counterparty.registered" ||
        r.json.find("individual") == std::string::npos)
      continue;
    found = true;
    INFO(r.json);
    CHECK(r.json.find(kPersonId) == std::string::npos);
    CHECK(r.json.find("13912345678") == std::string::npos);
    CHECK(r.json.find("张伟") == std::string::npos);
    CHECK(r.json.find("pii:v1:") == std::string::npos);
    CHECK(r.json.find(R"("phone":"139****5678")") != std::string::npos);
  }
  CHECK(found);
  for (const Record& r : records) {
    CHECK(r.json.find("password_hash") == std::string::npos);
    if (r.type == "agritrace.enterprise.registered") {
      CHECK(r.json.find(R"("api_key_sha256":"")") != std::string::npos);
    }
  }
}

void feed_exactly_once(Backend backend) {
  TestLedger ledger(backend);
  const std::string prefix = unique_name("reg") + ".";
  const auto flags = serve_flags(ledger, prefix);
  std::string farm_key, plant_key, person, supplier;
  {
    ServerProcess s1(flags);
    s1.start();
    farm_key = register_enterprise(s1.port(), kFarmUscc, "绿源农场", kBoluo);
    plant_key = register_enterprise(s1.port(), kPlantUscc, "鲜达食品", kNanshan);
    ApiClient farm(s1.port(), farm_key), plant(s1.port(), plant_key);
    ApiClient shop(s1.port(), register_enterprise(s1.port(), kRetailUscc, "丹霞超市", kShaoguan));
    person = new_counterparty(farm, individual_supplier_body());
    supplier = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
    new_counterparty(shop, enterprise_supplier_body(kPlantUscc));
    // A user account: its password hash must never reach a regulator.
    const Reply user = farm.post(
        "/v1/accounts/users",
        R"({"username":"clerk01","role":"purchasing","password":"Correct-Horse-9-Battery"})");
    CHECK_MESSAGE(user.status == 201, user.body);
    for (int i = 1; i <= 30; ++i) {
      REQUIRE(farm.post("/v1/purchase-orders", purchase_order_body(person, i)).status == 201);
      if (i % 10 == 0)
        REQUIRE(plant.post("/v1/purchase-orders", purchase_order_body(supplier, i)).status == 201);
    }
    // The feed has started publishing; a crash now, whatever its transaction is doing.
    (void)read_topic(kafka_brokers(), prefix + "440000", 1);
    s1.kill_hard();
  }
  {
    ServerProcess s2(flags);  // resumes, and publishes what comes next
    s2.start();
    ApiClient farm(s2.port(), farm_key), plant(s2.port(), plant_key);
    for (int i = 1; i <= 5; ++i) {
      REQUIRE(farm.post("/v1/purchase-orders", purchase_order_body(person, i)).status == 201);
      REQUIRE(plant.post("/v1/purchase-orders", purchase_order_body(supplier, i)).status == 201);
    }
    CHECK(s2.stop() == 0);
  }
  const auto ids = ledger_ids(ledger);
  REQUIRE(ids.count(kFarmUscc) == 1);
  ServerProcess s3(flags);  // catches up (if it had not) and publishes nothing twice
  s3.start();
  const std::string brokers = kafka_brokers();
  const std::map<std::string, std::vector<std::string>> topics = {
      {"440000", {kFarmUscc, kPlantUscc, kRetailUscc}},  // the province
      {"GBA", {kFarmUscc, kPlantUscc}},                  // Huizhou and Shenzhen, not Shaoguan
      {"441300", {kFarmUscc}},
      {"441322", {kFarmUscc}},
      {"440300", {kPlantUscc}},
      {"440305", {kPlantUscc}},
      {"440200", {kRetailUscc}},
      {"440204", {kRetailUscc}},
  };
  for (const auto& [jurisdiction, tenants] : topics) {
    size_t expected = 0;
    for (const auto& t : tenants) expected += ids.at(t).size();
    const auto records = read_topic(brokers, prefix + jurisdiction, expected);
    check_topic(jurisdiction, records, ids, tenants);
    if (jurisdiction == "441322") check_masked(records);
  }
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("R-4.5 regulator feed: exactly once across a crash and restarts",
                            feed_exactly_once)

}  // namespace agritrace::testing
