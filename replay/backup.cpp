#include "replay/backup.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

namespace agritrace::replay {
namespace {

namespace fs = std::filesystem;

Error backup_error(std::string reason, std::string message) {
  return make_error(ErrorCode::kIoError, std::move(reason), std::move(message));
}

Error rocks_error(const rocksdb::Status& s, std::string_view what) {
  return make_error(s.IsCorruption() ? ErrorCode::kCorruption : ErrorCode::kIoError,
                    s.IsCorruption() ? "backup_corrupt" : "backup_io_error",
                    fmt::format("{}: {}", what, s.ToString()));
}

// The small files of a data folder that a backup keeps: the admin key, manifests and checkpoint
// logs (the audit trail is a RocksDB folder: copy_rocksdb_online).
bool is_kept_file(const std::string& name) {
  return name == "admin.key" || name.ends_with(".manifest") ||
         (name.starts_with("checkpoints") && name.ends_with(".log"));
}

Status copy_file(Env& env, const fs::path& from, const fs::path& to) {
  auto bytes = env.read_file(from.string());
  if (!bytes.ok()) return bytes.status();
  return env.write_file_durably(to.string(), *bytes);
}

// Copies the document blobs (DATA/documents/<tenant>/<sha256>) that `to` does not have yet.
Result<uint64_t> copy_documents(Env& env, const fs::path& from, const fs::path& to) {
  uint64_t copied = 0;
  std::error_code ec;
  if (!fs::is_directory(from, ec)) return copied;
  for (auto it = fs::recursive_directory_iterator(from, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path rel = fs::relative(it->path(), from, ec);
    if (ec) break;
    if (it->is_directory(ec)) {
      if (Status s = env.create_dirs((to / rel).string()); !s.ok()) return s.error();
      continue;
    }
    if (!it->is_regular_file(ec) ||
        it->path().filename().string().find(".tmp.") != std::string::npos)
      continue;
    if (env.file_exists((to / rel).string())) continue;  // content-addressed: same name, same bytes
    if (Status s = copy_file(env, it->path(), to / rel); !s.ok()) return s.error();
    ++copied;
  }
  if (ec)
    return backup_error("backup_io_error",
                        fmt::format("reading {}: {}", from.string(), ec.message()));
  return copied;
}

rocksdb::Options ledger_like_options() {
  rocksdb::Options o;
  o.paranoid_checks = true;
  o.compression = rocksdb::kLZ4Compression;
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  return o;
}

bool is_event_key(const rocksdb::Slice& k) { return !k.empty() && k[0] == 'e'; }

std::string printable_key(const rocksdb::Slice& k) { return k.ToString(/*hex=*/true); }

// Brings `staging` up to `source` (both sorted by key): writes entries staging lacks; refuses an
// event entry that staging holds and the source lost or changed.
Result<std::pair<uint64_t, uint64_t>> sync_staging(rocksdb::DB& source, rocksdb::DB& staging) {
  std::unique_ptr<rocksdb::Iterator> src(source.NewIterator(rocksdb::ReadOptions()));
  std::unique_ptr<rocksdb::Iterator> dst(staging.NewIterator(rocksdb::ReadOptions()));
  uint64_t copied = 0, total = 0;
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions wo;
  auto flush = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    rocksdb::Status s = staging.Write(wo, &batch);
    batch.Clear();
    if (!s.ok()) return rocks_error(s, "backup copy");
    return Status::Ok();
  };
  dst->SeekToFirst();
  for (src->SeekToFirst(); src->Valid(); src->Next()) {
    const rocksdb::Slice k = src->key();
    total += is_event_key(k) ? 1 : 0;
    for (; dst->Valid() && dst->key().compare(k) < 0; dst->Next()) {
      if (is_event_key(dst->key())) {
        return make_error(
            ErrorCode::kCorruption, "backup_ledger_shrank",
            fmt::format("the ledger lost entry {} that an earlier backup holds: it was "
                        "truncated or rewritten (run agritrace verify)",
                        printable_key(dst->key())));
      }
    }
    const bool held = dst->Valid() && dst->key() == k;
    const bool same = held && dst->value() == src->value();
    if (held && !same && is_event_key(k)) {
      return make_error(ErrorCode::kCorruption, "backup_ledger_changed",
                        fmt::format("the ledger entry {} differs from the copy an earlier backup "
                                    "holds: it was altered (run agritrace verify)",
                                    printable_key(k)));
    }
    if (held) dst->Next();
    if (same) continue;
    batch.Put(k, src->value());
    copied += is_event_key(k) ? 1 : 0;
    if (batch.Count() >= 4096) {
      if (Status s = flush(); !s.ok()) return s.error();
    }
  }
  if (!src->status().ok()) return rocks_error(src->status(), "reading the ledger");
  if (!dst->status().ok()) return rocks_error(dst->status(), "reading the backup copy");
  if (Status s = flush(); !s.ok()) return s.error();
  return std::make_pair(copied, total);
}

// A whole copy of a RocksDB folder that a running server holds open (the audit trail), read
// through a secondary instance so only whole write batches are copied.
Status copy_rocksdb_online(const std::string& from, const fs::path& secondary, const fs::path& to) {
  rocksdb::Options so;
  so.max_open_files = -1;
  rocksdb::DB* raw_source = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(so, from, secondary.string(), &raw_source);
  if (!s.ok()) return rocks_error(s, "opening " + from + " for backup");
  std::unique_ptr<rocksdb::DB> source(raw_source);
  if (s = source->TryCatchUpWithPrimary(); !s.ok()) return rocks_error(s, "catching up with " + from);
  rocksdb::Options o;
  o.create_if_missing = true;
  o.error_if_exists = true;
  rocksdb::DB* raw_copy = nullptr;
  if (s = rocksdb::DB::Open(o, to.string(), &raw_copy); !s.ok()) return rocks_error(s, "creating " + to.string());
  std::unique_ptr<rocksdb::DB> copy(raw_copy);
  std::unique_ptr<rocksdb::Iterator> it(source->NewIterator(rocksdb::ReadOptions()));
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    batch.Put(it->key(), it->value());
    if (batch.Count() >= 4096) {
      if (s = copy->Write(wo, &batch); !s.ok()) return rocks_error(s, "writing " + to.string());
      batch.Clear();
    }
  }
  if (!it->status().ok()) return rocks_error(it->status(), "reading " + from);
  if (s = copy->Write(wo, &batch); !s.ok()) return rocks_error(s, "writing " + to.string());
  return Status::Ok();
}

}  // namespace

Result<BackupReport> backup_data_folder(Env& env, const std::string& data, const std::string& to) {
  BackupReport report;
  std::error_code ec;
  if (!fs::is_directory(data, ec)) {
    return make_error(ErrorCode::kNotFound, "backup_no_data", "no data folder at " + data);
  }
  if (Status s = env.create_dirs(to); !s.ok()) return s.error();
  const fs::path root(to);

  // 1. The small files first (so the ledger copied next extends every checkpoint they record).
  std::vector<fs::path> kept;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    if (entry.is_regular_file() && is_kept_file(entry.path().filename().string()))
      kept.push_back(entry.path());
  }
  if (ec) return backup_error("backup_io_error", fmt::format("reading {}: {}", data, ec.message()));
  std::vector<std::pair<std::string, std::string>> small;  // name -> bytes
  for (const fs::path& p : kept) {
    auto bytes = env.read_file(p.string());
    if (!bytes.ok()) return bytes.error();
    small.emplace_back(p.filename().string(), std::move(bytes).value());
  }

  // 2. The ledger, through a secondary instance, into the staging copy, then a BackupEngine backup.
  const std::string ledger = data + "/ledger";
  report.embedded_ledger = fs::is_directory(ledger, ec);
  std::unique_ptr<rocksdb::BackupEngine> engine;
  {
    rocksdb::BackupEngine* raw = nullptr;
    rocksdb::IOStatus s = rocksdb::BackupEngine::Open(
        rocksdb::BackupEngineOptions((root / "ledger-backups").string()), rocksdb::Env::Default(),
        &raw);
    if (!s.ok()) return rocks_error(s, "opening the backup engine");
    engine.reset(raw);
  }
  rocksdb::BackupID id = 0;
  if (report.embedded_ledger) {
    rocksdb::Options so;
    so.max_open_files =
        -1;  // a handle on every table file: the server's compactions cannot pull them away
    rocksdb::DB* raw_source = nullptr;
    rocksdb::Status s =
        rocksdb::DB::OpenAsSecondary(so, ledger, (root / "secondary").string(), &raw_source);
    if (!s.ok()) return rocks_error(s, "opening the ledger for backup");
    std::unique_ptr<rocksdb::DB> source(raw_source);
    s = source->TryCatchUpWithPrimary();
    if (!s.ok()) return rocks_error(s, "catching up with the ledger");
    rocksdb::Options to_options = ledger_like_options();
    to_options.create_if_missing = true;
    rocksdb::DB* raw_staging = nullptr;
    s = rocksdb::DB::Open(to_options, (root / "ledger-staging").string(), &raw_staging);
    if (!s.ok()) return rocks_error(s, "opening the backup copy");
    std::unique_ptr<rocksdb::DB> staging(raw_staging);
    auto synced = sync_staging(*source, *staging);
    if (!synced.ok()) return synced.error();
    report.entries_copied = synced->first;
    report.entries_total = synced->second;
    rocksdb::CreateBackupOptions cbo;
    cbo.flush_before_backup = true;
    rocksdb::IOStatus bs = engine->CreateNewBackupWithMetadata(
        cbo, staging.get(), fmt::format("{} ledger events", report.entries_total), &id);
    if (!bs.ok()) return rocks_error(bs, "creating the ledger backup");
  } else {
    // A Kafka data folder: the topic is backed up by Kafka's replication and mirroring
    // (docs/OPERATIONS.md); the backup still numbers the set of keys, manifests and documents.
    std::vector<rocksdb::BackupInfo> infos;
    engine->GetBackupInfo(&infos);
    uint32_t highest = 0;
    for (const fs::directory_entry& e : fs::directory_iterator(root / "sets", ec)) {
      highest = std::max<uint32_t>(highest,
                                   static_cast<uint32_t>(std::atoi(e.path().filename().c_str())));
    }
    for (const auto& i : infos) highest = std::max<uint32_t>(highest, i.backup_id);
    id = highest + 1;
  }
  report.backup_id = id;

  // 3. Documents, then the small files of this backup set.
  auto docs = copy_documents(env, fs::path(data) / "documents", root / "documents");
  if (!docs.ok()) return docs.error();
  report.documents_copied = *docs;
  const fs::path set = root / "sets" / std::to_string(id);
  if (Status s = env.create_dirs(set.string()); !s.ok()) return s.error();
  if (fs::is_directory(data + "/audit", ec)) {
    if (Status s = copy_rocksdb_online(data + "/audit", root / "secondary-audit", set / "audit"); !s.ok())
      return s.error();
  }
  for (const auto& [name, bytes] : small) {
    if (Status s = env.write_file_durably((set / name).string(), bytes); !s.ok()) return s.error();
  }
  const std::string info = fmt::format(
      "backup {}\nledger {}\nevents {}\n", id,
      report.embedded_ledger ? "embedded" : "kafka (not in this backup)", report.entries_total);
  if (Status s = env.write_file_durably((set / "BACKUP").string(), info); !s.ok()) return s.error();
  return report;
}

Result<RestoreReport> restore_data_folder(Env& env, const std::string& from, const std::string& to,
                                          uint32_t backup_id) {
  std::error_code ec;
  if (fs::exists(to, ec) && !fs::is_empty(to, ec)) {
    return make_error(ErrorCode::kConflict, "restore_target_not_empty",
                      fmt::format("{} is not empty: restore only into a new folder", to));
  }
  const fs::path root(from);
  if (!fs::is_directory(root / "sets", ec)) {
    return make_error(ErrorCode::kNotFound, "restore_no_backup", "no backup at " + from);
  }
  RestoreReport report;
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::BackupEngineOptions((root / "ledger-backups").string()), rocksdb::Env::Default(),
      &raw);
  if (!s.ok()) return rocks_error(s, "opening the backup");
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  uint32_t id = backup_id;
  if (id == 0) {
    for (const fs::directory_entry& e : fs::directory_iterator(root / "sets", ec)) {
      id = std::max<uint32_t>(id, static_cast<uint32_t>(std::atoi(e.path().filename().c_str())));
    }
  }
  const fs::path set = root / "sets" / std::to_string(id);
  if (id == 0 || !fs::is_directory(set, ec)) {
    return make_error(ErrorCode::kNotFound, "restore_no_backup",
                      fmt::format("no backup {} in {}", id, from));
  }
  if (Status c = env.create_dirs(to); !c.ok()) return c.error();
  if (Status c = env.make_private(to); !c.ok()) return c.error();
  bool has_ledger = false;
  for (const auto& i : infos) has_ledger = has_ledger || i.backup_id == id;
  if (has_ledger) {
    const std::string ledger = to + "/ledger";
    s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), id, ledger, ledger);
    if (!s.ok()) return rocks_error(s, fmt::format("restoring backup {}", id));
  }
  for (const fs::directory_entry& e : fs::directory_iterator(set, ec)) {
    if (e.path().filename() == "BACKUP") continue;
    if (e.is_directory()) {  // the audit trail (a RocksDB folder)
      fs::copy(e.path(), fs::path(to) / e.path().filename(), fs::copy_options::recursive, ec);
      if (ec) return backup_error("restore_io_error", fmt::format("copying {}: {}", e.path().string(), ec.message()));
      continue;
    }
    if (Status c = copy_file(env, e.path(), fs::path(to) / e.path().filename()); !c.ok())
      return c.error();
  }
  auto docs = copy_documents(env, root / "documents", fs::path(to) / "documents");
  if (!docs.ok()) return docs.error();
  report.documents = *docs;
  report.backup_id = id;
  return report;
}

}  // namespace agritrace::replay
