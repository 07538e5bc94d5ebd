#include "replay/as_of.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"
#include "projections/base/keys.h"
#include "projections/base/view_store.h"
#include "replay/replay.h"

namespace agritrace::replay {

namespace {

// Stops each partition at its first event recorded after the cut (or at its end when opened).
class AsOfReader : public events::LedgerReader {
 public:
  AsOfReader(std::unique_ptr<events::LedgerReader> base, int64_t cut, const std::vector<int64_t>& starts,
             const std::vector<int64_t>& ends)
      : base_(std::move(base)), cut_(cut), ends_(ends), done_(ends.size(), false) {
    for (size_t p = 0; p < ends_.size(); ++p) {
      const int64_t start = p < starts.size() ? starts[p] : 0;
      done_[p] = start >= ends_[p];
    }
  }

  Result<events::PollResult> poll(int32_t timeout_ms, size_t max_events) override {
    events::PollResult out;
    if (all_done()) {
      out.at_end = true;
      return out;
    }
    auto polled = base_->poll(timeout_ms, max_events);
    if (!polled.ok()) return polled.error();
    out.events.reserve(polled->events.size());
    for (events::StoredEvent& se : polled->events) {
      const auto p = static_cast<size_t>(se.position.partition);
      if (p >= done_.size() || done_[p]) continue;
      if (se.envelope.recorded_at_ms > cut_) {
        done_[p] = true;
        continue;
      }
      if (se.position.offset + 1 >= ends_[p]) done_[p] = true;
      out.events.push_back(std::move(se));
    }
    out.at_end = polled->at_end || all_done();
    return out;
  }

 private:
  bool all_done() const { return std::all_of(done_.begin(), done_.end(), [](bool d) { return d; }); }

  std::unique_ptr<events::LedgerReader> base_;
  int64_t cut_;
  std::vector<int64_t> ends_;
  std::vector<bool> done_;
};

class AsOfLedger : public events::Ledger {
 public:
  AsOfLedger(events::Ledger& base, int64_t cut) : base_(base), cut_(cut) {}
  int32_t partition_count() const override { return base_.partition_count(); }
  Status append(const std::vector<events::Envelope>&, std::vector<events::Position>*) override {
    return make_error(ErrorCode::kConflict, "read_only", "a ledger as of an instant is read-only");
  }
  Result<std::unique_ptr<events::LedgerReader>> open_reader(const std::vector<int64_t>& next_offsets) override {
    auto ends = base_.end_offsets();
    if (!ends.ok()) return ends.error();
    auto r = base_.open_reader(next_offsets);
    if (!r.ok()) return r.error();
    return std::unique_ptr<events::LedgerReader>(
        std::make_unique<AsOfReader>(std::move(r).value(), cut_, next_offsets, *ends));
  }
  Result<std::vector<int64_t>> end_offsets() override { return base_.end_offsets(); }
  events::LedgerHealth health() const override { return base_.health(); }
  std::string describe() const override {
    return fmt::format("{} as of {}", base_.describe(), core::format_rfc3339_utc(cut_));
  }

 private:
  events::Ledger& base_;
  int64_t cut_;
};

constexpr const char* kManifest = "/as-of.json";

}  // namespace

std::unique_ptr<events::Ledger> ledger_as_of(events::Ledger& base, int64_t as_of_ms) {
  return std::make_unique<AsOfLedger>(base, as_of_ms);
}

Result<int64_t> ledger_start_ms(events::Ledger& ledger) {
  auto ends = ledger.end_offsets();
  if (!ends.ok()) return ends.error();
  std::vector<bool> pending(ends->size());
  size_t waiting = 0;
  for (size_t p = 0; p < ends->size(); ++p) waiting += (pending[p] = (*ends)[p] > 0) ? 1 : 0;
  int64_t start = -1;
  if (waiting > 0) {
    auto reader = ledger.open_reader({});
    if (!reader.ok()) return reader.error();
    while (waiting > 0) {
      auto polled = (*reader)->poll(200, 1024);
      if (!polled.ok()) return polled.error();
      for (const events::StoredEvent& se : polled->events) {
        const auto p = static_cast<size_t>(se.position.partition);
        if (p >= pending.size() || !pending[p]) continue;
        pending[p] = false;
        --waiting;
        const int64_t at = se.envelope.recorded_at_ms;
        start = start < 0 ? at : std::min(start, at);
      }
      if (polled->at_end) break;
    }
  }
  if (start < 0) return make_error(ErrorCode::kNotFound, kLedgerEmpty, "the ledger holds no event yet");
  return start;
}

Status check_instant(Env& env, events::Ledger& ledger, int64_t as_of_ms, std::string_view field) {
  const int64_t now = env.now_ms();
  if (as_of_ms > now) {
    return make_error(ErrorCode::kInvalidArgument, kAsOfInFuture,
                      fmt::format("{} {} is in the future (now is {})", field, core::format_rfc3339_utc(as_of_ms),
                                  core::format_rfc3339_utc(now)),
                      std::string(field));
  }
  auto start = ledger_start_ms(ledger);
  if (!start.ok()) return start.status();
  if (as_of_ms < *start) {
    return make_error(ErrorCode::kInvalidArgument, kAsOfBeforeStart,
                      fmt::format("{} {} is before the ledger's first event (recorded {})", field,
                                  core::format_rfc3339_utc(as_of_ms), core::format_rfc3339_utc(*start)),
                      std::string(field));
  }
  return Status::Ok();
}

Result<AsOfReport> build_views_as_of(Env& env, events::Ledger& ledger, const std::string& out_dir, int64_t as_of_ms,
                                     const std::function<void(uint64_t, uint64_t, double)>& on_progress,
                                     const events::PiiVault* pii) {
  if (Status s = check_instant(env, ledger, as_of_ms, "as-of"); !s.ok()) return s.error();
  if (Status s = env.create_dirs(out_dir); !s.ok()) return s.error();
  auto cut = ledger_as_of(ledger, as_of_ms);
  AsOfReport report;
  report.as_of_ms = as_of_ms;
  report.views = out_dir + "/views";
  auto rebuilt = rebuild_views(env, *cut, report.views, on_progress, pii);
  if (!rebuilt.ok()) return rebuilt.error();
  report.events = rebuilt->events;
  report.seconds = rebuilt->seconds;
  report.digest = rebuilt->digest;
  JsonWriter w;
  w.begin_object()
      .field("as_of", core::format_rfc3339_utc(as_of_ms))
      .field("as_of_ms", std::to_string(as_of_ms))
      .field("ledger", ledger.describe())
      .field("views_format", std::to_string(projections::kViewsFormat))
      .field("events", report.events)
      .field("digest", report.digest)
      .end_object();
  if (Status s = env.write_file_durably(out_dir + kManifest, w.take() + "\n"); !s.ok()) return s.error();
  return report;
}

Result<AsOfFolder> open_as_of_folder(Env& env, const std::string& dir) {
  auto manifest = env.read_file(dir + kManifest);
  if (!manifest.ok()) {
    return make_error(ErrorCode::kNotFound, "as_of_folder_missing",
                      fmt::format("{} is not a folder made by `agritrace replay --as-of T --out DIR` (no {})", dir,
                                  dir + kManifest));
  }
  AsOfFolder f;
  f.views = dir + "/views";
  f.ledger = projections::json_string_field(*manifest, "ledger").value_or("");
  f.as_of_ms = std::strtoll(projections::json_string_field(*manifest, "as_of_ms").value_or("0").c_str(), nullptr, 10);
  // Absent: written before the format was recorded (format 1).
  f.views_format = std::atoi(projections::json_string_field(*manifest, "views_format").value_or("1").c_str());
  return f;
}

Status check_views_format(const AsOfFolder& folder) {
  // Views of another format would be read wrong (e.g. backward traces without their labels).
  if (folder.views_format == projections::kViewsFormat) return Status::Ok();
  return make_error(ErrorCode::kConflict, "as_of_views_format",
                    fmt::format("{} holds views of format {}, this version reads format {}: build it again with "
                                "`agritrace replay --as-of T --out DIR`",
                                folder.views, folder.views_format, projections::kViewsFormat));
}

}  // namespace agritrace::replay
