// The only product source (with events/env/controlled_env.cpp) that reads the clocks or draws
// randomness directly; the lint test tests/env/env_lint_test.cpp enforces it.
#include "events/env/posix_env.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace agritrace::events {
namespace {

// errno -> a Status with a stable reason: a full disk and a read-only file system are
// conditions an operator can act on, so they keep their own reasons.
Error io_error(int err, std::string_view op, const std::string& path) {
  std::string reason = "io_error";
  if (err == ENOSPC || err == EDQUOT) {
    reason = "disk_full";
  } else if (err == EROFS) {
    reason = "read_only";
  } else if (op == "fsync") {
    reason = "fsync_failed";
  }
  return make_error(ErrorCode::kIoError, std::move(reason),
                    fmt::format("{} {}: {}", op, path, std::strerror(err)));
}

int64_t read_clock(clockid_t id, int64_t divisor) {
  struct timespec ts {};
  ::clock_gettime(id, &ts);
  const int64_t ns = int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  // Floor division: instants before 1970 stay correct.
  return ns >= 0 ? ns / divisor : -((-ns + divisor - 1) / divisor);
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(errno, "write", path);
    }
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status fsync_folder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "open", dir);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return io_error(err, "fsync", dir);
  return Status::Ok();
}

class PosixAppendableFile final : public AppendableFile {
 public:
  PosixAppendableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixAppendableFile() override { (void)close(); }
  Status append(std::string_view bytes) override {
    if (fd_ < 0) return io_error(EBADF, "append", path_);
    return write_all(fd_, bytes, path_);  // O_APPEND, unbuffered: one write per record
  }
  Status flush() override { return Status::Ok(); }  // nothing buffered in user space
  Status sync() override {
    if (fd_ < 0) return io_error(EBADF, "fsync", path_);
    if (::fdatasync(fd_) != 0) return io_error(errno, "fsync", path_);
    return Status::Ok();
  }
  Status close() override {
    if (fd_ < 0) return Status::Ok();
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return io_error(errno, "close", path_);
    return Status::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixEnv final : public Env {
 public:
  int64_t now_ms() override { return read_clock(CLOCK_REALTIME, 1'000'000); }
  int64_t monotonic_ns() override { return read_clock(CLOCK_MONOTONIC, 1); }

  Status random_bytes(void* out, size_t n) override {
    auto* p = static_cast<unsigned char*>(out);
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::getrandom(p + got, n - got, 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        return make_error(ErrorCode::kInternal, "random_failed",
                          fmt::format("getrandom: {}", std::strerror(errno)));
      }
      got += static_cast<size_t>(r);
    }
    return Status::Ok();
  }

  Status write_file_durably(const std::string& path, std::string_view bytes) override {
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    // A temporary name of its own per call: concurrent writers of one path never share it.
    const std::string tmp = fmt::format("{}.tmp.{}.{}", path, ::getpid(), tmp_counter_.fetch_add(1));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return io_error(errno, "open", tmp);
    Status s = write_all(fd, bytes, tmp);
    if (s.ok() && ::fsync(fd) != 0) s = io_error(errno, "fsync", tmp);
    if (::close(fd) != 0 && s.ok()) s = io_error(errno, "close", tmp);
    if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = io_error(errno, "rename", path);
    if (!s.ok()) {
      ::unlink(tmp.c_str());  // never leave a partial file behind
      return s;
    }
    return fsync_folder(dir);
  }

  Result<std::string> read_file(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) {
        return make_error(ErrorCode::kNotFound, "file_not_found", "no such file: " + path);
      }
      return io_error(errno, "open", path);
    }
    std::string out;
    struct ::stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
    char buf[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return io_error(err, "read", path);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  bool file_exists(const std::string& path) override {
    struct ::stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<uint64_t> file_size(const std::string& path) override {
    struct ::stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) {
        return make_error(ErrorCode::kNotFound, "file_not_found", "no such file: " + path);
      }
      return io_error(errno, "stat", path);
    }
    if (!S_ISREG(st.st_mode)) return io_error(EISDIR, "stat", path);
    return static_cast<uint64_t>(st.st_size);
  }

  Status create_dirs(const std::string& path, uint32_t mode) override {
    if (path.empty()) return Status::Ok();
    size_t pos = 0;
    for (;;) {
      pos = path.find('/', pos + 1);
      const std::string part = path.substr(0, pos);
      if (!part.empty() && ::mkdir(part.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
        return io_error(errno, "mkdir", part);
      }
      if (pos == std::string::npos) break;
    }
    struct ::stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return io_error(ENOTDIR, "mkdir", path);
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<AppendableFile>> open_appendable(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return io_error(errno, "open", path);
    return std::unique_ptr<AppendableFile>(std::make_unique<PosixAppendableFile>(fd, path));
  }

  Status make_private(const std::string& dir) override {
    ::umask(077);
    if (dir.empty()) return Status::Ok();
    namespace fs = std::filesystem;
    auto tighten = [](const fs::path& p, bool is_dir) -> Status {
      // Never follow a link out of the folder: only the entries themselves are changed.
      if (::chmod(p.c_str(), is_dir ? 0700 : 0600) != 0)
        return io_error(errno, "chmod", p.string());
      return Status::Ok();
    };
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec))) return io_error(ENOTDIR, "chmod", dir);
    if (Status s = tighten(dir, true); !s.ok()) return s;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::file_status st = it->symlink_status(ec);
      if (ec || fs::is_symlink(st)) continue;
      if (Status s = tighten(it->path(), fs::is_directory(st)); !s.ok()) return s;
    }
    if (ec) return io_error(ec.value(), "scan", dir);
    return Status::Ok();
  }

 private:
  std::atomic<uint64_t> tmp_counter_{0};
};

}  // namespace

Env& posix_env() {
  static PosixEnv* env = new PosixEnv();  // never destroyed: usable from any static destructor
  return *env;
}

}  // namespace agritrace::events
