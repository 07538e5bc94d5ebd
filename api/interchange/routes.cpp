// Routes of the open exchange formats (issue 14): GS1 EPCIS 2.0 query (REST binding) of the
// enterprise's own goods events, from the interchange read model.
#include <simdjson.h>

#include <atomic>
#include <charconv>
#include <memory>

#include "api/http/route_kit.h"
#include "api/interchange/capture.h"
#include "api/interchange/national_feed.h"
#include "core/codes/codes.h"
#include "core/interchange/capture.h"
#include "core/interchange/epcis.h"
#include "core/receiving/commands.h"
#include "projections/base/keys.h"
#include "projections/codes/keys.h"
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
    out.push_back(
        v.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
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
      if (std::find(std::begin(kEventTypes), std::end(kEventTypes), value) ==
          std::end(kEventTypes)) {
        problem = bad_parameter(name,
                                "eventType is ObjectEvent, AggregationEvent, TransactionEvent, "
                                "TransformationEvent or AssociationEvent");
        return std::nullopt;
      }
      f.event_type = value;
    } else if (name == "GE_eventTime" || name == "LT_eventTime" || name == "GE_recordTime") {
      auto ms = core::parse_rfc3339(value, name);
      if (!ms.ok()) {
        problem =
            bad_parameter(name, name + " is an RFC 3339 date-time, e.g. 2026-01-02T03:04:05Z");
        return std::nullopt;
      }
      (name == "GE_eventTime"   ? f.ge_event_time
       : name == "LT_eventTime" ? f.lt_event_time
                                : f.ge_record_time) = *ms;
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
        problem =
            bad_parameter(name, "nextPageToken is the token of a previous answer's next link");
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

HttpResponse query_document(const RouteKit& kit, const std::vector<epcis::Event>& events,
                            epcis::IdFormat f) {
  JsonWriter w;
  w.begin_object()
      .key("@context")
      .begin_array()
      .value(epcis::kContext)
      .end_array()
      .field("type", "EPCISQueryDocument")
      .field("schemaVersion", "2.0")
      .field("creationDate", core::format_rfc3339_utc(kit.env.now_ms()))
      .key("epcisBody")
      .begin_object()
      .key("queryResults")
      .begin_object()
      .field("queryName", "SimpleEventQuery")
      .key("resultsBody")
      .begin_object()
      .key("eventList")
      .begin_array();
  for (const epcis::Event& e : events) epcis::write_event(w, e, f);
  w.end_array().end_object().end_object().end_object().end_object();
  HttpResponse r = json_response(200, w.take());
  r.content_type = "application/ld+json";
  r.headers.emplace_back("GS1-EPCIS-Version", "2.0.0");
  r.headers.emplace_back("GS1-CBV-Version", "2.0.0");
  r.headers.emplace_back("GS1-EPC-Format", f == epcis::IdFormat::kEpcUrn
                                               ? "Always_EPC_URN"
                                               : "Always_GS1_Digital_Link");
  return r;
}

constexpr size_t kMaxCaptureEvents = 1000;

// The platform's Digital Link URI of a trace code (with its lot, which a receipt by scan needs),
// or nullopt when no trace code on the platform is `item`.
std::optional<std::string> platform_code(const epcis::Item& item,
                                         const projections::ViewStore& views) {
  auto rec = views.get(projections::codes::keys::digital_link("gs1", item.serial));
  if (!rec || projections::json_string_field(*rec, "gtin").value_or("") != item.gtin14)
    return std::nullopt;
  return core::format_digital_link("https://id.gs1.org", item.gtin14,
                                   projections::json_string_field(*rec, "lot").value_or(""),
                                   item.serial);
}

// The trace-code URIs of an event that maps onto a receipt by scan (the codes must be on the
// platform: their lot comes from the resolver's index).
Result<std::vector<std::string>> receipt_codes(const epcis::Event& e,
                                               const projections::ViewStore& views) {
  std::vector<std::string> codes;
  for (const epcis::Item& item : e.epcs) {
    auto code = platform_code(item, views);
    if (!code) {
      return make_error(ErrorCode::kInvalidArgument, "epc_unknown",
                        "no trace code on the platform is " + epcis::digital_link(item), "epcList");
    }
    codes.push_back(std::move(*code));
  }
  return codes;
}

// The platform catalogue's product of a GTIN, its id only when it is one of the
// tenant's main varieties (what CreateBatch accepts).
epcis::CatalogueLookup catalogue_lookup(const projections::ViewStore& views,
                                        const std::string& tenant) {
  return [&views, tenant](std::string_view gtin14) -> std::optional<epcis::CatalogueMatch> {
    std::optional<epcis::CatalogueMatch> found;
    views.scan_prefix(projections::codes::keys::catalogue(core::kPlatformTenant),
                      [&](std::string_view, std::string_view v) {
                        std::string gtin = projections::json_string_field(v, "gtin").value_or("");
                        if (gtin.empty()) return true;
                        if (gtin.size() < 14) gtin.insert(0, 14 - gtin.size(), '0');
                        if (gtin != gtin14) return true;
                        found = epcis::CatalogueMatch{
                            projections::json_string_field(v, "product_id").value_or(""),
                            projections::json_string_field(v, "name").value_or("")};
                        return false;
                      });
    if (!found) return std::nullopt;
    auto mains = views.get(projections::codes::keys::main_varieties(tenant));
    if (!mains || mains->find("\"" + found->product_id + "\"") == std::string::npos)
      found->product_id.clear();
    return found;
  };
}

// What one captured event appends to the capturing enterprise's ledger (docs/INTERCHANGE.md
// "Capture"): commissioning -> batches, receiving (or a shipment to this enterprise) -> a
// receipt by scan; anything else is refused with epcis_event_not_mappable.
Result<std::vector<core::Command>> event_commands(const epcis::Event& e, const std::string& tenant,
                                                  const projections::ViewStore& views) {
  std::vector<core::Command> out;
  switch (epcis::capture_kind(e, tenant)) {
    case epcis::CaptureKind::kCommissioning: {
      auto batches = epcis::commissioned_batches(e, catalogue_lookup(views, tenant));
      if (!batches.ok()) return batches.error();
      for (core::CreateBatch& b : *batches) out.emplace_back(std::move(b));
      return out;
    }
    case epcis::CaptureKind::kReceipt: {
      auto codes = receipt_codes(e, views);
      if (!codes.ok()) return codes.error();
      core::ReceiveGoods cmd;
      cmd.codes = std::move(*codes);
      out.emplace_back(std::move(cmd));
      return out;
    }
    case epcis::CaptureKind::kNotMappable:
      break;
  }
  return make_error(ErrorCode::kInvalidArgument, "epcis_event_not_mappable",
                    "an ObjectEvent ADD with bizStep commissioning (goods registered as "
                    "batches), an ObjectEvent OBSERVE of trace codes with bizStep receiving, "
                    "arriving or accepting, or a shipping event to this enterprise (a receipt by "
                    "scan) map onto the enterprise's ledger; no other event does",
                    "bizStep");
}

// Submits the commands of captured events as one all-or-nothing group (CommandGroup) under an
// Idempotency-Key derived from `hash` (the event hash, or the document's concatenated hashes),
// so that the same events captured again are recognised (the writer answers the first outcome:
// replayed).
void submit_group(RouteKit* i, const Caller& c, std::vector<core::Command> commands,
                  const std::string& hash, std::function<void(const HttpResponse&)> done) {
  HttpRequest req;
  req.method = "POST";
  req.path = "/epcis/capture";
  req.body = hash;
  req.remote_address = "epcis-capture";
  req.headers.emplace_back("Idempotency-Key", "epcis-" + core::sha256_hex(hash));
  i->submit(
      req, [done = std::move(done)](HttpResponse r) { done(r); }, c, "capture_epcis_events",
      core::Command(core::CommandGroup{std::move(commands)}), 201);
}

// Appends a receipt by scan of `codes` under an Idempotency-Key derived from `hash`, so that the
// same events captured again are recognised (the writer answers the first outcome: replayed).
void submit_receipt(RouteKit* i, const Caller& c, std::vector<std::string> codes,
                    const std::string& hash, std::function<void(const HttpResponse&)> done) {
  HttpRequest req;
  req.method = "POST";
  req.path = "/epcis/capture";
  req.body = hash;
  req.remote_address = "epcis-capture";
  req.headers.emplace_back("Idempotency-Key", "epcis-" + core::sha256_hex(hash));
  core::ReceiveGoods cmd;
  cmd.codes = std::move(codes);
  i->submit(
      req, [done = std::move(done)](HttpResponse r) { done(r); }, c, "receive_goods",
      core::Command(std::move(cmd)), 201);
}

// The outcome of one submitted group in the job. A refusal names the event whose command the
// rules refused: `owner[n]` is the eventList index of the group's n-th command, `ids` its hash.
void record_outcome(CaptureJob& j, const HttpResponse& r, size_t events,
                    const std::vector<size_t>& owner, const std::vector<std::string>& ids) {
  if (r.status == 201) {
    (r.body.find("\"replayed\":true") != std::string::npos ? j.duplicates : j.captured) += events;
    // The furthest of the groups' positions ("partition:offset"; a tenant's commands share
    // one partition).
    auto offset = [](std::string_view p) {
      const size_t colon = p.find(':');
      int64_t v = -1;
      if (colon != std::string_view::npos)
        std::from_chars(p.data() + colon + 1, p.data() + p.size(), v);
      return v;
    };
    if (auto p = find_header(r.headers, "X-Agritrace-Position");
        p && offset(*p) > offset(j.position))
      j.position = std::string(*p);
    return;
  }
  // The field is "commands[n]..." (core::CommandGroup).
  const std::string field = projections::json_string_field(r.body, "field").value_or("");
  size_t n = 0;
  if (field.rfind("commands[", 0) == 0) {
    std::from_chars(field.data() + 9, field.data() + field.size(), n);
  }
  if (n >= owner.size()) n = 0;
  std::string message = projections::json_string_field(r.body, "detail").value_or("");
  const size_t dot = field.find("].");
  if (dot != std::string::npos) message += " (" + field.substr(dot + 2) + ")";
  j.errors.push_back({owner.empty() ? 0 : owner[n], ids.empty() ? "" : ids[n],
                      projections::json_string_field(r.body, "code").value_or("capture_refused"),
                      std::move(message)});
}

// ?limit= of the national feed (1..1000, default 100); nullopt and `problem` set when bad.
std::optional<uint32_t> feed_limit(const HttpRequest& req, HttpResponse& problem) {
  const std::string_view value = req.query_param("limit").value_or("100");
  uint32_t v = 0;
  auto r = std::from_chars(value.data(), value.data() + value.size(), v);
  if (r.ec != std::errc() || r.ptr != value.data() + value.size() || v < 1 || v > 1000) {
    problem = problem_response(400, "query_parameter_invalid", "limit is 1..1000", "limit");
    return std::nullopt;
  }
  return v;
}

// A page of the tenant's v1 feed records after `after`: the records' JSON array, their count and
// the last one's cursor (`after` itself when there are none).
struct FeedPage {
  std::string records;
  size_t count = 0;
  std::string last;
};
Result<FeedPage> feed_page(const projections::InterchangeQueries& q,
                           const projections::ViewStore& views, const std::string& tenant,
                           const std::string& after, uint32_t limit) {
  projections::EpcisFilter f;
  f.after = after;
  f.per_page = limit;
  auto page = q.events(tenant, f);
  if (!page.ok()) return page.error();
  FeedPage out;
  JsonWriter w;
  w.begin_array();
  for (size_t n = 0; n < page->events.size(); ++n) {
    write_feed_record(w, page->events[n], tenant, page->tokens[n], views);
  }
  w.end_array();
  out.records = w.take();
  out.count = page->events.size();
  out.last = page->tokens.empty() ? after : page->tokens.back();
  return out;
}

// The trace codes of inbound national-feed records: each record is another enterprise's
// outbound batch whose destination is this enterprise (its USCC), of trace codes the platform
// knows. Reason national_feed_record_invalid (field records[n]...).
Result<std::vector<std::string>> inbound_codes(std::string_view body, const std::string& tenant,
                                               const projections::ViewStore& views,
                                               std::string* hashes) {
  auto bad = [](size_t n, std::string_view field, std::string message) {
    return make_error(ErrorCode::kInvalidArgument, "national_feed_record_invalid",
                      std::move(message),
                      "records[" + std::to_string(n) + "]" + std::string(field));
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return make_error(ErrorCode::kInvalidArgument, "json_invalid", "the body is not JSON", "body");
  }
  std::string_view version;
  if (doc["version"].get(version) != simdjson::SUCCESS || version != kNationalFeedVersion) {
    return make_error(ErrorCode::kInvalidArgument, "national_feed_version_unsupported",
                      "version must be \"v1\"", "version");
  }
  simdjson::dom::array records;
  if (doc["records"].get(records) != simdjson::SUCCESS || records.size() == 0 ||
      records.size() > kMaxCaptureEvents) {
    return make_error(ErrorCode::kInvalidArgument, "national_feed_records_invalid",
                      "records is an array of 1 to 1000 feed records", "records");
  }
  std::vector<std::string> codes;
  size_t n = 0;
  for (simdjson::dom::element r : records) {
    std::string_view stage, dest_type, dest_id, record_id;
    if (r["stage"].get(stage) != simdjson::SUCCESS || stage != "outbound")
      return bad(n, ".stage", "an inbound record is another enterprise's outbound record");
    if (r["destination"]["id_type"].get(dest_type) != simdjson::SUCCESS || dest_type != "USCC" ||
        r["destination"]["id"].get(dest_id) != simdjson::SUCCESS || dest_id != tenant)
      return bad(n, ".destination", "the record's destination is not this enterprise's USCC");
    if (r["record_id"].get(record_id) != simdjson::SUCCESS)
      return bad(n, ".record_id", "record_id is required");
    *hashes += record_id;
    simdjson::dom::array batch;
    if (r["batch"].get(batch) != simdjson::SUCCESS || batch.size() == 0)
      return bad(n, ".batch", "batch lists the trace codes shipped");
    for (simdjson::dom::element b : batch) {
      std::string_view code;
      if (b["code"].get(code) != simdjson::SUCCESS)
        return bad(n, ".batch", "only batches of trace codes (code) can be received");
      auto item = epcis::parse_item(code, "code");
      if (!item.ok()) return bad(n, ".batch", item.error().message);
      auto known = platform_code(*item, views);
      if (!known) return bad(n, ".batch", "no trace code on the platform is " + std::string(code));
      codes.push_back(std::move(*known));
    }
    ++n;
  }
  return codes;
}

// The tenant a platform-operator or enterprise-administrator route acts for: the operator's
// ?enterprise= (nullopt: every enterprise), an enterprise administrator's own.
std::optional<std::string> scope_of(const HttpRequest& req) {
  const Principal& p = req.context->principal;
  if (p.kind == PrincipalKind::kPlatformOperator) {
    if (auto t = req.query_param("enterprise")) return std::string(*t);
    return std::nullopt;
  }
  return p.tenant;
}

}  // namespace

void register_interchange_routes(RouteKit& kit, Router& router) {
  RouteKit* i = &kit;
  auto q = std::make_shared<projections::InterchangeQueries>(kit.views);

  // Issue 14: EPCIS 2.0 REST binding, SimpleEventQuery over the tenant's own goods events.
  router.add("GET", "/epcis/events", "queryEpcisEvents",
             i->tenant_route([i, q](const HttpRequest& req, const PathParams&, const Caller& c,
                                    Responder respond) {
               auto format = epcis::parse_id_format(req.header("GS1-EPC-Format").value_or(""));
               if (!format.ok())
                 return respond(problem_response(400, format.error().reason, format.error().message,
                                                 "GS1-EPC-Format"));
               HttpResponse problem;
               auto filter = filter_of(req, problem);
               if (!filter) return respond(std::move(problem));
               i->with_views(req, std::move(respond), [i, q, req, c, f = *filter, fmt = *format] {
                 auto page = q->events(c.tenant, f);
                 if (!page.ok()) return problem_from_error(page.error());
                 HttpResponse r = query_document(*i, page->events, fmt);
                 if (!page->next_token.empty()) {
                   r.headers.emplace_back(
                       "Link", "<" + next_link(req, page->next_token) + ">; rel=\"next\"");
                 }
                 return r;
               });
             }));

  // Issue 14: EPCIS 2.0 capture. 202 + Location of the job; all or nothing unless
  // GS1-Capture-Error-Behaviour: proceed.
  auto jobs = std::make_shared<CaptureJobs>(kit.job_store());
  router.add(
      "POST", "/epcis/capture", "captureEpcisEvents",
      i->tenant_route([i, jobs](const HttpRequest& req, const PathParams&, const Caller& c,
                                Responder respond) {
        if (i->json_too_large(req, respond)) return;
        const std::string behaviour(req.header("GS1-Capture-Error-Behaviour").value_or("rollback"));
        if (behaviour != "rollback" && behaviour != "proceed") {
          return respond(problem_response(400, "capture_error_behaviour_invalid",
                                          "GS1-Capture-Error-Behaviour is rollback or proceed",
                                          "GS1-Capture-Error-Behaviour"));
        }
        auto parsed = parse_epcis_document(req.body, kMaxCaptureEvents);
        if (!parsed.ok()) {
          return respond(problem_response(400, parsed.error().reason, parsed.error().message,
                                          parsed.error().field));
        }
        const bool proceed = behaviour == "proceed";
        auto created = jobs->create(c.tenant, proceed, i->env.now_ms(), parsed->size());
        if (!created.ok()) return respond(problem_from_error(created.error()));
        const std::string id = *created;
        HttpResponse accepted = json_response(202, "{\"captureID\":\"" + id + "\"}");
        accepted.headers.emplace_back("Location", "/epcis/capture/" + id);
        respond(std::move(accepted));

        // Every event is checked first and mapped onto the commands it appends.
        struct Valid {
          size_t index;
          std::string hash;
          std::vector<core::Command> commands;
        };
        std::vector<Valid> valid;
        std::vector<CaptureProblem> problems;
        for (size_t n = 0; n < parsed->size(); ++n) {
          const CapturedEvent& ce = (*parsed)[n];
          if (ce.error) {
            problems.push_back({n, "", ce.error->reason, ce.error->message});
            continue;
          }
          const std::string hash = epcis::event_hash(ce.event);
          auto commands = event_commands(ce.event, c.tenant, i->views);
          if (!commands.ok()) {
            problems.push_back({n, hash, commands.error().reason, commands.error().message});
            continue;
          }
          valid.push_back({n, hash, std::move(*commands)});
        }
        jobs->update(id, [&](CaptureJob& j) { j.errors = problems; });
        if (valid.empty() || (!proceed && !problems.empty())) {
          return jobs->finish(id, i->env.now_ms(), [](CaptureJob&) {});
        }
        if (!proceed) {
          // One group of every event's commands: the rules accept all of them or none.
          std::string hashes;
          std::vector<core::Command> commands;
          std::vector<size_t> owner;
          std::vector<std::string> ids;
          for (Valid& v : valid) {
            hashes += v.hash;
            for (core::Command& cmd : v.commands) {
              commands.push_back(std::move(cmd));
              owner.push_back(v.index);
              ids.push_back(v.hash);
            }
          }
          return submit_group(i, c, std::move(commands), hashes,
                              [i, jobs, id, n = valid.size(), owner = std::move(owner),
                               ids = std::move(ids)](const HttpResponse& r) {
                                jobs->finish(id, i->env.now_ms(), [&](CaptureJob& j) {
                                  record_outcome(j, r, n, owner, ids);
                                });
                              });
        }
        auto left = std::make_shared<std::atomic<size_t>>(valid.size());
        for (Valid& v : valid) {
          const size_t commands = v.commands.size();
          submit_group(i, c, std::move(v.commands), v.hash,
                       [i, jobs, id, left, owner = std::vector<size_t>(commands, v.index),
                        ids = std::vector<std::string>(commands, v.hash)](const HttpResponse& r) {
                         jobs->update(id,
                                      [&](CaptureJob& j) { record_outcome(j, r, 1, owner, ids); });
                         if (left->fetch_sub(1) == 1)
                           jobs->finish(id, i->env.now_ms(), [](CaptureJob&) {});
                       });
        }
      }));
  router.add("GET", "/epcis/capture/{captureID}", "getEpcisCaptureJob",
             i->tenant_route([jobs](const HttpRequest& req, const PathParams& p, const Caller& c,
                                    Responder respond) {
               const std::string id = path_param(p, "captureID");
               auto answer = [jobs, id, tenant = c.tenant, respond] {
                 auto job = jobs->json(tenant, id);
                 if (!job) {
                   return respond(problem_response(404, "capture_job_not_found",
                                                   "no such capture job", "captureID"));
                 }
                 respond(json_response(200, *job));
               };
               // ?wait=true answers once the job has finished (the writer answers every command).
               const std::string wait(req.query_param("wait").value_or("false"));
               if (wait != "true" && wait != "false") {
                 return respond(problem_response(400, "query_parameter_invalid",
                                                 "wait is true or false", "wait"));
               }
               if (wait == "false" || !jobs->json(c.tenant, id) || !jobs->when_finished(id, answer))
                 answer();
             }));

  // national platform feed, v1 (docs/INTERCHANGE.md): the records, resumable by cursor.
  router.add(
      "GET", "/v1/national-feed/records", "listNationalFeedRecords",
      i->tenant_route([i, q](const HttpRequest& req, const PathParams&, const Caller& c,
                             Responder respond) {
        HttpResponse problem;
        auto limit = feed_limit(req, problem);
        if (!limit) return respond(std::move(problem));
        const std::string after(req.query_param("cursor").value_or(""));
        if (!after.empty() && !page_token_ok(after)) {
          return respond(problem_response(400, "query_parameter_invalid",
                                          "cursor is a record's cursor or next_cursor", "cursor"));
        }
        i->with_views(req, std::move(respond), [i, q, c, after, n = *limit] {
          auto page = feed_page(*q, i->views, c.tenant, after, n);
          if (!page.ok()) return problem_from_error(page.error());
          JsonWriter w;
          w.begin_object().field("version", kNationalFeedVersion).key("enterprise");
          write_feed_entity(w, epcis::party_uri(c.tenant));
          w.field_raw("records", page->records).field("next_cursor", page->last).end_object();
          return json_response(200, w.take());
        });
      }));

  // Push delivery of the enterprise's next records to --national-feed-url.
  auto pusher = std::make_shared<NationalFeedPusher>(
      i->env, FeedPushOptions{i->options.national_feed_url, i->options.national_feed_backoff_ms,
                              i->options.national_feed_max_attempts},
      kit.job_store());
  router.add(
      "POST", "/v1/national-feed/deliveries", "createNationalFeedDelivery",
      i->tenant_route([i, q, pusher](const HttpRequest& req, const PathParams&, const Caller& c,
                                     Responder respond) {
        if (!pusher->enabled()) {
          return respond(problem_response(409, "national_feed_not_configured",
                                          "this server has no --national-feed-url"));
        }
        HttpResponse problem;
        auto limit = feed_limit(req, problem);
        if (!limit) return respond(std::move(problem));
        i->with_views(req, std::move(respond), [i, q, c, pusher, n = *limit] {
          const std::string after = pusher->next_after(c.tenant);
          auto page = feed_page(*q, i->views, c.tenant, after, n);
          if (!page.ok()) return problem_from_error(page.error());
          if (page->count == 0) {
            return problem_response(409, "national_feed_up_to_date",
                                    "every record is in a delivery already", "cursor");
          }
          FeedDelivery d;
          d.tenant = c.tenant;
          d.after = after;
          d.last = page->last;
          d.records = page->count;
          JsonWriter w;
          w.begin_object().field("version", kNationalFeedVersion).key("enterprise");
          write_feed_entity(w, epcis::party_uri(c.tenant));
          w.field_raw("records", page->records).field("next_cursor", page->last).end_object();
          d.body = w.take();
          HttpResponse r = json_response(202, pusher->enqueue(std::move(d)));
          return r;
        });
      }));
  router.add("GET", "/v1/national-feed/deliveries", "listNationalFeedDeliveries",
             [pusher](const HttpRequest& req, const PathParams&, Responder respond) {
               respond(json_response(200, pusher->json(scope_of(req))));
             });
  router.add("POST", "/v1/national-feed/deliveries/{id}/resend", "resendNationalFeedDelivery",
             [pusher](const HttpRequest& req, const PathParams& p, Responder respond) {
               auto r = pusher->resend(scope_of(req), path_param(p, "id"));
               if (!r.ok()) return respond(problem_from_error(r.error()));
               respond(json_response(202, *r));
             });

  // The inbound counterpart: another enterprise's outbound records to this enterprise, as
  // registered on the national platform, become one receipt by scan of their trace codes (all
  // or nothing; the same records again answer the first receipt).
  router.add("POST", "/v1/national-feed/inbound", "receiveNationalFeedRecords",
             i->tenant_route([i](const HttpRequest& req, const PathParams&, const Caller& c,
                                 Responder respond) {
               if (i->json_too_large(req, respond)) return;
               std::string hashes;
               auto codes = inbound_codes(req.body, c.tenant, i->views, &hashes);
               if (!codes.ok()) return respond(problem_from_error(codes.error()));
               submit_receipt(i, c, std::move(*codes), "national-feed:" + hashes,
                              [respond](const HttpResponse& r) { respond(r); });
             }));
}

}  // namespace agritrace::api
