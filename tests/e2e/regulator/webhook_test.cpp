// Issue 13: signed webhook delivery of the regulators' feed, for bureaus without Kafka. A real
// HTTP receiver on loopback refuses the first attempts; the server retries with back-off,
// signs every attempt (HMAC-SHA256 over "<timestamp>.<body>"), delivers exactly the
// jurisdiction's events once acknowledged, shows the delivery state, and resumes after a
// restart without resending what was acknowledged. Both ledgers.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "api/http/http_server.h"
#include "core/base/digest.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kSecret = "bureau-shenzhen-0123456789";

struct Delivery {
  int status = 0;  // what the receiver answered
  std::string id, timestamp, signature, body;
};

// The bureau's endpoint: answers 503 to the first `failures` requests, then 204.
class Receiver {
 public:
  explicit Receiver(int failures)
      : failures_(failures),
        server_(options(), [this](api::HttpRequest req, api::Responder respond) {
          Delivery d;
          d.id = std::string(req.header("X-AgriTrace-Event-Id").value_or(""));
          d.timestamp = std::string(req.header("X-AgriTrace-Timestamp").value_or(""));
          d.signature = std::string(req.header("X-AgriTrace-Signature").value_or(""));
          d.body = req.body;
          std::lock_guard lock(mu_);
          d.status = static_cast<int>(all_.size()) < failures_ ? 503 : 204;
          all_.push_back(d);
          cv_.notify_all();
          respond(api::text_response(d.status, ""));
        }) {
    REQUIRE(server_.start().ok());
  }
  uint16_t port() const { return server_.port(); }

  // Waits (bounded) until `n` deliveries were acknowledged; all requests so far.
  std::vector<Delivery> wait_acknowledged(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(60), [&] { return acknowledged() >= n; });
    return all_;
  }

 private:
  static api::HttpServerOptions options() {
    api::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    o.threads = 1;
    o.workers = 0;
    return o;
  }
  size_t acknowledged() const {
    size_t n = 0;
    for (const auto& d : all_) n += d.status == 204;
    return n;
  }
  const int failures_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> all_;
  api::HttpServer server_;
};

void check_signed(const Delivery& d) {
  INFO(d.body);
  CHECK(d.signature == "sha256=" + core::hmac_sha256_hex(kSecret, d.timestamp + "." + d.body));
  CHECK(d.body.find(R"("id":")" + d.id + "\"") != std::string::npos);
}

// The webhook's state once the server has recorded `delivered` acknowledgements: the receiver
// answers before the server records the answer, so ask until it has (bounded, no sleep).
Reply recorded_state(ApiClient& admin, size_t delivered) {
  Reply state = admin.get("/v1/regulator/webhooks/wh-1");
  for (int asked = 0; asked < 5000 && state.status == 200 &&
                      state.num("/delivered") < static_cast<int64_t>(delivered);
       ++asked) {
    state = admin.get("/v1/regulator/webhooks/wh-1");
  }
  return state;
}

void webhook_delivery(Backend backend) {
  Receiver receiver(2);
  TestLedger ledger(backend);
  const auto flags = with(ledger.flags(), {"--regulator-webhook-retry-ms", "20"});
  const std::string hook_url = fmt::format("http://127.0.0.1:{}/agritrace/events", receiver.port());
  std::string plant_key, supplier;
  size_t expected = 0;
  {
    ServerProcess server(flags);
    server.start();
    ApiClient admin(server.port(), kAdminKey);
    // Refusals: problem+json naming the field; an enterprise may not register one.
    check_problem(admin.post("/v1/regulator/webhooks",
                             fmt::format(R"({{"jurisdiction":"449999","url":"{}","secret":"{}"}})",
                                         hook_url, kSecret)),
                  422, "jurisdiction_unknown", "jurisdiction");
    check_problem(
        admin.post(
            "/v1/regulator/webhooks",
            fmt::format(R"({{"jurisdiction":"440300","url":"ftp://x","secret":"{}"}})", kSecret)),
        422, "url_invalid", "url");
    check_problem(
        admin.post(
            "/v1/regulator/webhooks",
            fmt::format(R"({{"jurisdiction":"440300","url":"{}","secret":"short"}})", hook_url)),
        422, "secret_too_short", "secret");
    check_problem(admin.get("/v1/regulator/webhooks/wh-9"), 404, "webhook_not_found", "webhook_id");

    plant_key = register_enterprise(server.port(), kPlantUscc, "鲜达食品", "广东省深圳市南山区");
    ApiClient farm(server.port(),
                   register_enterprise(server.port(), kFarmUscc, "绿源农场", "广东省惠州市博罗县"));
    ApiClient plant(server.port(), plant_key);
    CHECK(plant.post("/v1/regulator/webhooks", "{}").status == 403);

    Reply hook = admin.post(
        "/v1/regulator/webhooks",
        fmt::format(R"({{"jurisdiction":"440300","url":"{}","secret":"{}"}})", hook_url, kSecret));
    INFO(hook.body);
    REQUIRE(hook.status == 201);
    CHECK(hook.str("/id") == "wh-1");
    CHECK(hook.body.find(kSecret) == std::string::npos);  // never shown back

    supplier = new_counterparty(plant, enterprise_supplier_body(kFarmUscc));
    new_counterparty(farm, individual_supplier_body());  // Huizhou: not Shenzhen's
    for (int i = 1; i <= 3; ++i)
      REQUIRE(plant.post("/v1/purchase-orders", purchase_order_body(supplier, i)).status == 201);
    expected = 5;  // enterprise.registered, counterparty.registered, 3 purchase orders

    const auto all = receiver.wait_acknowledged(expected);
    REQUIRE(all.size() == expected + 2);
    // The first event was refused twice, then acknowledged: the same id, signed each time.
    CHECK(all[0].status == 503);
    CHECK(all[1].status == 503);
    CHECK(all[0].id == all[2].id);
    CHECK(all[1].id == all[2].id);
    std::set<std::string> ids;
    for (const auto& d : all) {
      check_signed(d);
      CHECK(d.body.find(std::string("\"tenant\":\"") + kPlantUscc + "\"") != std::string::npos);
      if (d.status == 204) CHECK(ids.insert(d.id).second);
    }
    CHECK(all[2].body.find("agritrace.enterprise.registered") != std::string::npos);

    Reply state = recorded_state(admin, expected);
    INFO(state.body);
    REQUIRE(state.status == 200);
    CHECK(state.num("/delivered") == static_cast<int64_t>(expected));
    CHECK(state.str("/pending_event_id").empty());
    CHECK(state.num("/last_status") == 204);
    CHECK(admin.get("/v1/regulator/webhooks").size("/webhooks") == 1);
    CHECK(server.stop() == 0);
  }
  // A restart resumes after the acknowledged events: only the new one is sent.
  ServerProcess server(flags);
  server.start();
  ApiClient plant(server.port(), plant_key);
  REQUIRE(plant.post("/v1/purchase-orders", purchase_order_body(supplier, 9)).status == 201);
  const auto all = receiver.wait_acknowledged(expected + 1);
  REQUIRE(all.size() == expected + 3);
  CHECK(all.back().body.find("agritrace.purchase_order.created") != std::string::npos);
  check_signed(all.back());
  std::set<std::string> ids;
  for (const auto& d : all) {
    if (d.status == 204) CHECK(ids.insert(d.id).second);
  }
  ApiClient admin(server.port(), kAdminKey);
  CHECK(recorded_state(admin, expected + 1).num("/delivered") == static_cast<int64_t>(expected + 1));
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS(
    "R-4.5 regulator webhook: signed, retried with back-off, resumed after a restart",
    webhook_delivery)

}  // namespace agritrace::testing
