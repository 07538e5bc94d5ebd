#include "projections/public/sampling_projection.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/base/json_writer.h"
#include "core/codes/codes.h"
#include "core/domain/event.h"
#include "core/public/sampling_rules.h"
#include "events/codec/domain_codec.h"
#include "projections/base/keys.h"
#include "projections/base/view_record.h"
#include "projections/public/sampling_keys.h"
#include "projections/public/sampling_queries.h"

namespace agritrace::projections {
namespace {

const std::string kPlatform(core::kPlatformTenant);

std::vector<std::string> split_lines(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text) return out;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    if (end > start) out.push_back(text->substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

void add_line(ViewBatch& b, const std::string& key, const std::string& value) {
  std::vector<std::string> lines = split_lines(b.get(key));
  if (std::find(lines.begin(), lines.end(), value) != lines.end()) return;
  lines.push_back(value);
  b.put(key, join_lines(lines));
}

void remove_line(ViewBatch& b, const std::string& key, const std::string& value) {
  std::vector<std::string> lines = split_lines(b.get(key));
  auto it = std::find(lines.begin(), lines.end(), value);
  if (it == lines.end()) return;
  lines.erase(it);
  if (lines.empty()) {
    b.del(key);
  } else {
    b.put(key, join_lines(lines));
  }
}

// The meta record of a result (smp/).
struct Meta {
  std::string result_id, status = "draft", recorded_at, finalised_at, withdrawn_at,
                         withdrawn_reason;
  int64_t corrections = 0;
  std::string json() const {
    JsonWriter w;
    w.begin_object()
        .field("result_id", result_id)
        .field("status", status)
        .field("recorded_at", recorded_at)
        .field("finalised_at", finalised_at)
        .field("withdrawn_at", withdrawn_at)
        .field("withdrawn_reason", withdrawn_reason)
        .field("corrections", corrections)
        .end_object();
    return w.take();
  }
  static std::optional<Meta> read(const ViewBatch& b, const std::string& sid) {
    auto v = b.get(sampling::keys::result(kPlatform, sid));
    if (!v) return std::nullopt;
    ViewRecord r(*v);
    Meta m;
    m.result_id = r.str("result_id");
    m.status = r.str("status");
    m.recorded_at = r.str("recorded_at");
    m.finalised_at = r.str("finalised_at");
    m.withdrawn_at = r.str("withdrawn_at");
    m.withdrawn_reason = r.str("withdrawn_reason");
    m.corrections = r.num("corrections");
    return m;
  }
};

std::optional<core::SamplingRecord> read_record(const ViewBatch& b, const std::string& sid) {
  auto v = b.get(sampling::keys::record(kPlatform, sid));
  if (!v) return std::nullopt;
  return decode_sampling_record(*v);
}

void write_record(ViewBatch& b, const std::string& result_id, const core::SamplingRecord& r) {
  b.put(sampling::keys::record(kPlatform, sort_id(result_id)),
        events::encode_event_payload(core::SamplingResultRecorded{result_id, r}));
}

class SamplingProjection final
    : public EventProjection<SamplingProjection, sampling::Handled, tenant_and_time> {
 public:
  std::string_view name() const override { return "sampling"; }

 private:
  friend EventProjection;

  // A final result: listed publicly, indexed by producer, linked to the batches it matches.
  // `published_at`: the result's finalisation time, the same whichever of result and batch the
  // views saw first (partitions have no order between them: live and replayed views must agree).
  void index(ViewBatch& b, const std::string& result_id, const core::SamplingRecord& r,
             const std::string& published_at) {
    const std::string sid = sort_id(result_id);
    b.put(sampling::keys::listed(kPlatform, inverted_date_key(r.announcement_date), sid),
          result_id);
    for (const std::string& k : core::sampling_match_keys(r)) {
      add_line(b, sampling::keys::by_producer(r.producer_uscc, k), result_id);
      for (const std::string& batch :
           split_lines(b.get(sampling::keys::batches(r.producer_uscc, k)))) {
        link(b, r.producer_uscc, batch, result_id, r, published_at);
      }
    }
  }

  void unindex(ViewBatch& b, const std::string& result_id, const core::SamplingRecord& r) {
    const std::string sid = sort_id(result_id);
    b.del(sampling::keys::listed(kPlatform, inverted_date_key(r.announcement_date), sid));
    for (const std::string& k : core::sampling_match_keys(r)) {
      remove_line(b, sampling::keys::by_producer(r.producer_uscc, k), result_id);
      for (const std::string& batch :
           split_lines(b.get(sampling::keys::batches(r.producer_uscc, k)))) {
        b.del(sampling::keys::link(r.producer_uscc, batch, sid));
        b.del(sampling::keys::alert(r.producer_uscc, sid, batch));
      }
    }
  }

  void link(ViewBatch& b, const std::string& tenant, const std::string& batch_id,
            const std::string& result_id, const core::SamplingRecord& r,
            const std::string& published_at) {
    const std::string sid = sort_id(result_id);
    b.put(sampling::keys::link(tenant, batch_id, sid), result_id);
    if (!r.failed()) return;
    JsonWriter w;
    w.begin_object()
        .field("tenant", tenant)
        .field("result_id", result_id)
        .field("batch_id", batch_id)
        .field("published_at", published_at)
        .end_object();
    b.put(sampling::keys::alert(tenant, sid, batch_id), w.str());
  }

  void on(const std::string& t, const std::string& at, const core::SamplingResultRecorded& e,
          ViewBatch& b) {
    if (t != kPlatform) return;
    Meta m;
    m.result_id = e.result_id;
    m.recorded_at = at;
    b.put(sampling::keys::result(kPlatform, sort_id(e.result_id)), m.json());
    write_record(b, e.result_id, e.record);
  }

  void on(const std::string& t, const std::string& at, const core::SamplingResultFinalised& e,
          ViewBatch& b) {
    if (t != kPlatform) return;
    const std::string sid = sort_id(e.result_id);
    auto m = Meta::read(b, sid);
    auto r = read_record(b, sid);
    if (!m || !r || m->status != "draft") return;
    m->status = "final";
    m->finalised_at = at;
    b.put(sampling::keys::result(kPlatform, sid), m->json());
    index(b, e.result_id, *r, at);
  }

  void on(const std::string& t, const std::string&, const core::SamplingResultCorrected& e,
          ViewBatch& b) {
    if (t != kPlatform) return;
    const std::string sid = sort_id(e.result_id);
    auto m = Meta::read(b, sid);
    auto old = read_record(b, sid);
    if (!m || !old || m->status == "withdrawn") return;
    if (m->status == "final") unindex(b, e.result_id, *old);
    m->corrections += 1;
    b.put(sampling::keys::result(kPlatform, sid), m->json());
    write_record(b, e.result_id, e.record);
    if (m->status == "final") index(b, e.result_id, e.record, m->finalised_at);
  }

  void on(const std::string& t, const std::string& at, const core::SamplingResultWithdrawn& e,
          ViewBatch& b) {
    if (t != kPlatform) return;
    const std::string sid = sort_id(e.result_id);
    auto m = Meta::read(b, sid);
    auto r = read_record(b, sid);
    if (!m || !r || m->status == "withdrawn") return;
    if (m->status == "final") unindex(b, e.result_id, *r);
    m->status = "withdrawn";
    m->withdrawn_at = at;
    m->withdrawn_reason = e.reason;
    b.put(sampling::keys::result(kPlatform, sid), m->json());
  }

  // Indexes a batch under one match key and links it to the final results already published.
  void match_batch(ViewBatch& b, const std::string& t, const std::string& batch_id,
                   const std::string& key) {
    add_line(b, sampling::keys::batches(t, key), batch_id);
    for (const std::string& result_id : split_lines(b.get(sampling::keys::by_producer(t, key)))) {
      auto r = read_record(b, sort_id(result_id));
      auto m = Meta::read(b, sort_id(result_id));
      if (r && m) link(b, t, batch_id, result_id, *r, m->finalised_at);
    }
  }

  // A producer's batch: indexed by its keys, linked to the final results already published.
  void on(const std::string& t, const std::string&, const core::BatchCreated& e, ViewBatch& b) {
    for (const std::string& k : core::batch_match_keys(e.lot_code, e.production_date)) {
      match_batch(b, t, e.batch_id, k);
    }
    b.put(sampling::keys::batch_date(t, e.batch_id), date_key(e.production_date));
  }

  // The batch's date match key ("date:YYYY-MM-DD", core::batch_match_keys without a lot code).
  static std::string date_key(core::Date production_date) {
    return core::batch_match_keys("", production_date).front();
  }

  // A new production date: off the old date key (a result has one key, so a result matched by
  // the old date is matched by nothing else of this batch), on the new one.
  void on(const std::string& t, const std::string&, const core::BatchAmended& e, ViewBatch& b) {
    const std::optional<std::string> old_key = b.get(sampling::keys::batch_date(t, e.batch_id));
    const std::string new_key = date_key(e.production_date);
    if (!old_key || *old_key == new_key) return;
    remove_line(b, sampling::keys::batches(t, *old_key), e.batch_id);
    for (const std::string& result_id : split_lines(b.get(sampling::keys::by_producer(t, *old_key)))) {
      const std::string sid = sort_id(result_id);
      b.del(sampling::keys::link(t, e.batch_id, sid));
      b.del(sampling::keys::alert(t, sid, e.batch_id));
    }
    match_batch(b, t, e.batch_id, new_key);
    b.put(sampling::keys::batch_date(t, e.batch_id), new_key);
  }
};

}  // namespace

std::unique_ptr<Projection> make_sampling_projection() {
  return std::make_unique<SamplingProjection>();
}

}  // namespace agritrace::projections
