// Every tamper case of issue 16 against the real binary: a server with a signing key outside the
// data folder writes signed checkpoints; then the data is altered as an attacker or a failing disk
// would, and `agritrace verify` and `agritrace serve` each end in a precise report and a distinct
// exit code (3 chain broken, 4 ledger damaged, 5 truncated, 6 tenant erased, 7 rewritten,
// 8 forged checkpoint, 9 ledger vanished). Plus: private data folders, backup and restore.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <rocksdb/db.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "events/envelope/envelope.h"
#include "events/ledger/ledger.h"
#include "projections/base/view_store.h"
#include "tests/e2e/base/fixtures.h"
#include "tests/support/api_client.h"
#include "tests/support/test_env.h"
#include "tests/support/wal_file.h"

namespace agritrace::testing {
namespace {

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A key pair made by `agritrace keygen`, outside every data folder.
struct Keys {
  Keys() {
    RunResult r = run_agritrace({"keygen", "--out", dir.path() + "/cp"});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
  }
  std::string secret() const { return dir.path() + "/cp.key"; }
  std::string pub() const { return dir.path() + "/cp.pub"; }
  TempDir dir;
};

// A server on `ledger` signing checkpoints with `keys`; the plant registered and `batches` made.
struct SignedApp {
  SignedApp(Backend backend, const Keys& k, int batches)
      : keys(k), ledger(backend), server(server_flags()) {
    server.start();
    ApiClient c(server.port(), register_enterprise(server.port(), kPlantUscc, "鲜达"));
    ApiClient farm(server.port(), register_enterprise(server.port(), kFarmUscc, "绿源"));
    REQUIRE(farm.post("/v1/batches", batch_body("F-1")).status == 201);
    for (int i = 0; i < batches; ++i)
      REQUIRE(c.post("/v1/batches", batch_body(fmt::format("T-{}", i))).status == 201);
    REQUIRE(server.stop() == 0);  // a clean stop writes the final checkpoint
  }
  std::vector<std::string> server_flags() const {
    return with(ledger.flags(),
                {"--checkpoint-key", keys.secret(), "--checkpoint-every-events", "3"});
  }
  RunResult verify() const {
    return run_agritrace(with(with({"verify"}, ledger.flags()), {"--checkpoint-key", keys.pub()}));
  }
  // `serve` expected to refuse: bounded by timeout(1), so a server that starts fails the test.
  RunResult refused_serve() const {
    std::vector<std::string> argv{"/usr/bin/timeout", "60",         AGRITRACE_BINARY, "serve",
                                  "--listen",         "127.0.0.1:0"};
    return run_program(with(argv, server_flags()),
                       {std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey}, true);
  }
  std::string ledger_dir() const { return ledger.data.path() + "/ledger"; }

  const Keys& keys;
  TestLedger ledger;
  ServerProcess server;
};

void expect_refused(const SignedApp& app, int code, const std::vector<std::string>& words) {
  RunResult v = app.verify();
  INFO("verify: ", v.out);
  CHECK(v.exit_code == code);
  for (const std::string& w : words) CHECK(v.out.find(w) != std::string::npos);
  RunResult s = app.refused_serve();
  INFO("serve: ", s.out);
  CHECK(s.exit_code == code);
  CHECK(s.out.find("listening") == std::string::npos);
  for (const std::string& w : words) CHECK(s.out.find(w) != std::string::npos);
}

// Rewrites the embedded ledger as an attacker with the file system would: every event read,
// `edit` may drop (false) or change one, offsets repacked, the ledger folder replaced.
void rewrite_embedded(const std::string& path, const std::function<bool(events::Envelope&)>& edit) {
  std::vector<events::Envelope> kept;
  int32_t partitions = 0;
  {
    events::LocalLedgerOptions o;
    o.path = path;
    o.read_only = true;
    auto ledger = events::open_local_ledger(o);
    REQUIRE(ledger.ok());
    partitions = (*ledger)->partition_count();
    auto reader = (*ledger)->open_reader({});
    REQUIRE(reader.ok());
    for (;;) {
      auto polled = (*reader)->poll(0, 4096);
      REQUIRE(polled.ok());
      for (auto& se : polled->events) {
        if (edit(se.envelope)) kept.push_back(se.envelope);
      }
      if (polled->at_end) break;
    }
  }
  std::filesystem::remove_all(path);
  events::LocalLedgerOptions o;
  o.path = path;
  o.partitions = partitions;
  auto fresh = events::open_local_ledger(o);
  REQUIRE(fresh.ok());
  for (const auto& e : kept) REQUIRE((*fresh)->append({e}, nullptr).ok());
}

void with_rocksdb(const std::string& path, const std::function<void(rocksdb::DB&)>& fn) {
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::Options(), path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  fn(*db);
}

uint32_t mode_of(const std::string& p) {
  struct ::stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

TEST_CASE("integrity [embedded]: an untouched ledger verifies against its signed checkpoints") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 5);
  RunResult v = app.verify();
  INFO(v.out);
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("every hash chain intact") != std::string::npos);
  CHECK(v.out.find("the ledger extends signed checkpoint") != std::string::npos);
  // A restart continues the numbering and starts on the intact ledger.
  app.server.start();
  CHECK(app.server.stop() == 0);
  CHECK(app.verify().exit_code == 0);
  // The checkpoints are in the log, the manifest and the ledger itself.
  const std::string log = app.ledger.data.path() + "/checkpoints.log";
  REQUIRE(std::filesystem::exists(log));
  CHECK(std::filesystem::exists(app.ledger.data.path() + "/ledger.manifest"));
  std::ifstream in(log);
  int lines = 0;
  for (std::string line; std::getline(in, line);) lines += line.empty() ? 0 : 1;
  CHECK(lines >= 3);  // every 3 events, and at each clean stop
}

TEST_CASE(
    "integrity [embedded]: the newest events deleted -> truncated (5), naming tenant and seq") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 5);
  int deleted = 0;
  rewrite_embedded(app.ledger_dir(), [&](events::Envelope& e) {
    if (e.tenant == kPlantUscc && e.tenant_seq > 4) return ++deleted, false;
    return true;
  });
  REQUIRE(deleted > 0);
  expect_refused(
      app, 5, {"truncated", fmt::format("tenant {} ends at seq 4", kPlantUscc), "events missing"});
}

TEST_CASE(
    "integrity [embedded]: the newest audit records deleted -> truncated (5), naming the audit "
    "seq") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 5);
  {
    RunResult ok = app.verify();
    INFO(ok.out);
    REQUIRE(ok.exit_code == 0);
    CHECK(ok.out.find("audit trail: ") != std::string::npos);
    CHECK(ok.out.find("chain intact, holds the head of checkpoint") != std::string::npos);
  }
  // The audit head the newest (signed) checkpoint records: "audit":[SEQ,"HASH"].
  std::string manifest;
  {
    std::ifstream in(app.ledger.data.path() + "/ledger.manifest");
    std::getline(in, manifest);
  }
  const size_t at = manifest.find("\"audit\":[");
  REQUIRE(at != std::string::npos);
  const int64_t head = std::stoll(manifest.substr(at + 9));
  REQUIRE(head > 1);
  // Delete every record from that seq on (and their tenant index entries): what is left is a
  // valid, shorter chain, which the trail alone cannot tell from an untouched one.
  int deleted = 0;
  with_rocksdb(app.ledger.data.path() + "/audit", [&](rocksdb::DB& db) {
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
    std::vector<std::string> doomed;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      if (key.size() >= 20 && std::stoll(key.substr(key.size() - 20)) >= head)
        doomed.push_back(key);
      if (key.starts_with("r") && std::stoll(key.substr(1)) >= head) ++deleted;
    }
    for (const std::string& key : doomed) REQUIRE(db.Delete(rocksdb::WriteOptions(), key).ok());
  });
  REQUIRE(deleted > 0);
  expect_refused(app, 5,
                 {"truncated", fmt::format("records audit record seq {} with hash", head),
                  fmt::format("found no such record (the trail ends at seq {})", head - 1)});
}

TEST_CASE("integrity [embedded]: a tenant erased -> tenant_erased (6)") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 3);
  rewrite_embedded(app.ledger_dir(), [](events::Envelope& e) { return e.tenant != kFarmUscc; });
  expect_refused(app, 6, {"tenant_erased", fmt::format("tenant {} has no event", kFarmUscc)});
}

TEST_CASE(
    "integrity [embedded]: a payload edited and every later hash recomputed -> rewritten (7)") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 5);
  std::string prev;
  rewrite_embedded(app.ledger_dir(), [&](events::Envelope& e) {
    if (e.tenant != kPlantUscc) return true;
    if (const size_t at = e.payload_json.find("T-2"); at != std::string::npos)
      e.payload_json.replace(at, 3, "T-9");
    if (!prev.empty()) e.prev_hash = prev;
    e.hash = events::compute_chain_hash(e);
    if (e.payload_json.find("T-9") != std::string::npos || !prev.empty()) prev = e.hash;
    return true;
  });
  {  // without the public key the checkpoints are still compared (their signatures unchecked)
    RunResult plain = run_agritrace(with({"verify"}, app.ledger.flags()));
    INFO(plain.out);
    CHECK(plain.exit_code == 7);
  }
  expect_refused(app, 7, {"rewritten", fmt::format("tenant {} seq", kPlantUscc), "expected hash"});
}

TEST_CASE("integrity [embedded]: an event edited in place -> chain broken (3) at its position") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 5);
  with_rocksdb(app.ledger_dir(), [](rocksdb::DB& db) {
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
    for (it->Seek("e"); it->Valid(); it->Next()) {
      std::string v = it->value().ToString();
      if (v.find("T-2") == std::string::npos) continue;
      v.replace(v.find("T-2"), 3, "T-8");
      REQUIRE(db.Put(rocksdb::WriteOptions(), it->key(), v).ok());
      return;
    }
    FAIL("no event to edit");
  });
  expect_refused(app, 3, {fmt::format("tenant {} seq 4", kPlantUscc), "altered event"});
}

TEST_CASE(
    "integrity [embedded]: a forged checkpoint or the wrong public key -> checkpoint_forged (8)") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 3);
  const std::string manifest = app.ledger.data.path() + "/ledger.manifest";
  std::string text;
  {
    std::ifstream in(manifest);
    std::getline(in, text);
  }
  const size_t events_at = text.find("\"events\":");
  REQUIRE(events_at != std::string::npos);
  text.insert(events_at + 9, 1, '1');  // claims more events, keeps the old signature
  { std::ofstream(manifest) << text << "\n"; }
  expect_refused(
      app, 8, {"checkpoint_forged", "ledger.manifest line 1", "does not carry a valid signature"});

  Keys other;
  RunResult v =
      run_agritrace(with(with({"verify"}, app.ledger.flags()), {"--checkpoint-key", other.pub()}));
  INFO(v.out);
  CHECK(v.exit_code == 8);
}

TEST_CASE(
    "integrity [embedded]: the ledger folder deleted -> ledger_vanished (9), no start on an empty "
    "ledger") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 2);
  std::filesystem::remove_all(app.ledger_dir());
  expect_refused(app, 9, {"ledger_vanished"});
  CHECK_FALSE(std::filesystem::exists(app.ledger_dir()));  // serve did not create an empty one
  // An empty ledger in its place is refused the same way.
  {
    events::LocalLedgerOptions o;
    o.path = app.ledger_dir();
    REQUIRE(events::open_local_ledger(o).ok());
  }
  expect_refused(app, 9, {"ledger_vanished", "the ledger is empty"});
}

// A signed embedded app with `batches` batches whose newest WAL gets one flipped byte (at `at` of
// the WAL's size): serve and verify refuse it as a damaged ledger (4), naming `words`.
void expect_flipped_wal_refused(int batches,
                                const std::function<std::streamoff(std::streamoff)>& at,
                                const std::vector<std::string>& words) {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, batches);
  const std::string wal = newest_wal(app.ledger_dir());
  flip_byte(wal, at(static_cast<std::streamoff>(std::filesystem::file_size(wal))), 0x01);
  expect_refused(app, 4, words);
}

TEST_CASE(
    "integrity [embedded]: one flipped byte in the WAL -> ledger damaged (4), no event silently "
    "dropped") {
  expect_flipped_wal_refused(30,
                             [](std::streamoff size) {
                               REQUIRE(size > 4000);
                               return size / 3;
                             },
                             {"damaged", "no event was dropped"});
}

TEST_CASE(
    "integrity [embedded]: a corrupted first WAL record -> ledger damaged (4), never an empty "
    "start") {
  expect_flipped_wal_refused(2, [](std::streamoff) { return std::streamoff{12}; }, {"damaged"});
}

TEST_CASE(
    "integrity [embedded]: m:partitions set to a non-number -> a precise error (4), no abort") {
  Keys keys;
  SignedApp app(Backend::kEmbedded, keys, 1);
  with_rocksdb(app.ledger_dir(), [](rocksdb::DB& db) {
    REQUIRE(db.Put(rocksdb::WriteOptions(), "m:partitions", "four").ok());
  });
  expect_refused(app, 4, {"m:partitions holds 'four'"});
}

TEST_CASE("integrity: the signing key inside the data folder is refused") {
  TempDir data;
  REQUIRE(run_agritrace({"keygen", "--out", data.path() + "/cp"}).exit_code == 0);
  RunResult r =
      run_program({"/usr/bin/timeout", "60", AGRITRACE_BINARY, "serve", "--listen", "127.0.0.1:0",
                   "--data", data.path(), "--checkpoint-key", data.path() + "/cp.key"},
                  {std::string("AGRITRACE_ADMIN_KEY=") + kAdminKey}, true);
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("inside the data folder") != std::string::npos);
  CHECK(run_agritrace({"keygen", "--out", data.path() + "/cp"}).exit_code ==
        1);  // never overwritten
}

TEST_CASE("integrity [embedded]: data folders and files are not world-readable") {
  Keys keys;
  TempDir parent;
  const std::string data = parent.path() + "/data";
  std::filesystem::create_directories(data);
  std::filesystem::permissions(data, std::filesystem::perms::all);  // an operator's loose folder
  ServerProcess server({"--data", data, "--checkpoint-key", keys.secret()});
  server.start();
  ApiClient c(server.port(), register_enterprise(server.port(), kPlantUscc, "鲜达"));
  REQUIRE(c.post("/v1/batches", batch_body("P-1")).status == 201);
  REQUIRE(server.stop() == 0);
  size_t files = 0;
  CHECK(mode_of(data) == 0700);
  for (const auto& e : std::filesystem::recursive_directory_iterator(data)) {
    INFO(e.path().string());
    CHECK(mode_of(e.path().string()) == (e.is_directory() ? 0700u : 0600u));
    ++files;
  }
  CHECK(files > 10);
  CHECK(mode_of(keys.secret()) == 0600);
}

// Kafka: DeleteRecords up to the high watermark of every partition (what retention or an operator
// with admin rights does): the oldest events are gone.
void delete_all_records(const std::string& topic) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", kafka_brokers().c_str(), err, sizeof err) ==
          RD_KAFKA_CONF_OK);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  REQUIRE(rk != nullptr);
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(4);
  for (int32_t p = 0; p < 4; ++p) {
    int64_t lo = 0, hi = 0;
    REQUIRE(rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 10000) ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_add(offsets, topic.c_str(), p)->offset = hi;
  }
  rd_kafka_DeleteRecords_t* del = rd_kafka_DeleteRecords_new(offsets);
  rd_kafka_topic_partition_list_destroy(offsets);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_DeleteRecords(rk, &del, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  REQUIRE(ev != nullptr);
  CHECK(rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_event_destroy(ev);
  rd_kafka_DeleteRecords_destroy(del);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
}

TEST_CASE(
    "integrity [kafka]: signed checkpoints verify and a topic cut by DeleteRecords -> truncated "
    "(5)") {
  Keys keys;
  SignedApp app(Backend::kKafka, keys, 4);
  RunResult ok = app.verify();
  INFO(ok.out);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("the ledger extends signed checkpoint") != std::string::npos);
  delete_all_records(app.ledger.topic);
  expect_refused(app, 5, {"truncated", "not in the log"});
}

TEST_CASE("integrity [kafka]: a forged checkpoint of the Kafka ledger -> checkpoint_forged (8)") {
  Keys keys;
  SignedApp app(Backend::kKafka, keys, 2);
  const std::string manifest =
      app.ledger.data.path() + "/ledger-kafka-" + app.ledger.topic + ".manifest";
  std::string text;
  {
    std::ifstream in(manifest);
    std::getline(in, text);
  }
  REQUIRE(!text.empty());
  const size_t digit = text.find("\"number\":") + 9;
  text[digit] = text[digit] == '7' ? '8' : '7';  // another number under the old signature
  { std::ofstream(manifest) << text << "\n"; }
  expect_refused(app, 8, {"checkpoint_forged"});
}

std::string live_digest(const std::string& views) {
  auto v = projections::ViewStore::open(views);
  REQUIRE(v.ok());
  return (*v)->digest();
}

TEST_CASE("backup while serving, restore into a new folder: identical views and a passing verify") {
  Keys keys;
  TestLedger ledger(Backend::kEmbedded);
  const std::vector<std::string> flags = with(ledger.flags(), {"--checkpoint-key", keys.secret()});
  ServerProcess server(flags);
  server.start();
  ApiClient c(server.port(), register_enterprise(server.port(), kPlantUscc, "鲜达"));
  for (int i = 0; i < 5; ++i)
    REQUIRE(c.post("/v1/batches", batch_body(fmt::format("B-{}", i))).status == 201);
  TempDir backups;
  const std::string to = backups.path() + "/b";
  RunResult first = run_agritrace({"backup", "--data", ledger.data.path(), "--to", to});
  INFO(first.out);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("backup 1:") != std::string::npos);
  for (int i = 5; i < 8; ++i)
    REQUIRE(c.post("/v1/batches", batch_body(fmt::format("B-{}", i))).status == 201);
  RunResult second = run_agritrace({"backup", "--data", ledger.data.path(), "--to", to});
  INFO(second.out);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.find("backup 2:") != std::string::npos);
  CHECK(second.out.find("(3 new)") != std::string::npos);  // incremental
  REQUIRE(c.get_fresh("/v1/batches").size("/items") == 8);
  REQUIRE(server.stop() == 0);
  const std::string digest = live_digest(ledger.data.path() + "/views");

  TempDir restored_parent;
  const std::string restored = restored_parent.path() + "/data";
  RunResult r = run_agritrace({"restore", "--from", to, "--to", restored});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("views digest " + digest) != std::string::npos);
  CHECK(mode_of(restored) == 0700);
  CHECK(std::filesystem::is_directory(restored + "/audit"));  // the audit trail comes back too
  CHECK(std::filesystem::exists(restored + "/ledger.manifest"));
  RunResult v = run_agritrace({"verify", "--data", restored, "--checkpoint-key", keys.pub()});
  INFO(v.out);
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("the ledger extends signed checkpoint") != std::string::npos);
  // The older backup restores too, and its ledger extends the checkpoints it carries.
  TempDir older;
  REQUIRE(run_agritrace({"restore", "--from", to, "--to", older.path() + "/d", "--backup", "1"})
              .exit_code == 0);
  CHECK(run_agritrace({"verify", "--data", older.path() + "/d", "--checkpoint-key", keys.pub()})
            .exit_code == 0);
  // Never over an existing data folder.
  CHECK(run_agritrace({"restore", "--from", to, "--to", restored}).exit_code == 1);
  // The restored folder serves the same answers.
  ServerProcess again(with({"--data", restored}, {"--checkpoint-key", keys.secret()}));
  again.start();
  ApiClient c2(again.port(), c.key());
  CHECK(c2.get("/v1/batches").size("/items") == 8);
  CHECK(again.stop() == 0);
}

}  // namespace
}  // namespace agritrace::testing
