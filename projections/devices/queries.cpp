#include "projections/devices/queries.h"

#include "core/base/json_writer.h"
#include "projections/base/keys.h"
#include "projections/base/view_values.h"
#include "projections/devices/keys.h"
#include "projections/devices/projection.h"

namespace agritrace::projections {
namespace {

std::string list(const ViewStore& views, ViewKind view, std::string_view tenant) {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  views.scan_prefix(view_key(view, tenant), [&](std::string_view, std::string_view v) {
    w.raw(v);
    return true;
  });
  w.end_array().end_object();
  return w.take();
}

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == kDevicesKeySep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

Result<std::string> DevicesQueries::lines(std::string_view tenant) const { return list(views_, ViewKind::kPrintLine, tenant); }
Result<std::string> DevicesQueries::devices(std::string_view tenant) const { return list(views_, ViewKind::kPrintDevice, tenant); }

std::string DevicesQueries::job_json(std::string_view tenant, std::string_view sid, std::string_view record) const {
  const std::string st = views_.get(devices::keys::job_status(tenant, sid)).value_or("queued");
  const std::vector<std::string> parts = split(st);
  auto count = [&](std::string_view what) -> int64_t {
    std::string part(sid);
    part += kDevicesKeySep;
    part += what;
    auto v = views_.get(devices::keys::job_count(tenant, part));
    return v ? view_int(*v) : 0;
  };
  const int64_t issued = count("issued"), printed = count("printed"), voided = count("voided");
  JsonWriter w;
  w.begin_object().field("status", parts[0]).key("reason");
  if (parts.size() < 2 || parts[1].empty()) w.null(); else w.value(parts[1]);
  w.key("updated_at");
  if (parts.size() < 3) w.null(); else w.value(parts[2]);
  w.field("issued", issued).field("sent", count("sent")).field("printed", printed).field("voided", voided)
      .field("open", issued - printed - voided).end_object();
  return merge_json_objects(record, w.take());
}

Result<std::string> DevicesQueries::jobs(std::string_view tenant) const {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  const std::string prefix = devices::keys::job(tenant);
  views_.scan_prefix(prefix, [&](std::string_view k, std::string_view v) {
    w.raw(job_json(tenant, k.substr(prefix.size()), v));
    return true;
  });
  w.end_array().end_object();
  return w.take();
}

Result<std::string> DevicesQueries::job(std::string_view tenant, std::string_view job_id) const {
  const std::string sid = sort_id(job_id);
  auto v = views_.get(devices::keys::job(tenant, sid));
  if (!v) return view_not_found("job", job_id, "job_id");  // job_not_found, as the commands say
  return job_json(tenant, sid, *v);
}

CodePrintStatus DevicesQueries::code_status(std::string_view tenant, std::string_view serial) const {
  auto v = views_.get(devices::keys::code_status(tenant, serial));
  if (!v) return {"not_queued", ""};
  auto parts = split(*v);
  return {parts[0], parts.size() > 1 ? parts[1] : ""};
}

}  // namespace agritrace::projections
