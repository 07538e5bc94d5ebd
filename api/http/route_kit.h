// RouteKit: what every route file of the API shares — authentication, the command path (parse ->
// CommandWriter -> answer with positions), read-your-writes waits, pagination, problem answers.
// Each business area registers its routes in its own file (routes_*.cpp) with these tools.
// Internal to api/: include it only from api/*.cpp.
#pragma once

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/http/appended_positions.h"
#include "api/http/forwarder.h"
#include "api/http/json_input.h"
#include "api/http/metrics.h"
#include "api/http/problem.h"
#include "api/http/router.h"
#include "api/http/principal.h"
#include "api/production/blob_store.h"
#include "api/service/access_control.h"
#include "api/service/job_store.h"
#include "api/service/service.h"
#include "core/accounts/access.h"
#include "core/base/digest.h"
#include "core/base/identifiers.h"
#include "core/base/json_writer.h"
#include "core/domain/decide.h"
#include "events/cluster/partition_ownership.h"
#include "events/writer/command_writer.h"
#include "projections/base/runner.h"
#include "projections/production/queries.h"
#include "core/base/civil_time.h"
#include "events/env/posix_env.h"

namespace agritrace::api {

using FieldNames = std::vector<std::pair<std::string, std::string>>;

struct Caller {
  std::string tenant;
  std::string actor;
  bool admin = false;
};

inline Error invalid(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message), std::move(field));
}

inline Result<core::Quantity> quantity_at(const JsonInput& in, std::string_view key) {
  auto q = in.object(key);
  if (!q.ok()) return q.error();
  Status only = q->only({"amount", "unit"});
  if (!only.ok()) return only.error();
  auto amount = q->i64("amount");
  if (!amount.ok()) return amount.error();
  auto unit = q->str("unit", 16);
  if (!unit.ok()) return unit.error();
  return core::parse_quantity(*amount, *unit, key);
}

inline Result<core::Date> date_at(const JsonInput& in, std::string_view key) {
  auto s = in.str(key, 10);
  if (!s.ok()) return s.error();
  return core::parse_date(*s, key);
}

inline Result<std::optional<core::Date>> opt_date_at(const JsonInput& in, std::string_view key) {
  if (!in.has(key)) return std::optional<core::Date>();
  auto d = date_at(in, key);
  if (!d.ok()) return d.error();
  return std::optional<core::Date>(*d);
}

// An optional money field in fen: absent -> nullopt (the rules refuse negative amounts).
inline Result<std::optional<int64_t>> opt_price_at(const JsonInput& in, std::string_view key = "price_fen") {
  if (!in.has(key)) return std::optional<int64_t>();
  auto v = in.i64(key);
  if (!v.ok()) return v.error();
  return std::optional<int64_t>(*v);
}

// A date in the query string: absent or empty -> nullopt.
inline Result<std::optional<core::Date>> query_date(const HttpRequest& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::optional<core::Date>();
  auto d = core::parse_date(*v, name);
  if (!d.ok()) return d.error();
  return std::optional<core::Date>(*d);
}

// An integer in the query string within lo..hi: absent -> fallback; anything else -> 422
// `<name>_invalid` naming the parameter.
inline Result<int64_t> query_int(const HttpRequest& req, std::string_view name, int64_t lo,
                                 int64_t hi, int64_t fallback) {
  auto v = req.query_param(name);
  if (!v) return fallback;
  int64_t n = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), n);
  if (r.ec != std::errc() || r.ptr != v->data() + v->size() || n < lo || n > hi) {
    return invalid(std::string(name) + "_invalid", fmt::format("{} must be {}..{}", name, lo, hi),
                   std::string(name));
  }
  return n;
}

// The body of the cancel / decline / disable commands: {"reason"} alone, optional or required.
inline Result<std::string> reason_only(const JsonInput& in, bool required = false) {
  Status only = in.only({"reason"});
  if (!only.ok()) return only.error();
  return required ? in.str("reason", core::kMaxNoteBytes) : in.opt_str("reason", core::kMaxNoteBytes);
}

#define AGT_TRY(var, expr)          \
  auto var##_r = (expr);            \
  if (!var##_r.ok()) return var##_r.error(); \
  auto var = std::move(var##_r).value()

// Reads one request field straight into a command's member, so each field is named once.
#define AGT_SET(target, expr)                \
  do {                                       \
    auto set_r_ = (expr);                    \
    if (!set_r_.ok()) return set_r_.error(); \
    (target) = std::move(set_r_).value();    \
  } while (0)

#define AGT_CHECK(expr)             \
  do {                              \
    Status s_ = (expr);             \
    if (!s_.ok()) return s_.error(); \
  } while (0)

// A path parameter the router has matched (it is always present for the route's pattern).
inline const std::string& path_param(const PathParams& p, std::string_view name) {
  return p.find(name)->second;
}

struct RouteKit {
  events::Ledger& ledger;
  events::CommandWriter& writer;
  projections::ProjectionRunner& runner;
  projections::ViewStore& views;
  BlobStore& blobs;
  MetricsRegistry& metrics;
  ServiceOptions options;
  Env& env;  // clock and CSPRNG of every route
  projections::ProductionQueries queries;
  AppendedPositions appended;  // filled by submit()
  AccessControl access;        // the router's guard
  // The jobs' store: ServiceOptions::jobs, or one in memory (job_store()).
  std::unique_ptr<JobStore> memory_jobs;

  RouteKit(events::Ledger& l, events::CommandWriter& w, projections::ProjectionRunner& r,
       projections::ViewStore& v, BlobStore& b, MetricsRegistry& m, ServiceOptions o)
      : ledger(l), writer(w), runner(r), views(v), blobs(b), metrics(m), options(std::move(o)),
        env(options.env != nullptr ? *options.env : events::posix_env()), queries(v),
        access(w, env, options.audit, options.access),
        memory_jobs(options.jobs != nullptr ? nullptr : JobStore::in_memory()) {}

  JobStore& job_store() { return options.jobs != nullptr ? *options.jobs : *memory_jobs; }

  // ---- authentication: done by the router's guard (api/service/access_control.h) ----

  // The caller the guard admitted on an enterprise route.
  static Caller caller_of(const HttpRequest& req) {
    const Principal& p = req.context->principal;
    return Caller{p.tenant, p.label(), false};
  }

  // ---- several nodes (issue 17, R-8): the owner of the tenant's partition writes ----

  // Requests that change something (every method but GET/HEAD/OPTIONS), and the reads of what
  // lives on the node that accepted it (upload and EPCIS capture jobs, document bytes): an
  // enterprise's are answered by the node owning its ledger partition.
  static bool answered_by_owner(const HttpRequest& req) {
    if (req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS") return true;
    return req.path.starts_with("/v1/uploads/") || req.path.starts_with("/epcis/capture/") ||
           req.path.starts_with("/v1/documents/");
  }

  // True when this node does not own `tenant`'s ledger partition: then the request has been
  // handed to the owner (its answer goes back unchanged) or answered 503 partition_not_owned /
  // owner_unreachable (Retry-After). A request another node forwarded is never forwarded again.
  bool forwarded_to_owner(const HttpRequest& req, const std::string& tenant, Responder& respond) {
    // A job's own submissions (EPCIS capture builds its requests, without a target) are never
    // forwarded: the job runs on the owner, and if the partition moved meanwhile the writer
    // refuses them (partition_not_owned) and the job says so.
    if (options.ownership == nullptr || req.target.empty()) return false;
    const int32_t partition = ledger.partition_for(tenant);
    if (options.ownership->owns(partition)) return false;
    // The owner audits the command (or its refusal); this node only relays it.
    if (req.context) req.context->audited_by_writer = true;
    const auto from = req.header(kForwardedByHeader);
    const std::optional<std::string> owner = options.ownership->owner_url(partition);
    if (from) {
      respond(partition_not_owned(fmt::format(
          "forwarded by {} but this node does not own ledger partition {} (any more){}; retry",
          *from, partition, owner ? ", its owner is " + *owner : std::string(": a rebalance is in progress"))));
      return true;
    }
    if (!owner || options.forwarder == nullptr || *owner == options.ownership->self_url()) {
      respond(partition_not_owned(fmt::format(
          "ledger partition {} has no owner right now (a rebalance is in progress); retry", partition)));
      return true;
    }
    options.forwarder->forward(req, *owner, std::move(respond));
    return true;
  }

  // Wraps a tenant route: the guard has identified the caller and checked the route's policy
  // (api/http/route_policy.cpp) before this runs; without an enterprise principal (no guard) the
  // route refuses (fail closed). A command of an enterprise whose ledger partition another node
  // owns goes to that node before it is parsed (the owner validates: one truth), and so does
  // everything the route would do beside the writer (documents, jobs).
  RouteHandler tenant_route(std::function<void(const HttpRequest&, const PathParams&, const Caller&, Responder)> fn) {
    return [this, fn = std::move(fn)](const HttpRequest& req, const PathParams& params, Responder respond) {
      if (!req.context || !req.context->principal.enterprise()) {
        return respond(problem_response(403, "enterprise_key_required",
                                        "the administrator key manages enterprises; use an enterprise's key",
                                        "Authorization"));
      }
      if (answered_by_owner(req) && forwarded_to_owner(req, req.context->principal.tenant, respond)) return;
      fn(req, params, caller_of(req), std::move(respond));
    };
  }

  // ---- commands ----

  void submit(const HttpRequest& req, Responder respond, const Caller& caller, std::string name,
              Result<core::Command> command, int32_t success_status,
              std::function<void(JsonWriter&, const events::CommandOutcome&)> extra = {},
              FieldNames field_names = {}, bool extra_after_views = false) {
    // Problems name the request's fields; where a command field is named differently, say the
    // request's name.
    auto problem = [field_names](Error e) {
      for (const auto& [command_field, request_field] : field_names) {
        if (e.field == command_field) e.field = request_field;
      }
      return problem_from_error(e);
    };
    // Every command path meets here: one whose tenant is known only now (the platform operator's,
    // a consumer's complaint, a payment notification, a bureau's) goes to its partition's owner.
    if (forwarded_to_owner(req, caller.tenant, respond)) return;
    if (!command.ok()) return respond(problem(command.error()));
    std::string key;
    if (auto k = req.header("Idempotency-Key")) {
      if (k->empty() || k->size() > 128) {
        return respond(problem_response(422, "idempotency_key_invalid",
                                        "Idempotency-Key must be 1 to 128 characters", "Idempotency-Key"));
      }
      key.assign(*k);
    }
    events::CommandSubmission sub;
    sub.command_name = std::move(name);
    sub.tenant = caller.tenant;
    sub.actor = caller.actor;
    sub.idempotency_key = std::move(key);
    sub.request_hash = core::sha256_hex(req.method + "\n" + req.path + "\n" + req.body);
    sub.source = req.remote_address;
    if (req.context) req.context->audited_by_writer = true;
    sub.command = std::move(command).value();
    // The answer; with `extra_after_views`, `extra` runs once the views hold the command's events
    // (it reads what they made, e.g. the lots a receipt created: the same for the first answer and
    // for every Idempotency-Key retry). The writer thread never waits: the runner calls back.
    auto answer = [success_status, extra = std::move(extra)](const events::CommandOutcome& out) {
      JsonWriter w;
      w.begin_object();
      w.field("id", out.events.empty() ? std::string() : out.events.front().subject);
      w.field("command_id", out.command_id);
      w.field("position", out.events.empty() ? std::string() : out.events.back().position.to_string());
      w.key("events").begin_array();
      for (const auto& e : out.events) {
        w.begin_object().field("id", e.id).field("type", e.type).field("subject", e.subject)
            .field("position", e.position.to_string()).end_object();
      }
      w.end_array();
      w.field("replayed", out.replayed);
      if (extra) extra(w, out);
      w.end_object();
      HttpResponse resp = json_response(success_status, w.take());
      if (out.replayed) resp.headers.emplace_back("Idempotent-Replayed", "true");
      if (!out.events.empty()) {
        resp.headers.emplace_back("X-Agritrace-Position", out.events.back().position.to_string());
      }
      return resp;
    };
    sub.done = [respond = std::move(respond), answer = std::move(answer), problem,
                extra_after_views, tracker = &appended, runner = &runner, tenant = caller.tenant,
                wait_ms = options.max_wait_ms](Result<events::CommandOutcome> r) {
      if (!r.ok()) return respond(problem(r.error()));
      const events::CommandOutcome& out = *r;
      if (out.events.empty()) return respond(answer(out));
      tracker->note(tenant, out.events.back().position);
      if (!extra_after_views) return respond(answer(out));
      // Not reached in time: `extra` reads what the views hold (it says so in its members).
      runner->wait_for(out.events.back().position, wait_ms,
                       [respond, answer, out](bool) { respond(answer(out)); });
    };
    writer.submit(std::move(sub));
  }

  // JSON bodies have a limit of their own, far below the server's (documents) limit.
  bool json_too_large(const HttpRequest& req, Responder& respond) const {
    if (req.body.size() <= options.max_json_body_bytes) return false;
    respond(problem_response(413, "body_too_large",
                             fmt::format("JSON bodies are limited to {} bytes", options.max_json_body_bytes)));
    return true;
  }

  using CommandParser = std::function<Result<core::Command>(const JsonInput&, const PathParams&)>;
  using AnswerExtra = std::function<void(JsonWriter&, const events::CommandOutcome&)>;

  // A command from the JSON body: parse(body, path) -> submit. `extra` adds fields to the answer;
  // with `empty_body_is_object` an empty body reads as {} (commands whose fields are all optional).
  RouteHandler command_route(std::string name, int32_t status, CommandParser parse, AnswerExtra extra = {},
                             bool empty_body_is_object = false) {
    return tenant_route([this, name, status, parse = std::move(parse), extra = std::move(extra),
                         empty_body_is_object](const HttpRequest& req, const PathParams& params,
                                               const Caller& caller, Responder respond) {
      if (json_too_large(req, respond)) return;
      auto in = JsonInput::parse(empty_body_is_object && req.body.empty() ? std::string_view("{}")
                                                                         : std::string_view(req.body));
      if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
      submit(req, std::move(respond), caller, name, parse(*in, params), status, extra);
    });
  }

  // A command whose only field is its subject, the path parameter `param`; the body is not read.
  template <class Command>
  RouteHandler path_command_route(std::string name, int32_t status, std::string param) {
    return tenant_route([this, name = std::move(name), status, param = std::move(param)](
                            const HttpRequest& req, const PathParams& params, const Caller& caller,
                            Responder respond) {
      submit(req, std::move(respond), caller, name, core::Command(Command{path_param(params, param)}), status);
    });
  }

  // The parser of a command {subject, reason}: the subject is the path parameter `param`, the body
  // is {"reason"} alone (cancel, disable).
  template <class Command>
  static CommandParser reason_command(std::string param) {
    return [param = std::move(param)](const JsonInput& in, const PathParams& p) -> Result<core::Command> {
      AGT_TRY(reason, reason_only(in));
      return core::Command(Command{path_param(p, param), reason});
    };
  }

  // ---- queries ----

  // Runs fn once the views include the position named by ?after= (or X-Agritrace-After).
  void with_views(const HttpRequest& req, Responder respond, std::function<HttpResponse()> fn) {
    std::optional<std::string_view> after = req.query_param("after");
    if (!after) after = req.header("X-Agritrace-After");
    if (!after || after->empty()) return respond(fn());
    auto pos = events::parse_position(*after);
    if (!pos.ok()) return respond(problem_response(400, "position_invalid", pos.error().message, "after"));
    if (pos->partition >= ledger.partition_count()) {
      return respond(problem_response(400, "position_invalid", "no such ledger partition", "after"));
    }
    // A position the ledger has not written yet can only be a mistake (positions come from
    // acknowledged appends): say so at once instead of waiting out wait_ms for a 503.
    if (!runner.reached(*pos)) {
      auto ends = ledger.end_offsets();
      if (ends.ok() && static_cast<size_t>(pos->partition) < ends->size() &&
          pos->offset >= (*ends)[static_cast<size_t>(pos->partition)]) {
        return respond(
            problem_response(400, "position_beyond_end",
                             fmt::format("the ledger's partition {} ends before offset {}",
                                         pos->partition, pos->offset),
                             "after"));
      }
    }
    int32_t wait_ms = options.default_wait_ms;
    if (auto w = req.query_param("wait_ms")) {
      int32_t v = -1;
      auto r = std::from_chars(w->data(), w->data() + w->size(), v);
      if (r.ec != std::errc() || r.ptr != w->data() + w->size() || v < 0 || v > options.max_wait_ms) {
        return respond(problem_response(400, "wait_ms_invalid",
                                        fmt::format("wait_ms must be 0..{}", options.max_wait_ms), "wait_ms"));
      }
      wait_ms = v;
    }
    runner.wait_for(*pos, wait_ms, [respond = std::move(respond), fn = std::move(fn)](bool reached) {
      if (!reached) {
        HttpResponse r = problem_response(503, "views_behind",
                                          "the views have not reached the requested position yet; retry");
        r.headers.emplace_back("Retry-After", "1");
        return respond(std::move(r));
      }
      respond(fn());
    });
  }

  static HttpResponse answer(const Result<std::string>& r) {
    if (!r.ok()) return problem_from_error(r.error());
    return json_response(200, *r);
  }

  static Result<projections::Page> page_of(const HttpRequest& req) {
    projections::Page page;
    if (auto l = req.query_param("limit")) {
      uint32_t v = 0;
      auto r = std::from_chars(l->data(), l->data() + l->size(), v);
      if (r.ec != std::errc() || r.ptr != l->data() + l->size() || v < 1 || v > 1000) {
        return invalid("limit_invalid", "limit must be 1..1000", "limit");
      }
      page.limit = v;
    }
    if (auto a = req.query_param("after_id")) page.after.assign(*a);
    return page;
  }

  RouteHandler query_route(std::function<Result<std::string>(const Caller&, const PathParams&, const HttpRequest&)> q) {
    return tenant_route([this, q = std::move(q)](const HttpRequest& req, const PathParams& params,
                                                 const Caller& caller, Responder respond) {
      with_views(req, std::move(respond), [q, req, params, caller] { return answer(q(caller, params, req)); });
    });
  }

  // GET of one record named by the path parameter `param`: get(*queries, tenant, id), where get
  // is a query's member function (or a callable taking the same arguments).
  template <class QueriesPtr, class Get>
  RouteHandler get_route(std::string param, QueriesPtr queries, Get get) {
    return query_route([param = std::move(param), queries, get](const Caller& c, const PathParams& p,
                                                                const HttpRequest&) -> Result<std::string> {
      return std::invoke(get, *queries, c.tenant, path_param(p, param));
    });
  }

  // GET of a page of a tenant's records (?limit=&after_id=): list(*queries, tenant, page).
  template <class QueriesPtr, class List>
  RouteHandler list_route(QueriesPtr queries, List list) {
    return query_route([queries, list](const Caller& c, const PathParams&,
                                       const HttpRequest& req) -> Result<std::string> {
      AGT_TRY(page, page_of(req));
      return std::invoke(list, *queries, c.tenant, page);
    });
  }

  // ---- special routes ----

  // A password that passes the rules (core/accounts/access.h), hashed with Argon2id (the rules
  // check the username itself).
  Result<std::string> new_password_hash(const std::string& username, const std::string& password,
                                        std::string_view field) {
    AGT_CHECK(core::check_password_rules(password, username, field));
    return hash_password(env, password);
  }

  // The platform operator only (the route policy, checked by the router's guard).
  void register_enterprise(const HttpRequest& req, const PathParams&, Responder respond) {
    if (json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    auto parsed = [&]() -> Result<core::RegisterEnterprise> {
      AGT_CHECK(in->only({"uscc", "name", "region", "administrator"}));
      AGT_TRY(uscc, in->str("uscc", 32));
      AGT_TRY(name, in->str("name", core::kMaxNameBytes));
      AGT_TRY(region, in->str("region", core::kMaxTextBytes));
      core::RegisterEnterprise c{uscc, name, region, "", ""};
      // Optional: the enterprise's first administrator account {username, password}.
      if (in->has("administrator")) {
        AGT_TRY(admin, in->object("administrator"));
        AGT_CHECK(admin.only({"username", "password"}));
        AGT_SET(c.admin_username, admin.str("username", 64));
        AGT_TRY(password, admin.str("password", core::kMaxPasswordBytes));
        AGT_SET(c.admin_password_hash, new_password_hash(c.admin_username, password, "administrator.password"));
      }
      return c;
    }();
    if (!parsed.ok()) return respond(problem_from_error(parsed.error()));
    // The key is generated here and never stored: the ledger keeps its SHA-256 only. A retry with
    // the same Idempotency-Key cannot show the key again (only its id); that is deliberate.
    auto generated = generate_api_key(env);
    if (!generated.ok()) return respond(problem_from_error(generated.error()));
    NewApiKey key = std::move(generated).value();
    parsed->api_key_id = key.key_id;
    parsed->api_key_sha256 = key.sha256;
    Caller as_tenant{parsed->enterprise_id, "admin", true};
    // The request hash must not depend on the random key, so it is computed from the request.
    submit(req, std::move(respond), as_tenant, "register_enterprise", core::Command(std::move(*parsed)), 201,
           [key](JsonWriter& w, const events::CommandOutcome& out) {
             // On a replay the key generated for this request was never registered: say so.
             if (out.replayed) {
               w.field("api_key_id", "(shown in the first answer only)");
             } else {
               w.field("api_key_id", key.key_id).field("api_key", key.key);
             }
           },
           {{"enterprise_id", "uscc"}});
  }

  void upload_document(const HttpRequest& req, const Caller& caller, Responder respond) {
    if (req.body.empty()) {
      return respond(problem_response(422, "document_empty", "the document has no bytes", "body"));
    }
    auto info = blobs.put(caller.tenant, req.body);
    if (!info.ok()) return respond(problem_from_error(info.error()));
    JsonWriter w;
    w.begin_object().field("sha256", info->sha256).field("size_bytes", info->size_bytes).end_object();
    respond(json_response(201, w.take()));
  }

  void attach_document(const HttpRequest& req, const PathParams& params, const Caller& caller,
                       Responder respond) {
    if (json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    auto cmd = [&]() -> Result<core::Command> {
      AGT_CHECK(in->only({"sha256", "kind", "filename", "media_type"}));
      AGT_TRY(sha, in->str("sha256", 64));
      AGT_TRY(kind_name, in->str("kind", 32));
      AGT_TRY(kind, core::parse_document_kind(kind_name, "kind"));
      AGT_TRY(filename, in->str("filename", core::kMaxFilenameBytes));
      AGT_TRY(media, in->opt_str("media_type", 127));
      if (!core::is_sha256_hex(sha)) {
        return invalid("sha256_invalid", "sha256 must be 64 lowercase hex characters", "sha256");
      }
      auto blob = blobs.stat(caller.tenant, sha);
      if (!blob) {
        return make_error(ErrorCode::kNotFound, "document_not_found",
                          "upload the document first: POST /v1/documents", "sha256");
      }
      core::AttachDocument c;
      c.batch_id = path_param(params, "batch_id");
      c.document_sha256 = sha;
      c.kind = kind;
      c.filename = filename;
      c.media_type = media.empty() ? "application/octet-stream" : media;
      c.size_bytes = blob->size_bytes;
      return core::Command(std::move(c));
    }();
    submit(req, std::move(respond), caller, "attach_document", std::move(cmd), 201, {},
           {{"document_sha256", "sha256"}});
  }

  // Ledger offsets not yet in the views. On Kafka, offsets also count transaction markers, so
  // this is an upper bound while behind, and 0 once the runner has read to the end.
  int64_t projection_lag(const projections::RunnerStatus& rs) const {
    if (rs.caught_up) return 0;
    auto ends = ledger.end_offsets();
    if (!ends.ok()) return -1;
    int64_t lag = 0;
    for (size_t p = 0; p < ends->size() && p < rs.next_offsets.size(); ++p) {
      lag += std::max<int64_t>(0, (*ends)[p] - rs.next_offsets[p]);
    }
    return lag;
  }

  // GET /v1/platform/views-digest: SHA-256 over every view (positions included; equal on two
  // nodes exactly when their views are identical), the views' next offset per partition, whether
  // they have read to the end of the ledger, and the partitions this node appends to.
  HttpResponse views_digest() const {
    const projections::RunnerStatus rs = runner.status();
    const int64_t lag = projection_lag(rs);
    JsonWriter w;
    w.begin_object().field("digest", views.digest());
    w.key("next_offsets").begin_array();
    for (int64_t o : rs.next_offsets) w.value(o);
    w.end_array();
    w.field("caught_up", rs.caught_up).field("lag_events", lag);
    w.field("node_url", options.ownership ? options.ownership->self_url() : std::string());
    w.key("owned_partitions").begin_array();
    for (int32_t p = 0; p < ledger.partition_count(); ++p) {
      if (options.ownership == nullptr || options.ownership->owns(p)) w.value(static_cast<int64_t>(p));
    }
    w.end_array();
    w.field("partitions", static_cast<int64_t>(ledger.partition_count()));
    w.end_object();
    return json_response(200, w.take());
  }

  HttpResponse healthz() const {
    const events::LedgerHealth lh = ledger.health();
    const projections::RunnerStatus rs = runner.status();
    const int64_t lag = projection_lag(rs);
    const bool ok = lh.available && rs.healthy;
    JsonWriter w;
    w.begin_object().field("status", ok ? "ok" : "degraded");
    w.key("ledger").begin_object().field("backend", ledger.describe()).field("available", lh.available)
        .field("detail", lh.detail).end_object();
    w.key("projections").begin_object().field("healthy", rs.healthy).field("detail", rs.detail)
        .field("lag_events", lag).end_object();
    // The server's own clock and platform day: clients (the demo, the tests) compute relative
    // dates from these, so they agree with the rules even under a test clock.
    const int64_t now = env.now_ms();
    w.key("clock").begin_object().field("now", core::format_rfc3339_utc(now))
        .field("today", core::format_date(core::date_from_unix_ms(now, kPlatformUtcOffsetMinutes)))
        .field("test_clock", options.test_clock).end_object();
    w.end_object();
    return json_response(ok ? 200 : 503, w.take());
  }
};


// Route registration per business area.
void register_production_routes(RouteKit& kit, Router& router);
void register_sales_routes(RouteKit& kit, Router& router);
void register_receiving_routes(RouteKit& kit, Router& router);
void register_retail_routes(RouteKit& kit, Router& router);
void register_codes_routes(RouteKit& kit, Router& router);  // resolver
void register_trace_routes(RouteKit& kit, Router& router);  // receipts, R-4.2.4 across enterprises
void register_inventory_routes(RouteKit& kit, Router& router);
void register_finance_routes(RouteKit& kit, Router& router);
void register_market_routes(RouteKit& kit, Router& router);  // market orders
void register_devices_routes(RouteKit& kit, Router& router);  // lines, devices, print jobs
void register_accounts_routes(RouteKit& kit, Router& router);  // issue 16: users, sessions, keys, audit
void register_regulator_feed_routes(RouteKit& kit, Router& router);  // issue 13: signed webhooks
void register_regulator_routes(RouteKit& kit, Router& router);  // issue 13: bureaus, R-4.5.1 filing
void register_interchange_routes(RouteKit& kit, Router& router);  // issue 14: EPCIS 2.0

// .P payment notifications and voucher lookup (api/public/payment_routes.cpp).
void register_payment_routes(RouteKit& kit, Router& router);
// Issue 12, the public end (api/public): scan history, locations, phone, documents, scan alerts
void register_public_routes(RouteKit& kit, Router& router);
void register_uploads_routes(RouteKit& kit, Router& router);   // ERP file uploads
// .S sampling inspection publication (api/public/sampling_routes.cpp).
void register_sampling_routes(RouteKit& kit, Router& router);
// food-safety complaints and the consumer's voucher / case pages (api/public/complaint_*.cpp).
void register_complaint_routes(RouteKit& kit, Router& router);
// Issue 13, R-4.5.3 statistics / R-4.5.4 targeted supervision (api/regulator/flow_routes.cpp).
void register_regulator_flow_routes(RouteKit& kit, Router& router);
// inspections, risk grades, random draws (api/regulator/inspection_routes.cpp).
void register_regulator_inspection_routes(RouteKit& kit, Router& router);

}  // namespace agritrace::api
