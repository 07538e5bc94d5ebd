#include "api/production/blob_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/base/digest.h"
#include "core/base/identifiers.h"

namespace agritrace::api {
namespace {

Error io(std::string what) {
  return make_error(ErrorCode::kIoError, "blob_io_error", std::move(what));
}

Status fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return io(fmt::format("open {}: {}", path, std::strerror(errno)));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io(fmt::format("fsync {}: {}", path, std::strerror(errno)));
  return Status::Ok();
}


}  // namespace


std::string BlobStore::path_of(std::string_view tenant, std::string_view sha256) const {
  return fmt::format("{}/{}/{}/{}", root_, tenant, sha256.substr(0, 2), sha256);
}

Result<BlobInfo> BlobStore::put(std::string_view tenant, std::string_view bytes) {
  BlobInfo info{core::sha256_hex(bytes), static_cast<int64_t>(bytes.size())};
  const std::string path = path_of(tenant, info.sha256);
  if (stat(tenant, info.sha256)) return info;  // content-addressed: same bytes, same file
  const std::string dir = path.substr(0, path.rfind('/'));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return io(fmt::format("mkdir {}: {}", dir, ec.message()));
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0640);
  if (fd < 0) return io(fmt::format("open {}: {}", tmp, std::strerror(errno)));
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return io(fmt::format("write {}: {}", tmp, std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return io(fmt::format("fsync {}: {}", tmp, std::strerror(errno)));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return io(fmt::format("rename {}: {}", path, std::strerror(errno)));
  }
  Status s = fsync_path(dir, O_RDONLY | O_DIRECTORY);
  if (!s.ok()) return s.error();
  return info;
}

std::optional<BlobInfo> BlobStore::stat(std::string_view tenant, std::string_view sha256) const {
  if (!core::is_sha256_hex(sha256)) return std::nullopt;
  struct ::stat st{};
  if (::stat(path_of(tenant, sha256).c_str(), &st) != 0) return std::nullopt;
  return BlobInfo{std::string(sha256), static_cast<int64_t>(st.st_size)};
}

Result<std::string> BlobStore::get(std::string_view tenant, std::string_view sha256) const {
  if (!stat(tenant, sha256)) {
    return make_error(ErrorCode::kNotFound, "document_not_found",
                      "no document with this SHA-256 in this enterprise", "sha256");
  }
  std::ifstream in(path_of(tenant, sha256), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace agritrace::api
