// The job store (issue 14): the state of the server's asynchronous jobs — ERP upload jobs
// (api/uploads), EPCIS capture jobs and national-feed deliveries (api/interchange) — kept in a
// small RocksDB of its own (<data>/jobs) so that a restart does not lose them: `GET` on a job
// after a restart answers its last recorded state and error report.
//
// Jobs are not business facts (what a job appended is in the ledger): they stay out of the
// ledger and the views, like the scan log. Every write is synchronous (one fsync): a job's state
// is recorded before it is answered. Without a folder (in-process tests, the read-only
// `serve --views`) the store is kept in memory.
//
// Keys (text): j/<kind>/<id>  one record per job: the owning tenant, '\n', the record (JSON)
//              n/<kind>       the last number drawn for the kind's ids (cj-N, nfd-N)
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace rocksdb {
class DB;
}

namespace agritrace::api {

struct StoredJob {
  std::string tenant;
  std::string record;
};

class JobStore {
 public:
  // Opens (creates) the store in `dir`; kIoError `job_store_open_failed`.
  static Result<std::unique_ptr<JobStore>> open(const std::string& dir);
  // A store in memory (lost with the process).
  static std::unique_ptr<JobStore> in_memory();
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  // Records the job (replaces its previous record). kIoError `job_store_write_failed`.
  Status put(std::string_view kind, std::string_view id, const StoredJob& job);
  std::optional<StoredJob> get(std::string_view kind, std::string_view id) const;
  // Every job of the kind, in id order (text order); fn returns false to stop.
  void scan(std::string_view kind,
            const std::function<bool(std::string_view id, const StoredJob&)>& fn) const;
  // The next number of the kind's ids (1, 2, ...), durable: never drawn twice across restarts.
  Result<int64_t> next_number(std::string_view kind);

 private:
  explicit JobStore(std::unique_ptr<rocksdb::DB> db);
  Status write(const std::string& key, const std::string& value);
  std::optional<std::string> read(const std::string& key) const;

  std::unique_ptr<rocksdb::DB> db_;  // null: in memory
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> memory_;
};

}  // namespace agritrace::api
