// Food-safety complaints: the consumer files a complaint from a payment voucher (text,
// images re-encoded without metadata), follows it by case number and follow token and rates the
// closed case; the respondent enterprise lists, reads and answers its cases; regulators (see
// the route policy kRegulatorOrPlatform, api/http/route_policy.cpp) list every case, the overdue ones first of all,
// and decide them. The rules: core/public/complaint_rules.h; docs/PUBLIC.md.
#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <memory>

#include "api/http/route_kit.h"
#include "api/public/complaint_desk.h"
#include "api/public/complaint_images.h"
#include "api/public/payment_notify.h"
#include "api/regulator/visibility.h"
#include "core/public/complaint_rules.h"
#include "core/public/payment_rules.h"
#include "projections/public/complaint_queries.h"
#include "projections/public/payment_queries.h"

extern const char kAgritraceHolidaysCn[];

namespace agritrace::api {

Result<core::WorkingCalendar> load_complaint_calendar(Env& env, const std::string& file) {
  if (file.empty()) return core::parse_working_calendar(kAgritraceHolidaysCn);
  auto text = env.read_file(file);
  if (!text.ok()) return text.error();
  return core::parse_working_calendar(*text);
}

std::string calendar_basis(const core::WorkingCalendar& c, core::Date day) {
  return c.years.contains(core::civil_from_days(day.days_since_epoch).year) ? "cn_holidays"
                                                                            : "weekends_only";
}

ComplaintDesk::ComplaintDesk(RouteKit& k) : kit(k) {
  auto c = load_complaint_calendar(kit.env, kit.options.holidays_file);
  // serve checks --holidays-file before it starts (api/cli/main.cpp); the built-in one parses
  // (tests/core/public/complaint_calendar_test.cpp).
  if (!c.ok()) c = load_complaint_calendar(kit.env, "");
  if (c.ok()) calendar = std::move(*c);
}

namespace {

HttpResponse image_problem(const Error& e, size_t index) {
  const std::string field = fmt::format("images[{}]", index);
  int32_t status = 422;
  if (e.code == ErrorCode::kTooLarge) status = 413;
  if (e.reason == "image_type_unsupported") status = 415;
  return problem_response(status, e.reason, e.message, field);
}

Result<std::string> new_follow_token(Env& env) {
  unsigned char bytes[16];
  Status s = env.random_bytes(bytes, sizeof bytes);
  if (!s.ok()) return s.error();
  return core::hex_encode(bytes, sizeof bytes);
}

}  // namespace

void ComplaintDesk::file(const HttpRequest& req, ComplaintFiling f,
                         std::function<void(FiledComplaint)> done) {
  auto fail = [&done](HttpResponse r) { done(FiledComplaint{std::move(r), "", ""}); };
  if (!core::is_voucher_number(f.voucher)) {
    return fail(problem_response(422, "voucher_invalid",
                                 "a voucher number is 1 to 64 printable ASCII characters",
                                 "voucher"));
  }
  if (f.amount_fen <= 0) {
    return fail(problem_response(422, "amount_invalid", "amount_fen is the amount paid in fen",
                                 "amount_fen"));
  }
  auto day = core::parse_date(f.date, "date");
  if (!day.ok()) return fail(problem_from_error(day.error()));
  if (f.images.size() > core::kMaxComplaintImages) {
    return fail(problem_response(
        422, "images_too_many",
        fmt::format("at most {} images per complaint", core::kMaxComplaintImages), "images"));
  }
  ImageLimits limits;
  limits.max_bytes = kMaxComplaintImageBytes;
  limits.max_images = core::kMaxComplaintImages;
  std::vector<CleanImage> clean;
  for (size_t i = 0; i < f.images.size(); ++i) {
    auto c = sanitize_image(f.images[i], limits);
    if (!c.ok()) return fail(image_problem(c.error(), i));
    clean.push_back(std::move(*c));
  }
  // The same 404 for an unknown voucher, another amount or another day.
  auto paid = projections::find_voucher_payment(kit.views, f.voucher, f.amount_fen, *day);
  if (!paid) {
    return fail(problem_response(404, "voucher_not_found",
                                 "no payment with this voucher number, amount and date",
                                 "voucher"));
  }
  core::FileComplaint c;
  c.transaction_id = paid->transaction_id;
  c.amount_fen = f.amount_fen;
  c.paid_on = *day;
  c.text = std::move(f.text);
  c.phone = std::move(f.phone);
  for (const CleanImage& im : clean) {
    // Kept in the respondent's document store, served back to the case's parties only.
    auto stored = kit.blobs.put(paid->tenant, im.bytes);
    if (!stored.ok()) return fail(problem_from_error(stored.error()));
    c.images.push_back(core::ComplaintImage{stored->sha256, im.media_type, stored->size_bytes,
                                            static_cast<int64_t>(im.width),
                                            static_cast<int64_t>(im.height)});
  }
  auto token = new_follow_token(kit.env);
  if (!token.ok()) return fail(problem_from_error(token.error()));
  c.follow_token_sha256 = core::sha256_hex(*token);
  const core::Date today = kit.env.today();
  c.accept_by =
      core::add_working_days(calendar, today, kit.options.complaint_accept_working_days);
  const std::string basis = calendar_basis(calendar, c.accept_by);
  const std::string accept_by = core::format_date(c.accept_by);
  auto case_id = std::make_shared<std::string>();
  kit.submit(
      req,
      [done, case_id, token = *token](HttpResponse r) {
        const bool filed = r.status == 201;
        done(FiledComplaint{std::move(r), filed ? *case_id : "", filed ? token : ""});
      },
      Caller{paid->tenant, "consumer", false}, "file_complaint", core::Command(std::move(c)), 201,
      [case_id, token = *token, accept_by, basis](JsonWriter& w,
                                                  const events::CommandOutcome& out) {
        *case_id = out.events.empty() ? std::string() : out.events.front().subject;
        w.field("case_id", *case_id);
        // A retry with the same Idempotency-Key drew a token that was never recorded.
        if (out.replayed) {
          w.field("follow_token", "(shown in the first answer only)");
        } else {
          w.field("follow_token", token)
              .field("follow_url", fmt::format("/public/complaints/{}?token={}", *case_id, token));
        }
        w.field("accept_by", accept_by).field("calendar", basis);
      },
      {{"transaction_id", "voucher"}, {"follow_token_sha256", "token"}});
}

namespace {

// ?after=: run fn once the views hold that position (the voucher lookup must see the payment).
void when_views(RouteKit& kit, const HttpRequest& req, Responder respond,
                std::function<void(Responder)> fn) {
  auto after = req.query_param("after");
  if (!after || after->empty()) return fn(std::move(respond));
  auto pos = events::parse_position(*after);
  if (!pos.ok() || pos->partition >= kit.ledger.partition_count()) {
    return respond(problem_response(400, "position_invalid",
                                    "after is a position a command answered", "after"));
  }
  kit.runner.wait_for(*pos, kit.options.default_wait_ms,
                      [respond = std::move(respond), fn = std::move(fn)](bool reached) mutable {
                        if (!reached) {
                          HttpResponse r = problem_response(
                              503, "views_behind",
                              "the views have not reached the requested position yet; retry");
                          r.headers.emplace_back("Retry-After", "1");
                          return respond(std::move(r));
                        }
                        fn(std::move(respond));
                      });
}

Result<ComplaintFiling> filing_from_json(const JsonInput& in) {
  AGT_CHECK(in.only({"voucher", "amount_fen", "date", "text", "phone", "images"}));
  ComplaintFiling f;
  AGT_SET(f.voucher, in.str("voucher", 64));
  AGT_SET(f.amount_fen, in.i64("amount_fen"));
  AGT_SET(f.date, in.str("date", 10));
  AGT_SET(f.text, in.str("text", core::kMaxComplaintTextBytes));
  AGT_SET(f.phone, in.opt_str("phone", 32));
  if (in.has("images")) {
    AGT_TRY(images, in.object_array("images", 16));
    if (images.size() > core::kMaxComplaintImages) {
      return make_error(ErrorCode::kInvalidArgument, "images_too_many",
                        fmt::format("at most {} images per complaint", core::kMaxComplaintImages),
                        "images");
    }
    for (size_t i = 0; i < images.size(); ++i) {
      AGT_CHECK(images[i].only({"data_base64"}));
      AGT_TRY(b64, images[i].str("data_base64", 16 * 1024 * 1024));
      auto bytes = base64_decode(b64);
      if (!bytes) {
        return make_error(ErrorCode::kInvalidArgument, "image_base64_invalid",
                          "data_base64 is standard base64 with padding",
                          fmt::format("images[{}].data_base64", i));
      }
      f.images.push_back(std::move(*bytes));
    }
  }
  return f;
}

// The follow token of a consumer request (?token=); the same 404 as an unknown case when wrong.
std::optional<projections::ComplaintRecord> consumer_case(RouteKit& kit, const std::string& case_id,
                                                          std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  return projections::complaint_by_token(kit.views, case_id, core::sha256_hex(token));
}

HttpResponse case_not_found() {
  return problem_response(404, "complaint_not_found",
                          "no complaint with this case number and follow token", "case_id");
}

HttpResponse image_of(RouteKit& kit, const projections::ComplaintRecord& r,
                      const std::string& sha256) {
  for (const core::ComplaintImage& im : r.images) {
    if (im.sha256 != sha256) continue;
    auto bytes = kit.blobs.get(r.tenant, sha256);
    if (!bytes.ok()) return problem_from_error(bytes.error());
    HttpResponse resp;
    resp.status = 200;
    resp.content_type = im.media_type;
    resp.headers.emplace_back("Cache-Control", "private, max-age=3600");
    resp.body = std::move(bytes).value();
    return resp;
  }
  return problem_response(404, "image_not_found", "no such image on this case", "sha256");
}

Result<projections::ComplaintFilter> filter_of(const HttpRequest& req) {
  projections::ComplaintFilter f;
  if (auto s = req.query_param("state")) f.state.assign(*s);
  if (auto o = req.query_param("overdue")) {
    if (*o != "true" && *o != "false") {
      return make_error(ErrorCode::kInvalidArgument, "overdue_invalid", "overdue is true or false",
                        "overdue");
    }
    f.overdue_only = *o == "true";
  }
  return f;
}

}  // namespace

void register_complaint_routes(RouteKit& kit, Router& router) {
  auto desk = std::make_shared<ComplaintDesk>(kit);
  RouteKit* i = &kit;

  // ---- the consumer ----
  router.add("POST", "/v1/public/complaints", "fileComplaint",
             [i, desk](const HttpRequest& req, const PathParams&, Responder respond) {
               auto in = JsonInput::parse(req.body);
               if (!in.ok()) {
                 return respond(problem_response(400, in.error().reason, in.error().message));
               }
               auto filing = filing_from_json(*in);
               if (!filing.ok()) return respond(problem_from_error(filing.error()));
               when_views(*i, req, std::move(respond),
                          [desk, req, f = std::move(*filing)](Responder r) mutable {
                            desk->file(req, std::move(f), [r](FiledComplaint out) {
                              r(std::move(out.response));
                            });
                          });
             });
  router.add("GET", "/v1/public/complaints/{case_id}", "followComplaint",
             [i](const HttpRequest& req, const PathParams& p, Responder respond) {
               auto token = req.query_param("token");
               if (!token || token->empty()) {
                 return respond(problem_response(400, "token_required",
                                                 "the case's follow token is required", "token"));
               }
               i->with_views(req, std::move(respond),
                             [i, case_id = path_param(p, "case_id"), t = std::string(*token)] {
                               auto r = consumer_case(*i, case_id, t);
                               if (!r) return case_not_found();
                               return json_response(
                                   200, projections::complaint_json(
                                            i->views, *r, projections::ComplaintAudience::kConsumer,
                                            i->env.today()));
                             });
             });
  router.add("POST", "/v1/public/complaints/{case_id}/rating", "rateComplaint",
             [i](const HttpRequest& req, const PathParams& p, Responder respond) {
               if (i->json_too_large(req, respond)) return;
               auto body = JsonInput::parse(req.body);
               if (!body.ok()) {
                 return respond(problem_response(400, body.error().reason, body.error().message));
               }
               auto parsed = [&]() -> Result<std::pair<std::string, core::RateComplaint>> {
                 const JsonInput& in = *body;
                 AGT_CHECK(in.only({"token", "stars", "comment"}));
                 AGT_TRY(token, in.str("token", 128));
                 core::RateComplaint c;
                 c.case_id = path_param(p, "case_id");
                 c.follow_token_sha256 = core::sha256_hex(token);
                 AGT_SET(c.stars, in.i64("stars"));
                 AGT_SET(c.comment, in.opt_str("comment", core::kMaxComplaintFeedbackBytes));
                 return std::make_pair(token, std::move(c));
               }();
               if (!parsed.ok()) return respond(problem_from_error(parsed.error()));
               auto r = consumer_case(*i, parsed->second.case_id, parsed->first);
               if (!r) return respond(case_not_found());
               i->submit(req, std::move(respond), Caller{r->tenant, "consumer", false},
                         "rate_complaint", core::Command(std::move(parsed->second)), 201, {},
                         {{"follow_token_sha256", "token"}});
             });
  router.add("GET", "/v1/public/complaints/{case_id}/images/{sha256}",
             "getComplaintImageAsConsumer",
             [i](const HttpRequest& req, const PathParams& p, Responder respond) {
               auto token = req.query_param("token");
               auto r = consumer_case(*i, path_param(p, "case_id"), token ? *token : "");
               if (!r) return respond(case_not_found());
               respond(image_of(*i, *r, path_param(p, "sha256")));
             });

  // ---- the respondent enterprise ----
  router.add("GET", "/v1/complaints", "listComplaints",
             kit.query_route([i](const Caller& c, const PathParams&,
                                 const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               AGT_TRY(filter, filter_of(req));
               return projections::list_complaints(i->views, c.tenant, filter, page,
                                                   projections::ComplaintAudience::kRespondent,
                                                   i->env.today());
             }));
  router.add("GET", "/v1/complaints/{case_id}", "getComplaint",
             kit.query_route([i](const Caller& c, const PathParams& p,
                                 const HttpRequest&) -> Result<std::string> {
               auto r = projections::complaint_of(i->views, c.tenant, path_param(p, "case_id"));
               if (!r) {
                 return make_error(ErrorCode::kNotFound, "complaint_not_found",
                                   "no complaint with this case number", "case_id");
               }
               return projections::complaint_json(i->views, *r,
                                                  projections::ComplaintAudience::kRespondent,
                                                  i->env.today());
             }));
  auto transition = [i, desk](const HttpRequest& req, const std::string& case_id,
                              const Caller& caller, std::string role, Responder respond) {
    if (i->json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    auto cmd = [&]() -> Result<core::Command> {
      AGT_CHECK(in->only({"state", "feedback"}));
      core::ChangeComplaintState c;
      c.case_id = case_id;
      c.actor_role = role;
      AGT_SET(c.state, in->str("state", 16));
      AGT_SET(c.feedback, in->str("feedback", core::kMaxComplaintFeedbackBytes));
      if (c.state == "accepted") {
        c.handle_by = core::add_working_days(desk->calendar, i->env.today(),
                                             i->options.complaint_handling_working_days);
      }
      return core::Command(std::move(c));
    }();
    i->submit(req, std::move(respond), caller, "change_complaint_state", std::move(cmd), 201);
  };
  router.add("POST", "/v1/complaints/{case_id}/transitions", "transitionComplaint",
             kit.tenant_route([transition](const HttpRequest& req, const PathParams& p,
                                           const Caller& c, Responder respond) {
               transition(req, path_param(p, "case_id"), c, "respondent", std::move(respond));
             }));
  router.add("GET", "/v1/complaints/{case_id}/images/{sha256}", "getComplaintImage",
             kit.tenant_route([i](const HttpRequest&, const PathParams& p, const Caller& c,
                                  Responder respond) {
               auto r = projections::complaint_of(i->views, c.tenant, path_param(p, "case_id"));
               if (!r) {
                 return respond(problem_response(404, "complaint_not_found",
                                                 "no complaint with this case number", "case_id"));
               }
               respond(image_of(*i, *r, path_param(p, "sha256")));
             }));

  // ---- regulators (kRegulatorOrPlatform, checked by the router's guard) ----
  router.add("GET", "/v1/regulator/complaints", "listRegulatorComplaints",
             [i](const HttpRequest& req, const PathParams&, Responder respond) {
               i->with_views(req, std::move(respond), [i, req]() -> HttpResponse {
                 auto page = RouteKit::page_of(req);
                 if (!page.ok()) return problem_from_error(page.error());
                 auto filter = filter_of(req);
                 if (!filter.ok()) return problem_from_error(filter.error());
                 filter->respondent_visible = enterprise_visible_to(i->views, req);
                 return RouteKit::answer(projections::list_complaints(
                     i->views, "", *filter, *page, projections::ComplaintAudience::kRegulator,
                     i->env.today()));
               });
             });
  // A case outside the bureau's jurisdiction answers as if it did not exist.
  auto regulator_case = [i](const EnterpriseVisible& visible,
                            const PathParams& p) -> std::optional<projections::ComplaintRecord> {
    const std::string& enterprise = path_param(p, "enterprise");
    if (visible && !visible(enterprise)) return std::nullopt;
    return projections::complaint_of(i->views, enterprise, path_param(p, "case_id"));
  };
  router.add("GET", "/v1/regulator/complaints/{enterprise}/{case_id}", "getRegulatorComplaint",
             [i, regulator_case](const HttpRequest& req, const PathParams& p, Responder respond) {
               auto visible = enterprise_visible_to(i->views, req);
               i->with_views(req, std::move(respond),
                             [i, regulator_case, visible, p]() -> HttpResponse {
                 auto r = regulator_case(visible, p);
                 if (!r) {
                   return problem_response(404, "complaint_not_found",
                                           "no complaint with this case number", "case_id");
                 }
                 return json_response(
                     200, projections::complaint_json(i->views, *r,
                                                      projections::ComplaintAudience::kRegulator,
                                                      i->env.today()));
               });
             });
  router.add("POST", "/v1/regulator/complaints/{enterprise}/{case_id}/transitions",
             "transitionRegulatorComplaint",
             [i, transition, regulator_case](const HttpRequest& req, const PathParams& p,
                                          Responder respond) {
               if (!regulator_case(enterprise_visible_to(i->views, req), p)) {
                 return respond(problem_response(404, "complaint_not_found",
                                                 "no complaint with this case number", "case_id"));
               }
               const std::string actor =
                   req.context ? req.context->principal.label() : std::string("regulator");
               transition(req, path_param(p, "case_id"),
                          Caller{path_param(p, "enterprise"), actor, false}, "regulator",
                          std::move(respond));
             });
  router.add("GET", "/v1/regulator/complaints/{enterprise}/{case_id}/images/{sha256}",
             "getRegulatorComplaintImage",
             [i, regulator_case](const HttpRequest& req, const PathParams& p, Responder respond) {
               auto r = regulator_case(enterprise_visible_to(i->views, req), p);
               if (!r) {
                 return respond(problem_response(404, "complaint_not_found",
                                                 "no complaint with this case number", "case_id"));
               }
               respond(image_of(*i, *r, path_param(p, "sha256")));
             });

  register_complaint_pages(kit, router, desk);
}

}  // namespace agritrace::api
