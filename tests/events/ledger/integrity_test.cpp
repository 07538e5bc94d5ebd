// Tamper detection below the server (issue 16): the embedded ledger refuses a damaged write-ahead
// log and bad metadata with a precise error instead of dropping events or aborting; signed
// checkpoints catch truncation, an erased tenant, a re-hashed rewrite and a forged checkpoint.
// Real RocksDB files, real libsodium signatures.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "events/integrity/checkpoint.h"
#include "events/integrity/checkpointer.h"
#include "events/ledger/ledger.h"
#include "tests/support/test_env.h"
#include "tests/support/wal_file.h"

namespace agritrace::events {
namespace {

Envelope chained(const std::string& tenant, int64_t seq, std::string* prev,
                 const std::string& data = "{}") {
  Envelope e;
  e.id = fmt::format("{:032x}", seq * 7919 + static_cast<int64_t>(tenant.size()));
  e.type = "batch.created";
  e.tenant = tenant;
  e.tenant_seq = seq;
  e.actor = "key-1";
  e.occurred_at_ms = 1000 + seq;
  e.recorded_at_ms = 1000 + seq;
  e.command_id = e.id;
  e.subject = fmt::format("b-{}", seq);
  e.payload_json = data;
  e.prev_hash = *prev;
  e.hash = compute_chain_hash(e);
  *prev = e.hash;
  return e;
}

// Appends `per_tenant` events for each tenant, in one batch per event.
std::unique_ptr<Ledger> ledger_with(const std::string& path,
                                    const std::vector<std::string>& tenants, int per_tenant) {
  LocalLedgerOptions o;
  o.path = path;
  o.partitions = 2;
  auto ledger = open_local_ledger(o);
  REQUIRE_MESSAGE(ledger.ok(), ledger.status().to_string());
  for (const std::string& t : tenants) {
    std::string prev = genesis_hash();
    for (int i = 1; i <= per_tenant; ++i)
      REQUIRE((*ledger)->append({chained(t, i, &prev)}, nullptr).ok());
  }
  return std::move(ledger).value();
}

Result<std::unique_ptr<Ledger>> reopen(const std::string& path, bool read_only) {
  LocalLedgerOptions o;
  o.path = path;
  o.read_only = read_only;
  return open_local_ledger(o);
}

TEST_CASE(
    "embedded ledger: one flipped byte in the middle of the WAL is an error, not dropped events") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/ledger";
  ledger_with(path, {"T1", "T2"}, 20).reset();
  const std::string wal = testing::newest_wal(path);
  const auto size = static_cast<std::streamoff>(std::filesystem::file_size(wal));
  REQUIRE(size > 2000);
  testing::flip_byte(wal, size / 2, 0x20);
  for (bool read_only : {true, false}) {
    auto opened = reopen(path, read_only);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().code == ErrorCode::kCorruption);
    CHECK(opened.error().reason == "ledger_corrupt");
    CHECK(opened.error().message.find(path) != std::string::npos);
    CHECK(opened.error().message.find("no event was dropped") != std::string::npos);
  }
}

TEST_CASE("embedded ledger: a corrupted first WAL record does not open as an empty ledger") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/ledger";
  ledger_with(path, {"T1"}, 3).reset();
  testing::flip_byte(testing::newest_wal(path), 12, 0x20);  // inside the first record's payload
  auto opened = reopen(path, false);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().reason == "ledger_corrupt");
}

TEST_CASE("embedded ledger: m:partitions that is not a number is a precise error, not an abort") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/ledger";
  ledger_with(path, {"T1"}, 2).reset();
  for (const char* bad : {"four", "", "4x", "-3", "99999999999", "0"}) {
    {
      rocksdb::DB* raw = nullptr;
      REQUIRE(rocksdb::DB::Open(rocksdb::Options(), path, &raw).ok());
      std::unique_ptr<rocksdb::DB> db(raw);
      REQUIRE(db->Put(rocksdb::WriteOptions(), "m:partitions", bad).ok());
    }
    for (bool read_only : {true, false}) {
      auto opened = reopen(path, read_only);
      INFO(bad);
      REQUIRE_FALSE(opened.ok());
      CHECK(opened.error().reason == "ledger_metadata_corrupt");
      CHECK(opened.error().message.find(fmt::format("m:partitions holds '{}'", bad)) !=
            std::string::npos);
    }
  }
}

TEST_CASE(
    "checkpoints: signed with Ed25519, verified with the public key alone, any edit breaks them") {
  ControlledEnv env(posix_env());
  env.seed_random(16);
  auto key = generate_signing_key(env);
  REQUIRE(key.ok());
  auto other = generate_signing_key(env);
  REQUIRE(other.ok());
  auto secret = parse_secret_key_file(format_secret_key_file(*key));
  REQUIRE(secret.ok());
  CHECK(secret->public_key == key->public_key);
  auto pub = parse_public_key_file(format_public_key_file(*key));
  REQUIRE(pub.ok());
  CHECK_FALSE(parse_public_key_file("agritrace-ed25519-public 00").ok());
  CHECK_FALSE(parse_secret_key_file(format_public_key_file(*key)).ok());

  Checkpoint c;
  c.ledger = "embedded";
  c.number = 3;
  c.created_at_ms = 1234;
  c.events = 9;
  c.ends = {5, 4};
  c.tenants = {TenantHead{"T1", 4, std::string(64, 'a'), Position{0, 4}},
               TenantHead{"T2", 5, std::string(64, 'b'), Position{1, 3}}};
  c.sign(*secret);
  CHECK(c.signed_by(*pub));
  CHECK_FALSE(c.signed_by(other->public_key));
  auto back = decode_checkpoint(c.encode());
  REQUIRE(back.ok());
  CHECK(back->encode() == c.encode());
  CHECK(back->signed_by(*pub));
  back->tenants[1].seq = 4;  // an attacker lowers a head to match a truncated ledger
  CHECK_FALSE(back->signed_by(*pub));
  CHECK(decode_checkpoint("{\"ledger\":\"embedded\"}").error().reason == "checkpoint_unreadable");
  CHECK(decode_checkpoint("not json").error().reason == "checkpoint_unreadable");
}

TEST_CASE("checkpoints: the audit head is signed when present, older checkpoints still verify") {
  ControlledEnv env(posix_env());
  env.seed_random(17);
  auto key = generate_signing_key(env);
  REQUIRE(key.ok());
  Checkpoint old;
  old.ledger = "embedded";
  old.number = 2;
  old.created_at_ms = 99;
  old.events = 3;
  old.ends = {3};
  old.tenants = {TenantHead{"T1", 3, std::string(64, 'c'), Position{0, 2}}};
  old.sign(*key);
  // A checkpoint written before audit heads existed: same bytes, still verifies, no audit head.
  CHECK(old.body().find("audit") == std::string::npos);
  auto old_back = decode_checkpoint(old.encode());
  REQUIRE(old_back.ok());
  CHECK_FALSE(old_back->audit.has_value());
  CHECK(old_back->signed_by(key->public_key));

  Checkpoint with = old;
  with.audit = AuditHead{7, std::string(64, 'd')};
  with.sign(*key);
  CHECK(with.body().find(fmt::format("\"audit\":[7,\"{}\"]", std::string(64, 'd'))) !=
        std::string::npos);
  auto back = decode_checkpoint(with.encode());
  REQUIRE(back.ok());
  REQUIRE(back->audit.has_value());
  CHECK(back->audit->seq == 7);
  CHECK(back->audit->hash == std::string(64, 'd'));
  CHECK(back->encode() == with.encode());
  CHECK(back->signed_by(key->public_key));
  back->audit->seq = 5;  // an attacker lowers the audit head to match a truncated trail
  CHECK_FALSE(back->signed_by(key->public_key));
  back->audit.reset();  // or drops it
  CHECK_FALSE(back->signed_by(key->public_key));
  CHECK(decode_checkpoint(R"({"agritrace_checkpoint":1,"audit":[7]})").error().reason ==
        "checkpoint_unreadable");
}

// Folds `ledger` with the checkpoint watched and compares.
IntegrityReport check(Ledger& ledger, const Checkpoint& c) {
  ChainFold fold;
  fold.watch(c);
  REQUIRE(fold_ledger(ledger, &fold).ok());
  auto ends = ledger.end_offsets();
  REQUIRE(ends.ok());
  return fold.compare(c, *ends);
}

TEST_CASE(
    "checkpoints: truncation, an erased tenant, a re-hashed rewrite and an emptied ledger are "
    "named") {
  testing::TempDir dir;
  auto full = ledger_with(dir.path() + "/full", {"T1", "T2"}, 6);
  ChainFold fold;
  REQUIRE(fold_ledger(*full, &fold).ok());
  CHECK(fold.chain().finding == Finding::kIntact);
  Checkpoint cp = fold.snapshot(full->partition_count());
  cp.ledger = "embedded";
  cp.number = 1;
  CHECK(check(*full, cp).finding == Finding::kIntact);
  // The ledger grows past its checkpoint: still intact.
  {
    std::string prev = cp.tenants[0].hash;
    REQUIRE(full->append({chained("T1", 7, &prev)}, nullptr).ok());
    CHECK(check(*full, cp).finding == Finding::kIntact);
  }

  SUBCASE("the newest events deleted") {
    auto cut = ledger_with(dir.path() + "/cut", {"T1"}, 6);
    std::string prev = genesis_hash();
    for (int i = 1; i <= 4; ++i) REQUIRE(cut->append({chained("T2", i, &prev)}, nullptr).ok());
    const IntegrityReport r = check(*cut, cp);
    CHECK(r.finding == Finding::kTruncated);
    CHECK(r.detail.find("tenant T2 ends at seq 4") != std::string::npos);
    CHECK(r.detail.find("recorded seq 6") != std::string::npos);
    CHECK(r.detail.find("2 events missing") != std::string::npos);
  }
  SUBCASE("a tenant erased") {
    auto erased = ledger_with(dir.path() + "/erased", {"T1"}, 6);
    const IntegrityReport r = check(*erased, cp);
    CHECK(r.finding == Finding::kTenantErased);
    CHECK(r.detail.find("tenant T2 has no event") != std::string::npos);
  }
  SUBCASE("a payload edited and every later hash recomputed") {
    auto rewritten = ledger_with(dir.path() + "/rewritten", {"T1"}, 6);
    std::string prev = genesis_hash();
    for (int i = 1; i <= 6; ++i) {
      REQUIRE(
          rewritten
              ->append({chained("T2", i, &prev, i == 3 ? R"({"lot":"edited"})" : "{}")}, nullptr)
              .ok());
    }
    ChainFold unkeyed;
    REQUIRE(fold_ledger(*rewritten, &unkeyed).ok());
    CHECK(unkeyed.chain().finding == Finding::kIntact);  // the unkeyed chain alone cannot tell
    const IntegrityReport r = check(*rewritten, cp);
    CHECK(r.finding == Finding::kRewritten);
    CHECK(r.detail.find("tenant T2 seq 6") != std::string::npos);
    CHECK(r.detail.find(cp.tenants[1].hash) != std::string::npos);
  }
  SUBCASE("an empty ledger") {
    auto empty = ledger_with(dir.path() + "/empty", {}, 0);
    CHECK(check(*empty, cp).finding == Finding::kLedgerVanished);
  }
  SUBCASE("an altered event breaks the unkeyed chain at its position") {
    ChainFold f;
    std::string prev = genesis_hash();
    Envelope a = chained("T9", 1, &prev);
    Envelope b = chained("T9", 2, &prev);
    b.payload_json = R"({"x":1})";
    f.observe(StoredEvent{Position{1, 0}, a});
    f.observe(StoredEvent{Position{1, 1}, b});
    CHECK(f.chain().finding == Finding::kChainBroken);
    CHECK(f.chain().detail ==
          "tenant T9 seq 2 at 1:1: hash does not match the event's bytes (altered event)");
  }
}

TEST_CASE(
    "checkpointer: a first checkpoint at start, every N events, a final one at stop, in all three "
    "places") {
  testing::TempDir dir;
  ControlledEnv env(posix_env());
  env.seed_random(7);
  env.set_now_ms(1'000'000);
  auto key = generate_signing_key(env);
  REQUIRE(key.ok());
  auto ledger = ledger_with(dir.path() + "/ledger", {"T1"}, 2);
  CheckpointerOptions o;
  o.env = &env;
  o.ledger_name = "embedded";
  o.key = *key;
  o.files.manifest = dir.path() + "/ledger.manifest";
  o.files.log = dir.path() + "/checkpoints.log";
  o.every_events = 1'000'000;  // only the start and the stop write one here
  o.every_ms = 3'600'000;
  auto found = load_checkpoints(env, ledger.get(), o.files, o.ledger_name);
  REQUIRE(found.ok());
  CHECK(found->empty());
  auto check = check_ledger(env, *ledger, *found, key->public_key);
  REQUIRE(check.ok());
  CHECK(check->report.finding == Finding::kIntact);
  Checkpointer cp(*ledger, o, std::move(check).value());
  REQUIRE(cp.start().ok());
  CHECK(cp.written() == 1);
  std::string prev;
  {
    ChainFold f;
    REQUIRE(fold_ledger(*ledger, &f).ok());
    prev = f.snapshot(2).tenants.at(0).hash;
  }
  for (int i = 3; i <= 5; ++i) REQUIRE(ledger->append({chained("T1", i, &prev)}, nullptr).ok());
  REQUIRE(cp.stop().ok());
  CHECK(cp.written() == 2);  // the final one: no periodic one was due
  auto again = load_checkpoints(env, ledger.get(), o.files, o.ledger_name);
  REQUIRE(again.ok());
  REQUIRE(again->size() == 3);  // the newest of the manifest, of the log and of the ledger's copy
  for (const FoundCheckpoint& f : *again) CHECK(f.checkpoint.signed_by(key->public_key));
  const Checkpoint& newest = again->front().checkpoint;
  CHECK(newest.number == 2);
  CHECK(newest.events == 5);
  CHECK(newest.created_at_ms == 1'000'000);
  REQUIRE(newest.tenants.size() == 1);
  CHECK(newest.tenants[0].seq == 5);
  CHECK(newest.tenants[0].hash == prev);
  CHECK(again->back().checkpoint.encode() == newest.encode());
  {
    std::ifstream log(o.files.log);
    int lines = 0;
    for (std::string line; std::getline(log, line);) {
      auto c = decode_checkpoint(line);
      REQUIRE(c.ok());
      CHECK(c->number == static_cast<uint64_t>(++lines));
    }
    CHECK(lines == 2);
  }
  // An append cut short by a crash: ignored when read, dropped by the next start.
  {
    std::ofstream(o.files.log, std::ios::app) << R"({"agritrace_checkpoint":1,"ledger":"emb)";
  }
  auto torn = load_checkpoints(env, ledger.get(), o.files, o.ledger_name);
  REQUIRE(torn.ok());
  CHECK(torn->size() == 3);
  // A restart compares with it, and a shorter ledger is refused.
  auto check2 = check_ledger(env, *ledger, *again, key->public_key);
  REQUIRE(check2.ok());
  CHECK(check2->report.finding == Finding::kIntact);
  auto shorter = ledger_with(dir.path() + "/shorter", {"T1"}, 4);
  auto check3 = check_ledger(env, *shorter, *again, key->public_key);
  REQUIRE(check3.ok());
  CHECK(check3->report.finding == Finding::kTruncated);
  CHECK(check3->report.detail.find("tenant T1 ends at seq 4") != std::string::npos);
  Checkpointer restarted(*ledger, o, std::move(check2).value());
  REQUIRE(restarted.start().ok());
  REQUIRE(ledger->append({chained("T1", 6, &prev)}, nullptr).ok());
  REQUIRE(restarted.stop().ok());
  auto after = load_checkpoints(env, ledger.get(), o.files, o.ledger_name);
  REQUIRE(after.ok());
  CHECK(after->front().checkpoint.number == 3);  // the stop's (nothing new at the restart)
  CHECK(after->size() == 3);
}

TEST_CASE(
    "checkpointer: a checkpoint once the Env clock has moved on by the interval, not before") {
  testing::TempDir dir;
  ControlledEnv env(posix_env());
  env.set_now_ms(5'000'000);
  auto ledger = ledger_with(dir.path() + "/ledger", {"T1"}, 1);
  CheckpointerOptions o;
  o.env = &env;
  o.ledger_name = "embedded";
  o.files.manifest = dir.path() + "/ledger.manifest";  // no key: the unsigned manifest only
  o.every_events = 1'000'000;
  o.every_ms = 60'000;
  auto check = check_ledger(env, *ledger, {}, std::nullopt);
  REQUIRE(check.ok());
  Checkpointer cp(*ledger, o, std::move(check).value());
  REQUIRE(cp.start().ok());
  REQUIRE(cp.written() == 1);
  std::string prev;
  {
    ChainFold f;
    REQUIRE(fold_ledger(*ledger, &f).ok());
    prev = f.snapshot(2).tenants.at(0).hash;
  }
  REQUIRE(ledger->append({chained("T1", 2, &prev)}, nullptr).ok());  // news, but not due yet
  REQUIRE(cp.wait_observed(2, 20'000));  // seen, and found not due, before the clock moves
  env.advance_ms(60'000);
  REQUIRE(ledger->append({chained("T1", 3, &prev)}, nullptr).ok());  // wakes it: due now
  REQUIRE(cp.wait_written(2, 20'000));
  auto found = load_checkpoints(env, ledger.get(), o.files, o.ledger_name);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  const Checkpoint& c = found->front().checkpoint;
  CHECK(c.key_id.empty());
  CHECK(c.number == 2);  // nothing was written for the event before the clock moved
  CHECK(c.created_at_ms == 5'060'000);
  CHECK(c.events == 3);
  REQUIRE(cp.stop().ok());
  CHECK(cp.written() == 2);  // nothing new to write at stop
}

TEST_CASE("env: make_private leaves no group/other permission on the data folder or new files") {
  testing::TempDir dir;
  const std::string sub = dir.path() + "/data/inner";
  std::filesystem::create_directories(sub);
  std::filesystem::permissions(dir.path() + "/data", std::filesystem::perms::all);
  {
    std::ofstream(sub + "/old.txt") << "x";
  }
  std::filesystem::permissions(sub + "/old.txt", std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::others_read |
                                                     std::filesystem::perms::group_read);
  REQUIRE(posix_env().make_private(dir.path() + "/data").ok());
  auto mode = [](const std::string& p) {
    struct ::stat st{};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
  };
  CHECK(mode(dir.path() + "/data") == 0700);
  CHECK(mode(sub) == 0700);
  CHECK(mode(sub + "/old.txt") == 0600);
  {
    std::ofstream(sub + "/new.txt") << "y";
  }  // created by a library, not through the Env
  CHECK(mode(sub + "/new.txt") == 0600);
  std::filesystem::create_directories(sub + "/newdir");
  CHECK(mode(sub + "/newdir") == 0700);
}

}  // namespace
}  // namespace agritrace::events
