// The consumer's complaint pages (R-4.4.2, issue 12): zh-CN, for phones, served by the product
// with no other host (the CSP of every HTML answer: default-src 'self'), usable without script.
//   GET  /public/voucher               voucher lookup (a GET form) and, for a payment found, what
//                                      it bought and the complaint form
//   POST /public/complaints            the complaint form without script (text only) -> 303 to
//                                      the case page; with script (complaint.js, ES5) the form
//                                      posts JSON with the images to /v1/public/complaints instead
//   GET  /public/complaints/{case}     the case page (?token=): state, deadlines, history,
//                                      images, and the rating form once closed
//   POST /public/complaints/{case}/rating   the rating form -> 303 to the case page
#include <simdjson.h>

#include <charconv>

#include "api/codes/code_images.h"
#include "api/http/route_kit.h"
#include "api/public/complaint_desk.h"
#include "core/public/complaint_rules.h"
#include "projections/public/complaint_queries.h"
#include "projections/public/payment_queries.h"
#include "projections/trace/queries.h"

namespace agritrace::api {
namespace {

std::string h(std::string_view s) { return xml_escape(s, /*apostrophe=*/true); }

std::string head_html(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>{} · 食安维权投诉</title><link rel=\"stylesheet\" href=\"/public/scan.css\"></head>",
      h(title));
}

HttpResponse html_page(int32_t status, std::string html) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = std::move(html);
  return r;
}

std::string yuan(int64_t fen) { return fmt::format("{}.{:02d}", fen / 100, fen % 100); }

// "25", "25.8", "25.80" (yuan) -> fen; nullopt when malformed or not positive.
std::optional<int64_t> fen_of_yuan(std::string_view s) {
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || frac.size() > 2) return std::nullopt;
  int64_t y = 0, f = 0;
  if (std::from_chars(whole.data(), whole.data() + whole.size(), y).ptr !=
      whole.data() + whole.size()) {
    return std::nullopt;
  }
  if (!frac.empty()) {
    if (std::from_chars(frac.data(), frac.data() + frac.size(), f).ptr !=
        frac.data() + frac.size()) {
      return std::nullopt;
    }
    if (frac.size() == 1) f *= 10;
  }
  const int64_t fen = y * 100 + f;
  if (fen <= 0) return std::nullopt;
  return fen;
}

// application/x-www-form-urlencoded -> name/value pairs; nullopt for a malformed escape.
std::optional<HeaderList> form_fields(std::string_view body) {
  HeaderList out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body.remove_prefix(amp == std::string_view::npos ? body.size() : amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name.ok() || !value.ok()) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::string field_of(const HeaderList& fields, std::string_view name) {
  auto v = find_header(fields, name);
  return v ? std::string(*v) : std::string();
}

// A refused form: the problem's message on a page with a way back.
HttpResponse form_problem(const HttpResponse& problem, std::string_view back) {
  std::string message = "提交失败";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view detail;
  if (!parser.parse(problem.body).get(doc) && !doc["detail"].get_string().get(detail)) {
    message = std::string(detail);
  }
  std::string html = head_html("提交失败");
  html += fmt::format(
      "<body><main><h1>提交失败</h1><p class=\"banner bad\" role=\"alert\">{}</p>"
      "<p><a href=\"{}\">返回</a></p></main></body></html>",
      h(message), h(back));
  return html_page(problem.status, std::move(html));
}

std::string voucher_form(std::string_view voucher, std::string_view amount, std::string_view date) {
  return fmt::format(
      "<form method=\"get\" action=\"/public/voucher\" id=\"voucher-form\">"
      "<label for=\"voucher\">支付凭证号（交易单号或商户单号）</label>"
      "<input id=\"voucher\" name=\"voucher\" required maxlength=\"64\" autocomplete=\"off\" "
      "value=\"{}\">"
      "<label for=\"amount\">支付金额（元）</label>"
      "<input id=\"amount\" name=\"amount\" required inputmode=\"decimal\" value=\"{}\">"
      "<label for=\"date\">支付日期</label>"
      "<input id=\"date\" name=\"date\" type=\"date\" required value=\"{}\">"
      "<button type=\"submit\">查询</button></form>",
      h(voucher), h(amount), h(date));
}

// What the payment bought (projections::voucher_trace) and the complaint form.
std::string voucher_result(const std::string& trace_json, std::string_view voucher, int64_t fen,
                           std::string_view date) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(trace_json).get(doc)) return {};
  auto s = [](simdjson::simdjson_result<simdjson::dom::element> e) {
    std::string_view v;
    return e.get_string().get(v) ? std::string() : std::string(v);
  };
  std::string html = "<section aria-labelledby=\"s-paid\"><h2 id=\"s-paid\">支付记录</h2>";
  html += fmt::format(
      "<table><tbody><tr><th scope=\"row\">商家</th><td class=\"merchant\">{}</td></tr>"
      "<tr><th scope=\"row\">地区</th><td>{}</td></tr>"
      "<tr><th scope=\"row\">金额</th><td>¥{}</td></tr>"
      "<tr><th scope=\"row\">支付日期</th><td>{}</td></tr></tbody></table>",
      h(s(doc["merchant"]["name"])), h(s(doc["merchant"]["region"])), yuan(fen), h(date));
  html += "<h3>购买的商品</h3><ul class=\"codes\">";
  bool any = false;
  simdjson::dom::array codes;
  if (!doc["codes"].get(codes)) {
    for (simdjson::dom::element c : codes) {
      any = true;
      html += fmt::format("<li>追溯码 {} · 批号 {}</li>", h(s(c["serial"])), h(s(c["batch_id"])));
    }
  }
  if (!any) html += "<li>该笔支付未关联追溯码</li>";
  html += "</ul></section>";
  html += fmt::format(
      "<section aria-labelledby=\"s-file\"><h2 id=\"s-file\">食安维权投诉</h2>"
      "<form method=\"post\" action=\"/public/complaints\" id=\"complaint-form\">"
      "<input type=\"hidden\" name=\"voucher\" value=\"{}\">"
      "<input type=\"hidden\" name=\"amount_fen\" value=\"{}\">"
      "<input type=\"hidden\" name=\"date\" value=\"{}\">"
      "<label for=\"text\">投诉内容</label>"
      "<textarea id=\"text\" name=\"text\" required maxlength=\"1300\" rows=\"5\"></textarea>"
      "<label for=\"phone\">联系电话（选填，仅受理部门可见完整号码）</label>"
      "<input id=\"phone\" name=\"phone\" type=\"tel\" maxlength=\"20\" autocomplete=\"tel\">"
      "<label for=\"images\">图片（选填，最多 {} 张 JPEG/PNG，每张不超过 2 MB）</label>"
      "<input id=\"images\" name=\"images\" type=\"file\" accept=\"image/jpeg,image/png\" "
      "multiple>"
      "<p class=\"small\">上传图片需要浏览器启用脚本；图片中的位置等元数据会被清除。</p>"
      "<p id=\"complaint-result\" role=\"alert\"></p>"
      "<button type=\"submit\">提交投诉</button></form></section>",
      h(voucher), fen, h(date), core::kMaxComplaintImages);
  return html;
}

std::string case_page(const projections::ViewStore& views, const projections::ComplaintRecord& r,
                      const std::string& token, core::Date today) {
  std::string html = head_html("投诉 " + r.case_id);
  html += fmt::format("<body data-case=\"{}\"><main><h1>投诉案件 {}</h1>", h(r.case_id),
                      h(r.case_id));
  const std::string_view label = core::complaint_state_label(r.state);
  html += fmt::format("<p class=\"banner {}\" id=\"case-state\">当前状态：{}</p>",
                      r.state == "rejected" ? "bad" : "ok", h(label));
  const std::string overdue = projections::complaint_overdue_stage(r, today);
  if (!overdue.empty()) {
    html += fmt::format(
        "<p class=\"banner warn\" role=\"alert\" id=\"case-overdue\">已超过{}期限，已提请市场监管部门督办</p>",
        overdue == "acceptance" ? "受理" : "处理");
  }
  html += fmt::format(
      "<p class=\"small\">请保存本页链接（含查询令牌），凭案件号和令牌查询进度。</p>"
      "<table><tbody><tr><th scope=\"row\">被投诉方</th><td>{}</td></tr>"
      "<tr><th scope=\"row\">支付凭证</th><td>{}（¥{}，{}）</td></tr>"
      "<tr><th scope=\"row\">投诉日期</th><td>{}</td></tr>"
      "<tr><th scope=\"row\">受理期限</th><td>{}</td></tr>"
      "<tr><th scope=\"row\">处理期限</th><td>{}</td></tr></tbody></table>",
      h(projections::enterprise_name_of(views, r.tenant)), h(r.transaction_id), yuan(r.amount_fen),
      h(r.paid_on), h(r.filed_on), h(r.accept_by), r.handle_by.empty() ? "受理后确定" : h(r.handle_by));
  html += fmt::format("<h2>投诉内容</h2><p class=\"complaint-text\">{}</p>", h(r.text));
  if (!r.images.empty()) {
    html += "<ul class=\"images\">";
    for (size_t i = 0; i < r.images.size(); ++i) {
      html += fmt::format(
          "<li><img src=\"/v1/public/complaints/{}/images/{}?token={}\" alt=\"投诉图片 {}\" "
          "width=\"160\"></li>",
          h(r.case_id), h(r.images[i].sha256), h(token), i + 1);
    }
    html += "</ul>";
  }
  html += "<h2>处理记录</h2><ol class=\"steps\" id=\"history\">";
  for (const projections::ComplaintStep& s : r.history) {
    const std::string who = s.actor_role == "regulator"    ? "市场监管部门"
                            : s.actor_role == "respondent" ? "被投诉企业"
                                                           : "消费者";
    html += fmt::format("<li><strong>{}</strong> <span class=\"small\">{} · {}</span>{}</li>",
                        h(core::complaint_state_label(s.state)), h(s.at.substr(0, 10)), h(who),
                        s.feedback.empty() ? std::string() : "<br>" + h(s.feedback));
  }
  html += "</ol>";
  if (r.stars > 0) {
    html += fmt::format("<h2>我的评价</h2><p id=\"rating\">{} 星 {}</p>", r.stars, h(r.comment));
  } else if (r.state == "closed") {
    html += fmt::format(
        "<h2>评价处理结果</h2><form method=\"post\" action=\"/public/complaints/{}/rating\" "
        "id=\"rating-form\"><input type=\"hidden\" name=\"token\" value=\"{}\">"
        "<label for=\"stars\">满意度</label><select id=\"stars\" name=\"stars\">"
        "<option value=\"5\">5 星 非常满意</option><option value=\"4\">4 星 满意</option>"
        "<option value=\"3\">3 星 一般</option><option value=\"2\">2 星 不满意</option>"
        "<option value=\"1\">1 星 非常不满意</option></select>"
        "<label for=\"comment\">评价内容（选填）</label>"
        "<textarea id=\"comment\" name=\"comment\" maxlength=\"600\" rows=\"3\"></textarea>"
        "<button type=\"submit\">提交评价</button></form>",
        h(r.case_id), h(token));
  }
  html += "<p class=\"small\"><a href=\"/public/voucher\">查询其他支付凭证</a></p>";
  html += "</main></body></html>";
  return html;
}

// ES5 only (WeChat's built-in browser on older phones): the complaint form with images. Photos
// are scaled down to at most 1600 px and sent as JPEG (a phone's photo is several MB; the server
// re-encodes them anyway, dropping EXIF/GPS), then posted as JSON; on success the case page
// opens. Without script the form posts its text to /public/complaints.
const char kComplaintJs[] = R"JS((function () {
  'use strict';
  var form = document.getElementById('complaint-form');
  if (!form) return;
  var out = document.getElementById('complaint-result');
  var MAX = 1600;
  function shrink(file, done) {
    var reader = new FileReader();
    reader.onload = function () {
      var url = reader.result;
      var img = new Image();
      img.onload = function () {
        var w = img.naturalWidth, h = img.naturalHeight;
        if (w <= MAX && h <= MAX && file.size <= 1500000) {
          done(url.substring(url.indexOf(',') + 1));
          return;
        }
        var k = Math.min(MAX / w, MAX / h, 1);
        var c = document.createElement('canvas');
        c.width = Math.round(w * k);
        c.height = Math.round(h * k);
        c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
        var jpeg = c.toDataURL('image/jpeg', 0.85);
        done(jpeg.substring(jpeg.indexOf(',') + 1));
      };
      img.onerror = function () { done(url.substring(url.indexOf(',') + 1)); };
      img.src = url;
    };
    reader.readAsDataURL(file);
  }
  form.onsubmit = function () {
    var files = document.getElementById('images').files || [];
    var images = [];
    var i = 0;
    out.textContent = '正在提交…';
    function next() {
      if (i < files.length) {
        shrink(files[i], function (b64) { images.push({data_base64: b64}); i++; next(); });
        return;
      }
      var body = {
        voucher: form.elements.voucher.value,
        amount_fen: parseInt(form.elements.amount_fen.value, 10),
        date: form.elements.date.value,
        text: form.elements.text.value,
        images: images
      };
      if (form.elements.phone.value) body.phone = form.elements.phone.value;
      var x = new XMLHttpRequest();
      x.open('POST', '/v1/public/complaints', true);
      x.setRequestHeader('Content-Type', 'application/json');
      x.onreadystatechange = function () {
        if (x.readyState !== 4) return;
        var j = null;
        try { j = JSON.parse(x.responseText); } catch (e) { j = null; }
        if (x.status === 201 && j && j.follow_url) {
          window.location.href = j.follow_url + '&after=' + encodeURIComponent(j.position);
        } else {
          out.textContent = '提交失败：' + (j && j.detail ? j.detail : x.status);
        }
      };
      x.send(JSON.stringify(body));
    }
    next();
    return false;
  };
})();
)JS";

}  // namespace

void register_complaint_pages(RouteKit& kit, Router& router, std::shared_ptr<ComplaintDesk> desk) {
  RouteKit* i = &kit;
  router.add("GET", "/public/complaint.js", "publicComplaintJs",
             [](const HttpRequest&, const PathParams&, Responder r) {
               HttpResponse resp;
               resp.status = 200;
               resp.content_type = "text/javascript; charset=utf-8";
               resp.headers.emplace_back("Cache-Control", "public, max-age=3600");
               resp.body = kComplaintJs;
               r(std::move(resp));
             });

  router.add("GET", "/public/voucher", "voucherPage",
             [i](const HttpRequest& req, const PathParams&, Responder respond) {
               const std::string voucher(req.query_param("voucher").value_or(""));
               const std::string amount(req.query_param("amount").value_or(""));
               const std::string date(req.query_param("date").value_or(""));
               // ?after=: a payment just notified is in the views before the lookup.
               i->with_views(req, std::move(respond), [i, voucher, amount, date]() -> HttpResponse {
               std::string html = head_html("支付凭证查询");
               html += "<body><main><h1>支付凭证查询</h1>"
                       "<p class=\"sub\">输入支付凭证号、金额和日期，查看所购商品的溯源信息，并可发起食安维权投诉。</p>";
               html += voucher_form(voucher, amount, date);
               int32_t status = 200;
               if (!voucher.empty() || !amount.empty() || !date.empty()) {
                 auto fen = fen_of_yuan(amount);
                 auto day = core::parse_date(date, "date");
                 std::optional<std::string> trace;
                 if (fen && day.ok()) {
                   auto t = projections::voucher_trace(i->views, voucher, *fen, *day);
                   if (t.ok()) trace = std::move(*t);
                 }
                 if (trace) {
                   html += voucher_result(*trace, voucher, *fen, date);
                 } else {
                   status = fen && day.ok() ? 404 : 422;
                   html += "<p class=\"banner bad\" role=\"alert\" id=\"voucher-not-found\">"
                           "未找到与该凭证号、金额和日期一致的支付记录。</p>";
                 }
               }
               html += "</main><script src=\"/public/complaint.js\"></script></body></html>";
               return html_page(status, std::move(html));
               });
             });

  router.add("POST", "/public/complaints", "fileComplaintForm",
             [desk](const HttpRequest& req, const PathParams&, Responder respond) {
               auto fields = form_fields(req.body);
               const std::string back = "/public/voucher";
               if (!fields) {
                 return respond(form_problem(
                     problem_response(400, "form_invalid", "表单编码无效", "body"), back));
               }
               ComplaintFiling f;
               f.voucher = field_of(*fields, "voucher");
               const std::string amount = field_of(*fields, "amount_fen");
               std::from_chars(amount.data(), amount.data() + amount.size(), f.amount_fen);
               f.date = field_of(*fields, "date");
               f.text = field_of(*fields, "text");
               f.phone = field_of(*fields, "phone");
               desk->file(req, std::move(f), [respond, back](FiledComplaint out) {
                 if (out.response.status != 201) return respond(form_problem(out.response, back));
                 HttpResponse r;
                 r.status = 303;
                 std::string to =
                     fmt::format("/public/complaints/{}?token={}", out.case_id, out.token);
                 if (auto pos = out.response.header("X-Agritrace-Position")) {
                   to += "&after=" + std::string(*pos);
                 }
                 r.headers.emplace_back("Location", to);
                 respond(std::move(r));
               });
             });

  router.add("GET", "/public/complaints/{case_id}", "complaintPage",
             [i](const HttpRequest& req, const PathParams& p, Responder respond) {
               const std::string token(req.query_param("token").value_or(""));
               const std::string case_id = path_param(p, "case_id");
               // ?after= (the filing's or the rating's position): the page shows what was just done.
               i->with_views(req, std::move(respond), [i, token, case_id]() -> HttpResponse {
                 std::optional<projections::ComplaintRecord> r;
                 if (!token.empty() && token.size() <= 128) {
                   r = projections::complaint_by_token(i->views, case_id, core::sha256_hex(token));
                 }
                 if (!r) {
                   return form_problem(problem_response(404, "complaint_not_found",
                                                        "未找到该案件，请核对案件号和查询令牌", "case_id"),
                                       "/public/voucher");
                 }
                 return html_page(200, case_page(i->views, *r, token, i->env.today()));
               });
             });

  router.add("POST", "/public/complaints/{case_id}/rating", "rateComplaintForm",
             [i](const HttpRequest& req, const PathParams& p, Responder respond) {
               const std::string& case_id = path_param(p, "case_id");
               auto fields = form_fields(req.body);
               const std::string token = fields ? field_of(*fields, "token") : std::string();
               const std::string back =
                   fmt::format("/public/complaints/{}?token={}", case_id, percent_encode(token));
               std::optional<projections::ComplaintRecord> r;
               if (!token.empty() && token.size() <= 128) {
                 r = projections::complaint_by_token(i->views, case_id, core::sha256_hex(token));
               }
               if (!r) {
                 return respond(form_problem(
                     problem_response(404, "complaint_not_found", "未找到该案件", "case_id"),
                     "/public/voucher"));
               }
               core::RateComplaint c;
               c.case_id = case_id;
               c.follow_token_sha256 = core::sha256_hex(token);
               const std::string stars = field_of(*fields, "stars");
               std::from_chars(stars.data(), stars.data() + stars.size(), c.stars);
               c.comment = field_of(*fields, "comment");
               i->submit(req,
                         [respond, back](HttpResponse out) {
                           if (out.status != 201) return respond(form_problem(out, back));
                           HttpResponse redirect;
                           redirect.status = 303;
                           // Back to the case page once the views hold the rating.
                           std::string to = back;
                           if (auto pos = out.header("X-Agritrace-Position")) {
                             to += "&after=" + std::string(*pos);
                           }
                           redirect.headers.emplace_back("Location", to);
                           respond(std::move(redirect));
                         },
                         Caller{r->tenant, "consumer", false}, "rate_complaint",
                         core::Command(std::move(c)), 201);
             });
}

}  // namespace agritrace::api
