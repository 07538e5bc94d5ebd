// Routes of the open exchange formats (issue 14): GS1 EPCIS 2.0 query (REST binding) of the
// enterprise's own goods events, from the interchange read model.
#include <charconv>
#include <memory>

#include "api/http/route_kit.h"
#include "core/interchange/epcis.h"
#include "projections/interchange/queries.h"

namespace agritrace::api {
namespace {

namespace epcis = core::epcis;

constexpr std::string_view kEventTypes[] = {"ObjectEvent", "AggregationEvent", "TransactionEvent",
                                            "TransformationEvent", "AssociationEvent"};

// EPCIS QueryParameterException as problem+json (400).
HttpResponse bad_parameter(std::string_view field, std::string message) {
  return problem_response(400, "query_parameter_invalid", message, field);
}

std::vector<std::string_view> values_of(std::string_view v) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t p = v.find('|', start);
    out.push_back(v.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// "shipping", "urn:epcglobal:cbv:bizstep:shipping" or "https://ref.gs1.org/cbv/BizStep-shipping".
std::string bare_biz_step(std::string_view v) {
  for (std::string_view prefix : {std::string_view("urn:epcglobal:cbv:bizstep:"),
                                  std::string_view("https://ref.gs1.org/cbv/BizStep-")}) {
    if (v.substr(0, prefix.size()) == prefix) return std::string(v.substr(prefix.size()));
  }
  return std::string(v);
}

bool page_token_ok(std::string_view t) {
  if (t.size() != 16 || t[12] != '/') return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i != 12 && (t[i] < '0' || t[i] > '9')) return false;
  }
  return true;
}

// The SimpleEventQuery parameters of GET /epcis/events; nullopt and `problem` set on a bad one.
std::optional<projections::EpcisFilter> filter_of(const HttpRequest& req, HttpResponse& problem) {
  projections::EpcisFilter f;
  for (const auto& [name, value] : req.query) {
    if (name == "eventType") {
      if (std::find(std::begin(kEventTypes), std::end(kEventTypes), value) == std::end(kEventTypes)) {
        problem = bad_parameter(name, "eventType is ObjectEvent, AggregationEvent, TransactionEvent, "
                                      "TransformationEvent or AssociationEvent");
        return std::nullopt;
      }
      f.event_type = value;
    } else if (name == "GE_eventTime" || name == "LT_eventTime" || name == "GE_recordTime") {
      auto ms = core::parse_rfc3339(value, name);
      if (!ms.ok()) {
        problem = bad_parameter(name, name + " is an RFC 3339 date-time, e.g. 2026-01-02T03:04:05Z");
        return std::nullopt;
      }
      (name == "GE_eventTime" ? f.ge_event_time : name == "LT_eventTime" ? f.lt_event_time : f.ge_record_time) = *ms;
    } else if (name == "EQ_bizStep") {
      for (std::string_view v : values_of(value)) f.biz_steps.push_back(bare_biz_step(v));
    } else if (name == "MATCH_epc") {
      for (std::string_view v : values_of(value)) {
        auto item = epcis::parse_item(v, name);
        if (!item.ok()) {
          problem = bad_parameter(name, item.error().message);
          return std::nullopt;
        }
        f.match_epc.push_back(*item);
      }
    } else if (name == "MATCH_epcClass") {
      for (std::string_view v : values_of(value)) {
        auto cls = epcis::parse_class(v, name);
        if (!cls.ok()) {
          problem = bad_parameter(name, cls.error().message);
          return std::nullopt;
        }
        f.match_epc_class.push_back(epcis::class_uri(*cls, epcis::IdFormat::kDigitalLink));
      }
    } else if (name == "perPage") {
      uint32_t v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || v < 1 || v > 1000) {
        problem = bad_parameter(name, "perPage is 1..1000");
        return std::nullopt;
      }
      f.per_page = v;
    } else if (name == "nextPageToken") {
      if (!page_token_ok(value)) {
        problem = bad_parameter(name, "nextPageToken is the token of a previous answer's next link");
        return std::nullopt;
      }
      f.after = value;
    } else if (name != "after" && name != "wait_ms") {
      problem = bad_parameter(name, "not a query parameter of GET /epcis/events");
      return std::nullopt;
    }
  }
  return f;
}

// The same query with the next page's token (Link rel="next").
std::string next_link(const HttpRequest& req, const std::string& token) {
  std::string out = "/epcis/events?";
  for (const auto& [name, value] : req.query) {
    if (name == "nextPageToken") continue;
    out += percent_encode(name) + "=" + percent_encode(value) + "&";
  }
  out += "nextPageToken=" + percent_encode(token);
  return out;
}

HttpResponse query_document(const RouteKit& kit, const std::vector<epcis::Event>& events, epcis::IdFormat f) {
  JsonWriter w;
  w.begin_object().key("@context").begin_array().value(epcis::kContext).end_array()
      .field("type", "EPCISQueryDocument").field("schemaVersion", "2.0")
      .field("creationDate", core::format_rfc3339_utc(kit.env.now_ms()))
      .key("epcisBody").begin_object().key("queryResults").begin_object()
      .field("queryName", "SimpleEventQuery").key("resultsBody").begin_object()
      .key("eventList").begin_array();
  for (const epcis::Event& e : events) epcis::write_event(w, e, f);
  w.end_array().end_object().end_object().end_object().end_object();
  HttpResponse r = json_response(200, w.take());
  r.content_type = "application/ld+json";
  r.headers.emplace_back("GS1-EPCIS-Version", "2.0.0");
  r.headers.emplace_back("GS1-CBV-Version", "2.0.0");
  r.headers.emplace_back("GS1-EPC-Format",
                         f == epcis::IdFormat::kEpcUrn ? "Always_EPC_URN" : "Always_GS1_Digital_Link");
  return r;
}

}  // namespace

void register_interchange_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto q = std::make_shared<projections::InterchangeQueries>(kit.views);

  // Issue 14: EPCIS 2.0 REST binding, SimpleEventQuery over the tenant's own goods events.
  router.add("GET", "/epcis/events", "queryEpcisEvents",
             i->tenant_route([i, q](const HttpRequest& req, const PathParams&, const Caller& c, Responder respond) {
               auto format = epcis::parse_id_format(req.header("GS1-EPC-Format").value_or(""));
               if (!format.ok()) return respond(problem_response(400, format.error().reason,
                                                                 format.error().message, "GS1-EPC-Format"));
               HttpResponse problem;
               auto filter = filter_of(req, problem);
               if (!filter) return respond(std::move(problem));
               i->with_views(req, std::move(respond), [i, q, req, c, f = *filter, fmt = *format] {
                 auto page = q->events(c.tenant, f);
                 if (!page.ok()) return problem_from_error(page.error());
                 HttpResponse r = query_document(*i, page->events, fmt);
                 if (!page->next_token.empty()) {
                   r.headers.emplace_back("Link", "<" + next_link(req, page->next_token) + ">; rel=\"next\"");
                 }
                 return r;
               });
             }));
}

}  // namespace agritrace::api
