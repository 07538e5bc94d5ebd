// Env: the one seam through which AgriTrace reads time, draws randomness and touches the files it
// manages itself (documents, identity files, the audit log), in the spirit of LevelDB's Env.
// Production uses the POSIX implementation (events/env/posix_env.h); tests and demos substitute a
// controllable one (events/env/controlled_env.h: fixed, stepped or offset clock, seeded randomness,
// injected file faults). Nothing outside an Env implementation may read the wall clock or draw
// randomness (a lint test enforces it). The business rules in core never see an Env: the writer
// passes them the instant and the calendar day as plain values (core::Context).
// This header only declares the interface; core itself does no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/civil_time.h"
#include "core/base/status.h"

namespace agritrace {

// The platform's calendar is China Standard Time (Asia/Shanghai, UTC+8, no daylight saving).
inline constexpr int32_t kPlatformUtcOffsetMinutes = 8 * 60;

// An open file to which records are appended (the audit log). Not thread-safe.
class AppendableFile {
 public:
  virtual ~AppendableFile() = default;
  virtual Status append(std::string_view bytes) = 0;
  virtual Status flush() = 0;  // to the OS
  virtual Status sync() = 0;   // to stable storage (fdatasync)
  virtual Status close() = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // ---- time ----
  // Wall clock, Unix milliseconds, UTC.
  virtual int64_t now_ms() = 0;
  // Monotonic clock in nanoseconds from an arbitrary origin: deadlines and durations only.
  virtual int64_t monotonic_ns() = 0;
  // The platform's calendar day (Asia/Shanghai) of now_ms().
  core::Date today() { return core::date_from_unix_ms(now_ms(), kPlatformUtcOffsetMinutes); }

  // ---- randomness ----
  // Cryptographically secure bytes (identifiers, API keys, trace-code serials). Failure is a
  // value: the caller answers 500 rather than issue a guessable secret.
  virtual Status random_bytes(void* out, size_t n) = 0;
  // A seed for a non-cryptographic PRNG (jitter, test names). Draws from random_bytes.
  uint64_t random_seed() {
    uint64_t seed = 0;
    (void)random_bytes(&seed, sizeof seed);  // a failed draw leaves 0: still a valid seed
    return seed;
  }

  // ---- files the product manages itself ----
  // Writes `bytes` to `path` atomically and durably: temporary file, fsync, rename, fsync of the
  // folder. Creates no folders.
  virtual Status write_file_durably(const std::string& path, std::string_view bytes) = 0;
  // The whole file. kNotFound/`file_not_found` when it does not exist.
  virtual Result<std::string> read_file(const std::string& path) = 0;
  virtual bool file_exists(const std::string& path) = 0;
  // The size in bytes of a regular file. kNotFound/`file_not_found` when it does not exist.
  virtual Result<uint64_t> file_size(const std::string& path) = 0;
  // mkdir -p with the given mode (0700 for data folders).
  virtual Status create_dirs(const std::string& path, uint32_t mode = 0700) = 0;
  // Opens (creating) `path` for appending.
  virtual Result<std::unique_ptr<AppendableFile>> open_appendable(const std::string& path) = 0;
  // Data folders are private to the service account (GB/T 22239 storage controls): every file and
  // folder this process creates from now on, through the Env or a library (RocksDB, the blob
  // store), is created without group/other permissions (umask 077), and `dir` with everything
  // already in it is tightened to 0700 folders / 0600 files. `dir` may be empty (umask only).
  virtual Status make_private(const std::string& dir) = 0;
};

}  // namespace agritrace
