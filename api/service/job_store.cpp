#include "api/service/job_store.h"

#include <fmt/format.h>
#include <rocksdb/db.h>

#include <charconv>

namespace agritrace::api {
namespace {

std::string job_key(std::string_view kind, std::string_view id) {
  return fmt::format("j/{}/{}", kind, id);
}

std::string encode(const StoredJob& job) { return job.tenant + "\n" + job.record; }

std::optional<StoredJob> decode(std::string_view v) {
  const size_t nl = v.find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  return StoredJob{std::string(v.substr(0, nl)), std::string(v.substr(nl + 1))};
}

}  // namespace

Result<std::unique_ptr<JobStore>> JobStore::open(const std::string& dir) {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.write_buffer_size = 4 << 20;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(opts, dir, &raw);
  if (!s.ok()) {
    return make_error(ErrorCode::kIoError, "job_store_open_failed",
                      fmt::format("cannot open the job store at {}: {}", dir, s.ToString()));
  }
  return std::unique_ptr<JobStore>(new JobStore(std::unique_ptr<rocksdb::DB>(raw)));
}

std::unique_ptr<JobStore> JobStore::in_memory() {
  return std::unique_ptr<JobStore>(new JobStore(nullptr));
}

JobStore::JobStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

JobStore::~JobStore() = default;

Status JobStore::write(const std::string& key, const std::string& value) {
  if (!db_) {
    memory_[key] = value;
    return Status::Ok();
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->Put(wo, key, value);
  if (!s.ok()) {
    return make_error(ErrorCode::kIoError, "job_store_write_failed",
                      "cannot record the job: " + s.ToString());
  }
  return Status::Ok();
}

std::optional<std::string> JobStore::read(const std::string& key) const {
  if (!db_) {
    auto it = memory_.find(key);
    if (it == memory_.end()) return std::nullopt;
    return it->second;
  }
  std::string v;
  if (!db_->Get(rocksdb::ReadOptions(), key, &v).ok()) return std::nullopt;
  return v;
}

Status JobStore::put(std::string_view kind, std::string_view id, const StoredJob& job) {
  std::lock_guard lock(mu_);
  return write(job_key(kind, id), encode(job));
}

std::optional<StoredJob> JobStore::get(std::string_view kind, std::string_view id) const {
  std::lock_guard lock(mu_);
  auto v = read(job_key(kind, id));
  if (!v) return std::nullopt;
  return decode(*v);
}

void JobStore::scan(std::string_view kind,
                    const std::function<bool(std::string_view, const StoredJob&)>& fn) const {
  const std::string prefix = fmt::format("j/{}/", kind);
  std::vector<std::pair<std::string, StoredJob>> found;
  {
    std::lock_guard lock(mu_);
    if (!db_) {
      for (auto it = memory_.lower_bound(prefix);
           it != memory_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        if (auto job = decode(it->second))
          found.emplace_back(it->first.substr(prefix.size()), std::move(*job));
      }
    } else {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        if (auto job = decode(std::string_view(it->value().data(), it->value().size())))
          found.emplace_back(it->key().ToString().substr(prefix.size()), std::move(*job));
      }
    }
  }
  for (const auto& [id, job] : found) {
    if (!fn(id, job)) return;
  }
}

Result<int64_t> JobStore::next_number(std::string_view kind) {
  std::lock_guard lock(mu_);
  const std::string key = fmt::format("n/{}", kind);
  int64_t n = 0;
  if (auto v = read(key)) std::from_chars(v->data(), v->data() + v->size(), n);
  ++n;
  Status s = write(key, std::to_string(n));
  if (!s.ok()) return s.error();
  return n;
}

}  // namespace agritrace::api
