#include "api/service.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>

#include "api/json_input.h"
#include "api/problem.h"
#include "core/decide.h"
#include "core/identifiers.h"
#include "core/json_writer.h"
#include "projections/production_queries.h"

namespace agritrace::api {
namespace {

using FieldNames = std::vector<std::pair<std::string, std::string>>;

struct Caller {
  std::string tenant;
  std::string actor;
  bool admin = false;
};

Error invalid(std::string reason, std::string message, std::string field) {
  return make_error(ErrorCode::kInvalidArgument, std::move(reason), std::move(message), std::move(field));
}

std::string base64url(const unsigned char* bytes, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buf = (buf << 8) | bytes[i];
    bits += 8;
    while (bits >= 6) {
      out.push_back(kAlphabet[(buf >> (bits - 6)) & 0x3f]);
      bits -= 6;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buf << (6 - bits)) & 0x3f]);
  return out;
}

// ---- request body -> command ------------------------------------------------------------------

Result<core::Quantity> quantity_at(const JsonInput& in, std::string_view key) {
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

Result<core::Date> date_at(const JsonInput& in, std::string_view key) {
  auto s = in.str(key, 10);
  if (!s.ok()) return s.error();
  return core::parse_date(*s, key);
}

Result<std::optional<core::Date>> opt_date_at(const JsonInput& in, std::string_view key) {
  if (!in.has(key)) return std::optional<core::Date>();
  auto d = date_at(in, key);
  if (!d.ok()) return d.error();
  return std::optional<core::Date>(*d);
}

#define AGT_TRY(var, expr)          \
  auto var##_r = (expr);            \
  if (!var##_r.ok()) return var##_r.error(); \
  auto var = std::move(var##_r).value()

#define AGT_CHECK(expr)             \
  do {                              \
    Status s_ = (expr);             \
    if (!s_.ok()) return s_.error(); \
  } while (0)

Result<core::CounterpartyRecord> counterparty_record(const JsonInput& in) {
  AGT_CHECK(in.only({"kind", "roles", "name", "uscc", "legal_representative", "contact_person",
                     "id_number", "phone", "address"}));
  core::CounterpartyRecord r;
  AGT_TRY(kind_name, in.str("kind", 16));
  AGT_TRY(kind, core::parse_counterparty_kind(kind_name, "kind"));
  r.kind = kind;
  AGT_TRY(roles, in.str_array("roles", 4));
  for (size_t i = 0; i < roles.size(); ++i) {
    AGT_TRY(next, core::add_counterparty_role(r.roles, roles[i], fmt::format("roles[{}]", i)));
    r.roles = next;
  }
  AGT_TRY(name, in.str("name", core::kMaxNameBytes));
  r.name = name;
  AGT_TRY(uscc, in.opt_str("uscc", 32));
  r.uscc = uscc;
  AGT_TRY(legal, in.opt_str("legal_representative", core::kMaxNameBytes));
  r.legal_representative = legal;
  AGT_TRY(contact, in.opt_str("contact_person", core::kMaxNameBytes));
  r.contact_person = contact;
  AGT_TRY(idn, in.opt_str("id_number", 32));
  r.id_number = idn;
  AGT_TRY(phone, in.opt_str("phone", 32));
  r.phone = phone;
  AGT_TRY(address, in.opt_str("address", core::kMaxTextBytes));
  r.address = address;
  return r;
}

Result<core::Command> parse_register_counterparty(const JsonInput& in) {
  AGT_TRY(r, counterparty_record(in));
  return core::Command(core::RegisterCounterparty{std::move(r)});
}

Result<core::Command> parse_amend_counterparty(const JsonInput& in, const std::string& id) {
  AGT_TRY(r, counterparty_record(in));
  return core::Command(core::AmendCounterparty{id, std::move(r)});
}

Result<core::Command> parse_create_po(const JsonInput& in) {
  AGT_CHECK(in.only({"material", "supplier_id", "quantity", "supplier_lot", "production_date",
                     "expiry_date", "note"}));
  core::CreatePurchaseOrder c;
  AGT_TRY(material, in.str("material", core::kMaxNameBytes));
  AGT_TRY(supplier, in.str("supplier_id", 64));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(lot, in.opt_str("supplier_lot", core::kMaxTextBytes));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.material = material;
  c.supplier_id = supplier;
  c.quantity = q;
  c.supplier_lot = lot;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
  return core::Command(std::move(c));
}

Result<core::Command> parse_amend_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"material", "quantity", "supplier_lot", "production_date", "expiry_date", "note"}));
  core::AmendPurchaseOrder c;
  c.po_id = id;
  AGT_TRY(material, in.str("material", core::kMaxNameBytes));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(lot, in.opt_str("supplier_lot", core::kMaxTextBytes));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.material = material;
  c.quantity = q;
  c.supplier_lot = lot;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
  return core::Command(std::move(c));
}

Result<core::Command> parse_cancel_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"reason"}));
  AGT_TRY(reason, in.opt_str("reason", core::kMaxNoteBytes));
  return core::Command(core::CancelPurchaseOrder{id, reason});
}

Result<core::Command> parse_receive_po(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"quantity", "received_on"}));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(on, date_at(in, "received_on"));
  return core::Command(core::ReceivePurchaseOrder{id, q, on});
}

Result<core::Command> parse_create_batch(const JsonInput& in) {
  AGT_CHECK(in.only({"product", "lot_code", "quantity", "production_date", "expiry_date", "note"}));
  core::CreateBatch c;
  AGT_TRY(product, in.str("product", core::kMaxNameBytes));
  AGT_TRY(lot_code, in.str("lot_code", 64));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, opt_date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.product = product;
  c.lot_code = lot_code;
  c.quantity = q;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
  return core::Command(std::move(c));
}

Result<core::Command> parse_amend_batch(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"product", "quantity", "production_date", "expiry_date", "note"}));
  core::AmendBatch c;
  c.batch_id = id;
  AGT_TRY(product, in.str("product", core::kMaxNameBytes));
  AGT_TRY(q, quantity_at(in, "quantity"));
  AGT_TRY(prod, date_at(in, "production_date"));
  AGT_TRY(exp, opt_date_at(in, "expiry_date"));
  AGT_TRY(note, in.opt_str("note", core::kMaxNoteBytes));
  c.product = product;
  c.quantity = q;
  c.production_date = prod;
  c.expiry_date = exp;
  c.note = note;
  return core::Command(std::move(c));
}

Result<core::Command> parse_consume(const JsonInput& in, const std::string& id) {
  AGT_CHECK(in.only({"lot_id", "quantity"}));
  AGT_TRY(lot, in.str("lot_id", 64));
  AGT_TRY(q, quantity_at(in, "quantity"));
  return core::Command(core::ConsumeMaterial{id, lot, q});
}

}  // namespace

NewApiKey generate_api_key() {
  unsigned char secret[32];
  unsigned char id[6];
  if (RAND_bytes(secret, sizeof secret) != 1 || RAND_bytes(id, sizeof id) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  NewApiKey k;
  k.key = "agk_" + base64url(secret, sizeof secret);
  k.key_id = "key_" + base64url(id, sizeof id);
  k.sha256 = sha256_hex(k.key);
  return k;
}

struct Service::Impl {
  events::Ledger& ledger;
  events::CommandWriter& writer;
  projections::ProjectionRunner& runner;
  projections::ViewStore& views;
  BlobStore& blobs;
  MetricsRegistry& metrics;
  ServiceOptions options;
  projections::ProductionQueries queries;

  Impl(events::Ledger& l, events::CommandWriter& w, projections::ProjectionRunner& r,
       projections::ViewStore& v, BlobStore& b, MetricsRegistry& m, ServiceOptions o)
      : ledger(l), writer(w), runner(r), views(v), blobs(b), metrics(m), options(std::move(o)), queries(v) {}

  // ---- authentication ----

  Result<Caller> authenticate(const HttpRequest& req) const {
    std::string_view key;
    if (auto auth = req.header("Authorization")) {
      constexpr std::string_view kBearer = "Bearer ";
      if (!auth->starts_with(kBearer)) {
        return make_error(ErrorCode::kUnauthenticated, "bad_authorization",
                          "use 'Authorization: Bearer <api key>'", "Authorization");
      }
      key = auth->substr(kBearer.size());
    } else if (auto x = req.header("X-API-Key")) {
      key = *x;
    } else {
      return make_error(ErrorCode::kUnauthenticated, "api_key_missing",
                        "this route needs an API key: 'Authorization: Bearer <api key>'", "Authorization");
    }
    const std::string sha = sha256_hex(key);
    if (!options.admin_key_sha256.empty() && sha.size() == options.admin_key_sha256.size() &&
        CRYPTO_memcmp(sha.data(), options.admin_key_sha256.data(), sha.size()) == 0) {
      return Caller{"", "admin", true};
    }
    if (auto rec = writer.find_api_key(sha)) return Caller{rec->tenant, rec->key_id, false};
    return make_error(ErrorCode::kUnauthenticated, "api_key_invalid", "the API key is not valid",
                      "Authorization");
  }

  // Wraps a tenant route: authenticates, refuses the administrator key (it owns no records).
  RouteHandler tenant_route(std::function<void(const HttpRequest&, const PathParams&, const Caller&, Responder)> fn) {
    return [this, fn = std::move(fn)](const HttpRequest& req, const PathParams& params, Responder respond) {
      auto caller = authenticate(req);
      if (!caller.ok()) return respond(problem_from_error(caller.error()));
      if (caller->admin) {
        return respond(problem_response(403, "enterprise_key_required",
                                        "the administrator key manages enterprises; use an enterprise's key",
                                        "Authorization"));
      }
      fn(req, params, *caller, std::move(respond));
    };
  }

  // ---- commands ----

  void submit(const HttpRequest& req, Responder respond, const Caller& caller, std::string name,
              Result<core::Command> command, int32_t success_status,
              std::function<void(JsonWriter&, const events::CommandOutcome&)> extra = {},
              FieldNames field_names = {}) {
    // Problems name the request's fields; where a command field is named differently, say the
    // request's name.
    auto problem = [field_names](Error e) {
      for (const auto& [command_field, request_field] : field_names) {
        if (e.field == command_field) e.field = request_field;
      }
      return problem_from_error(e);
    };
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
    sub.request_hash = sha256_hex(req.method + "\n" + req.path + "\n" + req.body);
    sub.command = std::move(command).value();
    sub.done = [respond = std::move(respond), success_status, extra = std::move(extra), problem](
                   Result<events::CommandOutcome> r) {
      if (!r.ok()) return respond(problem(r.error()));
      const events::CommandOutcome& out = *r;
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
      respond(std::move(resp));
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

  RouteHandler command_route(std::string name, int32_t status,
                             std::function<Result<core::Command>(const JsonInput&, const PathParams&)> parse) {
    return tenant_route([this, name, status, parse = std::move(parse)](
                            const HttpRequest& req, const PathParams& params, const Caller& caller,
                            Responder respond) {
      if (json_too_large(req, respond)) return;
      auto in = JsonInput::parse(req.body);
      if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
      submit(req, std::move(respond), caller, name, parse(*in, params), status);
    });
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

  // ---- special routes ----

  void register_enterprise(const HttpRequest& req, const PathParams&, Responder respond) {
    auto caller = authenticate(req);
    if (!caller.ok()) return respond(problem_from_error(caller.error()));
    if (!caller->admin) {
      return respond(problem_response(403, "admin_key_required",
                                      "only the platform administrator registers enterprises", "Authorization"));
    }
    if (json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    auto parsed = [&]() -> Result<core::RegisterEnterprise> {
      AGT_CHECK(in->only({"uscc", "name", "region"}));
      AGT_TRY(uscc, in->str("uscc", 32));
      AGT_TRY(name, in->str("name", core::kMaxNameBytes));
      AGT_TRY(region, in->str("region", core::kMaxTextBytes));
      return core::RegisterEnterprise{uscc, name, region, "", ""};
    }();
    if (!parsed.ok()) return respond(problem_from_error(parsed.error()));
    // The key is generated here and never stored: the ledger keeps its SHA-256 only. A retry with
    // the same Idempotency-Key cannot show the key again (only its id); that is deliberate.
    NewApiKey key = generate_api_key();
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
      c.batch_id = params.find("batch_id")->second;
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
    w.end_object();
    return json_response(ok ? 200 : 503, w.take());
  }
};

Service::Service(events::Ledger& ledger, events::CommandWriter& writer, projections::ProjectionRunner& runner,
                 projections::ViewStore& views, BlobStore& blobs, MetricsRegistry& metrics,
                 ServiceOptions options)
    : impl_(std::make_unique<Impl>(ledger, writer, runner, views, blobs, metrics, std::move(options))) {
  Impl* i = impl_.get();
  metrics.gauge_callback("agritrace_events_appended_total", "Events appended to the ledger by this process",
                         [i] { return static_cast<double>(i->writer.stats().events_appended); });
  metrics.gauge_callback("agritrace_commands_accepted_total", "Commands accepted by this process",
                         [i] { return static_cast<double>(i->writer.stats().commands_accepted); });
  metrics.gauge_callback("agritrace_commands_rejected_total", "Commands refused by this process",
                         [i] { return static_cast<double>(i->writer.stats().commands_rejected); });
  metrics.gauge_callback("agritrace_projection_events_applied_total", "Events applied to the views",
                         [i] { return static_cast<double>(i->runner.status().events_applied); });
  metrics.gauge_callback("agritrace_projection_lag_events", "Ledger events not yet in the views", [i] {
    const auto rs = i->runner.status();
    return static_cast<double>(i->projection_lag(rs));
  });
  metrics.gauge_callback("agritrace_ledger_available", "1 when the ledger is reachable",
                         [i] { return i->ledger.health().available ? 1.0 : 0.0; });
}

Service::~Service() = default;

void Service::register_routes(Router& router) {
  Impl* i = impl_.get();
  auto id = [](const PathParams& p, std::string_view name) { return p.find(name)->second; };

  router.add("GET", "/healthz", "healthz",
             [i](const HttpRequest&, const PathParams&, Responder r) { r(i->healthz()); });
  router.add("GET", "/metrics", "metrics", [i](const HttpRequest&, const PathParams&, Responder r) {
    HttpResponse resp = text_response(200, i->metrics.render());
    resp.content_type = std::string(MetricsRegistry::kContentType);
    r(std::move(resp));
  });

  router.add("POST", "/v1/enterprises", "registerEnterprise",
             [i](const HttpRequest& req, const PathParams& p, Responder r) { i->register_enterprise(req, p, std::move(r)); });
  router.add("GET", "/v1/enterprise", "getEnterprise",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest&) { return i->queries.enterprise(c.tenant); }));

  // counterparties
  router.add("POST", "/v1/counterparties", "registerCounterparty",
             i->command_route("register_counterparty", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_register_counterparty(in); }));
  router.add("GET", "/v1/counterparties", "listCounterparties",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, Impl::page_of(req));
               return i->queries.counterparties(c.tenant, page);
             }));
  router.add("GET", "/v1/counterparties/{counterparty_id}", "getCounterparty",
             i->query_route([i, id](const Caller& c, const PathParams& p, const HttpRequest&) {
               // The enterprise that recorded the counterparty is the owner of its personal data.
               return i->queries.counterparty(c.tenant, id(p, "counterparty_id"), true);
             }));
  router.add("PUT", "/v1/counterparties/{counterparty_id}", "amendCounterparty",
             i->command_route("amend_counterparty", 200, [id](const JsonInput& in, const PathParams& p) {
               return parse_amend_counterparty(in, id(p, "counterparty_id"));
             }));

  // purchase orders
  router.add("POST", "/v1/purchase-orders", "createPurchaseOrder",
             i->command_route("create_purchase_order", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_create_po(in); }));
  router.add("GET", "/v1/purchase-orders", "listPurchaseOrders",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, Impl::page_of(req));
               return i->queries.purchase_orders(c.tenant, page);
             }));
  router.add("GET", "/v1/purchase-orders/{po_id}", "getPurchaseOrder",
             i->query_route([i, id](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.purchase_order(c.tenant, id(p, "po_id"));
             }));
  router.add("PUT", "/v1/purchase-orders/{po_id}", "amendPurchaseOrder",
             i->command_route("amend_purchase_order", 200, [id](const JsonInput& in, const PathParams& p) {
               return parse_amend_po(in, id(p, "po_id"));
             }));
  router.add("POST", "/v1/purchase-orders/{po_id}/cancel", "cancelPurchaseOrder",
             i->command_route("cancel_purchase_order", 200, [id](const JsonInput& in, const PathParams& p) {
               return parse_cancel_po(in, id(p, "po_id"));
             }));
  router.add("POST", "/v1/purchase-orders/{po_id}/receive", "receivePurchaseOrder",
             i->command_route("receive_purchase_order", 201, [id](const JsonInput& in, const PathParams& p) {
               return parse_receive_po(in, id(p, "po_id"));
             }));

  // Material lots (created by receiving a purchase order)
  router.add("GET", "/v1/material-lots/{lot_id}", "getMaterialLot",
             i->query_route([i, id](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.material_lot(c.tenant, id(p, "lot_id"));
             }));
  router.add("GET", "/v1/material-lots/{lot_id}/trace/forward", "traceMaterialLotForward",
             i->query_route([i, id](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.forward_trace(c.tenant, id(p, "lot_id"));
             }));

  // production batches
  router.add("POST", "/v1/batches", "createBatch",
             i->command_route("create_batch", 201,
                              [](const JsonInput& in, const PathParams&) { return parse_create_batch(in); }));
  router.add("GET", "/v1/batches", "listBatches",
             i->query_route([i](const Caller& c, const PathParams&, const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, Impl::page_of(req));
               return i->queries.batches(c.tenant, page);
             }));
  router.add("GET", "/v1/batches/{batch_id}", "getBatch",
             i->query_route([i, id](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.batch(c.tenant, id(p, "batch_id"));
             }));
  router.add("PUT", "/v1/batches/{batch_id}", "amendBatch",
             i->command_route("amend_batch", 200, [id](const JsonInput& in, const PathParams& p) {
               return parse_amend_batch(in, id(p, "batch_id"));
             }));
  router.add("POST", "/v1/batches/{batch_id}/materials", "consumeMaterial",
             i->command_route("consume_material", 201, [id](const JsonInput& in, const PathParams& p) {
               return parse_consume(in, id(p, "batch_id"));
             }));
  router.add("POST", "/v1/batches/{batch_id}/documents", "attachDocument",
             i->tenant_route([i](const HttpRequest& req, const PathParams& p, const Caller& c, Responder r) {
               i->attach_document(req, p, c, std::move(r));
             }));
  router.add("GET", "/v1/batches/{batch_id}/trace/backward", "traceBatchBackward",
             i->query_route([i, id](const Caller& c, const PathParams& p, const HttpRequest&) {
               return i->queries.backward_trace(c.tenant, id(p, "batch_id"));
             }));

  // Documents: bytes by content address, per enterprise
  router.add("POST", "/v1/documents", "uploadDocument",
             i->tenant_route([i](const HttpRequest& req, const PathParams&, const Caller& c, Responder r) {
               i->upload_document(req, c, std::move(r));
             }));
  router.add("GET", "/v1/documents/{sha256}", "getDocument",
             i->tenant_route([i, id](const HttpRequest&, const PathParams& p, const Caller& c, Responder r) {
               auto bytes = i->blobs.get(c.tenant, id(p, "sha256"));
               if (!bytes.ok()) return r(problem_from_error(bytes.error()));
               HttpResponse resp;
               resp.status = 200;
               resp.content_type = "application/octet-stream";
               resp.body = std::move(bytes).value();
               r(std::move(resp));
             }));
}

}  // namespace agritrace::api
