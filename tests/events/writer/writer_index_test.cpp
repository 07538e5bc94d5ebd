// The writer index (events/writer/writer_index.h): generated codes, the write model's per-code maps
// (shipped, recalled, ... serials) and Idempotency-Key records out of the writer's memory, on disk,
// never ahead of the ledger; keys expire after the retention,
// measured by the Env clock. The writer tests run on both ledgers, with restarts.
#include "events/writer/writer_index.h"

#include <doctest/doctest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "core/base/civil_time.h"
#include "core/codes/codes.h"
#include "core/domain/command.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/envelope/envelope.h"
#include "events/ledger/ledger.h"
#include "events/writer/command_writer.h"
#include "tests/core/domain/domain_fixture.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

using events::EventRef;
using events::Position;
using events::WriterIndex;

constexpr int64_t kDay = 24LL * 3600 * 1000;

TEST_CASE("writer index: a keyed command's first answer, per tenant and request, in memory and on disk") {
  TempDir dir;
  for (const std::string& path : {std::string(), dir.path() + "/index"}) {
    CAPTURE(path);
    auto opened = WriterIndex::open(path, "embedded:/x");
    REQUIRE(opened.ok());
    WriterIndex& index = **opened;
    const std::string cmd = events::new_event_id(events::posix_env()).value();
    const EventRef a{events::new_event_id(events::posix_env()).value(), "purchase_order.received", "po-7", Position{1, 41}};
    const EventRef b{events::new_event_id(events::posix_env()).value(), "batch.created", "b-12", Position{1, 42}};
    index.add_key_event("T1", "key-1", "hash-A", cmd, 1000, a);
    index.add_key_event("T1", "key-1", "hash-A", cmd, 1001, b);
    REQUIRE(index.commit(std::vector<events::Envelope>{}, {}).ok());

    auto found = index.find_key("T1", "key-1", "hash-A");
    REQUIRE(found.has_value());
    CHECK(found->same_request);
    CHECK_FALSE(found->shrunk);
    CHECK(found->at_ms == 1000);  // the command's first event
    CHECK(found->outcome.replayed);
    CHECK(found->outcome.command_id == cmd);
    REQUIRE(found->outcome.events.size() == 2);
    CHECK(found->outcome.events[0].id == a.id);
    CHECK(found->outcome.events[0].type == a.type);
    CHECK(found->outcome.events[0].subject == a.subject);
    CHECK(found->outcome.events[0].position.partition == 1);
    CHECK(found->outcome.events[0].position.offset == 41);
    CHECK(found->outcome.events[1].id == b.id);

    auto other_request = index.find_key("T1", "key-1", "hash-B");
    REQUIRE(other_request.has_value());
    CHECK_FALSE(other_request->same_request);
    CHECK_FALSE(index.find_key("T2", "key-1", "hash-A").has_value());  // keys are per tenant
    CHECK_FALSE(index.find_key("T1", "key-2", "hash-A").has_value());
    CHECK_FALSE(index.find_key("T1k", "ey-1", "hash-A").has_value());  // no ambiguity at the seam

    // Past the retention a record shrinks to its instant: enough to say the key has expired.
    CHECK(index.shrink_keys_before(1000) == 0);
    CHECK(index.shrink_keys_before(1001) == 1);
    auto shrunk = index.find_key("T1", "key-1", "hash-A");
    REQUIRE(shrunk.has_value());
    CHECK(shrunk->shrunk);
    CHECK(shrunk->at_ms == 1000);
    CHECK(shrunk->outcome.events.empty());
  }
}

TEST_CASE("writer index: codes are pending until commit, a run's serials in order, on disk after reopen") {
  TempDir dir;
  const std::string path = dir.path() + "/index";
  {
    auto index = WriterIndex::open(path, "embedded:/x").value();
    index->put("T1", "S2", core::TraceCodeState{"run-1", "b-1", false, false});
    index->put("T1", "S1", core::TraceCodeState{"run-1", "b-1", false, false});
    index->put("T1", "S3", core::TraceCodeState{"run-2", "b-1", true, true});
    index->put("T2", "S4", core::TraceCodeState{"run-1", "b-9", false, false});
    CHECK(index->get("T1", "S1").has_value());  // the deciding group sees its own writes
    CHECK(index->run_serials("T1", "run-1") == std::vector<std::string>{"S1", "S2"});
    index->discard();                           // the append failed
    CHECK_FALSE(index->get("T1", "S1").has_value());

    index->put("T1", "S2", core::TraceCodeState{"run-1", "b-1", false, false});
    index->put("T1", "S1", core::TraceCodeState{"run-1", "b-1", false, false});
    index->put("T1", "S3", core::TraceCodeState{"run-2", "b-1", true, true});
    events::Envelope e;
    e.id = "e-7";
    REQUIRE(index->commit({e}, {Position{1, 7}}).ok());
    CHECK(index->covers(Position{1, 7}));
    CHECK_FALSE(index->covers(Position{1, 8}));
    CHECK_FALSE(index->covers(Position{0, 0}));
  }
  auto index = WriterIndex::open(path, "embedded:/x").value();
  auto s3 = index->get("T1", "S3");
  REQUIRE(s3.has_value());
  CHECK(s3->run_id == "run-2");
  CHECK(s3->batch_id == "b-1");
  CHECK(s3->disabled);
  CHECK(s3->disabled_individually);
  CHECK(index->run_serials("T1", "run-1") == std::vector<std::string>{"S1", "S2"});
  CHECK(index->run_serials("T2", "run-1").empty());
  CHECK(index->covers(Position{1, 7}));
  CHECK(index->fits({0, 8}));
  CHECK_FALSE(index->fits({0, 7}));  // ahead of the ledger: stale
  events::StoredEvent same{Position{1, 7}, {}};
  same.envelope.id = "e-7";
  CHECK(index->consistent(same));
  same.envelope.id = "e-other";
  CHECK_FALSE(index->consistent(same));  // another history
  // The index of another ledger is wiped when opened.
  index.reset();
  auto other = WriterIndex::open(path, "kafka:host:1/topic").value();
  CHECK_FALSE(other->get("T1", "S3").has_value());
  CHECK_FALSE(other->covers(Position{1, 7}));
}

TEST_CASE(
    "writer index: per-code maps are pending until commit, erased, on disk after reopen, an older "
    "layout is rebuilt") {
  TempDir dir;
  const std::string path = dir.path() + "/index";
  {
    auto index = WriterIndex::open(path, "embedded:/x").value();
    index->put_serial("T1", 'S', "S1", "sh-1");
    index->put_serial("T1", 'H', "S1", "lot-1");
    CHECK(index->get_serial("T1", 'S', "S1") == "sh-1");  // the deciding group sees its own writes
    index->discard();
    CHECK_FALSE(index->get_serial("T1", 'S', "S1").has_value());
    index->put_serial("T1", 'S', "S1", "sh-1");
    index->put_serial("T1", 'H', "S1", "lot-1");
    index->put_serial("T1", 'H', "S2", "lot-1");
    REQUIRE(index->commit(std::vector<events::Envelope>{}, {}).ok());
    index->put_serial("T1", 'H', "S1", std::nullopt);  // erased, pending
    CHECK_FALSE(index->get_serial("T1", 'H', "S1").has_value());
    REQUIRE(index->commit(std::vector<events::Envelope>{}, {}).ok());
    // Maps and tenants are apart.
    CHECK_FALSE(index->get_serial("T1", 'V', "S1").has_value());
    CHECK_FALSE(index->get_serial("T2", 'S', "S1").has_value());
    index->set_skip_writes(true);  // folding events the index already covers
    index->put_serial("T1", 'S', "S9", "sh-9");
    index->put_serial("T1", 'H', "S2", std::nullopt);
    index->set_skip_writes(false);
    REQUIRE(index->commit(std::vector<events::Envelope>{}, {}).ok());
  }
  {
    auto index = WriterIndex::open(path, "embedded:/x").value();
    CHECK(index->get_serial("T1", 'S', "S1") == "sh-1");
    CHECK_FALSE(index->get_serial("T1", 'H', "S1").has_value());
    CHECK(index->get_serial("T1", 'H', "S2") == "lot-1");
    CHECK_FALSE(index->get_serial("T1", 'S', "S9").has_value());
  }
  // An index written before the per-code maps existed (no layout mark) covers events whose
  // per-code effects it lacks: it is wiped and folded again.
  {
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    REQUIRE(db->Delete(rocksdb::WriteOptions(), "m:format").ok());
  }
  auto index = WriterIndex::open(path, "embedded:/x").value();
  CHECK_FALSE(index->get_serial("T1", 'S', "S1").has_value());
}

// ---- the writer on both ledgers -------------------------------------------------------------

constexpr const char* kFarm = "91350100M000100Y43";

std::string gtin13() {
  const std::string data = "690123456789";
  return data + core::gtin_check_digit(data);
}

// A ledger of `backend` that outlives writers (restarts), the index in the same data folder.
struct WriterRig {
  explicit WriterRig(Backend b) : backend(b), env(events::posix_env()), topic(unique_name("agritrace.test.windex")) {
    env.set_now_ms(*core::parse_rfc3339("2026-11-25T04:00:00.000Z", "t"));
    env.seed_random(7);
    open_ledger();
  }
  ~WriterRig() {
    if (writer) writer->stop();
  }
  void open_ledger() {
    if (backend == Backend::kEmbedded) {
      events::LocalLedgerOptions lo;
      lo.path = dir.path() + "/ledger";
      lo.partitions = 2;
      ledger = events::open_local_ledger(lo).value();
    } else {
      REQUIRE_MESSAGE(!kafka_brokers_or_empty().empty(), "AGRITRACE_TEST_KAFKA not set: run ./scripts/test");
      events::KafkaLedgerOptions ko;
      ko.brokers = kafka_brokers_or_empty();
      ko.topic = topic;
      ko.partitions = 2;
      ko.transactional_id = topic;
      ko.timeout_ms = 15000;
      ko.env = &env;
      auto l = events::open_kafka_ledger(ko);
      REQUIRE_MESSAGE(l.ok(), l.status().to_string());
      ledger = std::move(l).value();
    }
  }
  // Starts (or restarts) the writer over the same ledger and index folder.
  void start(int64_t retention_ms = events::kDefaultIdempotencyRetentionMs) {
    if (writer) writer->stop();
    writer.reset();
    events::CommandWriterOptions wo;
    wo.env = &env;
    wo.index_path = index_path();
    wo.idempotency_retention_ms = retention_ms;
    auto w = events::start_command_writer(*ledger, wo);
    REQUIRE_MESSAGE(w.ok(), w.status().to_string());
    writer = std::move(w).value();
  }
  std::string index_path() const { return dir.path() + "/writer-index"; }
  Result<events::CommandOutcome> run(core::Command c, const std::string& key = {},
                                     const std::string& hash = {}) {
    auto promise = std::make_shared<std::promise<Result<events::CommandOutcome>>>();
    auto future = promise->get_future();
    events::CommandSubmission s;
    s.command_name = "test";
    s.tenant = kFarm;
    s.actor = "key-farm";
    s.idempotency_key = key;
    s.request_hash = hash;
    s.command = std::move(c);
    s.done = [promise](Result<events::CommandOutcome> r) { promise->set_value(std::move(r)); };
    writer->submit(std::move(s));
    return future.get();
  }
  std::string reason(core::Command c, const std::string& key = {}, const std::string& hash = {}) {
    auto r = run(std::move(c), key, hash);
    return r.ok() ? "ok" : r.error().reason;
  }
  // Registers the farm, a batch, a template and one run of `n` codes; returns the serials.
  // Registers the test customer enterprise; answers its counterparty id.
  std::string register_customer() {
    core::CounterpartyRecord r = core::testing::enterprise_supplier(core::testing::kCustomerUscc);
    r.roles.supplier = false;
    r.roles.customer = true;
    return run(core::RegisterCounterparty{r}).value().events.at(0).subject;
  }
  std::vector<std::string> codes(int64_t n) {
    REQUIRE(run(core::RegisterEnterprise{kFarm, "农场", "福建省", "key-farm", std::string(64, 'a')}).ok());
    REQUIRE(run(core::CreateBatch{"菜心", "L1", core::Quantity{5000, core::Unit::kGram},
                                  *core::parse_date("2026-11-20", "t"), std::nullopt, "", {}}).ok());
    REQUIRE(run(core::CreateCodeTemplate{"t", "", gtin13(), "https://trace.example.cn",
                                         core::SerialFormat::kHex, core::PackagingLevel::kItem,
                                         core::Quantity{500, core::Unit::kGram}}).ok());
    std::string bytes(static_cast<size_t>(n) * core::kSerialRandomBytes, '\0');
    REQUIRE(env.random_bytes(bytes.data(), bytes.size()).ok());
    auto generated = run(core::GenerateCodes{"ct-1", "b-1", n, bytes});
    REQUIRE_MESSAGE(generated.ok(), generated.error().message);
    std::vector<std::string> serials;
    for (int64_t i = 0; i < n; ++i) {
      serials.push_back(core::make_serial(core::SerialFormat::kHex,
                                          reinterpret_cast<const uint8_t*>(bytes.data()) + i * core::kSerialRandomBytes));
    }
    return serials;
  }

  Backend backend;
  TempDir dir;
  events::ControlledEnv env;
  std::string topic;
  std::unique_ptr<events::Ledger> ledger;
  std::unique_ptr<events::CommandWriter> writer;
};

void key_expiry(Backend backend) {
  WriterRig rig(backend);
  rig.start();
  REQUIRE(rig.run(core::RegisterEnterprise{kFarm, "农场", "福建省", "key-farm", std::string(64, 'a')}).ok());
  const core::Command batch = core::CreateBatch{"菜心", "L1", core::Quantity{5000, core::Unit::kGram},
                                               *core::parse_date("2026-11-20", "t"), std::nullopt, "", {}};
  auto first = rig.run(batch, "key-1", "h1");
  REQUIRE(first.ok());
  CHECK_FALSE(first->replayed);

  // Within the retention (7 days to the millisecond) a retry answers the first answer.
  rig.env.advance_ms(7 * kDay);
  auto again = rig.run(batch, "key-1", "h1");
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->command_id == first->command_id);
  CHECK(rig.reason(batch, "key-1", "h2") == "idempotency_key_reused");

  // One millisecond later the key has expired: 409, nothing appended.
  rig.env.advance_ms(1);
  auto late = rig.run(batch, "key-1", "h1");
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == ErrorCode::kConflict);
  CHECK(late.error().reason == "idempotency_key_expired");
  CHECK(late.error().field == "Idempotency-Key");
  CHECK(rig.reason(batch, "key-1", "h2") == "idempotency_key_expired");

  // After a restart the same: the instant comes from the ledger, the record from the index.
  rig.start();
  CHECK(rig.reason(batch, "key-1", "h1") == "idempotency_key_expired");
  // Index lost: rebuilt from the ledger, same answer.
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  rig.start();
  CHECK(rig.reason(batch, "key-1", "h1") == "idempotency_key_expired");
  // With a longer retention (serve --idempotency-retention-days) the key answers again. A record
  // once shrunk stays expired, so this one is folded again from the ledger.
  rig.start(30 * kDay);
  CHECK(rig.reason(batch, "key-1", "h1") == "idempotency_key_expired");
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  rig.start(30 * kDay);
  auto kept = rig.run(batch, "key-1", "h1");
  REQUIRE(kept.ok());
  CHECK(kept->replayed);
  CHECK(kept->command_id == first->command_id);
}

TEST_CASE("command writer: an Idempotency-Key expires after the retention, across restarts [embedded]") {
  key_expiry(Backend::kEmbedded);
}
TEST_CASE("command writer: an Idempotency-Key expires after the retention, across restarts [kafka]") {
  key_expiry(Backend::kKafka);
}

void codes_on_disk(Backend backend) {
  WriterRig rig(backend);
  rig.start();
  const std::vector<std::string> serials = rig.codes(12);
  REQUIRE(rig.run(core::DisableCode{serials[3], "damaged"}).ok());
  // The codes are in the index on disk, not only in memory.
  rig.writer->stop();
  rig.writer.reset();
  {
    auto index = WriterIndex::open(rig.index_path(), rig.ledger->describe()).value();
    for (const std::string& s : serials) CHECK(index->get(kFarm, s).has_value());
    CHECK(index->get(kFarm, serials[3])->disabled);
    CHECK(index->run_serials(kFarm, "run-1").size() == serials.size());
  }
  // Restart on the index: the rules see every code and its state.
  rig.start();
  CHECK(rig.reason(core::DisableCode{serials[3], ""}) == "code_already_disabled");
  CHECK(rig.reason(core::DisableCode{serials[4], ""}) == "ok");
  CHECK(rig.reason(core::DisableCode{"NOPE", ""}) == "code_not_found");
  CHECK(rig.reason(core::DisableCodeRun{"run-1", ""}) == "ok");
  CHECK(rig.reason(core::EnableCode{serials[0]}) == "code_run_disabled");
  // Index deleted: rebuilt from the ledger with the same facts.
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  rig.start();
  CHECK(rig.reason(core::EnableCode{serials[0]}) == "code_run_disabled");
  CHECK(rig.reason(core::DisableCode{serials[4], ""}) == "code_already_disabled");
  CHECK(rig.reason(core::EnableCodeRun{"run-1"}) == "ok");
  CHECK(rig.reason(core::EnableCode{serials[0]}) == "code_not_disabled");
  CHECK(rig.reason(core::EnableCode{serials[3]}) == "ok");
  // An index that lags the ledger (a crash between the append and the index write) catches up:
  // keep a copy, append more, put the old copy back.
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::copy(rig.index_path(), rig.dir.path() + "/old-index", std::filesystem::copy_options::recursive);
  rig.start();
  CHECK(rig.reason(core::DisableCode{serials[7], ""}) == "ok");
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  std::filesystem::rename(rig.dir.path() + "/old-index", rig.index_path());
  rig.start();
  CHECK(rig.reason(core::DisableCode{serials[7], ""}) == "code_already_disabled");
}

// Shipped and recalled serials (core::SerialMap) are in the index on disk, and the rules read them
// from there after a restart (the fold skips the events the index covers, so the answers below come
// from disk), after the index is lost and after it lags the ledger.
void serial_maps_on_disk(Backend backend) {
  WriterRig rig(backend);
  rig.start();
  const std::vector<std::string> serials = rig.codes(4);
  const std::string cust = rig.register_customer();
  core::CreateSalesOrder so;
  so.customer_id = cust;
  so.batch_id = "b-1";
  so.quantity = core::Quantity{1500, core::Unit::kGram};
  REQUIRE(rig.run(so).ok());
  auto uri = [&](const std::string& serial) {
    return "https://trace.example.cn/01/0" + gtin13() + "/10/L1/21/" + serial;
  };
  auto ship = [&](const std::string& serial) {
    auto r = rig.run(core::ShipSalesOrder{"so-1", {uri(serial)}, std::nullopt, {}});
    if (r.ok()) return std::string("ok");
    const auto at = r.error().details_json.find("\"reason\":\"");
    return at == std::string::npos ? r.error().reason : r.error().details_json.substr(at + 10);
  };
  REQUIRE(ship(serials[0]) == "ok");
  REQUIRE(rig.run(core::RaiseRecall{core::RecallScope::kCode, serials[1], "标签错误"}).ok());
  CHECK(ship(serials[0]) == "code_already_shipped\"}]");
  CHECK(ship(serials[1]) == "code_recalled\"}]");
  rig.writer->stop();
  rig.writer.reset();
  {
    auto index = WriterIndex::open(rig.index_path(), rig.ledger->describe()).value();
    CHECK(index->get_serial(kFarm, 'S', serials[0]) == "sh-1");
    CHECK(index->get_serial(kFarm, 'R', serials[1]) == "rc-1");
    CHECK_FALSE(index->get_serial(kFarm, 'S', serials[2]).has_value());
  }
  rig.start();
  CHECK(ship(serials[0]) == "code_already_shipped\"}]");
  CHECK(ship(serials[1]) == "code_recalled\"}]");
  // Index lagging the ledger: a copy from before the second shipment catches up.
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::copy(rig.index_path(), rig.dir.path() + "/old-index",
                        std::filesystem::copy_options::recursive);
  rig.start();
  REQUIRE(ship(serials[2]) == "ok");
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  std::filesystem::rename(rig.dir.path() + "/old-index", rig.index_path());
  rig.start();
  CHECK(ship(serials[2]) == "code_already_shipped\"}]");
  // Index lost: rebuilt from the ledger.
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  rig.start();
  CHECK(ship(serials[0]) == "code_already_shipped\"}]");
  CHECK(ship(serials[1]) == "code_recalled\"}]");
  CHECK(ship(serials[3]) == "ok");
}

TEST_CASE(
    "R-4.2.3 R-4.2.4 command writer: shipped and recalled serials live in the on-disk index "
    "[embedded]") {
  serial_maps_on_disk(Backend::kEmbedded);
}
TEST_CASE(
    "R-4.2.3 R-4.2.4 command writer: shipped and recalled serials live in the on-disk index "
    "[kafka]") {
  serial_maps_on_disk(Backend::kKafka);
}

// Issue 11: the write model's entities (purchase orders, lots, batches, sales orders, the
// lot/batch lineage, shipped amounts, recalls: core::StoredMap) live in the index on disk, and the
// rules read them from there after a restart (the fold skips what the index covers), after the
// index lags the ledger (a crash between the ledger append and the index commit) and after the
// index is lost.
void entities_on_disk(Backend backend) {
  WriterRig rig(backend);
  rig.start();
  rig.codes(2);  // the farm, batch b-1 (5 000 g), a code run
  const std::string supplier =
      rig.run(core::RegisterCounterparty{core::testing::enterprise_supplier()}).value().events.at(0).subject;
  const std::string cust = rig.register_customer();
  const core::Date today = core::date_from_unix_ms(rig.env.now_ms(), 8 * 60);
  const core::Date day{today.days_since_epoch - 5};
  const core::Date later{today.days_since_epoch + 360};
  auto g = [](int64_t n) { return core::Quantity{n, core::Unit::kGram}; };
  core::CreatePurchaseOrder po{"白菜", supplier, g(1000), "S-LOT", day, later, "", 1200, {}};
  REQUIRE(rig.run(po).ok());  // po-1
  REQUIRE(rig.run(po).ok());  // po-2
  REQUIRE(rig.run(core::ReceivePurchaseOrder{"po-1", g(1000), day, {}}).ok());  // lot-1
  REQUIRE(rig.run(core::ConsumeMaterial{"b-1", "lot-1", g(600)}).ok());
  core::CreateSalesOrder so;
  so.customer_id = cust;
  so.batch_id = "b-1";
  so.quantity = g(3000);
  REQUIRE(rig.run(so).ok());  // so-1
  // What the rules answer from these entities; the same before and after every restart below.
  const auto answers = [&](int64_t lot_left, bool po2_open) {
    CHECK(rig.reason(core::ReceivePurchaseOrder{"po-1", g(1000), day, {}}) == "purchase_order_not_open");
    CHECK(rig.reason(core::ConsumeMaterial{"b-1", "lot-1", g(lot_left + 1)}) == "lot_over_consumed");
    CHECK(rig.reason(core::ConsumeMaterial{"b-1", "lot-9", g(1)}) == "lot_not_found");
    CHECK(rig.reason(core::CreateBatch{"菜心", "L1", g(10), day, std::nullopt, "", {}}) ==
          "lot_code_duplicate");
    CHECK(rig.reason(core::ShipSalesOrder{"so-9", {}, std::nullopt, {}, g(1)}) == "sales_order_not_found");
    if (!po2_open) {
      CHECK(rig.reason(core::ReceivePurchaseOrder{"po-2", g(1000), day, {}}) == "purchase_order_not_open");
    }
  };
  answers(400, true);
  rig.start();  // the index covers everything: nothing of it is folded into memory
  answers(400, true);
  {
    rig.writer->stop();
    rig.writer.reset();
    auto index = WriterIndex::open(rig.index_path(), rig.ledger->describe()).value();
    CHECK(index->get_serial(kFarm, 'a', "po-1").has_value());  // purchase orders
    CHECK(index->get_serial(kFarm, 'l', "lot-1").has_value());  // lots
    CHECK(index->get_serial(kFarm, 'b', "b-1").has_value());    // batches
    CHECK(index->get_serial(kFarm, 'o', "so-1").has_value());   // sales orders
    CHECK(index->get_serial(kFarm, 'x', "lot-1").has_value());  // lot -> batches
    CHECK(index->get_serial(kFarm, 'y', "b-1").has_value());    // batch -> lots
  }
  // Index lagging the ledger: a copy from before these commands catches up at start.
  std::filesystem::copy(rig.index_path(), rig.dir.path() + "/old-index",
                        std::filesystem::copy_options::recursive);
  rig.start();
  REQUIRE(rig.run(core::ConsumeMaterial{"b-1", "lot-1", g(300)}).ok());
  REQUIRE(rig.run(core::ReceivePurchaseOrder{"po-2", g(1000), day, {}}).ok());
  answers(100, false);
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  std::filesystem::rename(rig.dir.path() + "/old-index", rig.index_path());
  rig.start();
  answers(100, false);
  // Index lost: rebuilt from the ledger, same answers.
  rig.writer->stop();
  rig.writer.reset();
  std::filesystem::remove_all(rig.index_path());
  rig.start();
  answers(100, false);
  CHECK(rig.reason(core::ConsumeMaterial{"b-1", "lot-1", g(100)}) == "ok");
  CHECK(rig.reason(core::ConsumeMaterial{"b-1", "lot-1", g(1)}) == "lot_over_consumed");
}

TEST_CASE("R-4.2.1 R-4.2.2 R-4.2.3 command writer: the write model's entities live in the on-disk index [embedded]") {
  entities_on_disk(Backend::kEmbedded);
}
TEST_CASE("R-4.2.1 R-4.2.2 R-4.2.3 command writer: the write model's entities live in the on-disk index [kafka]") {
  entities_on_disk(Backend::kKafka);
}

TEST_CASE("command writer: generated codes live in the on-disk index, rebuilt from the ledger [embedded]") {
  codes_on_disk(Backend::kEmbedded);
}
TEST_CASE("command writer: generated codes live in the on-disk index, rebuilt from the ledger [kafka]") {
  codes_on_disk(Backend::kKafka);
}

}  // namespace
}  // namespace agritrace::testing
