#include "projections/public/sampling_queries.h"

#include <fmt/format.h>

#include <vector>

#include "core/codes/codes.h"
#include "core/domain/event.h"
#include "events/codec/domain_codec.h"
#include "projections/base/keys.h"
#include "projections/base/view_record.h"
#include "projections/public/sampling_keys.h"
#include "projections/sales/queries.h"

namespace agritrace::projections {
namespace {

const std::string kPlatform(core::kPlatformTenant);

Error result_not_found() {
  return make_error(ErrorCode::kNotFound, "sampling_result_not_found",
                    "no published sampling result with this id", "result_id");
}

bool contains(std::string_view text, std::string_view part) {
  return part.empty() || text.find(part) != std::string_view::npos;
}

bool matches(const SamplingFilter& f, const core::SamplingRecord& r) {
  if (!contains(r.food_name, f.food_name)) return false;
  if (!f.producer.empty() && r.producer_uscc != f.producer &&
      !contains(r.producer_name, f.producer))
    return false;
  if (!f.result.empty() && r.result != f.result) return false;
  if (f.from && r.announcement_date < *f.from) return false;
  if (f.to && r.announcement_date > *f.to) return false;
  if (!f.region.empty() && !contains(r.sampled_unit_region, f.region) &&
      !contains(r.producer_region, f.region))
    return false;
  return true;
}

std::string joined(const core::SamplingRecord& r, std::string core::SamplingFailingItem::*member) {
  std::string out;
  for (const core::SamplingFailingItem& f : r.failing_items) {
    if (!out.empty()) out += "；";
    out += f.*member;
  }
  return out;
}

}  // namespace

std::optional<core::SamplingRecord> decode_sampling_record(std::string_view payload) {
  auto e = events::decode_event_payload(core::SamplingResultRecorded::kType, payload);
  if (!e.ok() || !std::holds_alternative<core::SamplingResultRecorded>(*e)) return std::nullopt;
  return std::get<core::SamplingResultRecorded>(*e).record;
}

std::string inverted_date_key(core::Date d) {
  const std::string text = core::format_date(d);  // YYYY-MM-DD
  const int64_t ymd = std::stoll(text.substr(0, 4)) * 10000 + std::stoll(text.substr(5, 2)) * 100 +
                      std::stoll(text.substr(8, 2));
  return fmt::format("{:08d}", 99999999 - ymd);
}

void write_sampling_record(JsonWriter& w, std::string_view result_id,
                           const core::SamplingRecord& r) {
  w.field("result_id", result_id)
      .field("sample_number", r.sample_number)
      .field("announcement_number", r.announcement_number)
      .field("announcement_date", core::format_date(r.announcement_date));
  w.field("sampled_unit_name", r.sampled_unit_name)
      .field("sampled_unit_region", r.sampled_unit_region)
      .field("producer_name", r.producer_name)
      .field("producer_uscc", r.producer_uscc)
      .field("producer_region", r.producer_region);
  w.field("food_name", r.food_name).field("specification", r.specification);
  w.key("production_date");
  if (r.production_date) {
    w.value(core::format_date(*r.production_date));
  } else {
    w.null();
  }
  w.field("lot_code", r.lot_code).field("result", r.result);
  w.key("failing_items").begin_array();
  for (const core::SamplingFailingItem& f : r.failing_items) {
    w.begin_object()
        .field("item", f.item)
        .field("measured_value", f.measured_value)
        .field("standard_value", f.standard_value)
        .end_object();
  }
  w.end_array();
  w.field("failing_item", joined(r, &core::SamplingFailingItem::item))
      .field("measured_value", joined(r, &core::SamplingFailingItem::measured_value))
      .field("standard_value", joined(r, &core::SamplingFailingItem::standard_value))
      .field("category", r.category)
      .field("subcategory", r.subcategory)
      .field("task_source", r.task_source)
      .field("testing_institution", r.testing_institution);
}

Result<std::string> SamplingQueries::public_list(const SamplingFilter& f, const Page& page) const {
  const std::string prefix = sampling::keys::listed(kPlatform);
  std::string start;  // the key of the previous page's last result
  if (!page.after.empty()) {
    auto stored = views_.get(sampling::keys::record(kPlatform, sort_id(page.after)));
    auto r = stored ? decode_sampling_record(*stored) : std::nullopt;
    if (!r) {
      return make_error(ErrorCode::kInvalidArgument, "after_id_invalid",
                        "after_id is not a listed sampling result", "after_id");
    }
    start = sampling::keys::listed(kPlatform, inverted_date_key(r->announcement_date),
                                   sort_id(page.after));
  }
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  std::string last;
  bool more = false;
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view id) {
    if (!start.empty() && k <= start) return true;
    auto stored = views_.get(sampling::keys::record(kPlatform, sort_id(id)));
    auto r = stored ? decode_sampling_record(*stored) : std::nullopt;
    if (!r || !matches(f, *r)) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    w.begin_object();
    write_sampling_record(w, id, *r);
    w.end_object();
    last.assign(id);
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) {
    w.value(last);
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

Result<std::string> SamplingQueries::result(std::string_view result_id, bool publisher) const {
  const std::string sid = sort_id(result_id);
  auto meta = views_.get(sampling::keys::result(kPlatform, sid));
  auto stored = views_.get(sampling::keys::record(kPlatform, sid));
  auto r = stored ? decode_sampling_record(*stored) : std::nullopt;
  if (!meta || !r) return result_not_found();
  ViewRecord m(*meta);
  if (!publisher && m.str("status") != "final") return result_not_found();
  JsonWriter w;
  w.begin_object();
  write_sampling_record(w, result_id, *r);
  if (publisher) {
    w.field("status", m.str("status"))
        .field("recorded_at", m.str("recorded_at"))
        .field("finalised_at", m.str("finalised_at"))
        .field("withdrawn_at", m.str("withdrawn_at"))
        .field("withdrawn_reason", m.str("withdrawn_reason"))
        .field("corrections", m.num("corrections"));
  }
  w.end_object();
  return w.take();
}

Result<std::string> SamplingQueries::alerts(std::string_view tenant, const Page& page,
                                            const std::function<bool(std::string_view)>& visible) const {
  // smpa/<tenant>/<result sid>/<batch id>; every tenant's when `tenant` is empty.
  const std::string prefix = tenant.empty()
                                 ? std::string(view_prefix(ViewKind::kSamplingAlert)) + "/"
                                 : sampling::keys::alert(tenant);
  const SalesQueries sales(views_);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  uint32_t n = 0;
  std::string last;
  bool more = false;
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    const std::string tail(k.substr(prefix.size()));
    if (!page.after.empty() && tail <= page.after) return true;
    ViewRecord a(v);
    if (visible && !visible(a.str("tenant"))) return true;
    if (n == page.limit) {
      more = true;
      return false;
    }
    const std::string owner = a.str("tenant"), result_id = a.str("result_id"),
                      batch_id = a.str("batch_id");
    auto stored = views_.get(sampling::keys::record(kPlatform, sort_id(result_id)));
    auto r = stored ? decode_sampling_record(*stored) : std::nullopt;
    if (!r) return true;
    w.begin_object()
        .field("alert_id", tail)
        .field("tenant", owner)
        .field("batch_id", batch_id)
        .field("published_at", a.str("published_at"));
    w.key("result").begin_object();
    write_sampling_record(w, result_id, *r);
    w.end_object();
    // Where the batch went: the whereabouts answer (the lineage read model), as its owner sees it.
    auto where = sales.whereabouts_batch(owner, batch_id);
    if (where.ok()) {
      w.field_raw("whereabouts", *where);
    } else {
      w.key("whereabouts").null();
    }
    w.end_object();
    last = tail;
    ++n;
    return true;
  });
  w.end_array().key("next_after");
  if (more) {
    w.value(last);
  } else {
    w.null();
  }
  w.end_object();
  return w.take();
}

}  // namespace agritrace::projections
