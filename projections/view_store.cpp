#include "projections/view_store.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <charconv>

namespace agritrace::projections {
namespace {

// Positions live under a prefix that sorts before every view key ('\x01').
constexpr std::string_view kPositionPrefix = "\x01pos/";

std::string position_key(size_t partition) {
  return fmt::format("{}{:06}", kPositionPrefix, partition);
}

Error io_error(const rocksdb::Status& s, std::string_view what) {
  return make_error(ErrorCode::kIoError, "views_io_error", fmt::format("{}: {}", what, s.ToString()));
}

int64_t parse_int(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

ViewBatch::ViewBatch(ViewStore& store)
    : store_(store), batch_(std::make_unique<rocksdb::WriteBatchWithIndex>()) {}
ViewBatch::~ViewBatch() = default;

std::optional<std::string> ViewBatch::get(std::string_view key) const {
  std::string value;
  rocksdb::Status s = batch_->GetFromBatchAndDB(store_.db(), rocksdb::ReadOptions(),
                                                rocksdb::Slice(key.data(), key.size()), &value);
  if (s.ok()) return value;
  return std::nullopt;
}

void ViewBatch::put(std::string_view key, std::string_view value) {
  batch_->Put(rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size()));
}

void ViewBatch::del(std::string_view key) { batch_->Delete(rocksdb::Slice(key.data(), key.size())); }

int64_t ViewBatch::get_int(std::string_view key) const {
  auto v = get(key);
  return v ? parse_int(*v) : 0;
}

void ViewBatch::add_int(std::string_view key, int64_t delta) {
  put(key, std::to_string(get_int(key) + delta));
}

ViewStore::ViewStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
ViewStore::~ViewStore() = default;

Result<std::unique_ptr<ViewStore>> ViewStore::open(const std::string& path) {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.compression = rocksdb::kLZ4Compression;
  opts.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(opts, path, &raw);
  if (!s.ok()) {
    return make_error(ErrorCode::kIoError, "views_open_failed",
                      fmt::format("cannot open the views at {}: {}", path, s.ToString()));
  }
  return std::unique_ptr<ViewStore>(new ViewStore(std::unique_ptr<rocksdb::DB>(raw)));
}

std::optional<std::string> ViewStore::get(std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.ok()) return value;
  return std::nullopt;
}

void ViewStore::scan_prefix(std::string_view prefix,
                            const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const std::string_view k = it->key().ToStringView();
    if (!k.starts_with(prefix)) break;
    if (!fn(k, it->value().ToStringView())) break;
  }
}

std::vector<int64_t> ViewStore::positions() const {
  std::vector<int64_t> out;
  scan_prefix(kPositionPrefix, [&](std::string_view, std::string_view v) {
    out.push_back(parse_int(v));
    return true;
  });
  return out;
}

Status ViewStore::commit(ViewBatch& batch, const std::vector<int64_t>& next_offsets) {
  for (size_t p = 0; p < next_offsets.size(); ++p) {
    batch.put(position_key(p), std::to_string(next_offsets[p]));
  }
  rocksdb::WriteOptions wo;
  // Not synced: views can always be re-derived from the ledger; the positions travel with them.
  rocksdb::Status s = db_->Write(wo, batch.batch_->GetWriteBatch());
  if (!s.ok()) return io_error(s, "views commit");
  batch.batch_->Clear();
  return Status::Ok();
}

std::string ViewStore::digest() const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const uint64_t klen = it->key().size();
    const uint64_t vlen = it->value().size();
    EVP_DigestUpdate(ctx, &klen, sizeof klen);
    EVP_DigestUpdate(ctx, it->key().data(), klen);
    EVP_DigestUpdate(ctx, &vlen, sizeof vlen);
    EVP_DigestUpdate(ctx, it->value().data(), vlen);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

Status destroy_view_store(const std::string& path) {
  rocksdb::Status s = rocksdb::DestroyDB(path, rocksdb::Options());
  if (!s.ok()) return io_error(s, "views destroy");
  return Status::Ok();
}

}  // namespace agritrace::projections
