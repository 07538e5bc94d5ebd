// BlobStore: document bytes (inspection reports, production records) addressed by their SHA-256,
// one folder per tenant. A put is durable (file and folder fsync'd) before it returns; the ledger
// only ever records the hash and metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace agritrace::api {

struct BlobInfo {
  std::string sha256;
  int64_t size_bytes = 0;
};

class BlobStore {
 public:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}
  Result<BlobInfo> put(std::string_view tenant, std::string_view bytes);
  std::optional<BlobInfo> stat(std::string_view tenant, std::string_view sha256) const;
  Result<std::string> get(std::string_view tenant, std::string_view sha256) const;

 private:
  std::string path_of(std::string_view tenant, std::string_view sha256) const;
  std::string root_;
};

}  // namespace agritrace::api
