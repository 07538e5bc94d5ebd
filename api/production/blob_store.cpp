#include "api/production/blob_store.h"

#include <fmt/format.h>

#include "core/base/digest.h"
#include "core/base/identifiers.h"

namespace agritrace::api {
namespace {

// The Env's reason stays (a full disk answers 507, see api/http/problem.cpp); the message says what
// could not be done.
Error storage_error(const Error& e) {
  return make_error(e.code, e.reason.empty() ? "io_error" : e.reason,
                    "the document could not be stored: " + e.message);
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
  if (Status s = env_.create_dirs(dir); !s.ok()) return storage_error(s.error());
  if (Status s = env_.write_file_durably(path, bytes); !s.ok()) return storage_error(s.error());
  return info;
}

std::optional<BlobInfo> BlobStore::stat(std::string_view tenant, std::string_view sha256) const {
  if (!core::is_sha256_hex(sha256)) return std::nullopt;
  auto size = env_.file_size(path_of(tenant, sha256));
  if (!size.ok()) return std::nullopt;
  return BlobInfo{std::string(sha256), static_cast<int64_t>(*size)};
}

Result<std::string> BlobStore::get(std::string_view tenant, std::string_view sha256) const {
  if (!core::is_sha256_hex(sha256)) {
    return make_error(ErrorCode::kNotFound, "document_not_found",
                      "no document with this SHA-256 in this enterprise", "sha256");
  }
  auto bytes = env_.read_file(path_of(tenant, sha256));
  if (!bytes.ok()) {
    if (bytes.error().code == ErrorCode::kNotFound) {
      return make_error(ErrorCode::kNotFound, "document_not_found",
                        "no document with this SHA-256 in this enterprise", "sha256");
    }
    return bytes.error();
  }
  return bytes;
}

}  // namespace agritrace::api
