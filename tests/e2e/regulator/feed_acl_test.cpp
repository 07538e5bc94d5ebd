// Issue 13: the broker enforces the regulators' feed. The test broker (scripts/kafka) has a
// SASL/SCRAM-SHA-256 listener and KRaft's StandardAuthorizer; a bureau's principal made with
// `scripts/kafka add-principal` reads its own jurisdiction's topic, is refused every other
// (TOPIC_AUTHORIZATION_FAILED, real librdkafka consumers), and `agritrace subscribe` keeps a
// resumable local copy with it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "events/regulator/feed_consumer.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/e2e/regulator/feed_support.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

std::string sasl_brokers() {
  const char* env = std::getenv("AGRITRACE_TEST_KAFKA_SASL");
  if (env == nullptr || *env == '\0') {
    FAIL(
        "AGRITRACE_TEST_KAFKA_SASL not set: run ./scripts/test (its broker has the SASL listener)");
  }
  return env;
}

// Polls `topic` as `creds` until it answers with records (count them) or an error; at most
// 240 polls of 500 ms.
Result<size_t> try_read(const std::string& brokers, const std::string& topic,
                        const std::vector<std::pair<std::string, std::string>>& creds,
                        size_t want) {
  events::FeedConsumerOptions o;
  o.brokers = brokers;
  o.topic = topic;
  o.client_config = creds;
  auto c = open_feed_topic(o);
  if (!c.ok()) return c.status();
  size_t n = 0;
  for (int i = 0; i < 240; ++i) {
    auto polled = (*c)->poll(500, 1000);
    if (!polled.ok()) return polled.status();
    n += polled->messages.size();
    if (polled->at_end && n >= want) break;
  }
  return n;
}

std::vector<std::string> lines_of(const std::string& path) {
  auto text = run_program({"/bin/cat", path});
  std::vector<std::string> out;
  std::istringstream in(text.out);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE(
    "R-4.5 regulator feed: a bureau's principal reads its own jurisdiction's topic and is refused "
    "another [kafka]") {
  const std::string sasl = sasl_brokers();
  const std::string plain = kafka_brokers();
  TestLedger ledger(Backend::kEmbedded);
  const std::string prefix = unique_name("acl") + ".";
  ServerProcess server(
      with(ledger.flags(), {"--regulator-feed-kafka", plain, "--regulator-feed-prefix", prefix}));
  server.start();
  ApiClient farm(server.port(),
                 register_enterprise(server.port(), kFarmUscc, "绿源农场", "广东省惠州市博罗县"));
  ApiClient plant(server.port(),
                  register_enterprise(server.port(), kPlantUscc, "鲜达食品", "广东省深圳市南山区"));
  const std::string supplier = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(plant.post("/v1/purchase-orders", purchase_order_body(supplier, i)).status == 201);
  }
  new_counterparty(farm, individual_supplier_body());
  // enterprise.registered, counterparty.registered, 3 x purchase_order.created
  constexpr size_t kShenzhenEvents = 5;

  // Shenzhen's bureau: may read agritrace.reg.440300 (its prefix here), nothing else.
  const std::string user = unique_name("reg440300");
  const std::string password = unique_name("pw");
  RunResult added = run_program({std::string(AGRITRACE_SOURCE_DIR) + "/scripts/kafka",
                                 "add-principal", "-", user, password, prefix + "440300"},
                                {"KAFKA_ADMIN_BOOTSTRAP=" + plain}, true);
  INFO(added.out);
  REQUIRE(added.exit_code == 0);
  const auto creds = events::feed_sasl_config(user, password, "SCRAM-SHA-256");

  // The feed (a super user) has published Shenzhen's events; the bureau reads them all.
  auto own = try_read(plain, prefix + "440300", {}, kShenzhenEvents);
  REQUIRE(own.ok());
  REQUIRE(*own == kShenzhenEvents);
  auto as_bureau = try_read(sasl, prefix + "440300", creds, kShenzhenEvents);
  REQUIRE_MESSAGE(as_bureau.ok(), as_bureau.status().to_string());
  CHECK(*as_bureau == kShenzhenEvents);

  // Huizhou's topic, the province's and the Greater Bay Area's: refused by the broker.
  REQUIRE(try_read(plain, prefix + "441300", {}, 2).ok());  // it exists and has records
  for (const char* other : {"441300", "440000", "GBA"}) {
    auto refused = try_read(sasl, prefix + other, creds, 1);
    INFO(other);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().reason == "topic_authorization_failed");
    CHECK(refused.error().message.find("TOPIC_AUTHORIZATION_FAILED") != std::string::npos);
  }
  // A wrong password does not get in at all.
  auto bad = try_read(sasl, prefix + "440300",
                      events::feed_sasl_config(user, "wrong", "SCRAM-SHA-256"), 1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().reason == "kafka_authentication_failed");

  // `agritrace subscribe`: a local copy, resumed by the next run (only the new events added).
  TempDir out;
  const std::vector<std::string> env = {"AGRITRACE_SASL_PASSWORD=" + password};
  const std::vector<std::string> subscribe = {
      AGRITRACE_BINARY, "subscribe", "--kafka",     sasl, "--jurisdiction", "440300",
      "--prefix",       prefix,      "--sasl-user", user, "--out",          out.path()};
  RunResult first = run_program(subscribe, env, true);
  INFO(first.out);
  REQUIRE(first.exit_code == 0);
  CHECK(lines_of(out.path() + "/events.jsonl").size() == kShenzhenEvents);
  for (int i = 4; i <= 5; ++i) {
    REQUIRE(plant.post("/v1/purchase-orders", purchase_order_body(supplier, i)).status == 201);
  }
  REQUIRE(*try_read(plain, prefix + "440300", {}, kShenzhenEvents + 2) == kShenzhenEvents + 2);
  RunResult second = run_program(subscribe, env, true);
  INFO(second.out);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.find("copied 2 events") != std::string::npos);
  const auto lines = lines_of(out.path() + "/events.jsonl");
  CHECK(lines.size() == kShenzhenEvents + 2);
  std::set<std::string> distinct(lines.begin(), lines.end());
  CHECK(distinct.size() == lines.size());
  for (const auto& l : lines) CHECK(l.find(kPlantUscc) != std::string::npos);

  // Another jurisdiction through subscribe: exit 14 (not authorized), nothing copied.
  TempDir other;
  RunResult refused =
      run_program({AGRITRACE_BINARY, "subscribe", "--kafka", sasl, "--jurisdiction", "441300",
                   "--prefix", prefix, "--sasl-user", user, "--out", other.path()},
                  env, true);
  INFO(refused.out);
  CHECK(refused.exit_code == 14);
  CHECK(refused.out.find("topic_authorization_failed") != std::string::npos);
}

}  // namespace agritrace::testing
