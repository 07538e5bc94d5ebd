// A minimal Env for the simulator binary, the device tests and the device bench: real clocks
// (CLOCK_REALTIME / CLOCK_MONOTONIC) and getrandom(2); it manages no files. Replace it with
// events/posix_env.h (PosixEnv) once that is on main; the drivers only ever see `Env&`.
#pragma once

#include "core/env.h"

namespace agritrace::devices::sim {

class SteadyEnv final : public Env {
 public:
  int64_t now_ms() override;
  int64_t monotonic_ns() override;
  Status random_bytes(void* out, size_t n) override;
  Status write_file_durably(const std::string& path, std::string_view bytes) override;
  Result<std::string> read_file(const std::string& path) override;
  bool file_exists(const std::string& path) override;
  Status create_dirs(const std::string& path, uint32_t mode) override;
  Result<std::unique_ptr<AppendableFile>> open_appendable(const std::string& path) override;
};

}  // namespace agritrace::devices::sim
