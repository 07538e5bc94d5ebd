// ControlledEnv: an Env for tests and demos that wraps a base Env (LevelDB's EnvWrapper style) and
// lets the caller control what the base would decide:
//   - the wall clock: fixed (set_now_ms), stepped (every read advances by a step), offset (the
//     base clock + N ms) or started-at (an anchor instant + the monotonic time elapsed since);
//     the monotonic clock may be pinned and advanced by hand too;
//   - randomness: seeded and deterministic (xoshiro256**; NEVER for production secrets), or
//     failing, to test that a failed draw is a value;
//   - file faults per path prefix: full disk (ENOSPC on write, append, sync and mkdir), failed
//     fsync (EIO on sync) and read-only folder (EROFS on anything that writes). Faults become
//     Status errors (kIoError, reasons `disk_full`, `fsync_failed`, `read_only`), as the POSIX
//     Env reports the real conditions.
// Everything not controlled goes to the base. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/env.h"

namespace agritrace::events {

// A seeded, deterministic, non-cryptographic PRNG (xoshiro256**, seeded through splitmix64), for
// tests, benchmarks and jitter. Never for identifiers or secrets: use Env::random_bytes.
class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed);
  uint64_t next();
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n);
  void fill(void* out, size_t n);
  // UniformRandomBitGenerator, for std::shuffle and <random> distributions.
  using result_type = uint64_t;
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t operator()() { return next(); }

 private:
  uint64_t s_[4];
};

enum class FileFault : uint8_t {
  kDiskFull,     // ENOSPC on write, append, sync and mkdir
  kFsyncFailed,  // EIO on fsync (durable writes, AppendableFile::sync)
  kReadOnly,     // EROFS on anything that creates or changes a file or folder
};

class ControlledEnv final : public Env {
 public:
  explicit ControlledEnv(Env& base);
  ~ControlledEnv() override;

  // ---- clock ----
  void set_now_ms(int64_t ms);                        // fixed: every read answers ms
  void set_stepped(int64_t start_ms, int64_t step_ms);  // reads answer start, start+step, ...
  void set_offset_ms(int64_t offset_ms);              // base clock + offset
  // The clock reads `anchor_ms` now and advances with the base's monotonic clock from now on.
  void start_at(int64_t anchor_ms);
  void use_base_clock();
  // Moves the wall clock (any mode but the base clock) by delta_ms.
  void advance_ms(int64_t delta_ms);
  // Monotonic clock: pinned at ns (then moved only by advance_monotonic_ns), or the base's.
  void pin_monotonic_ns(int64_t ns);
  void advance_monotonic_ns(int64_t delta_ns);
  void use_base_monotonic();

  // ---- randomness ----
  void seed_random(uint64_t seed);  // deterministic bytes from now on
  void use_base_random();
  void fail_random(bool fail);      // random_bytes answers kInternal `random_failed`

  // ---- file faults ----
  // Paths starting with `prefix` (a plain string prefix) get the fault; the longest matching
  // prefix wins.
  void inject_fault(const std::string& prefix, FileFault fault);
  void clear_fault(const std::string& prefix);
  void clear_faults();

  // ---- Env ----
  int64_t now_ms() override;
  int64_t monotonic_ns() override;
  Status random_bytes(void* out, size_t n) override;
  Status write_file_durably(const std::string& path, std::string_view bytes) override;
  Result<std::string> read_file(const std::string& path) override;
  bool file_exists(const std::string& path) override;
  Result<uint64_t> file_size(const std::string& path) override;
  Status create_dirs(const std::string& path, uint32_t mode = 0700) override;
  Result<std::unique_ptr<AppendableFile>> open_appendable(const std::string& path) override;
  Status make_private(const std::string& dir) override;

  Env& base() { return base_; }
  // The fault for `path` now, if any (used by the AppendableFile wrapper on every call).
  std::optional<FileFault> fault_for(const std::string& path) const;

 private:
  enum class ClockMode : uint8_t { kBase, kFixed, kStepped, kOffset, kStartedAt };
  Env& base_;
  mutable std::mutex mu_;
  ClockMode clock_mode_ = ClockMode::kBase;
  int64_t clock_value_ = 0;   // fixed/stepped: next reading; offset: the offset; started-at: anchor
  int64_t clock_step_ = 0;
  int64_t clock_mono_origin_ns_ = 0;  // started-at: base monotonic reading at the anchor
  std::optional<int64_t> mono_pinned_;
  std::unique_ptr<SeededRandom> rng_;
  bool fail_random_ = false;
  std::vector<std::pair<std::string, FileFault>> faults_;
};

// The Status a fault produces for an operation on `path` (reasons `disk_full`, `fsync_failed`,
// `read_only`); exposed for tests.
Error fault_error(FileFault fault, std::string_view op, const std::string& path);

}  // namespace agritrace::events
