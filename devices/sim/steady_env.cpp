#include "devices/sim/steady_env.h"

#include <sys/random.h>
#include <time.h>

namespace agritrace::devices::sim {

namespace {
Error no_files() {
  return make_error(ErrorCode::kInternal, "not_supported", "SteadyEnv manages no files");
}
}  // namespace

int64_t SteadyEnv::now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
}

int64_t SteadyEnv::monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

Status SteadyEnv::random_bytes(void* out, size_t n) {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    ssize_t got = ::getrandom(p, n, 0);
    if (got <= 0) return make_error(ErrorCode::kInternal, "random_failed", "getrandom failed");
    p += got;
    n -= static_cast<size_t>(got);
  }
  return Status::Ok();
}

Status SteadyEnv::write_file_durably(const std::string&, std::string_view) { return no_files(); }
Result<std::string> SteadyEnv::read_file(const std::string&) { return no_files(); }
bool SteadyEnv::file_exists(const std::string&) { return false; }
Status SteadyEnv::create_dirs(const std::string&, uint32_t) { return no_files(); }
Result<std::unique_ptr<AppendableFile>> SteadyEnv::open_appendable(const std::string&) {
  return no_files();
}

}  // namespace agritrace::devices::sim
