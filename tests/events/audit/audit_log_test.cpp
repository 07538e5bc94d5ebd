// The audit trail (events/audit/audit_log.h): chained records, per-tenant queries, and every
// alteration of a stored record (edit, re-hash, deletion inside the trail) found on open.
#include "events/audit/audit_log.h"

#include <doctest/doctest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>

#include "core/base/digest.h"
#include "tests/support/test_env.h"

namespace agritrace::testing {
namespace {

events::AuditEntry entry(std::string tenant, std::string result) {
  return events::AuditEntry{
      1'700'000'000'000, "request", std::move(tenant), "key_a", "127.0.0.1:5000",
      "getBatch",        403,       std::move(result)};
}

void fill(const std::string& path) {
  auto log = events::AuditLog::open(path);
  REQUIRE(log.ok());
  REQUIRE((*log)->append({entry("A", "role_forbidden"), entry("B", "ok")}, true).ok());
  REQUIRE((*log)->append({entry("A", "login_failed")}, false).ok());
  CHECK((*log)->last_seq() == 3);
}

// Opens the trail's RocksDB directly, as someone with access to the data folder would.
std::unique_ptr<rocksdb::DB> raw(const std::string& path) {
  rocksdb::DB* db = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::Options(), path, &db).ok());
  return std::unique_ptr<rocksdb::DB>(db);
}

const char* kRecord2 = "r00000000000000000002";

}  // namespace

TEST_CASE("audit trail: records chain across reopen, tenants see their own records only") {
  TempDir dir;
  const std::string path = dir.path() + "/audit";
  fill(path);
  auto log = events::AuditLog::open(path);
  REQUIRE(log.ok());
  CHECK((*log)->verify().ok());
  REQUIRE((*log)->append({entry("B", "ok")}, true).ok());
  CHECK((*log)->last_seq() == 4);

  const std::string a = "A";
  auto mine = (*log)->query(&a, 0, 10);
  REQUIRE(mine.ok());
  REQUIRE(mine->records.size() == 2);
  CHECK(mine->records[0].find("\"result\":\"role_forbidden\"") != std::string::npos);
  CHECK(mine->records[1].find("\"seq\":3") != std::string::npos);
  CHECK(mine->next_after == 3);
  auto all = (*log)->query(nullptr, 1, 2);
  REQUIRE(all.ok());
  REQUIRE(all->records.size() == 2);
  CHECK(all->records[0].find("\"seq\":2") != std::string::npos);
  CHECK(all->records[0].find("\"source\":\"127.0.0.1:5000\"") != std::string::npos);
}

TEST_CASE("audit trail: an edited, re-hashed or deleted record is found on open") {
  TempDir dir;
  const std::string path = dir.path() + "/audit";

  SUBCASE("edited bytes") {
    fill(path);
    {
      auto db = raw(path);
      std::string v;
      REQUIRE(db->Get(rocksdb::ReadOptions(), kRecord2, &v).ok());
      v.replace(v.find("\"ok\""), 4, "\"no\"");
      REQUIRE(db->Put(rocksdb::WriteOptions(), kRecord2, v).ok());
    }
    auto log = events::AuditLog::open(path);
    REQUIRE(!log.ok());
    CHECK(log.error().reason == "audit_chain_broken");
    CHECK(log.error().message.find("audit record 2") != std::string::npos);
  }
  SUBCASE("edited and re-hashed: the next record no longer follows") {
    fill(path);
    {
      auto db = raw(path);
      std::string v;
      REQUIRE(db->Get(rocksdb::ReadOptions(), kRecord2, &v).ok());
      std::string body = v.substr(65);
      body.replace(body.find("\"ok\""), 4, "\"no\"");
      REQUIRE(
          db->Put(rocksdb::WriteOptions(), kRecord2, core::sha256_hex(body) + "\n" + body).ok());
    }
    auto log = events::AuditLog::open(path);
    REQUIRE(!log.ok());
    CHECK(log.error().message.find("audit record 3") != std::string::npos);
  }
  SUBCASE("deleted") {
    fill(path);
    REQUIRE(raw(path)->Delete(rocksdb::WriteOptions(), kRecord2).ok());
    auto log = events::AuditLog::open(path);
    REQUIRE(!log.ok());
    CHECK(log.error().message.find("audit record 2: missing") != std::string::npos);
  }
}

}  // namespace agritrace::testing

namespace agritrace::testing {

TEST_CASE("audit trail: head and hash_at name the newest record, read-only open checks the chain") {
  TempDir dir;
  const std::string path = dir.path() + "/audit";
  CHECK_FALSE(events::AuditLog::open_read_only(path).ok());  // never creates a trail
  fill(path);
  auto ro = events::AuditLog::open_read_only(path);
  REQUIRE(ro.ok());
  const auto [seq, hash] = (*ro)->head();
  CHECK(seq == 3);
  auto at3 = (*ro)->hash_at(3);
  REQUIRE(at3.ok());
  REQUIRE(at3->has_value());
  CHECK(**at3 == hash);
  auto at2 = (*ro)->hash_at(2);
  REQUIRE(at2.ok());
  REQUIRE(at2->has_value());
  CHECK(**at2 != hash);
  auto at4 = (*ro)->hash_at(4);
  REQUIRE(at4.ok());
  CHECK_FALSE(at4->has_value());
  ro->reset();
  // Deleting the newest record leaves a valid, shorter chain: only the head tells.
  raw(path)->Delete(rocksdb::WriteOptions(), "r00000000000000000003");
  auto shorter = events::AuditLog::open_read_only(path);
  REQUIRE(shorter.ok());
  CHECK((*shorter)->head().first == 2);
  auto gone = (*shorter)->hash_at(3);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

}  // namespace agritrace::testing
