// Shared data for the end-to-end tests: valid identifiers and ready-made request bodies.
#pragma once

#include <string>
#include <vector>

#include "tests/support/api_client.h"
#include "tests/support/test_clock.h"
#include "tests/support/test_env.h"

// Registers fn(Backend) as the two test cases "<name> [embedded]" and "<name> [kafka]": an
// end-to-end test runs on both ledgers (scripts/test's time-travel pass selects these suffixes).
#define AGRITRACE_TEST_BOTH_LEDGERS(name, fn)                                      \
  TEST_CASE(name " [embedded]") { fn(::agritrace::testing::Backend::kEmbedded); } \
  TEST_CASE(name " [kafka]") { fn(::agritrace::testing::Backend::kKafka); }

namespace agritrace::testing {

inline constexpr const char* kFarmUscc = "93441322MA4W12345F";    // GB 32100 check passes
inline constexpr const char* kPlantUscc = "91441900MA51ABCD7J";
inline constexpr const char* kRetailUscc = "91440101MA59XYW12B";
inline constexpr const char* kPersonId = "441322197806151238";    // GB 11643 check passes

// Registers an enterprise with the admin key; returns its API key.
std::string register_enterprise(uint16_t port, const std::string& uscc, const std::string& name,
                                const std::string& region = "广东省");
// Every event of the ledger as "<tenant> <type> <payload>", in order (the server stopped: the
// embedded ledger is opened read-only): what tests read to prove personal data is sealed at rest.
std::vector<std::string> ledger_payloads(const TestLedger& l);
// Issue 13: registers bureau `bureau` with jurisdiction `division` (a GB/T 2260 code or GBA) and a
// supervisor; the supervisor's session token.
std::string bureau_session(uint16_t port, const std::string& bureau, const std::string& division);

// What every end-to-end slice starts with: a fresh ledger of `backend` and a server on it, started.
struct TestApp {
  explicit TestApp(Backend backend) : ledger(backend), server(ledger.flags()) { server.start(); }
  uint16_t port() const { return server.port(); }
  // Registers an enterprise with the admin key; a client with its API key.
  ApiClient enterprise(const std::string& uscc, const std::string& name,
                       const std::string& region = "广东省") const {
    return ApiClient(port(), register_enterprise(port(), uscc, name, region));
  }

  TestLedger ledger;
  ServerProcess server;
};
// A customer counterparty for a registered enterprise (goods shipped to it can be received by scan).
std::string enterprise_customer_body(const std::string& uscc, const std::string& name,
                                     const std::string& region);

// A problem+json answer (RFC 9457) with this status and reason code, a detail and, unless
// `field` is empty, this field.
void check_problem(const Reply& r, int32_t status, const std::string& code, const std::string& field);

// Registers a counterparty (POST /v1/counterparties) that must be accepted; its id.
std::string new_counterparty(ApiClient& c, const std::string& body);

std::string enterprise_supplier_body(const std::string& uscc);
std::string individual_supplier_body();
std::string purchase_order_body(const std::string& supplier_id, int64_t kg, const std::string& expiry = days_from_today(3650));  // far ahead
std::string batch_body(const std::string& lot_code);
// A batch (batch_body(lot_code)) made with `kg` kg of the material lot `lot_id`; its id.
std::string batch_of_lot(ApiClient& c, const std::string& lot_code, const std::string& lot_id, int64_t kg);

// A purchase order of `kg` kg of 菜心 from `supplier_id` (purchase_order_body), received in full
// `received_days_ago` days ago; requires each step to succeed.
struct ReceivedLot {
  std::string po_id;
  std::string lot_id;
};
ReceivedLot receive_material(ApiClient& c, const std::string& supplier_id, int64_t kg, int received_days_ago = 13,
                             const std::string& expiry = days_from_today(3650));

// The Digital Link URIs of a code run, from its CSV download.
std::vector<std::string> run_uris(ApiClient& c, const std::string& run_id);
inline std::string path_of(const std::string& uri) { return uri.substr(uri.find("/01/")); }
inline std::string serial_of(const std::string& uri) { return uri.substr(uri.rfind('/') + 1); }
// {"codes":["...",...]}
std::string codes_body(const std::vector<std::string>& codes);
// A code template (GTIN, quantity per code as JSON) and a run of `count` codes for a batch: the
// run id; the codes' Digital Link URIs into *uris.
std::string code_run(ApiClient& c, const std::string& batch_id, const char* gtin, const char* per_code,
                     int count, std::vector<std::string>* uris);

// The views folder of a ledger's server, `args` + `more`, the digest of the views as the server
// left them (stopped), and the digest `agritrace replay` prints after rebuilding them.
std::string views_dir(const TestLedger& l);
std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more);
std::string live_views_digest(const TestLedger& l);
std::string replay_digest(const TestLedger& l);

}  // namespace agritrace::testing
