// The investigator's CLI (issue 18) on the demo chain, on both ledgers: `investigate whereabouts`
// and `recall-report` answer what the HTTP API answered at the same instant (now, and an earlier
// instant after which the chain moved on), `replay --as-of` folders answer the same, timelines
// list a code's events in order with their positions and chain links, `diff` shows what moved,
// `audit` exports events an outsider can verify, and bad input has its own exit code.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rocksdb/db.h>

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "core/base/digest.h"
#include "projections/base/view_store.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

constexpr const char* kShop1Uscc = "91440300708461136T";

// The demo chain seeded through the API, and the API keys it printed.
struct DemoChain {
  std::string out, position;
  std::string key(const char* role) const {
    const size_t at = out.find("API key agk_", out.find(role));
    return out.substr(at + 8, out.find('\n', at) - at - 8);
  }
};

DemoChain seed_demo(TestApp& app) {
  RunResult demo = run_program({AGRITRACE_BINARY, "demo", "--url", fmt::format("http://127.0.0.1:{}", app.port())},
                               {std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey}, true);
  INFO(demo.out);
  REQUIRE(demo.exit_code == 0);
  DemoChain d{demo.out, {}};
  const size_t at = demo.out.find("after=");
  REQUIRE(at != std::string::npos);
  d.position = demo.out.substr(at + 6, demo.out.find('\'', at) - at - 6);
  return d;
}

// `agritrace ARGS... LEDGER-FLAGS` on the test clock (the CLI's "now" is the servers' clock).
RunResult cli(const TestApp& app, std::vector<std::string> args, bool with_stderr = false) {
  std::vector<std::string> argv{AGRITRACE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const std::string& f : app.ledger.flags()) argv.push_back(f);
  argv.insert(argv.end(), {"--clock-start", test_now_rfc3339()});
  return run_program(argv, {"AGRITRACE_ALLOW_TEST_CLOCK=1"}, with_stderr);
}

std::string farm_lot_query(const std::string& what, const std::string& instant = {}) {
  std::string q = fmt::format("investigate {} --lot lot-1 --tenant {} --format json", what, kFarmUscc);
  return instant.empty() ? q : q + " --as-of " + instant;
}

std::vector<std::string> with_flags(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  for (size_t at = 0; at < s.size();) {
    const size_t sp = std::min(s.find(' ', at), s.size());
    if (sp > at) out.push_back(s.substr(at, sp - at));
    at = sp + 1;
  }
  return out;
}

void answers_as_of(Backend backend) {
  TestApp app(backend);
  DemoChain demo = seed_demo(app);
  ApiClient farm(app.port(), demo.key("Farm"));
  const std::string wait = "?after=" + demo.position + "&wait_ms=20000";
  Reply where_then = farm.get("/v1/whereabouts" + wait + "&lot_id=lot-1");
  Reply recall_then = farm.get("/v1/recalls/rc-1" + wait);
  Reply csv_then = farm.get("/v1/recalls/rc-1/report.csv");
  REQUIRE(where_then.status == 200);
  REQUIRE(recall_then.status == 200);
  CHECK(recall_then.size("/retail_sales") == 4);

  // The instant of the first state: the farm's recall, the demo's last event of lot-1.
  RunResult lot_timeline = cli(app, split(fmt::format("investigate timeline --lot lot-1 --tenant {} --format json", kFarmUscc)));
  INFO(lot_timeline.out);
  REQUIRE(lot_timeline.exit_code == 0);
  Reply lt{200, lot_timeline.out, {}};
  const size_t n = lt.size("");
  REQUIRE(n >= 3);
  CHECK(lt.str(fmt::format("/{}/type", n - 1)) == "recall.raised");
  const std::string t1 = lt.str(fmt::format("/{}/recorded_at", n - 1));

  // The chain moves on after a restart: shop 1's stocktake finds one pack of the recalled goods
  // fewer (its lot-1: 5 packs received, 2 sold).
  CHECK(app.server.stop() == 0);
  app.server.start();
  ApiClient farm_now(app.port(), demo.key("Farm"));  // the restarted server listens elsewhere
  ApiClient shop1(app.port(), demo.key("Shop 1"));
  Reply stocktake = shop1.post("/v1/stocktakes",
                               R"({"note":"盘点","counts":[{"item_id":"lot-1","counted":{"amount":2,"unit":"piece"},"reason":"一包破损"}]})");
  INFO(stocktake.body);
  REQUIRE(stocktake.status == 201);
  const std::string wait_now = "?after=" + shop1.last_position() + "&wait_ms=20000";
  Reply where_now = farm_now.get("/v1/whereabouts" + wait_now + "&lot_id=lot-1");
  Reply recall_now = farm_now.get("/v1/recalls/rc-1" + wait_now);
  REQUIRE(where_now.status == 200);
  CHECK(where_now.body != where_then.body);

  // What moved since t1: the stocktake, recorded after it (so t1 separates the two states).
  RunResult moved = cli(app, split("investigate diff --format json --from " + t1));
  INFO(moved.out);
  REQUIRE(moved.exit_code == 0);
  Reply diff{200, moved.out, {}};
  REQUIRE(diff.size("") >= 1);
  bool shop_seen = false;
  for (size_t i = 0; i < diff.size(""); ++i) {
    CHECK(diff.str(fmt::format("/{}/recorded_at", i)) > t1);
    shop_seen = shop_seen || diff.str(fmt::format("/{}/enterprise_id", i)) == kShop1Uscc;
  }
  CHECK(shop_seen);

  // Now and as of t1, the CLI answers byte for byte what the API answered then.
  CHECK(cli(app, split(farm_lot_query("whereabouts"))).out == where_now.body + "\n");
  CHECK(cli(app, split(farm_lot_query("recall-report"))).out == recall_now.body + "\n");
  RunResult where_t1 = cli(app, split(farm_lot_query("whereabouts", t1)));
  CHECK(where_t1.exit_code == 0);
  CHECK(where_t1.out == where_then.body + "\n");
  CHECK(cli(app, split(farm_lot_query("recall-report", t1))).out == recall_then.body + "\n");

  // A folder of views as of t1 answers the same, as many times as asked.
  TempDir folder;
  RunResult built = cli(app, {"replay", "--as-of", t1, "--out", folder.path()});
  INFO(built.out);
  REQUIRE(built.exit_code == 0);
  CHECK(built.out.find("views digest ") != std::string::npos);
  const std::vector<std::string> from_folder{"--views", folder.path()};
  RunResult w = cli(app, with_flags(split(fmt::format("investigate whereabouts --lot lot-1 --tenant {} --format json", kFarmUscc)),
                                    from_folder));
  CHECK(w.out == where_then.body + "\n");
  RunResult csv = cli(app, with_flags(split(fmt::format("investigate recall-report --lot lot-1 --tenant {} --format csv", kFarmUscc)),
                                      from_folder));
  CHECK(csv.exit_code == 0);
  CHECK(csv.out == csv_then.body);
  CHECK(cli(app, split(fmt::format("investigate recall-report --lot lot-1 --tenant {} --format csv", kFarmUscc))).out ==
        farm_now.get("/v1/recalls/rc-1/report.csv").body);

  // The API itself over that folder (serve --views): the answers of t1, and no commands.
  ServerProcess past(with_flags(app.ledger.flags(), {"--views", folder.path()}));
  past.start();
  ApiClient farm_past(past.port(), demo.key("Farm"));
  CHECK(farm_past.get("/v1/whereabouts?lot_id=lot-1").body == where_then.body);
  CHECK(farm_past.get("/v1/recalls/rc-1").body == recall_then.body);
  check_problem(farm_past.post("/v1/batches", batch_body("NEW-1")), 409, "read_only", "");
  CHECK(past.stop() == 0);

  // A folder whose views an older version wrote (format 1: no "views_format" in as-of.json) is
  // refused, not read wrong.
  {
    const std::string manifest_path = folder.path() + "/as-of.json";
    std::string manifest;
    {
      std::ifstream in(manifest_path);
      std::ostringstream text;
      text << in.rdbuf();
      manifest = text.str();
    }
    const size_t at = manifest.find(fmt::format(R"("views_format":"{}",)", projections::kViewsFormat));
    REQUIRE(at != std::string::npos);
    manifest.erase(at, fmt::format(R"("views_format":"{}",)", projections::kViewsFormat).size());
    std::ofstream(manifest_path, std::ios::trunc) << manifest;
    RunResult old = cli(app, with_flags(split(fmt::format("investigate whereabouts --lot lot-1 --tenant {}", kFarmUscc)),
                                        from_folder),
                        true);
    CHECK(old.exit_code == 13);
    CHECK(old.out.find("views of format 1") != std::string::npos);
  }
  CHECK(app.server.stop() == 0);
}

AGRITRACE_TEST_BOTH_LEDGERS("investigate whereabouts and recall-report equal the API's answers now and as of an earlier instant",
                            answers_as_of)

void timeline_and_exit_codes(Backend backend) {
  TestApp app(backend);
  DemoChain demo = seed_demo(app);
  ApiClient plant(app.port(), demo.key("Plant"));
  const std::vector<std::string> packs = run_uris(plant, "run-1");
  REQUIRE(packs.size() == 20);

  // Pack 0 went plant -> wholesaler -> shop 1 -> a consumer: its timeline, in order.
  RunResult t = cli(app, {"investigate", "timeline", "--code", packs[0], "--format", "json"});
  INFO(t.out);
  REQUIRE(t.exit_code == 0);
  Reply tl{200, t.out, {}};
  std::vector<std::string> steps;
  std::string last_time;
  for (size_t i = 0; i < tl.size(""); ++i) {
    const std::string at = fmt::format("/{}", i);
    steps.push_back(tl.str(at + "/enterprise_id").substr(0, 8) + " " + tl.str(at + "/type"));
    CHECK(tl.str(at + "/recorded_at") >= last_time);
    last_time = tl.str(at + "/recorded_at");
    CHECK(tl.has(at + "/verified"));
    CHECK(tl.str(at + "/prev_hash").size() == 64);
    CHECK(tl.str(at + "/hash").size() == 64);
  }
  const std::vector<std::string> expected{
      "91441900 code_run.started",  "91441900 codes.generated", "91441900 shipment.recorded",
      "91440101 goods.received",    "91440101 shipment.recorded", "91440300 goods.received",
      "91440300 shipment.recorded",  // the retail sale to a consumer
  };
  CHECK(steps == expected);
  // The same serial without the Digital Link gives the same timeline.
  CHECK(cli(app, {"investigate", "timeline", "--code", serial_of(packs[0]), "--format", "json"}).out == t.out);

  // The code index (--index DIR) answers every code's timeline exactly as the scan does, and is
  // brought up to date on each use: a code disabled later shows in its timeline.
  TempDir index;
  const std::vector<std::string> with_index{"--format", "json", "--index", index.path()};
  for (const std::string& uri : packs) {
    const std::vector<std::string> q{"investigate", "timeline", "--code", uri};
    RunResult scanned = cli(app, with_flags(q, {"--format", "json"}));
    RunResult indexed = cli(app, with_flags(q, with_index));
    CHECK(indexed.exit_code == 0);
    CHECK(indexed.out == scanned.out);
  }
  REQUIRE(plant.post("/v1/codes/" + serial_of(packs[3]) + "/disable", "{}").status == 200);
  RunResult later = cli(app, with_flags({"investigate", "timeline", "--code", packs[3]}, with_index));
  INFO(later.out);
  CHECK(later.out.find(R"("type":"code.disabled")") != std::string::npos);
  CHECK(later.out == cli(app, {"investigate", "timeline", "--code", packs[3], "--format", "json"}).out);

  // Positions and chain links are the ledger's: the audit export of the plant has the same
  // hash at the same position.
  TempDir dir;
  const std::string file = dir.path() + "/plant.jsonl";
  RunResult audit = cli(app, {"audit", "--tenant", kPlantUscc, "--out", file});
  INFO(audit.out);
  REQUIRE(audit.exit_code == 0);
  CHECK(audit.out.find("every hash verified") != std::string::npos);
  RunResult lines = run_program({"/bin/cat", file});
  const std::string ship_pos = tl.str("/2/position"), ship_hash = tl.str("/2/hash");
  CHECK(lines.out.find(fmt::format(R"("position":"{}")", ship_pos)) != std::string::npos);
  CHECK(lines.out.find(fmt::format(R"("hash":"{}","verified":true)", ship_hash)) != std::string::npos);

  // Bad input: each its message and its exit code.
  auto code_of = [&](std::vector<std::string> args, const char* message) {
    RunResult r = cli(app, std::move(args), true);
    INFO(r.out);
    CHECK(r.out.find(message) != std::string::npos);
    return r.exit_code;
  };
  const std::string lot = "lot-1";
  CHECK(code_of({"investigate", "whereabouts", "--lot", lot, "--tenant", kFarmUscc, "--as-of", "2001-01-01T00:00:00Z"},
                "before the ledger's first event") == 10);
  CHECK(code_of({"investigate", "whereabouts", "--lot", lot, "--tenant", kFarmUscc, "--as-of",
                 core::format_rfc3339_utc(test_now_ms() + 86'400'000)},
                "is in the future") == 11);
  CHECK(code_of({"investigate", "timeline", "--lot", "lot-77", "--tenant", kFarmUscc}, "names the lot lot-77") == 12);
  CHECK(code_of({"investigate", "timeline", "--code", "NOSUCHSERIAL"}, "names the code NOSUCHSERIAL") == 12);
  CHECK(code_of({"investigate", "whereabouts", "--lot", "lot-77", "--tenant", kFarmUscc}, "lot-77") == 12);
  CHECK(code_of({"audit", "--tenant", "91110000000000000X", "--out", dir.path() + "/x.jsonl"}, "no event of enterprise") == 12);
  CHECK(code_of({"investigate", "whereabouts", "--lot", lot, "--tenant", kFarmUscc, "--as-of", "last tuesday"},
                "RFC 3339") == 2);
  CHECK(code_of({"investigate", "whereabouts", "--lot", lot}, "needs --tenant") == 2);
  CHECK(code_of({"investigate", "whereabouts", "--lot", lot, "--tenant", kFarmUscc, "--views", dir.path()},
                "is not a folder made by") == 13);
  CHECK(code_of({"investigate", "teleport"}, "unknown investigate subcommand") == 2);
  // An as-of folder never replaces production's views.
  CHECK(code_of({"replay", "--as-of", core::format_rfc3339_utc(test_now_ms()), "--out", app.ledger.data.path()},
                "would replace the server's views") == 2);
  RunResult help = cli(app, {"investigate", "diff", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--from") != std::string::npos);
  CHECK(app.server.stop() == 0);
}

AGRITRACE_TEST_BOTH_LEDGERS("investigate timeline lists a code's events in order with positions and links, bad input exit codes",
                            timeline_and_exit_codes)

// What docs/INVESTIGATION.md tells an auditor to compute, written here from the document (not
// with the product's code): SHA-256 over length-prefixed fields, the previous hash first.
std::string auditor_hash(const Reply& line) {
  std::string canonical;
  auto add = [&](const std::string& v) { canonical += std::to_string(v.size()) + ":" + v + "\n"; };
  add(line.str("/prev_hash"));
  add(line.str("/id"));
  add(line.str("/type"));
  add(std::to_string(line.num("/schema_version")));
  add(line.str("/tenant"));
  add(std::to_string(line.num("/tenant_seq")));
  add(line.str("/actor"));
  add(std::to_string(line.num("/occurred_at_ms")));
  add(std::to_string(line.num("/recorded_at_ms")));
  add(line.str("/command_id"));
  add(line.str("/idempotency_key"));
  add(line.str("/request_hash"));
  add(line.str("/subject"));
  add(line.str("/payload_json"));
  return core::sha256_hex(canonical);
}

// Checks an export as an auditor would; returns the tenant_seq of every line that fails.
std::vector<int64_t> audit_failures(const std::string& jsonl) {
  std::vector<int64_t> failed;
  std::string prev = std::string(64, '0');
  int64_t seq = 0;
  for (size_t at = 0; at < jsonl.size();) {
    const size_t nl = jsonl.find('\n', at);
    Reply line{200, jsonl.substr(at, nl - at), {}};
    at = nl + 1;
    const bool ok = line.num("/tenant_seq") == seq + 1 && line.str("/prev_hash") == prev &&
                    auditor_hash(line) == line.str("/hash");
    if (!ok) failed.push_back(line.num("/tenant_seq"));
    seq = line.num("/tenant_seq");
    prev = line.str("/hash");
  }
  return failed;
}

TEST_CASE("audit export: an outsider's check passes on an intact ledger and names an altered event") {
  TestApp app(Backend::kEmbedded);
  ApiClient c = app.enterprise(kPlantUscc, "鲜达");
  for (int i = 0; i < 5; ++i) REQUIRE(c.post("/v1/batches", batch_body(fmt::format("T-{}", i))).status == 201);
  CHECK(app.server.stop() == 0);
  TempDir dir;
  const std::string file = dir.path() + "/audit.jsonl";
  RunResult intact = cli(app, {"audit", "--tenant", kPlantUscc, "--out", file});
  INFO(intact.out);
  REQUIRE(intact.exit_code == 0);
  const std::string exported = run_program({"/bin/cat", file}).out;
  CHECK(exported.find(R"("verified":false)") == std::string::npos);
  CHECK(audit_failures(exported).empty());
  // Opens the stopped server's embedded ledger with RocksDB itself and hands over its events.
  auto edit_events = [&](const std::function<void(rocksdb::DB&, rocksdb::Iterator&)>& edit) {
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), app.ledger.data.path() + "/ledger", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    it->Seek("e");
    edit(*db, *it);
  };
  edit_events([](rocksdb::DB& db, rocksdb::Iterator& it) {
    for (; it.Valid(); it.Next()) {
      std::string v = it.value().ToString();
      if (v.find("T-2") == std::string::npos) continue;
      v.replace(v.find("T-2"), 3, "T-9");  // someone edits a lot code in place
      REQUIRE(db.Put(rocksdb::WriteOptions(), it.key(), v).ok());
      break;
    }
  });
  RunResult damaged = cli(app, {"audit", "--tenant", kPlantUscc, "--out", file}, true);
  INFO(damaged.out);
  CHECK(damaged.exit_code == 3);
  const std::string tampered = run_program({"/bin/cat", file}).out;
  CHECK(tampered.find(R"x("verified":false,"problem":"hash does not match the event's bytes (altered event)")x") !=
        std::string::npos);
  CHECK(audit_failures(tampered) == std::vector<int64_t>{4});
  RunResult timeline = cli(app, {"investigate", "timeline", "--lot", "b-3", "--tenant", kPlantUscc}, true);
  CHECK(timeline.exit_code == 3);
  CHECK(timeline.out.find("DAMAGED LEDGER") != std::string::npos);
  // Bytes that no longer decode are corrupt storage: verify's ledger_corrupt, exit 4.
  edit_events([](rocksdb::DB& db, rocksdb::Iterator& it) {
    REQUIRE(it.Valid());
    REQUIRE(db.Put(rocksdb::WriteOptions(), it.key(), "not an event").ok());
  });
  const std::string now = core::format_rfc3339_utc(test_now_ms());
  RunResult undecodable = cli(app, {"replay", "--as-of", now, "--out", dir.path() + "/asof"}, true);
  INFO(undecodable.out);
  CHECK(undecodable.exit_code == 4);
}

}  // namespace
}  // namespace agritrace::testing
