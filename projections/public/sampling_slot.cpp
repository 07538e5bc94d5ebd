// The scan page's sampling slot (R-4.4.S): the final results linked to the batch by the sampling
// projection (projections/public/sampling_projection.h), newest announcement first.
#include "projections/public/sampling_slot.h"

#include <algorithm>
#include <vector>

#include "core/base/json_writer.h"
#include "core/codes/codes.h"
#include "projections/base/keys.h"
#include "projections/public/sampling_keys.h"
#include "projections/public/sampling_queries.h"

namespace agritrace::projections {

std::string sampling_results_of_batch(const ViewStore& views, std::string_view tenant,
                                      std::string_view batch_id) {
  if (tenant.empty() || batch_id.empty()) return "[]";
  const std::string platform(core::kPlatformTenant);
  struct Linked {
    std::string id;
    core::SamplingRecord r;
  };
  std::vector<Linked> linked;
  const std::string prefix = sampling::keys::link(tenant, batch_id) + "/";
  views.scan_prefix(prefix, [&](std::string_view, std::string_view id) {
    auto stored = views.get(sampling::keys::record(platform, sort_id(id)));
    auto r = stored ? decode_sampling_record(*stored) : std::nullopt;
    if (r) linked.push_back({std::string(id), std::move(*r)});
    return linked.size() < 100;
  });
  std::stable_sort(linked.begin(), linked.end(), [](const Linked& a, const Linked& b) {
    return a.r.announcement_date > b.r.announcement_date;
  });
  JsonWriter w;
  w.begin_array();
  for (const Linked& l : linked) {
    w.begin_object();
    write_sampling_record(w, l.id, l.r);
    w.end_object();
  }
  w.end_array();
  return w.take();
}

}  // namespace agritrace::projections
