// BlobStore: document bytes (inspection reports, production records) addressed by their SHA-256,
// one folder per tenant. A put is durable (file and folder fsync'd, through the Env) before it
// returns; the ledger only ever records the hash and metadata. A put that cannot be stored
// (full disk, failed fsync, read-only folder) is a Status with the Env's reason (`disk_full`,
// `fsync_failed`, `read_only`, `io_error`) and leaves no file behind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/base/env.h"

namespace agritrace::api {

struct BlobInfo {
  std::string sha256;
  int64_t size_bytes = 0;
};

class BlobStore {
 public:
  // `env` must outlive the store.
  BlobStore(Env& env, std::string root) : env_(env), root_(std::move(root)) {}
  Result<BlobInfo> put(std::string_view tenant, std::string_view bytes);
  std::optional<BlobInfo> stat(std::string_view tenant, std::string_view sha256) const;
  Result<std::string> get(std::string_view tenant, std::string_view sha256) const;

 private:
  std::string path_of(std::string_view tenant, std::string_view sha256) const;
  Env& env_;
  std::string root_;
};

}  // namespace agritrace::api
