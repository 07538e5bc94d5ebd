#include "api/interchange/capture.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "core/base/civil_time.h"
#include "core/base/json_writer.h"
#include "core/base/rule_errors.h"

namespace agritrace::api {
namespace {

namespace epcis = core::epcis;
using simdjson::dom::element;

Error bad_event(std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, "epcis_event_invalid", std::move(message),
                    std::move(field));
}

// CBV values in any of their forms as the bare word: "shipping",
// "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping".
std::string bare(std::string_view v, std::string_view urn_prefix, std::string_view web_prefix) {
  if (v.substr(0, urn_prefix.size()) == urn_prefix) return std::string(v.substr(urn_prefix.size()));
  if (v.substr(0, web_prefix.size()) == web_prefix) return std::string(v.substr(web_prefix.size()));
  return std::string(v);
}

std::string opt_string(element e, std::string_view key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return {};
  return std::string(v);
}

// A decimal as text the way the event hash canonicalises numbers (no trailing ".0").
std::string number_text(element v) {
  int64_t i = 0;
  if (!v.get_int64().get(i)) return std::to_string(i);
  double d = 0;
  if (!v.get_double().get(d)) return fmt::format("{}", d);
  return {};
}

Result<std::vector<epcis::Typed>> typed_list(element e, std::string_view key,
                                             std::string_view value_key,
                                             std::string_view urn_prefix,
                                             std::string_view web_prefix) {
  std::vector<epcis::Typed> out;
  simdjson::dom::array a;
  if (e[key].get_array().get(a)) return out;
  for (element x : a) {
    std::string_view id;
    if (x[value_key].get_string().get(id))
      return bad_event(std::string(key) + " entries name " + std::string(value_key),
                       std::string(key));
    out.push_back({bare(opt_string(x, "type"), urn_prefix, web_prefix), std::string(id)});
  }
  return out;
}

Result<epcis::Event> parse_event(element e) {
  epcis::Event ev;
  ev.type = opt_string(e, "type");
  if (ev.type != "ObjectEvent" && ev.type != "TransformationEvent" &&
      ev.type != "AggregationEvent" && ev.type != "TransactionEvent" &&
      ev.type != "AssociationEvent") {
    return bad_event("type is an EPCIS 2.0 event type", "type");
  }
  auto time = core::parse_rfc3339(opt_string(e, "eventTime"), "eventTime");
  if (!time.ok()) return bad_event("eventTime is an RFC 3339 date-time", "eventTime");
  ev.event_time_ms = *time;
  ev.time_zone_offset = opt_string(e, "eventTimeZoneOffset");
  if (ev.time_zone_offset.size() != 6)
    return bad_event("eventTimeZoneOffset is ±hh:mm", "eventTimeZoneOffset");
  const bool transformation = ev.type == "TransformationEvent";
  auto items = [&](std::string_view key, std::vector<epcis::Item>& out) -> Status {
    simdjson::dom::array a;
    if (e[key].get_array().get(a)) return Status::Ok();
    for (element x : a) {
      std::string_view uri;
      if (x.get_string().get(uri))
        return bad_event(std::string(key) + " holds URIs", std::string(key));
      auto item = epcis::parse_item(uri, key);
      if (!item.ok()) return item.error();
      out.push_back(*item);
    }
    return Status::Ok();
  };
  auto quantities = [&](std::string_view key, std::vector<epcis::QuantityElement>& out) -> Status {
    simdjson::dom::array a;
    if (e[key].get_array().get(a)) return Status::Ok();
    for (element x : a) {
      auto cls = epcis::parse_class(opt_string(x, "epcClass"), key);
      if (!cls.ok()) return cls.error();
      epcis::QuantityElement q;
      q.goods = *cls;
      element n;
      if (!x["quantity"].get(n)) q.quantity = number_text(n);
      q.uom = opt_string(x, "uom");
      out.push_back(std::move(q));
    }
    return Status::Ok();
  };
  AGRITRACE_RETURN_IF_ERROR(items(transformation ? "inputEPCList" : "epcList", ev.epcs));
  AGRITRACE_RETURN_IF_ERROR(
      quantities(transformation ? "inputQuantityList" : "quantityList", ev.quantities));
  AGRITRACE_RETURN_IF_ERROR(items("outputEPCList", ev.output_epcs));
  AGRITRACE_RETURN_IF_ERROR(quantities("outputQuantityList", ev.output_quantities));
  ev.action = opt_string(e, "action");
  ev.transformation_id = opt_string(e, "transformationID");
  ev.biz_step = bare(opt_string(e, "bizStep"),
                     "urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-");
  ev.disposition = bare(opt_string(e, "disposition"),
                        "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-");
  element place;
  if (!e["readPoint"].get(place)) ev.read_point = opt_string(place, "id");
  if (!e["bizLocation"].get(place)) ev.biz_location = opt_string(place, "id");
  auto bt = typed_list(e, "bizTransactionList", "bizTransaction",
                       "urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-");
  if (!bt.ok()) return bt.error();
  ev.biz_transactions = std::move(*bt);
  auto src = typed_list(e, "sourceList", "source",
                        "urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-");
  if (!src.ok()) return src.error();
  ev.sources = std::move(*src);
  auto dst = typed_list(e, "destinationList", "destination",
                        "urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-");
  if (!dst.ok()) return dst.error();
  ev.destinations = std::move(*dst);
  return ev;
}

Error bad_document(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "epcis_document_invalid", std::move(message),
                    "epcisBody");
}

}  // namespace

Result<std::vector<CapturedEvent>> parse_epcis_document(std::string_view body, size_t max_events) {
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(body.data(), body.size()).get(doc)) return bad_document("the body is not JSON");
  if (opt_string(doc, "type") != "EPCISDocument")
    return bad_document("the body is an EPCISDocument");
  simdjson::dom::array list;
  if (doc["epcisBody"]["eventList"].get_array().get(list)) {
    return bad_document("an EPCISDocument has epcisBody.eventList");
  }
  if (list.size() > max_events)
    return bad_document(fmt::format("at most {} events per capture", max_events));
  std::vector<CapturedEvent> out;
  for (element e : list) {
    auto ev = parse_event(e);
    CapturedEvent c;
    if (ev.ok()) {
      c.event = std::move(*ev);
    } else {
      c.error = ev.error();
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::string> CaptureJobs::create(const std::string& tenant, bool proceed, int64_t now_ms,
                                        size_t events) {
  auto n = store_.next_number("capture");
  if (!n.ok()) return n.error();
  std::lock_guard lock(mu_);
  CaptureJob job;
  job.id = "cj-" + std::to_string(*n);
  job.tenant = tenant;
  job.proceed = proceed;
  job.created_ms = now_ms;
  job.events = events;
  Status s = store_.put("capture", job.id, {tenant, json_of(job, true)});
  if (!s.ok()) return s.error();
  const std::string id = job.id;
  jobs_[id] = std::move(job);
  return id;
}

void CaptureJobs::record(const CaptureJob& j) {
  // A failed write leaves the previous record (interrupted): the job's effects are in the ledger.
  (void)store_.put("capture", j.id, {j.tenant, json_of(j, j.running)});
}

bool CaptureJobs::when_finished(const std::string& id, std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return false;
    if (it->second.running) {
      waiters_[id].push_back(std::move(fn));
      return true;
    }
  }
  fn();
  return true;
}

std::optional<std::string> CaptureJobs::json(const std::string& tenant,
                                             const std::string& id) const {
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) {
      if (it->second.tenant != tenant) return std::nullopt;
      return json_of(it->second, false);
    }
  }
  auto stored = store_.get("capture", id);
  if (!stored || stored->tenant != tenant) return std::nullopt;
  return stored->record;
}

std::string CaptureJobs::json_of(const CaptureJob& j, bool interrupted) {
  const bool running = j.running && !interrupted;
  JsonWriter w;
  w.begin_object()
      .field("captureID", j.id)
      .field("state", running ? "running" : interrupted ? "interrupted" : "finished")
      .field("running", running)
      .field("success", !running && !interrupted && j.success)
      .field("errorBehaviour", j.proceed ? "proceed" : "rollback")
      .field("createdAt", core::format_rfc3339_utc(j.created_ms));
  w.key("finishedAt");
  if (running || interrupted)
    w.null();
  else
    w.value(core::format_rfc3339_utc(j.finished_ms));
  w.field("events", static_cast<int64_t>(j.events))
      .field("captured", static_cast<int64_t>(j.captured))
      .field("duplicates", static_cast<int64_t>(j.duplicates));
  if (!j.position.empty()) w.field("position", j.position);
  if (interrupted) {
    w.field("detail",
            "the server stopped before the job finished; capture the document again: the events "
            "already captured are recognised by their hash");
  }
  w.key("errors").begin_array();
  for (const CaptureProblem& p : j.errors) {
    w.begin_object()
        .field("index", static_cast<int64_t>(p.index))
        .field("eventID", p.event_id)
        .field("code", p.code)
        .field("message", p.message)
        .end_object();
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace agritrace::api
