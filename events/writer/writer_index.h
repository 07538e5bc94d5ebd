// WriterIndex: what the single writer must look up but must not hold in memory for ever — every
// generated trace code and every per-code map of the write model (core::CodeStore: shipped,
// inbound, received, held, recalled, printed and queued serials) and the answer of every command
// that carried an Idempotency-Key. On disk (RocksDB, DATA/writer-index) for a server; in memory for
// tests.
//
// It is derived from the ledger and never ahead of it: writes made while a group is decided stay
// pending, and commit() makes them durable together with the ledger positions they cover, after
// the group's append succeeded (discard() drops them when it failed). Folding the ledger at start
// skips the events the index already covers (covers()) and re-applies the rest, so an index that
// lags the ledger (a crash between the two) catches up and nothing acknowledged is lost. An index
// of another ledger, or ahead of this one, or whose last applied event is not the ledger's, is
// stale: the writer wipes it and folds it again from the start.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/codes/code_table.h"
#include "events/envelope/envelope.h"
#include "events/writer/command_writer.h"

namespace rocksdb {
class DB;
struct Options;
}

namespace agritrace::events {

class WriterIndex final : public core::CodeStore {
 public:
  // path empty: in memory only. `ledger` identifies the ledger (Ledger::describe()).
  static Result<std::unique_ptr<WriterIndex>> open(const std::string& path, const std::string& ledger);
  ~WriterIndex() override;

  // --- consistency with the ledger ---
  // True when the effects of the event at `p` are already in the index (durably).
  bool covers(const Position& p) const;
  // False when the index does not belong to a ledger whose per-partition ends are `ends`.
  bool fits(const std::vector<int64_t>& ends) const;
  // Checks an event folded at start against the last one the index applied in its partition;
  // false: the index is of another history (stale).
  bool consistent(const StoredEvent& se) const;
  // Drops everything: the index is rebuilt by folding the whole ledger.
  Status wipe();
  // While set, writes are dropped (the events being folded are already covered).
  void set_skip_writes(bool skip) { skip_writes_ = skip; }
  // Makes the pending writes durable, with `events` (now in the ledger) as covered.
  Status commit(const std::vector<StoredEvent>& events);
  Status commit(const std::vector<Envelope>& events, const std::vector<Position>& positions);
  void discard() { pending_.clear(); }
  size_t pending() const { return pending_.size(); }

  // --- core::CodeStore ---
  std::optional<core::TraceCodeState> get(std::string_view tenant, std::string_view serial) const override;
  void put(std::string_view tenant, std::string_view serial, const core::TraceCodeState& code) override;
  std::vector<std::string> run_serials(std::string_view tenant, std::string_view run_id) const override;
  std::optional<std::string> get_serial(std::string_view tenant, char map,
                                        std::string_view serial) const override;
  void put_serial(std::string_view tenant, char map, std::string_view serial,
                  std::optional<std::string_view> value) override;

  // --- Idempotency-Key records ---
  struct KeyRecord {
    int64_t at_ms = 0;         // when the ledger recorded the command (Env clock of the writer)
    bool same_request = false; // false: the key was used for another request
    bool shrunk = false;       // older than the retention: only at_ms is left
    CommandOutcome outcome;    // the first answer (replayed = true)
  };
  std::optional<KeyRecord> find_key(std::string_view tenant, std::string_view key,
                                    std::string_view request_hash) const;
  // Records one event of a keyed command; a command's events arrive in ledger order.
  void add_key_event(std::string_view tenant, std::string_view key, std::string_view request_hash,
                     std::string_view command_id, int64_t at_ms, const EventRef& ref);
  // Records a new keyed command with all its events at once (no read: the writer's own commands).
  void put_key(std::string_view tenant, std::string_view key, std::string_view request_hash,
               std::string_view command_id, int64_t at_ms, const std::vector<EventRef>& events);
  // Keyed records older than `cutoff_ms` shrink to their key and instant (enough to answer
  // idempotency_key_expired). Returns how many shrank. Durable at the next commit.
  // Reads every keyed record (streamed): the writer runs it at most once a day (below).
  size_t shrink_keys_before(int64_t cutoff_ms);
  // The cutoff of the last shrink_keys_before pass (nullopt: none yet).
  std::optional<int64_t> last_shrink_cutoff() const;

 private:
  WriterIndex() = default;
  std::optional<std::string> read(const std::string& key) const;
  void write(std::string key, std::optional<std::string> value);  // nullopt: erase
  // Keys with `prefix`, pending ones included, in order.
  std::vector<std::pair<std::string, std::string>> scan(const std::string& prefix) const;
  void note(int32_t partition, int64_t offset, const std::string& event_id);
  Status flush();

  static rocksdb::Options db_options();
  Status open_db();

  std::string path_;                                // empty: in memory
  std::unique_ptr<rocksdb::DB> db_;                 // null: in memory
  std::map<std::string, std::string> memory_;       // the committed records when db_ is null
  // Written since the last commit; nullopt: erased.
  std::map<std::string, std::optional<std::string>> pending_;
  std::string ledger_;
  std::vector<int64_t> applied_;                    // per partition: next offset not covered
  std::vector<std::string> last_ids_;               // per partition: id of the last covered event
  bool skip_writes_ = false;
};

}  // namespace agritrace::events
