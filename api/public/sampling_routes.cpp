// Sampling inspection publication (R-4.4.S): regulators publish official sampling results (single
// entry, CSV import in UTF-8 or GB18030), finalise, correct and withdraw them; everyone reads the
// final ones (JSON list and the zh-CN mobile page /public/sampling); producers and regulators see
// the alerts of failing results matched to batches. Who publishes: regulators with the right
// publish_sampling (api/http/route_policy.cpp). The results are commands of the platform tenant ("platform").
#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "api/codes/code_images.h"
#include "api/http/route_kit.h"
#include "api/regulator/visibility.h"
#include "core/codes/codes.h"
#include "core/public/sampling_rules.h"
#include "core/uploads/csv_stream.h"
#include "core/uploads/templates.h"
#include "projections/base/keys.h"
#include "projections/public/sampling_queries.h"

namespace agritrace::api {
namespace {

namespace up = core::uploads;

constexpr size_t kMaxImportBytes = 4 * 1024 * 1024;

// The columns of the JSON body and of the CSV file (the CSV also takes the notices' Chinese
// headers). failing_item / measured_value / standard_value hold one value per failing item,
// separated by "；" or ";".
struct Column {
  std::string_view key, zh;
  bool required;
};
constexpr Column kColumns[] = {
    {"sample_number", "抽样编号", true},
    {"announcement_number", "公告号", true},
    {"announcement_date", "公告日期", true},
    {"sampled_unit_name", "被抽样单位名称", true},
    {"sampled_unit_region", "被抽样单位所在省份", false},
    {"producer_name", "标称生产企业名称", true},
    {"producer_uscc", "标称生产企业统一社会信用代码", false},
    {"producer_region", "标称生产企业地址", false},
    {"food_name", "食品名称", true},
    {"specification", "规格型号", false},
    {"production_date", "生产日期", false},
    {"lot_code", "批号", false},
    {"failing_item", "不合格项目", false},
    {"measured_value", "检验结果", false},
    {"standard_value", "标准值", false},
    {"result", "结论", true},
    {"category", "食品大类", false},
    {"subcategory", "食品细类", false},
    {"task_source", "任务来源", false},
    {"testing_institution", "检验机构", true},
};

std::vector<std::string> split_values(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == ';') {
      out.push_back(cur);
      cur.clear();
      ++i;
    } else if (s.substr(i, 3) == "；") {
      out.push_back(cur);
      cur.clear();
      i += 3;
    } else {
      cur.push_back(s[i++]);
    }
  }
  if (!cur.empty() || !out.empty()) out.push_back(cur);
  for (std::string& v : out) {
    while (!v.empty() && v.front() == ' ') v.erase(v.begin());
    while (!v.empty() && v.back() == ' ') v.pop_back();
  }
  return out;
}

// A record from flat string values (CSV row or JSON body); errors name the column key.
Result<core::SamplingRecord> record_of(const std::map<std::string, std::string, std::less<>>& v) {
  auto get = [&](std::string_view k) -> std::string {
    auto it = v.find(k);
    return it == v.end() ? std::string() : it->second;
  };
  core::SamplingRecord r;
  r.sample_number = get("sample_number");
  r.announcement_number = get("announcement_number");
  const std::string ad = get("announcement_date");
  if (ad.empty()) {
    return invalid("announcement_date_missing", "announcement_date is required",
                   "announcement_date");
  }
  AGT_SET(r.announcement_date, core::parse_date(ad, "announcement_date"));
  r.sampled_unit_name = get("sampled_unit_name");
  r.sampled_unit_region = get("sampled_unit_region");
  r.producer_name = get("producer_name");
  r.producer_uscc = get("producer_uscc");
  r.producer_region = get("producer_region");
  r.food_name = get("food_name");
  r.specification = get("specification");
  if (const std::string pd = get("production_date"); !pd.empty()) {
    AGT_SET(r.production_date, core::parse_date(pd, "production_date"));
  }
  r.lot_code = get("lot_code");
  r.result = get("result");
  const auto items = split_values(get("failing_item"));
  const auto measured = split_values(get("measured_value"));
  const auto standard = split_values(get("standard_value"));
  for (auto [values, name] :
       {std::pair{&measured, "measured_value"}, std::pair{&standard, "standard_value"}}) {
    if (!values->empty() && values->size() != items.size()) {
      return invalid("failing_values_mismatch",
                     fmt::format("{} has one value per failing item (separated by ；)", name),
                     name);
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    r.failing_items.push_back(
        {items[i], measured.empty() ? "" : measured[i], standard.empty() ? "" : standard[i]});
  }
  r.category = get("category");
  r.subcategory = get("subcategory");
  r.task_source = get("task_source");
  r.testing_institution = get("testing_institution");
  return r;
}

// The JSON body of a single entry or a correction: the columns as strings, failing_items as an
// array of {item, measured_value, standard_value}; `extra` keys are read by the caller.
Result<core::SamplingRecord> record_from_json(const JsonInput& in) {
  std::map<std::string, std::string, std::less<>> values;
  for (const Column& c : kColumns) {
    if (c.key == "failing_item" || c.key == "measured_value" || c.key == "standard_value") continue;
    AGT_TRY(v, in.opt_str(c.key, 1024));
    values[std::string(c.key)] = v;
  }
  AGT_TRY(r, record_of(values));
  if (in.has("failing_items")) {
    AGT_TRY(items, in.object_array("failing_items", core::kMaxSamplingFailingItems));
    for (const JsonInput& item : items) {
      AGT_CHECK(item.only({"item", "measured_value", "standard_value"}));
      core::SamplingFailingItem f;
      AGT_SET(f.item, item.str("item", 1024));
      AGT_SET(f.measured_value, item.opt_str("measured_value", 1024));
      AGT_SET(f.standard_value, item.opt_str("standard_value", 1024));
      r.failing_items.push_back(std::move(f));
    }
  }
  return r;
}

// The body's keys: the columns (failing items as an array) and the route's own `extra` key.
Status only_keys(const JsonInput& in, std::string_view extra) {
  return in.only({"sample_number", "announcement_number", "announcement_date", "sampled_unit_name",
                  "sampled_unit_region", "producer_name", "producer_uscc", "producer_region",
                  "food_name", "specification", "production_date", "lot_code", "failing_items",
                  "result", "category", "subcategory", "task_source", "testing_institution",
                  extra});
}

// Errors of a single result's command name the body's field: records[0].food_name -> food_name.
Responder single_record_fields(Responder respond) {
  return [respond = std::move(respond)](HttpResponse r) {
    if (r.status >= 400) {
      const std::string from = "\"field\":\"records[0].";
      if (auto at = r.body.find(from); at != std::string::npos) {
        r.body.replace(at, from.size(), "\"field\":\"");
      }
    }
    respond(std::move(r));
  };
}

// The column of a record field, as the file named it.
std::string column_of(std::string_view field,
                      const std::map<std::string, std::string, std::less<>>& header_names) {
  std::string key(field);
  if (key.rfind("failing_items", 0) == 0) {
    key = key.find(".measured_value") != std::string::npos   ? "measured_value"
          : key.find(".standard_value") != std::string::npos ? "standard_value"
                                                             : "failing_item";
  }
  auto it = header_names.find(key);
  return it == header_names.end() ? key : it->second;
}

HttpResponse rows_problem(const std::vector<up::RowError>& errors, std::string_view detail) {
  HttpResponse r = problem_response(422, "sampling_import_rows_invalid", detail);
  JsonWriter w;
  w.begin_object().key("errors").begin_array();
  for (const up::RowError& e : errors) {
    w.begin_object()
        .field("row", e.row)
        .field("column", e.column)
        .field("code", e.code)
        .field("message", e.message)
        .end_object();
  }
  w.end_array().end_object();
  r.body = projections::merge_json_objects(r.body, w.str());
  return r;
}

struct Desk {
  explicit Desk(RouteKit& k) : kit(k) {}
  RouteKit& kit;

  Caller platform(const HttpRequest& req) const {
    return Caller{std::string(core::kPlatformTenant), req.context->principal.label(), true};
  }

  Result<bool> finalise_of(std::string_view status) const {
    if (status.empty() || status == "draft") return false;
    if (status == "final") return true;
    return invalid("status_invalid", "status is draft or final", "status");
  }

  void record(const HttpRequest& req, Responder respond) {
    if (kit.json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    auto cmd = [&]() -> Result<core::Command> {
      AGT_CHECK(only_keys(*in, "status"));
      AGT_TRY(status, in->opt_str("status", 16));
      AGT_TRY(finalise, finalise_of(status));
      AGT_TRY(r, record_from_json(*in));
      AGT_CHECK(core::validate_sampling_record(r, kit.env.today()));
      return core::Command(core::RecordSamplingResults{{std::move(r)}, finalise});
    }();
    kit.submit(req, single_record_fields(std::move(respond)), platform(req),
               "record_sampling_result", std::move(cmd), 201);
  }

  void correct(const HttpRequest& req, const PathParams& p, Responder respond) {
    if (kit.json_too_large(req, respond)) return;
    auto in = JsonInput::parse(req.body);
    if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
    auto cmd = [&]() -> Result<core::Command> {
      AGT_CHECK(only_keys(*in, "reason"));
      AGT_TRY(reason, in->str("reason", core::kMaxNoteBytes));
      AGT_TRY(r, record_from_json(*in));
      return core::Command(
          core::CorrectSamplingResult{path_param(p, "result_id"), std::move(r), reason});
    }();
    kit.submit(req, std::move(respond), platform(req), "correct_sampling_result", std::move(cmd),
               201);
  }

  // POST /v1/sampling-results/imports?status=draft|final[&encoding=utf-8|gb18030]: a CSV file
  // (header row of column keys or the notices' Chinese headers). All rows or none: any bad row
  // answers 422 with every problem as {row, column, code, message}.
  void import(const HttpRequest& req, Responder respond) {
    if (req.body.size() > kMaxImportBytes) {
      return respond(problem_response(
          413, "body_too_large", fmt::format("a CSV import is at most {} bytes", kMaxImportBytes)));
    }
    if (req.body.empty())
      return respond(problem_response(422, "file_empty", "the CSV file is empty", "body"));
    auto finalise = finalise_of(req.query_param("status").value_or(""));
    if (!finalise.ok()) return respond(problem_from_error(finalise.error()));
    up::TextEncoding encoding = up::detect_encoding(std::string_view(req.body).substr(0, 4096));
    if (auto e = req.query_param("encoding"); e && !e->empty()) {
      auto parsed = up::parse_encoding(*e, "encoding");
      if (!parsed.ok()) return respond(problem_from_error(parsed.error()));
      encoding = *parsed;
    }
    std::string text;
    up::Transcoder transcoder(encoding);
    Status t = transcoder.feed(req.body, &text);
    if (t.ok()) t = transcoder.finish(&text);
    if (!t.ok()) return respond(problem_from_error(t.error()));
    std::vector<up::CsvRow> rows;
    up::CsvReader reader;
    Status c = reader.feed(text, &rows);
    if (c.ok()) c = reader.finish(&rows);
    if (!c.ok()) return respond(problem_from_error(c.error()));
    if (rows.empty())
      return respond(problem_response(422, "file_empty", "the CSV file has no header", "body"));

    // The header: column index -> key; the names as the file spells them, for the errors.
    std::vector<up::RowError> errors;
    std::vector<std::string> key_of_column;
    std::map<std::string, std::string, std::less<>> header_names;
    for (const std::string& name : rows[0].fields) {
      std::string key;
      for (const Column& col : kColumns) {
        if (name == col.key || name == col.zh) key = std::string(col.key);
      }
      if (key.empty()) {
        errors.push_back({rows[0].number, name, "column_unknown",
                          "this column is not a sampling notice column"});
      } else if (header_names.contains(key)) {
        errors.push_back({rows[0].number, name, "column_duplicate", "this column appears twice"});
      } else {
        header_names[key] = name;
      }
      key_of_column.push_back(key);
    }
    for (const Column& col : kColumns) {
      if (col.required && !header_names.contains(col.key)) {
        errors.push_back(
            {rows[0].number, std::string(col.key), "column_missing",
             "the file has no column " + std::string(col.key) + " (" + std::string(col.zh) + ")"});
      }
    }
    if (!errors.empty()) return respond(rows_problem(errors, "the CSV header is not usable"));
    if (rows.size() == 1)
      return respond(problem_response(422, "file_empty", "the CSV file has no data row", "body"));
    if (rows.size() - 1 > core::kMaxSamplingRecordsPerCommand) {
      return respond(problem_response(
          422, "records_too_many",
          fmt::format("at most {} rows per import", core::kMaxSamplingRecordsPerCommand), "body"));
    }

    const core::Date today = kit.env.today();
    core::RecordSamplingResults command;
    command.finalise = *finalise;
    auto row_numbers = std::make_shared<std::vector<int64_t>>();
    std::map<std::string, int64_t> seen;  // sample number -> row
    for (size_t i = 1; i < rows.size(); ++i) {
      const up::CsvRow& row = rows[i];
      std::map<std::string, std::string, std::less<>> values;
      for (size_t k = 0; k < row.fields.size() && k < key_of_column.size(); ++k) {
        values[key_of_column[k]] = row.fields[k];
      }
      if (row.fields.size() > key_of_column.size()) {
        errors.push_back(
            {row.number, "", "row_too_long", "the row has more fields than the header"});
        continue;
      }
      auto r = record_of(values);
      Status valid = r.ok() ? core::validate_sampling_record(*r, today) : Status(r.error());
      if (!valid.ok()) {
        errors.push_back({row.number, column_of(valid.error().field, header_names),
                          valid.error().reason, valid.error().message});
        continue;
      }
      if (auto [it, fresh] = seen.emplace(r->sample_number, row.number); !fresh) {
        errors.push_back({row.number, column_of("sample_number", header_names),
                          "sample_number_duplicate",
                          fmt::format("the same sample number as row {}", it->second)});
        continue;
      }
      row_numbers->push_back(row.number);
      command.records.push_back(std::move(*r));
    }
    if (!errors.empty()) {
      return respond(rows_problem(
          errors, fmt::format("{} row(s) are not valid; nothing was recorded", errors.size())));
    }
    // The rules may still refuse a row (a sample number already recorded): name its row.
    Responder answer = [respond = std::move(respond), row_numbers, header_names](HttpResponse r) {
      if (r.status < 400) return respond(std::move(r));
      const std::string marker = "\"field\":\"records[";
      auto at = r.body.find(marker);
      if (at == std::string::npos) return respond(std::move(r));
      size_t idx = 0;
      size_t p = at + marker.size();
      while (p < r.body.size() && r.body[p] >= '0' && r.body[p] <= '9')
        idx = idx * 10 + static_cast<size_t>(r.body[p++] - '0');
      const size_t field_start = p + 2;  // after "]."
      const size_t field_end = r.body.find('"', field_start);
      const std::string field =
          field_end == std::string::npos ? "" : r.body.substr(field_start, field_end - field_start);
      std::string code;
      if (auto c = r.body.find("\"code\":\""); c != std::string::npos) {
        code = r.body.substr(c + 8, r.body.find('"', c + 8) - c - 8);
      }
      const int64_t row = idx < row_numbers->size() ? (*row_numbers)[idx] : 0;
      respond(rows_problem({{row, column_of(field, header_names), code,
                             "refused by the rules; nothing was recorded"}},
                           "a row was refused; nothing was recorded"));
    };
    const size_t count = command.records.size();
    kit.submit(req, std::move(answer), platform(req), "import_sampling_results",
               core::Command(std::move(command)), 201,
               [count](JsonWriter& w, const events::CommandOutcome& out) {
                 w.field("count", static_cast<int64_t>(count));
                 w.key("result_ids").begin_array();
                 for (size_t i = 0; i < count && i < out.events.size(); ++i)
                   w.value(out.events[i].subject);
                 w.end_array();
               });
  }

  static Result<projections::SamplingFilter> filter_of(const HttpRequest& req) {
    projections::SamplingFilter f;
    auto text = [&](std::string_view name, std::string& out) -> Status {
      auto v = req.query_param(name);
      if (!v) return Status::Ok();
      if (v->size() > 256)
        return invalid(std::string(name) + "_too_long", "at most 256 bytes", std::string(name));
      out.assign(*v);
      return Status::Ok();
    };
    AGT_CHECK(text("food_name", f.food_name));
    AGT_CHECK(text("producer", f.producer));
    AGT_CHECK(text("region", f.region));
    AGT_CHECK(text("result", f.result));
    if (!f.result.empty() && f.result != core::kSamplingPassed &&
        f.result != core::kSamplingFailed) {
      return invalid("result_invalid", "result is 合格 or 不合格", "result");
    }
    AGT_SET(f.from, query_date(req, "from"));
    AGT_SET(f.to, query_date(req, "to"));
    if (f.from && f.to && *f.from > *f.to)
      return invalid("date_range_invalid", "from is after to", "from");
    return f;
  }

  HttpResponse page(const HttpRequest& req) const {
    auto f = filter_of(req);
    auto pg = RouteKit::page_of(req);
    std::string html =
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        "<title>食品安全监督抽检信息</title><link rel=\"stylesheet\" href=\"/public/scan.css\">"
        "</head><body><main><h1>食品安全监督抽检信息</h1>"
        "<p class=\"sub\">市场监管部门发布的监督抽检结果（仅显示已定稿的结果）</p>";
    const projections::SamplingFilter shown = f.ok() ? *f : projections::SamplingFilter{};
    auto input = [&](std::string_view id, std::string_view label, std::string_view value,
                     std::string_view type) {
      return fmt::format(
          "<label for=\"{0}\">{1}</label><input id=\"{0}\" name=\"{0}\" type=\"{2}\" "
          "value=\"{3}\">",
          id, label, type, xml_escape(value, true));
    };
    html +=
        "<form method=\"get\" action=\"/public/sampling\" role=\"search\" "
        "aria-label=\"筛选抽检结果\">";
    html += input("food_name", "食品名称", shown.food_name, "text");
    html += input("producer", "生产企业（名称或统一社会信用代码）", shown.producer, "text");
    html += input("region", "地区", shown.region, "text");
    html += "<label for=\"result\">结论</label><select id=\"result\" name=\"result\">";
    for (std::string_view v :
         {std::string_view(""), core::kSamplingFailed, core::kSamplingPassed}) {
      html += fmt::format("<option value=\"{}\"{}>{}</option>", v,
                          shown.result == v ? " selected" : "", v.empty() ? "全部" : v);
    }
    html += "</select>";
    html += input("from", "公告日期自", shown.from ? core::format_date(*shown.from) : "", "date");
    html += input("to", "公告日期至", shown.to ? core::format_date(*shown.to) : "", "date");
    html += "<button type=\"submit\">查询</button></form>";
    if (!f.ok() || !pg.ok()) {
      const Error& e = !f.ok() ? f.error() : pg.error();
      html += "<p class=\"banner warn\" role=\"alert\">筛选条件有误：" +
              xml_escape(e.message, true) + "</p>";
    } else {
      auto list = projections::SamplingQueries(kit.views).public_list(*f, *pg);
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (list.ok() && !parser.parse(*list).get(doc)) {
        auto s = [](simdjson::dom::element e, const char* k) {
          std::string_view v;
          if (e[k].get_string().get(v)) return std::string();
          return std::string(v);
        };
        simdjson::dom::array items;
        bool any = false;
        html +=
            "<section aria-labelledby=\"s-list\"><h2 id=\"s-list\">抽检结果</h2><ul "
            "class=\"steps\">";
        if (!doc["items"].get_array().get(items)) {
          for (simdjson::dom::element it : items) {
            any = true;
            const bool bad = s(it, "result") == core::kSamplingFailed;
            html += fmt::format(
                "<li><h3>{} <span class=\"{}\">{}</span></h3><p class=\"small\">{} {}（抽样编号 "
                "{}）</p>"
                "<p>标称生产企业：{} {}<br>被抽样单位：{} {}<br>规格型号：{} 生产日期/批号：{} "
                "{}</p>",
                xml_escape(s(it, "food_name"), true), bad ? "banner bad" : "banner ok",
                xml_escape(s(it, "result"), true), xml_escape(s(it, "announcement_date"), true),
                xml_escape(s(it, "announcement_number"), true),
                xml_escape(s(it, "sample_number"), true), xml_escape(s(it, "producer_name"), true),
                xml_escape(s(it, "producer_region"), true),
                xml_escape(s(it, "sampled_unit_name"), true),
                xml_escape(s(it, "sampled_unit_region"), true),
                xml_escape(s(it, "specification"), true),
                xml_escape(s(it, "production_date"), true), xml_escape(s(it, "lot_code"), true));
            if (bad) {
              html += fmt::format("<p class=\"bad\">不合格项目：{}；检验结果：{}；标准值：{}</p>",
                                  xml_escape(s(it, "failing_item"), true),
                                  xml_escape(s(it, "measured_value"), true),
                                  xml_escape(s(it, "standard_value"), true));
            }
            html += fmt::format("<p class=\"small\">{} / {}；任务来源：{}；检验机构：{}</p></li>",
                                xml_escape(s(it, "category"), true),
                                xml_escape(s(it, "subcategory"), true),
                                xml_escape(s(it, "task_source"), true),
                                xml_escape(s(it, "testing_institution"), true));
          }
        }
        if (!any) html += "<li>没有符合条件的抽检结果</li>";
        html += "</ul></section>";
        std::string_view next;
        if (!doc["next_after"].get_string().get(next)) {
          std::string q;
          for (auto [k, v] :
               {std::pair{"food_name", shown.food_name}, std::pair{"producer", shown.producer},
                std::pair{"region", shown.region}, std::pair{"result", shown.result}}) {
            if (!v.empty()) q += fmt::format("{}={}&", k, percent_encode(v));
          }
          if (shown.from) q += "from=" + core::format_date(*shown.from) + "&";
          if (shown.to) q += "to=" + core::format_date(*shown.to) + "&";
          html += fmt::format("<p><a href=\"/public/sampling?{}after_id={}\">下一页</a></p>",
                              xml_escape(q, true), percent_encode(next));
        }
      }
    }
    html +=
        "<footer><p class=\"small\">数据来源：市场监管部门公布的食品安全监督抽检信息</p>"
        "<p class=\"small\">由 AgriTrace 农产品产销对接平台提供</p></footer></main></body></html>";
    HttpResponse r;
    r.status = f.ok() && pg.ok() ? 200 : 422;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(html);
    return r;
  }
};

}  // namespace

void register_sampling_routes(RouteKit& kit, Router& router) {
  auto desk = std::make_shared<Desk>(kit);
  RouteKit* k = &kit;
  router.add("POST", "/v1/sampling-results", "recordSamplingResult",
             [desk](const HttpRequest& req, const PathParams&, Responder r) {
               desk->record(req, std::move(r));
             });
  router.add("POST", "/v1/sampling-results/imports", "importSamplingResults",
             [desk](const HttpRequest& req, const PathParams&, Responder r) {
               desk->import(req, std::move(r));
             });
  router.add("GET", "/v1/sampling-results/{result_id}", "getSamplingResult",
             [k](const HttpRequest& req, const PathParams& p, Responder respond) {
               const std::string id = path_param(p, "result_id");
               k->with_views(req, std::move(respond), [k, id] {
                 return RouteKit::answer(projections::SamplingQueries(k->views).result(id, true));
               });
             });
  router.add("POST", "/v1/sampling-results/{result_id}/corrections", "correctSamplingResult",
             [desk](const HttpRequest& req, const PathParams& p, Responder r) {
               desk->correct(req, p, std::move(r));
             });
  router.add("POST", "/v1/sampling-results/{result_id}/finalise", "finaliseSamplingResult",
             [desk](const HttpRequest& req, const PathParams& p, Responder r) {
               desk->kit.submit(
                   req, std::move(r), desk->platform(req), "finalise_sampling_result",
                   core::Command(core::FinaliseSamplingResult{path_param(p, "result_id")}), 200);
             });
  router.add(
      "POST", "/v1/sampling-results/{result_id}/withdraw", "withdrawSamplingResult",
      [desk](const HttpRequest& req, const PathParams& p, Responder respond) {
        if (desk->kit.json_too_large(req, respond)) return;
        auto in = JsonInput::parse(req.body);
        if (!in.ok()) return respond(problem_response(400, in.error().reason, in.error().message));
        auto cmd = [&]() -> Result<core::Command> {
          AGT_TRY(reason, reason_only(*in, true));
          return core::Command(core::WithdrawSamplingResult{path_param(p, "result_id"), reason});
        }();
        desk->kit.submit(req, std::move(respond), desk->platform(req), "withdraw_sampling_result",
                         std::move(cmd), 200);
      });

  // Alerts of failing results matched to batches: the producer's own, and every producer's.
  router.add("GET", "/v1/sampling-alerts", "listSamplingAlerts",
             kit.query_route([k](const Caller& c, const PathParams&,
                                 const HttpRequest& req) -> Result<std::string> {
               AGT_TRY(page, RouteKit::page_of(req));
               return projections::SamplingQueries(k->views).alerts(c.tenant, page);
             }));
  router.add("GET", "/v1/platform/sampling-alerts", "listPlatformSamplingAlerts",
             [k](const HttpRequest& req, const PathParams&, Responder respond) {
               auto page = RouteKit::page_of(req);
               if (!page.ok()) return respond(problem_from_error(page.error()));
               // A bureau sees the alerts of producers in its jurisdiction (issue 13).
               k->with_views(req, std::move(respond),
                             [k, page = *page, visible = enterprise_visible_to(k->views, req)] {
                               return RouteKit::answer(
                                   projections::SamplingQueries(k->views).alerts("", page, visible));
                             });
             });

  // The public end.
  router.add(
      "GET", "/v1/public/sampling-results", "listPublicSamplingResults",
      [k](const HttpRequest& req, const PathParams&, Responder respond) {
        auto f = Desk::filter_of(req);
        if (!f.ok()) return respond(problem_from_error(f.error()));
        auto page = RouteKit::page_of(req);
        if (!page.ok()) return respond(problem_from_error(page.error()));
        k->with_views(req, std::move(respond), [k, f = *f, page = *page] {
          return RouteKit::answer(projections::SamplingQueries(k->views).public_list(f, page));
        });
      });
  router.add("GET", "/v1/public/sampling-results/{result_id}", "getPublicSamplingResult",
             [k](const HttpRequest& req, const PathParams& p, Responder respond) {
               const std::string id = path_param(p, "result_id");
               k->with_views(req, std::move(respond), [k, id] {
                 return RouteKit::answer(projections::SamplingQueries(k->views).result(id, false));
               });
             });
  router.add("GET", "/public/sampling", "publicSamplingPage",
             [desk](const HttpRequest& req, const PathParams&, Responder respond) {
               respond(desk->page(req));
             });
}

}  // namespace agritrace::api
