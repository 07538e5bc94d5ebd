#include "events/integrity/checkpointer.h"

#include <fmt/format.h>

#include <cstdio>

namespace agritrace::events {
namespace {

// Each line of `text` that is not blank is one checkpoint.
Status add_lines(std::string_view text, const std::string& origin_prefix,
                 const std::string& ledger_name, std::vector<FoundCheckpoint>* out) {
  size_t line_no = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t nl = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, nl - at);
    at = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
    auto c = decode_checkpoint(line);
    const std::string origin = fmt::format("{} line {}", origin_prefix, line_no);
    if (!c.ok() && nl == text.size()) {
      // A last line without its newline is an append cut short by a crash or power loss: it was
      // never a complete checkpoint (the copies in the manifest and the ledger are complete).
      std::fprintf(stderr, "agritrace: %s: ignoring an incomplete last checkpoint line\n",
                   origin.c_str());
      continue;
    }
    if (!c.ok()) {
      Error e = c.error();
      e.message = origin + ": " + e.message;
      return e;
    }
    if (c->ledger != ledger_name) continue;
    out->push_back(FoundCheckpoint{std::move(c).value(), origin});
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<FoundCheckpoint>> load_checkpoints(Env& env, Ledger* ledger,
                                                      const CheckpointFiles& files,
                                                      const std::string& ledger_name) {
  std::vector<FoundCheckpoint> found;
  std::vector<std::string> paths{files.manifest, files.log};
  paths.insert(paths.end(), files.extra.begin(), files.extra.end());
  for (const std::string& path : paths) {
    if (path.empty()) continue;
    auto text = env.read_file(path);
    if (!text.ok()) {
      if (text.error().code == ErrorCode::kNotFound) continue;
      return text.error();
    }
    std::vector<FoundCheckpoint> lines;
    if (Status s = add_lines(*text, path, ledger_name, &lines); !s.ok()) return s;
    // Of a log only its newest checkpoint counts: the ledger must extend that one, and it extends
    // the older ones if it does (each is a snapshot of the same append-only chains).
    if (!lines.empty()) found.push_back(std::move(lines.back()));
  }
  if (ledger != nullptr) {
    auto inside = ledger->load_checkpoint();
    if (!inside.ok()) return inside.error();
    if (Status s = add_lines(*inside, "the ledger's own copy", ledger_name, &found); !s.ok())
      return s;
  }
  return found;
}

Result<LedgerCheck> check_ledger(Env& /*env*/, Ledger& ledger,
                                 const std::vector<FoundCheckpoint>& found,
                                 const std::optional<std::string>& public_key) {
  LedgerCheck check;
  check.checkpoints_seen = found.size();
  const FoundCheckpoint* newest = nullptr;
  for (const FoundCheckpoint& f : found) {
    if (public_key && !f.checkpoint.key_id.empty() && !f.checkpoint.signed_by(*public_key)) {
      check.report = {
          Finding::kCheckpointForged,
          fmt::format("{}: checkpoint {} does not carry a valid signature of key {} "
                      "(it names key {})",
                      f.origin, f.checkpoint.number, key_id(*public_key), f.checkpoint.key_id)};
      return check;
    }
    const bool newer = newest == nullptr || f.checkpoint.number > newest->checkpoint.number ||
                       (f.checkpoint.number == newest->checkpoint.number &&
                        newest->checkpoint.key_id.empty() && !f.checkpoint.key_id.empty());
    if (newer) newest = &f;
  }
  if (newest != nullptr) check.fold.watch(newest->checkpoint);
  if (Status s = fold_ledger(ledger, &check.fold); !s.ok()) {
    if (s.error().reason == "kafka_offset_out_of_range") {
      // The oldest events of a partition are gone (DeleteRecords, retention): the topic was cut.
      check.report = {Finding::kTruncated,
                      s.error().message + " (events deleted from the topic's start)"};
      return check;
    }
    return s.error();
  }
  if (check.fold.chain().finding != Finding::kIntact) {
    check.report = check.fold.chain();
    return check;
  }
  if (newest != nullptr) {
    check.newest = newest->checkpoint;
    check.newest_origin = newest->origin;
    auto ends = ledger.end_offsets();
    if (!ends.ok()) return ends.error();
    check.report = check.fold.compare(newest->checkpoint, *ends);
    if (check.report.finding != Finding::kIntact) {
      check.report.detail =
          fmt::format("{} (checkpoint from {})", check.report.detail, newest->origin);
    }
  }
  return check;
}

Checkpointer::Checkpointer(Ledger& ledger, CheckpointerOptions options, LedgerCheck check)
    : ledger_(ledger), options_(std::move(options)), fold_(std::move(check.fold)) {
  if (check.newest) number_ = check.newest->number;
  folded_at_last_ = check.newest ? check.newest->events : 0;
}

Checkpointer::~Checkpointer() { (void)stop(); }

bool Checkpointer::wait_written(uint64_t n, int32_t timeout_ms) {
  std::unique_lock lock(mu_);
  return written_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return written_.load() >= n; });
}

bool Checkpointer::wait_observed(uint64_t n, int32_t timeout_ms) {
  std::unique_lock lock(mu_);
  return written_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return observed_.load() >= n; });
}

std::string Checkpointer::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

Status Checkpointer::write_checkpoint() {
  Checkpoint c = fold_.snapshot(ledger_.partition_count());
  c.ledger = options_.ledger_name;
  c.number = number_ + 1;
  c.created_at_ms = options_.env->now_ms();
  if (options_.audit_head) c.audit = options_.audit_head();
  if (options_.key) c.sign(*options_.key);
  const std::string line = c.encode() + "\n";
  if (options_.key && !options_.files.log.empty()) {
    auto log = options_.env->open_appendable(options_.files.log);
    if (!log.ok()) return log.status();
    Status s = (*log)->append(line);
    if (s.ok()) s = (*log)->sync();
    Status closed = (*log)->close();
    if (!s.ok()) return s;
    if (!closed.ok()) return closed;
  }
  if (options_.key) {
    Status s = ledger_.store_checkpoint(line);
    if (!s.ok() && s.error().reason != "checkpoint_unsupported") return s;
  }
  if (Status s = options_.env->write_file_durably(options_.files.manifest, line); !s.ok()) return s;
  number_ = c.number;
  folded_at_last_ = fold_.events();
  last_ms_ = options_.env->now_ms();
  {
    std::lock_guard lock(mu_);
    written_.fetch_add(1);
  }
  written_cv_.notify_all();
  return Status::Ok();
}

Status Checkpointer::start() {
  if (options_.key && !options_.files.log.empty()) {
    // An append cut short by a crash left an incomplete last line (ignored when read): drop it, so
    // the next checkpoint starts on a line of its own.
    auto text = options_.env->read_file(options_.files.log);
    if (text.ok() && !text->empty() && text->back() != '\n') {
      const size_t keep = text->rfind('\n') == std::string::npos ? 0 : text->rfind('\n') + 1;
      std::fprintf(stderr, "agritrace: checkpoint log %s: dropping an incomplete last line\n",
                   options_.files.log.c_str());
      Status s = options_.env->write_file_durably(options_.files.log, text->substr(0, keep));
      if (!s.ok()) return s;
    }
  }
  auto reader = ledger_.open_reader(fold_.next_offsets());
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  if (number_ == 0 || fold_.events() != folded_at_last_) {
    if (Status s = write_checkpoint(); !s.ok()) return s;
  }
  last_ms_ = options_.env->now_ms();
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void Checkpointer::run() {
  int64_t drain_deadline_ns =
      0;  // at stop: read to the end, but not forever (a broker may be gone)
  for (;;) {
    const bool stopping = stopping_.load();
    if (stopping && drain_deadline_ns == 0)
      drain_deadline_ns = options_.env->monotonic_ns() + 10'000'000'000;
    const bool drained_enough = stopping && options_.env->monotonic_ns() >= drain_deadline_ns;
    auto polled = reader_->poll(stopping ? 20 : 200, 4096);
    Status s;
    if (!polled.ok()) {
      s = polled.status();
    } else {
      for (const StoredEvent& se : polled->events) fold_.observe(se);
      if (fold_.chain().finding != Finding::kIntact) {
        s = make_error(ErrorCode::kCorruption, finding_name(fold_.chain().finding),
                       fold_.chain().detail);
      }
    }
    const bool caught_up = (polled.ok() && polled->at_end) || drained_enough;
    if (s.ok()) {
      const uint64_t news = fold_.events() - folded_at_last_;
      const bool due = news >= options_.every_events ||
                       (news > 0 && options_.env->now_ms() - last_ms_ >= options_.every_ms) ||
                       (stopping && caught_up && news > 0);
      if (due) s = write_checkpoint();
      {
        std::lock_guard lock(mu_);
        observed_.store(fold_.events());
      }
      written_cv_.notify_all();
    }
    if (!s.ok()) {
      // No more checkpoints from this process: said once, and again by stop(). The server keeps
      // serving (the ledger itself is fine or the writer reports it); verify still checks the
      // chain and the last checkpoint written.
      std::lock_guard lock(mu_);
      last_error_ = s.to_string();
      std::fprintf(stderr, "agritrace: checkpoint: %s\n", last_error_.c_str());
      return;
    }
    if (stopping && caught_up) return;
  }
}

Status Checkpointer::stop() {
  if (!thread_.joinable()) return Status::Ok();
  stopping_.store(true);
  thread_.join();
  std::lock_guard lock(mu_);
  if (!last_error_.empty()) {
    return make_error(ErrorCode::kIoError, "checkpoint_failed", last_error_);
  }
  return Status::Ok();
}

}  // namespace agritrace::events
