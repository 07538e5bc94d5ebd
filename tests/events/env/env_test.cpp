// The two Env implementations: the POSIX one (real clocks, CSPRNG, durable files with the right
// modes) and ControlledEnv (clock modes, seeded randomness, every file fault).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/base/civil_time.h"
#include "events/env/controlled_env.h"
#include "events/env/posix_env.h"
#include "tests/support/test_env.h"

namespace agritrace::events {
namespace {

using testing::TempDir;

uint32_t mode_of(const std::string& path) {
  struct ::stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

int64_t parse_ms(const char* text) { return *core::parse_rfc3339(text, "t"); }

TEST_CASE("posix env: wall clock near the file system's clock, monotonic clock never goes back") {
  Env& env = posix_env();
  TempDir dir;
  REQUIRE(env.write_file_durably(dir.path() + "/f", "x").ok());
  struct ::stat st {};
  REQUIRE(::stat((dir.path() + "/f").c_str(), &st) == 0);
  const int64_t file_ms = int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  const int64_t now = env.now_ms();
  CHECK(now >= file_ms - 1000);
  CHECK(now <= file_ms + 60'000);
  int64_t last = env.monotonic_ns();
  for (int i = 0; i < 1000; ++i) {
    const int64_t t = env.monotonic_ns();
    CHECK(t >= last);
    last = t;
  }
  CHECK(env.today() == core::date_from_unix_ms(env.now_ms(), kPlatformUtcOffsetMinutes));
}

TEST_CASE("posix env: CSPRNG bytes differ between draws and fill any length") {
  Env& env = posix_env();
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) {
    std::string b(16, '\0');
    REQUIRE(env.random_bytes(b.data(), b.size()).ok());
    seen.insert(b);
  }
  CHECK(seen.size() == 64);
  std::vector<unsigned char> big(1 << 20, 0);
  REQUIRE(env.random_bytes(big.data(), big.size()).ok());
  CHECK(std::count(big.begin(), big.end(), 0) < 8192);  // ~4096 expected zeros
  CHECK(env.random_seed() != env.random_seed());
}

TEST_CASE("posix env: durable writes replace atomically, files 0600, folders 0700, no temporaries left") {
  Env& env = posix_env();
  TempDir dir;
  const std::string sub = dir.path() + "/a/b/c";
  REQUIRE(env.create_dirs(sub).ok());
  CHECK(mode_of(dir.path() + "/a") == 0700);
  CHECK(mode_of(sub) == 0700);
  CHECK(env.create_dirs(sub).ok());  // idempotent
  const std::string f = sub + "/file";
  CHECK_FALSE(env.file_exists(f));
  auto missing = env.read_file(f);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().reason == "file_not_found");
  REQUIRE(env.write_file_durably(f, "first").ok());
  REQUIRE(env.write_file_durably(f, std::string(200'000, 'z')).ok());
  CHECK(env.file_exists(f));
  CHECK(*env.read_file(f) == std::string(200'000, 'z'));
  CHECK(mode_of(f) == 0600);
  CHECK(entries(sub) == std::vector<std::string>{"file"});
  // A file where a folder should be: a Status, not an exception.
  CHECK_FALSE(env.create_dirs(f + "/x").ok());
  CHECK_FALSE(env.write_file_durably(dir.path() + "/no/such/folder/f", "x").ok());
}

TEST_CASE("posix env: appendable file appends across opens and syncs") {
  Env& env = posix_env();
  TempDir dir;
  const std::string f = dir.path() + "/audit.log";
  {
    auto file = env.open_appendable(f);
    REQUIRE(file.ok());
    REQUIRE((*file)->append("one\n").ok());
    REQUIRE((*file)->sync().ok());
    REQUIRE((*file)->close().ok());
  }
  {
    auto file = env.open_appendable(f);
    REQUIRE(file.ok());
    REQUIRE((*file)->append("two\n").ok());
    REQUIRE((*file)->flush().ok());
  }  // closed by the destructor
  CHECK(*env.read_file(f) == "one\ntwo\n");
  CHECK(mode_of(f) == 0600);
}

TEST_CASE("controlled env: fixed, stepped, offset and started-at clocks") {
  ControlledEnv env(posix_env());
  SUBCASE("base clock by default") {
    const int64_t real = posix_env().now_ms();
    CHECK(env.now_ms() >= real);
    CHECK(env.now_ms() < real + 60'000);
  }
  SUBCASE("fixed") {
    env.set_now_ms(parse_ms("2027-01-01T00:00:00Z"));
    CHECK(env.now_ms() == parse_ms("2027-01-01T00:00:00Z"));
    CHECK(env.now_ms() == parse_ms("2027-01-01T00:00:00Z"));
    // 08:00 in Shanghai: the platform day is the UTC day here; one minute before midnight
    // Shanghai time (15:59 UTC) is still the same day, 16:00 UTC is the next.
    CHECK(core::format_date(env.today()) == "2027-01-01");
    env.set_now_ms(parse_ms("2027-12-31T15:59:59.999Z"));
    CHECK(core::format_date(env.today()) == "2027-12-31");
    env.advance_ms(1);
    CHECK(core::format_date(env.today()) == "2028-01-01");
  }
  SUBCASE("stepped") {
    env.set_stepped(1000, 250);
    CHECK(env.now_ms() == 1000);
    CHECK(env.now_ms() == 1250);
    CHECK(env.now_ms() == 1500);
    env.advance_ms(10'000);
    CHECK(env.now_ms() == 11'750);
  }
  SUBCASE("offset") {
    env.set_offset_ms(400LL * 86'400'000);
    const int64_t real = posix_env().now_ms();
    const int64_t moved = env.now_ms();
    CHECK(moved - real >= 400LL * 86'400'000);
    CHECK(moved - real < 400LL * 86'400'000 + 60'000);
    CHECK(env.today().days_since_epoch - posix_env().today().days_since_epoch >= 399);
    env.set_offset_ms(-86'400'000);
    CHECK(env.now_ms() < posix_env().now_ms());
  }
  SUBCASE("started-at: the anchor plus monotonic time elapsed since") {
    env.pin_monotonic_ns(5'000'000'000);
    env.start_at(parse_ms("2031-06-01T12:00:00Z"));
    CHECK(env.now_ms() == parse_ms("2031-06-01T12:00:00Z"));
    env.advance_monotonic_ns(1'500'000'000);
    CHECK(env.now_ms() == parse_ms("2031-06-01T12:00:01.500Z"));
    CHECK(env.monotonic_ns() == 6'500'000'000);
    env.use_base_monotonic();
    CHECK(env.monotonic_ns() != 6'500'000'000);
  }
  SUBCASE("started-at on the real monotonic clock advances") {
    env.start_at(parse_ms("2031-06-01T12:00:00Z"));
    const int64_t first = env.now_ms();
    CHECK(first >= parse_ms("2031-06-01T12:00:00Z"));
    CHECK(first < parse_ms("2031-06-01T12:01:00Z"));
    CHECK(env.now_ms() >= first);
  }
  SUBCASE("back to the base clock") {
    env.set_now_ms(0);
    env.use_base_clock();
    CHECK(env.now_ms() > parse_ms("2020-01-01T00:00:00Z"));
  }
}

TEST_CASE("controlled env: seeded randomness is reproducible, and a failed draw is a value") {
  ControlledEnv a(posix_env()), b(posix_env());
  a.seed_random(42);
  b.seed_random(42);
  std::array<unsigned char, 37> x{}, y{};
  REQUIRE(a.random_bytes(x.data(), x.size()).ok());
  REQUIRE(b.random_bytes(y.data(), y.size()).ok());
  CHECK(x == y);
  CHECK(a.random_seed() == b.random_seed());
  b.seed_random(43);
  REQUIRE(a.random_bytes(x.data(), x.size()).ok());
  REQUIRE(b.random_bytes(y.data(), y.size()).ok());
  CHECK(x != y);
  // Known values pin the algorithm: a seed's sequence must not change between builds.
  SeededRandom r1(7), r2(7);
  for (int i = 0; i < 100; ++i) CHECK(r1.next() == r2.next());
  CHECK(SeededRandom(0).next() == SeededRandom(0).next());
  CHECK(SeededRandom(0).next() != SeededRandom(1).next());
  for (int i = 0; i < 1000; ++i) CHECK(r1.below(10) < 10);
  a.fail_random(true);
  Status failed = a.random_bytes(x.data(), x.size());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().reason == "random_failed");
  a.fail_random(false);
  a.use_base_random();
  CHECK(a.random_bytes(x.data(), x.size()).ok());
}

TEST_CASE("controlled env: file faults per path prefix") {
  TempDir dir;
  ControlledEnv env(posix_env());
  const std::string docs = dir.path() + "/documents";
  const std::string other = dir.path() + "/other";
  REQUIRE(env.create_dirs(docs).ok());
  REQUIRE(env.create_dirs(other).ok());

  SUBCASE("full disk: durable writes, mkdir, append and sync fail with disk_full; nothing is left") {
    env.inject_fault(docs, FileFault::kDiskFull);
    Status w = env.write_file_durably(docs + "/f", "bytes");
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().code == ErrorCode::kIoError);
    CHECK(w.error().reason == "disk_full");
    CHECK(entries(docs).empty());
    CHECK(env.create_dirs(docs + "/T1").error().reason == "disk_full");
    auto log = env.open_appendable(docs + "/audit.log");
    REQUIRE(log.ok());
    CHECK((*log)->append("x").error().reason == "disk_full");
    CHECK((*log)->sync().error().reason == "disk_full");
    // Other paths are untouched.
    CHECK(env.write_file_durably(other + "/f", "bytes").ok());
    // Cleared: writes work again.
    env.clear_faults();
    CHECK(env.write_file_durably(docs + "/f", "bytes").ok());
    CHECK((*log)->append("x").ok());
  }
  SUBCASE("failed fsync: durable writes and sync fail with fsync_failed, plain appends work") {
    env.inject_fault(docs, FileFault::kFsyncFailed);
    Status w = env.write_file_durably(docs + "/f", "bytes");
    REQUIRE_FALSE(w.ok());
    CHECK(w.error().reason == "fsync_failed");
    CHECK_FALSE(env.file_exists(docs + "/f"));
    auto log = env.open_appendable(docs + "/audit.log");
    REQUIRE(log.ok());
    CHECK((*log)->append("x").ok());
    CHECK((*log)->sync().error().reason == "fsync_failed");
    CHECK(env.create_dirs(docs + "/T1").ok());
  }
  SUBCASE("read-only folder: anything that writes fails with read_only, reads work") {
    REQUIRE(env.write_file_durably(docs + "/kept", "old").ok());
    env.inject_fault(docs, FileFault::kReadOnly);
    CHECK(env.write_file_durably(docs + "/kept", "new").error().reason == "read_only");
    CHECK(env.create_dirs(docs + "/T1").error().reason == "read_only");
    CHECK(env.open_appendable(docs + "/audit.log").error().reason == "read_only");
    CHECK(*env.read_file(docs + "/kept") == "old");
    CHECK(env.file_exists(docs + "/kept"));
  }
  SUBCASE("the longest prefix wins; clear_fault removes one") {
    env.inject_fault(dir.path(), FileFault::kReadOnly);
    env.inject_fault(docs, FileFault::kDiskFull);
    CHECK(env.write_file_durably(docs + "/f", "x").error().reason == "disk_full");
    CHECK(env.write_file_durably(other + "/f", "x").error().reason == "read_only");
    env.clear_fault(docs);
    CHECK(env.write_file_durably(docs + "/f", "x").error().reason == "read_only");
  }
}

}  // namespace
}  // namespace agritrace::events
