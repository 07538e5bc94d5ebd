#include "events/env/controlled_env.h"

#include <fmt/format.h>

#include <cstring>

namespace agritrace::events {
namespace {

uint64_t splitmix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Which operations a fault hits.
enum class Op : uint8_t { kWrite, kSync, kCreate };

bool hits(FileFault f, Op op) {
  switch (f) {
    case FileFault::kDiskFull: return true;
    case FileFault::kFsyncFailed: return op == Op::kSync;
    case FileFault::kReadOnly: return true;
  }
  return false;
}

class FaultyAppendableFile final : public AppendableFile {
 public:
  FaultyAppendableFile(ControlledEnv& env, std::string path, std::unique_ptr<AppendableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Status append(std::string_view bytes) override {
    if (auto f = env_.fault_for(path_); f && hits(*f, Op::kWrite)) return fault_error(*f, "append", path_);
    return base_->append(bytes);
  }
  Status flush() override {
    if (auto f = env_.fault_for(path_); f && hits(*f, Op::kWrite)) return fault_error(*f, "flush", path_);
    return base_->flush();
  }
  Status sync() override {
    if (auto f = env_.fault_for(path_); f && hits(*f, Op::kSync)) return fault_error(*f, "fsync", path_);
    return base_->sync();
  }
  Status close() override { return base_->close(); }

 private:
  ControlledEnv& env_;
  std::string path_;
  std::unique_ptr<AppendableFile> base_;
};

}  // namespace

// ---- SeededRandom ----

SeededRandom::SeededRandom(uint64_t seed) {
  uint64_t sm = seed;
  for (uint64_t& s : s_) s = splitmix64(&sm);
}

uint64_t SeededRandom::next() {  // xoshiro256** 1.0 (Blackman & Vigna)
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t SeededRandom::below(uint64_t n) {
  // Lemire's rejection: unbiased.
  const uint64_t threshold = (0 - n) % n;
  for (;;) {
    const uint64_t r = next();
    if (r >= threshold) return r % n;
  }
}

void SeededRandom::fill(void* out, size_t n) {
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {
    const uint64_t r = next();
    const size_t k = n < sizeof r ? n : sizeof r;
    std::memcpy(p, &r, k);
    p += k;
    n -= k;
  }
}

// ---- faults ----

Error fault_error(FileFault fault, std::string_view op, const std::string& path) {
  switch (fault) {
    case FileFault::kDiskFull:
      return make_error(ErrorCode::kIoError, "disk_full",
                        fmt::format("{} {}: No space left on device (injected)", op, path));
    case FileFault::kFsyncFailed:
      return make_error(ErrorCode::kIoError, "fsync_failed",
                        fmt::format("{} {}: Input/output error (injected)", op, path));
    case FileFault::kReadOnly:
      return make_error(ErrorCode::kIoError, "read_only",
                        fmt::format("{} {}: Read-only file system (injected)", op, path));
  }
  return make_error(ErrorCode::kIoError, "io_error", std::string(op) + " " + path);
}

// ---- ControlledEnv ----

ControlledEnv::ControlledEnv(Env& base) : base_(base) {}
ControlledEnv::~ControlledEnv() = default;

void ControlledEnv::set_now_ms(int64_t ms) {
  std::lock_guard lock(mu_);
  clock_mode_ = ClockMode::kFixed;
  clock_value_ = ms;
}

void ControlledEnv::set_stepped(int64_t start_ms, int64_t step_ms) {
  std::lock_guard lock(mu_);
  clock_mode_ = ClockMode::kStepped;
  clock_value_ = start_ms;
  clock_step_ = step_ms;
}

void ControlledEnv::set_offset_ms(int64_t offset_ms) {
  std::lock_guard lock(mu_);
  clock_mode_ = ClockMode::kOffset;
  clock_value_ = offset_ms;
}

void ControlledEnv::start_at(int64_t anchor_ms) {
  const int64_t origin = monotonic_ns();
  std::lock_guard lock(mu_);
  clock_mode_ = ClockMode::kStartedAt;
  clock_value_ = anchor_ms;
  clock_mono_origin_ns_ = origin;
}

void ControlledEnv::use_base_clock() {
  std::lock_guard lock(mu_);
  clock_mode_ = ClockMode::kBase;
}

void ControlledEnv::advance_ms(int64_t delta_ms) {
  std::lock_guard lock(mu_);
  clock_value_ += delta_ms;
}

void ControlledEnv::pin_monotonic_ns(int64_t ns) {
  std::lock_guard lock(mu_);
  mono_pinned_ = ns;
}

void ControlledEnv::advance_monotonic_ns(int64_t delta_ns) {
  std::lock_guard lock(mu_);
  if (mono_pinned_) *mono_pinned_ += delta_ns;
}

void ControlledEnv::use_base_monotonic() {
  std::lock_guard lock(mu_);
  mono_pinned_.reset();
}

int64_t ControlledEnv::now_ms() {
  std::unique_lock lock(mu_);
  switch (clock_mode_) {
    case ClockMode::kBase: break;
    case ClockMode::kFixed: return clock_value_;
    case ClockMode::kStepped: {
      const int64_t v = clock_value_;
      clock_value_ += clock_step_;
      return v;
    }
    case ClockMode::kOffset: {
      const int64_t offset = clock_value_;
      lock.unlock();
      return base_.now_ms() + offset;
    }
    case ClockMode::kStartedAt: {
      const int64_t anchor = clock_value_, origin = clock_mono_origin_ns_;
      const std::optional<int64_t> pinned = mono_pinned_;
      lock.unlock();
      const int64_t mono = pinned ? *pinned : base_.monotonic_ns();
      const int64_t elapsed_ns = mono - origin;
      return anchor + (elapsed_ns >= 0 ? elapsed_ns / 1'000'000 : -((-elapsed_ns + 999'999) / 1'000'000));
    }
  }
  lock.unlock();
  return base_.now_ms();
}

int64_t ControlledEnv::monotonic_ns() {
  {
    std::lock_guard lock(mu_);
    if (mono_pinned_) return *mono_pinned_;
  }
  return base_.monotonic_ns();
}

void ControlledEnv::seed_random(uint64_t seed) {
  std::lock_guard lock(mu_);
  rng_ = std::make_unique<SeededRandom>(seed);
}

void ControlledEnv::use_base_random() {
  std::lock_guard lock(mu_);
  rng_.reset();
}

void ControlledEnv::fail_random(bool fail) {
  std::lock_guard lock(mu_);
  fail_random_ = fail;
}

Status ControlledEnv::random_bytes(void* out, size_t n) {
  {
    std::lock_guard lock(mu_);
    if (fail_random_) {
      return make_error(ErrorCode::kInternal, "random_failed", "random_bytes: injected failure");
    }
    if (rng_) {
      rng_->fill(out, n);
      return Status::Ok();
    }
  }
  return base_.random_bytes(out, n);
}

void ControlledEnv::inject_fault(const std::string& prefix, FileFault fault) {
  std::lock_guard lock(mu_);
  for (auto& [p, f] : faults_) {
    if (p == prefix) {
      f = fault;
      return;
    }
  }
  faults_.emplace_back(prefix, fault);
}

void ControlledEnv::clear_fault(const std::string& prefix) {
  std::lock_guard lock(mu_);
  std::erase_if(faults_, [&](const auto& pf) { return pf.first == prefix; });
}

void ControlledEnv::clear_faults() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

std::optional<FileFault> ControlledEnv::fault_for(const std::string& path) const {
  std::lock_guard lock(mu_);
  std::optional<FileFault> found;
  size_t best = 0;
  for (const auto& [p, f] : faults_) {
    if (path.starts_with(p) && (!found || p.size() >= best)) {
      found = f;
      best = p.size();
    }
  }
  return found;
}

Status ControlledEnv::write_file_durably(const std::string& path, std::string_view bytes) {
  // A fault fails the write before anything reaches the disk: what a failed durable write leaves
  // behind (nothing; the POSIX Env removes its temporary file) is what the caller sees.
  if (auto f = fault_for(path)) {
    return fault_error(*f, *f == FileFault::kFsyncFailed ? "fsync" : "write", path);
  }
  return base_.write_file_durably(path, bytes);
}

Result<std::string> ControlledEnv::read_file(const std::string& path) { return base_.read_file(path); }

bool ControlledEnv::file_exists(const std::string& path) { return base_.file_exists(path); }

Result<uint64_t> ControlledEnv::file_size(const std::string& path) { return base_.file_size(path); }

Status ControlledEnv::create_dirs(const std::string& path, uint32_t mode) {
  if (auto f = fault_for(path); f && hits(*f, Op::kCreate)) {
    return fault_error(*f, "mkdir", path);
  }
  return base_.create_dirs(path, mode);
}

Status ControlledEnv::make_private(const std::string& dir) {
  if (auto f = fault_for(dir); f && *f == FileFault::kReadOnly)
    return fault_error(*f, "chmod", dir);
  return base_.make_private(dir);
}

Result<std::unique_ptr<AppendableFile>> ControlledEnv::open_appendable(const std::string& path) {
  if (auto f = fault_for(path); f && *f == FileFault::kReadOnly) return fault_error(*f, "open", path);
  auto file = base_.open_appendable(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<AppendableFile>(
      std::make_unique<FaultyAppendableFile>(*this, path, std::move(file).value()));
}

}  // namespace agritrace::events
