// Backup and restore of a data folder, online: the server keeps running.
//
// A backup folder holds:
//   ledger-staging/  a RocksDB copy of the embedded ledger, brought up to date by each backup
//                    (only new entries are written: the ledger is append-only). An entry that
//                    differs from, or is missing in, the live ledger stops the backup: the backup
//                    is also a tamper check against what was backed up before.
//   ledger-backups/  RocksDB BackupEngine backups of that copy (incremental: unchanged table files
//                    are shared between backups).
//   documents/       the document blobs (content-addressed, so each is copied once).
//   sets/<id>/       the small files of backup <id>: admin key, audit log, manifests, checkpoint
//                    logs.
// The live ledger is read through a RocksDB secondary instance (its own file handles on every
// table file, WAL tailing), so the server's writes and compactions go on undisturbed; whole
// WriteBatches only, so the copy never holds half a command. The manifest and checkpoint logs are
// copied BEFORE the ledger is read, so the ledger in a backup always extends its checkpoints.
// Views are not copied: restore rebuilds them from the restored ledger (replay), which gives the
// same digest as the live views (tests/e2e/base/backup_test.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "core/base/env.h"
#include "core/base/status.h"

namespace agritrace::replay {

struct BackupReport {
  uint32_t backup_id = 0;
  uint64_t entries_copied = 0;  // ledger entries new since the previous backup
  uint64_t entries_total = 0;
  uint64_t documents_copied = 0;
  bool embedded_ledger = false;  // false: a Kafka data folder (the topic is backed up by Kafka)
};
Result<BackupReport> backup_data_folder(Env& env, const std::string& data, const std::string& to);

struct RestoreReport {
  uint32_t backup_id = 0;
  uint64_t documents = 0;
};
// Restores backup `backup_id` (0: the newest) into `to`, which must not exist or be empty. The
// views are not restored: rebuild them (rebuild_views) before serving.
Result<RestoreReport> restore_data_folder(Env& env, const std::string& from, const std::string& to,
                                          uint32_t backup_id);

}  // namespace agritrace::replay
