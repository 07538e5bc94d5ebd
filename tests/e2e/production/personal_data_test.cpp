// End to end over real HTTP on both ledgers (issue 16): ID numbers and phones are sealed in the
// ledger with per-counterparty keys kept outside the data folder, and erased on request by
// destroying the key (crypto-shredding) — the hash chain still verifies and a replay rebuilds the
// same (erased) views.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "core/base/pii.h"
#include "events/ledger/ledger.h"
#include "projections/base/view_store.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kPhone = "13912345678";

std::string views_digest(const TestLedger& l) {
  auto views = projections::ViewStore::open(l.data.path() +
                                            (l.backend == Backend::kKafka ? "/views-kafka-" + l.topic : "/views"));
  REQUIRE(views.ok());
  return (*views)->digest();
}

void personal_data(Backend backend) {
  TestApp app(backend);
  ApiClient c = app.enterprise(kPlantUscc, "东莞市鲜达农产品加工有限公司");
  const std::string person = new_counterparty(c, individual_supplier_body());
  const std::string farm = new_counterparty(c, enterprise_supplier_body(kFarmUscc));

  // The owner reads the personal data in clear; other answers mask it.
  Reply own = c.get_fresh("/v1/counterparties/" + person);
  CHECK(own.str("/id_number") == kPersonId);
  CHECK(own.str("/phone") == kPhone);
  CHECK_FALSE(own.has("/personal_data_erased"));

  // Erasure on request.
  check_problem(c.post("/v1/counterparties/cp-99/personal-data/erase", ""), 404, "counterparty_not_found",
                "counterparty_id");
  Reply erased = c.post("/v1/counterparties/" + person + "/personal-data/erase", R"({"reason":"本人申请删除个人信息"})");
  INFO(erased.body);
  REQUIRE(erased.status == 200);
  CHECK(erased.str("/events/0/type") == "counterparty.personal_data_erased");
  Reply gone = c.get_fresh("/v1/counterparties/" + person);
  CHECK(gone.str("/id_number") == std::string(core::kPiiErased));
  CHECK(gone.str("/phone") == std::string(core::kPiiErased));
  CHECK(gone.str("/name") == "张伟");  // only the personal data is erased
  CHECK(gone.has("/personal_data_erased"));
  Reply listed = c.get("/v1/counterparties");
  CHECK(listed.body.find(std::string(core::kPiiErased)) != std::string::npos);
  CHECK(listed.body.find("1238") == std::string::npos);  // not even the masked tail is left
  check_problem(c.post("/v1/counterparties/" + person + "/personal-data/erase", ""), 409,
                "personal_data_already_erased", "counterparty_id");
  // The erased ID number no longer blocks registering that person again (under a new key).
  const std::string again = new_counterparty(c, individual_supplier_body());
  CHECK(again != person);
  CHECK(c.get_fresh("/v1/counterparties/" + again).str("/id_number") == kPersonId);
  CHECK(c.get("/v1/counterparties/" + farm).str("/phone") != std::string(core::kPiiErased));

  REQUIRE(app.server.stop() == 0);
  // At rest: no ID number or phone in clear in the ledger, only sealed values.
  size_t sealed = 0;
  for (const std::string& p : ledger_payloads(app.ledger)) {
    INFO(p);
    CHECK(p.find(kPersonId) == std::string::npos);
    CHECK(p.find(kPhone) == std::string::npos);
    if (p.find(" counterparty.registered ") != std::string::npos &&
        p.find(core::kPiiSealedPrefix) != std::string::npos) {
      ++sealed;
    }
  }
  CHECK(sealed == 3);
  // The chain covers the sealed bytes: the erasure broke nothing.
  RunResult verify = run_agritrace([&] {
    std::vector<std::string> a{"verify"};
    for (const auto& f : app.ledger.flags()) a.push_back(f);
    return a;
  }());
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
  // A replay with the keys rebuilds exactly the live views: erased stays erased.
  const std::string live = views_digest(app.ledger);
  std::vector<std::string> replay{"replay"};
  for (const auto& f : app.ledger.flags()) replay.push_back(f);
  RunResult rebuilt = run_agritrace(replay);
  INFO(rebuilt.out);
  REQUIRE(rebuilt.exit_code == 0);
  CHECK(rebuilt.out.find("views digest " + live) != std::string::npos);

  app.server.start();
  ApiClient after(app.port(), c.key());
  CHECK(after.get("/v1/counterparties/" + person).str("/id_number") == std::string(core::kPiiErased));
  CHECK(after.get("/v1/counterparties/" + again).str("/phone") == kPhone);
}

}  // namespace

AGRITRACE_TEST_BOTH_LEDGERS("personal data: sealed at rest, erased on request, chain and replay intact", personal_data)

}  // namespace agritrace::testing
