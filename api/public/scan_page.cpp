#include "api/public/scan_page.h"

#include <simdjson.h>

#include <mutex>
#include <unordered_map>

#include "api/codes/code_images.h"
#include "api/http/route_kit.h"
#include "api/public/scan_log.h"
#include "core/base/civil_time.h"
#include "projections/base/keys.h"
#include "projections/public/sampling_slot.h"
#include "projections/sales/queries.h"
#include "projections/trace/queries.h"

namespace agritrace::api {
namespace {

constexpr std::string_view kCookie = "agt_cid";

std::string h(std::string_view s) { return xml_escape(s, /*apostrophe=*/true); }

// Consumers see who supplied a material, not the full name: the first and last characters stay
// (UTF-8 aware): "博罗县绿源菜心种植专业合作社" -> "博罗****合作社", "张伟" -> "张*".
std::string mask_name(std::string_view name) {
  std::vector<std::string_view> chars;
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    chars.push_back(name.substr(i, n));
    i += n;
  }
  std::string out;
  if (chars.size() <= 2) {
    if (!chars.empty()) out += chars[0];
    return out + "*";
  }
  const size_t keep_head = chars.size() > 6 ? 2 : 1;
  const size_t keep_tail = chars.size() > 6 ? 3 : 1;
  for (size_t i = 0; i < keep_head; ++i) out += chars[i];
  out += "****";
  for (size_t i = chars.size() - keep_tail; i < chars.size(); ++i) out += chars[i];
  return out;
}

// Lookups that carry errors along instead of failing: a missing part reads as "" or 0.
using Node = simdjson::simdjson_result<simdjson::dom::element>;

std::string_view sv(Node e, const char* key) {
  std::string_view s;
  if (e[key].get_string().get(s)) return {};
  return s;
}

int64_t num(Node e, const char* key) {
  int64_t n = 0;
  if (e[key].get_int64().get(n)) return 0;
  return n;
}

std::string quantity_text(Node q) {
  const int64_t amount = num(q, "amount");
  const std::string_view unit = sv(q, "unit");
  if (unit == "g" && amount % 1000 == 0) return fmt::format("{} kg", amount / 1000);
  if (unit == "ml" && amount % 1000 == 0) return fmt::format("{} L", amount / 1000);
  if (unit == "piece") return fmt::format("{} 件", amount);
  return fmt::format("{} {}", amount, unit);
}

const char* document_kind_zh(std::string_view kind) {
  if (kind == "inspection_report") return "检验报告";
  if (kind == "production_record") return "生产记录";
  return "其他文件";
}

// "YYYY-MM-DD HH:MM" on the platform's calendar (Asia/Shanghai, UTC+8).
std::string shanghai_time(int64_t ms) {
  const std::string t = core::format_rfc3339_utc(ms + 8 * 3'600'000);
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

// The region a consumer may see of an enterprise or supplier: as registered (no street address).
std::string region_of(Node party) {
  std::string_view r = sv(party, "region");
  if (r.empty()) r = sv(party, "address");
  // At most province + city (the first two administrative names).
  const std::string s(r);
  for (const char* cut : {"市", "州", "盟"}) {
    const size_t at = s.find(cut);
    if (at != std::string::npos) return s.substr(0, at + std::string_view(cut).size());
  }
  return s;
}

const char* step_zh(const projections::CodeStep& s) {
  if (s.kind == "produced") return "生产";
  if (s.kind == "received") return "收货";
  if (s.shipment && s.shipment->retail()) return "售予消费者";
  return "发货";
}

struct Page {
  JsonWriter json;
  std::string html;
};

std::string cookie_value(const HttpRequest& req, std::string_view name) {
  auto cookie = req.header("Cookie");
  if (!cookie) return "";
  std::string_view c = *cookie;
  while (!c.empty()) {
    const size_t semi = c.find(';');
    std::string_view part = c.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with(name) && part.size() > name.size() && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    c.remove_prefix(semi + 1);
  }
  return "";
}

std::string head_html(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>{} · 产品追溯</title><link rel=\"stylesheet\" href=\"/public/scan.css\"></head>",
      h(title));
}

}  // namespace

std::string consumer_of(const HttpRequest& req) {
  std::string id = cookie_value(req, kCookie);
  return valid_consumer_id(id) ? id : std::string();
}

bool is_consumer_scan(const HttpRequest& req) {
  return (req.method == "GET" || req.method == "HEAD") &&
         (req.path.starts_with("/01/") || req.path.starts_with("/public/"));
}

std::optional<core::SoldAt> sold_at(const projections::ViewStore& views,
                                    const std::string& serial) {
  auto path = projections::code_path(views, serial);
  if (!path || path->status != "sold_to_consumer") return std::nullopt;
  core::SoldAt s;
  s.region = projections::enterprise_region_of(views, path->holder);
  for (const auto& step : path->steps) {
    if (step.kind != "shipped" || step.tenant != path->holder) continue;
    if (auto d = core::parse_date(step.date.substr(0, 10), "date"); d.ok()) {
      s.at_ms = int64_t{d->days_since_epoch} * 86'400'000 - 8 * 3'600'000;  // that day in Shanghai
    }
  }
  return s;
}

namespace {

// What a scan page shows from the views: everything but its scan section, rendered once per
// views version (ScanPageCache) and shared by the pages of the code until a commit changes the
// views. Both twins: HTML and JSON, in pieces around the scan section.
struct ScanPageParts {
  std::string product;
  bool recalled = false;
  std::optional<core::SoldAt> sold;  // for the signals "after sold elsewhere"
  std::string html_head;             // "<!DOCTYPE ...></head>"
  std::string html_top;              // banner and title, after "<body ...><main>"
  std::string html_tail;             // after the scan section
  std::string json_head;             // "{"code":...,"producer":{...}" (the object left open)
  std::string json_tail;             // ","materials":...}" (closes the object)
};

ScanPageParts render_parts(RouteKit& kit, const projections::ResolvedCode& code,
                           const core::ParsedDigitalLink& link, const std::string& self) {
  ScanPageParts parts;
  simdjson::dom::parser parser;
  std::string trace_json = "{}";  // an unreadable batch shows empty stages, not an error page
  if (auto trace = kit.queries.backward_trace(code.tenant, code.batch_id); trace.ok()) {
    trace_json = std::move(trace).value();
  }
  const Node t = parser.parse(trace_json);
  const Node batch = t["batch"];
  const Node producer = t["producer"];
  const std::string product(sv(batch, "product"));
  parts.product = product;
  if (!link.serial.empty()) parts.sold = sold_at(kit.views, link.serial);

  const projections::SalesQueries sales(kit.views);
  const bool recalled = !code.disabled && sales.is_recalled(code.tenant, link.lot, link.serial);
  parts.recalled = recalled;
  const char* status = code.disabled ? "disabled" : recalled ? "recalled" : "active";

  JsonWriter w;
  std::string html;
  w.begin_object();
  w.key("code")
      .begin_object()
      .field("gtin", code.gtin14)
      .field("lot", code.lot_code)
      .field("serial", link.serial)
      .field("status", code.disabled ? "disabled" : "active")
      .field("uri", self)
      .end_object();
  w.key("product")
      .begin_object()
      .field("name", product)
      .field("product_id", sv(batch, "product_id"));
  if (auto p = projections::CodesQueries(kit.views).catalogue_product(sv(batch, "product_id"));
      p && !sv(batch, "product_id").empty()) {
    w.field_raw("catalogue", *p);
  }
  w.end_object();
  const std::string_view expiry = sv(batch, "expiry_date");
  w.key("batch")
      .begin_object()
      .field("batch_id", code.batch_id)
      .field("lot_code", sv(batch, "lot_code"))
      .field("production_date", sv(batch, "production_date"))
      .key("expiry_date");
  if (expiry.empty())
    w.null();
  else
    w.value(expiry);
  w.end_object();
  w.key("producer")
      .begin_object()
      .field("name", sv(producer, "name"))
      .field("region", sv(producer, "region"))
      .field("enterprise_id", sv(producer, "enterprise_id"))
      .end_object();
  w.end_object();
  parts.json_head = w.take();
  parts.json_head.pop_back();  // the object stays open for the scan section

  parts.html_head = head_html(product);
  if (code.disabled) {
    html +=
        "<p class=\"banner bad\" role=\"alert\">⚠ "
        "此追溯码已被生产者停用。如商品上印有此码，可能为假冒或已下架商品，请勿食用，请向购买处或市"
        "场监管部门反映。</p>";
  } else if (recalled) {
    html +=
        "<p class=\"banner bad recall\" role=\"alert\">⚠ 召回警告 RECALL: "
        "此批次产品已被生产者召回，请勿食用，请联系购买处退货。</p>";
  } else {
    html += "<p class=\"banner ok\">✔ 追溯码有效</p>";
  }
  html += fmt::format("<h1>{}</h1><p class=\"sub\">溯源码 {} · 批号 {}</p>", h(product),
                      h(link.serial), h(sv(batch, "lot_code")));
  parts.html_top = std::move(html);
  html.clear();

  if (code.disabled) {
    parts.json_tail = "}";
    parts.html_tail = "</main><script src=\"/public/scan.js\"></script></body></html>";
    return parts;
  }
  w = JsonWriter();
  w.begin_object();
  // ---- raw materials ----
  w.key("materials").begin_array();
  html +=
      "<section aria-labelledby=\"s-raw\"><h2 id=\"s-raw\">原料来源</h2><table><thead><tr><th "
      "scope=\"col\">原料</th>"
      "<th scope=\"col\">供应商</th><th scope=\"col\">产地</th><th scope=\"col\">批号</th><th "
      "scope=\"col\">用量</th>"
      "</tr></thead><tbody>";
  struct Customs {
    std::string material, declaration, country, port, certificate;
  };
  std::vector<Customs> customs;
  simdjson::dom::array materials;
  bool any_material = false;
  if (!t["materials"].get(materials)) {
    for (simdjson::dom::element me : materials) {
      const Node m(simdjson::dom::element{me});
      const Node lot = m["lot"];
      const Node supplier = m["supplier"];
      const Node used = m["quantity_used"];
      const std::string supplier_name = mask_name(sv(supplier, "name"));
      const std::string origin = region_of(supplier);
      any_material = true;
      w.begin_object()
          .field("material", sv(lot, "material"))
          .field("supplier", supplier_name)
          .field("supplier_kind", sv(supplier, "kind"))
          .field("origin_region", origin)
          .field("supplier_lot", sv(lot, "supplier_lot"))
          .field("production_date", sv(lot, "production_date"))
          .field("expiry_date", sv(lot, "expiry_date"))
          .field_raw("quantity_used", fmt::format("{{\"amount\":{},\"unit\":\"{}\"}}",
                                                  num(used, "amount"), sv(used, "unit")));
      if (!sv(lot, "customs_declaration_number").empty()) {
        customs.push_back(
            {std::string(sv(lot, "material")), std::string(sv(lot, "customs_declaration_number")),
             std::string(sv(lot, "origin_country")), std::string(sv(lot, "port_of_entry")),
             std::string(sv(lot, "ciq_certificate_number"))});
      }
      w.end_object();
      html +=
          fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                      h(sv(lot, "material")), h(supplier_name), h(origin.empty() ? "—" : origin),
                      h(sv(lot, "supplier_lot")), quantity_text(used));
    }
  }
  if (!any_material) html += "<tr><td colspan=\"5\">暂无原料记录</td></tr>";
  html += "</tbody></table></section>";
  w.end_array();

  // ---- production ----
  html += fmt::format(
      "<section aria-labelledby=\"s-prod\"><h2 id=\"s-prod\">生产加工</h2><table><tbody>"
      "<tr><th scope=\"row\">生产企业</th><td>{}</td></tr><tr><th "
      "scope=\"row\">所在地区</th><td>{}</td></tr>"
      "<tr><th scope=\"row\">统一社会信用代码</th><td>{}</td></tr><tr><th "
      "scope=\"row\">生产批号</th><td>{}</td></tr>"
      "<tr><th scope=\"row\">生产日期</th><td>{}</td></tr><tr><th "
      "scope=\"row\">保质期至</th><td>{}</td></tr>"
      "</tbody></table><h3>检验报告与生产记录</h3><ul class=\"docs\">",
      h(sv(producer, "name")), h(sv(producer, "region")), h(sv(producer, "enterprise_id")),
      h(sv(batch, "lot_code")), h(sv(batch, "production_date")), expiry.empty() ? "—" : h(expiry));
  w.key("documents").begin_array();
  simdjson::dom::array docs;
  bool any_doc = false;
  if (!t["documents"].get(docs)) {
    for (simdjson::dom::element de : docs) {
      const Node d(simdjson::dom::element{de});
      any_doc = true;
      const std::string href =
          fmt::format("/v1/public/codes/{}/documents/{}", link.serial, sv(d, "sha256"));
      w.begin_object()
          .field("kind", sv(d, "kind"))
          .field("filename", sv(d, "filename"))
          .field("sha256", sv(d, "sha256"))
          .field("attached_at", sv(d, "attached_at"))
          .field("href", href)
          .end_object();
      html += fmt::format("<li>{}：<a href=\"{}\" download>{}</a>（{}）</li>",
                          document_kind_zh(sv(d, "kind")), h(href), h(sv(d, "filename")),
                          h(sv(d, "attached_at").substr(0, 10)));
    }
  }
  if (!any_doc) html += "<li>暂无</li>";
  html += "</ul></section>";
  w.end_array();

  // ---- circulation: each hand-over of this code ----
  w.key("circulation").begin_array();
  html += "<section aria-labelledby=\"s-circ\"><h2 id=\"s-circ\">流通环节</h2><ol class=\"steps\">";
  bool any_step = false;
  if (auto path = projections::code_path(kit.views, link.serial)) {
    for (const projections::CodeStep& s : path->steps) {
      any_step = true;
      const std::string name = projections::enterprise_name_of(kit.views, s.tenant);
      const std::string region = projections::enterprise_region_of(kit.views, s.tenant);
      std::string to;
      if (s.shipment && !s.shipment->retail()) {
        // To an unregistered customer: only its region (a person's name is personal data).
        to = s.shipment->ship_to_tenant.empty()
                 ? s.shipment->ship_to_region
                 : projections::enterprise_name_of(kit.views, s.shipment->ship_to_tenant);
      }
      w.begin_object()
          .field("step", s.kind)
          .field("enterprise", name)
          .field("region", region)
          .field("date", s.date.substr(0, 10));
      if (s.shipment) w.field("retail", s.shipment->retail());
      if (!to.empty()) w.field("to", to);
      w.end_object();
      html += fmt::format("<li><strong>{}</strong> {} <span class=\"small\">{} · {}</span>{}</li>",
                          step_zh(s), h(name), h(region), h(s.date.substr(0, 10)),
                          to.empty() ? "" : " → " + h(to));
    }
  }
  if (!any_step) html += "<li>暂无流通记录</li>";
  html += "</ol></section>";
  w.end_array();

  // ---- customs / import ----
  w.key("customs").begin_array();
  if (!customs.empty()) {
    html +=
        "<section aria-labelledby=\"s-cus\"><h2 id=\"s-cus\">进口信息</h2><table><thead><tr><th "
        "scope=\"col\">原料</th>"
        "<th scope=\"col\">报关单号</th><th scope=\"col\">原产国</th><th "
        "scope=\"col\">入境口岸</th>"
        "<th scope=\"col\">检验检疫证书</th></tr></thead><tbody>";
    for (const Customs& c : customs) {
      w.begin_object()
          .field("material", c.material)
          .field("customs_declaration_number", c.declaration)
          .field("origin_country", c.country)
          .field("port_of_entry", c.port)
          .field("ciq_certificate_number", c.certificate)
          .end_object();
      html +=
          fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                      h(c.material), h(c.declaration), h(c.country), h(c.port), h(c.certificate));
    }
    html += "</tbody></table></section>";
  }
  w.end_array();

  // ---- official sampling results (R-4.4.S, the sampling area's slot) ----
  const std::string sampling =
      projections::sampling_results_of_batch(kit.views, code.tenant, code.batch_id);
  w.field_raw("sampling", sampling);
  html += "<section aria-labelledby=\"s-samp\"><h2 id=\"s-samp\">监督抽检</h2><ul>";
  simdjson::dom::parser sparser;
  simdjson::dom::array results;
  bool any_result = false;
  if (!sparser.parse(sampling).get(results)) {
    for (simdjson::dom::element re : results) {
      const Node r(simdjson::dom::element{re});
      any_result = true;
      html += fmt::format("<li class=\"{}\">{} {}：{} {}（{}）</li>",
                          sv(r, "result") == "不合格" ? "bad" : "", h(sv(r, "announcement_date")),
                          h(sv(r, "announcement_number")), h(sv(r, "result")),
                          h(sv(r, "failing_item")), h(sv(r, "testing_institution")));
    }
  }
  if (!any_result) html += "<li>暂无该批次的抽检信息</li>";
  html += "</ul></section>";

  // the recall status (GS1 link type gs1:recallStatus).
  w.field_raw("recall_status", sales.recall_status(code.tenant, link.lot, link.serial));
  w.field("status", status);
  w.end_object();
  parts.json_tail = "," + w.take().substr(1);
  html += "<footer><p class=\"small\">GS1 数字链接 " + h(self) +
          "</p><p class=\"small\">由 AgriTrace 农产品产销对接平台提供</p></footer></main>"
          "<script src=\"/public/scan.js\"></script></body></html>";
  parts.html_tail = std::move(html);
  return parts;
}

}  // namespace

// The parts of the scan pages, per code and views stamp (exact: a commit that could change what
// a page shows - a recall, a hand-over, a disabled code - changes the stamp).
class ScanPageCache {
 public:
  std::shared_ptr<const ScanPageParts> get(const std::string& key, uint64_t version) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.first != version) return nullptr;
    return it->second.second;
  }
  void put(const std::string& key, const std::string& serial, uint64_t version,
           std::shared_ptr<const ScanPageParts> parts) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kMaxEntries && !entries_.count(key)) {
      entries_.clear();
      fresh_.clear();
    }
    entries_[key] = {version, std::move(parts)};
    if (!serial.empty()) fresh_[serial] = version;
  }
  // Whether parts of this serial's page were rendered at views state `version` (the I/O thread's
  // cheap question before it answers a scan itself, HttpServerOptions::inline_when).
  bool fresh(std::string_view serial, uint64_t version) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = fresh_.find(serial);
    return it != fresh_.end() && it->second == version;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr size_t kMaxEntries = 4'096;
  std::mutex mu_;
  std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>> fresh_;  // serial → version
  std::unordered_map<std::string, std::pair<uint64_t, std::shared_ptr<const ScanPageParts>>>
      entries_;
};

namespace {

// The caches of the views stores of this process, by ViewStore::instance_id() (never reused).
// register_public_routes keeps each one alive; the scan pages find theirs here.
std::mutex g_caches_mu;
std::unordered_map<uint64_t, std::weak_ptr<ScanPageCache>> g_caches;

std::shared_ptr<ScanPageCache> cache_of(const projections::ViewStore& views) {
  std::lock_guard<std::mutex> lock(g_caches_mu);
  auto it = g_caches.find(views.instance_id());
  return it == g_caches.end() ? nullptr : it->second.lock();
}

// The views' state: the next ledger offsets the views have committed, summed (every partition's
// offset only grows, so the sum changes with every commit). Only the projection runner commits
// the views, and it publishes the offsets after the commit: a value read before reading the views
// that still holds later means the reads saw no newer commit than the one it names.
uint64_t views_stamp(const RouteKit& kit) {
  uint64_t sum = 0;
  for (int64_t o : kit.runner.status().next_offsets) sum += static_cast<uint64_t>(o);
  return sum;
}

}  // namespace

std::shared_ptr<ScanPageCache> scan_page_cache(const projections::ViewStore& views) {
  auto cache = std::make_shared<ScanPageCache>();
  std::lock_guard<std::mutex> lock(g_caches_mu);
  std::erase_if(g_caches, [](const auto& kv) { return kv.second.expired(); });
  g_caches[views.instance_id()] = cache;
  return cache;
}

bool scan_answer_cached(const RouteKit& kit, const HttpRequest& req) {
  // GET or HEAD of a serial's Digital Link: /01/{gtin}/10/{lot}/21/{serial}, serial last.
  if ((req.method != "GET" && req.method != "HEAD") || !req.path.starts_with("/01/")) return false;
  std::string_view rest = std::string_view(req.path).substr(4);
  std::string_view seg[5];
  for (size_t i = 0; i < 5; ++i) {
    const size_t slash = rest.find('/');
    if ((slash == std::string_view::npos) != (i == 4)) return false;
    seg[i] = rest.substr(0, slash);
    if (seg[i].empty()) return false;
    if (i < 4) rest.remove_prefix(slash + 1);
  }
  if (seg[1] != "10" || seg[3] != "21") return false;
  auto serial = percent_decode(seg[4]);
  if (!serial.ok() || serial->empty()) return false;
  const std::shared_ptr<ScanPageCache> cache = cache_of(kit.views);
  return cache && cache->fresh(*serial, views_stamp(kit));
}

HttpResponse scan_answer(RouteKit& kit, const HttpRequest& req,
                         const projections::ResolvedCode& code, const core::ParsedDigitalLink& link,
                         const std::string& self, bool json) {
  // ---- the views' part: from the cache when no commit happened since it was rendered ----
  std::shared_ptr<const ScanPageParts> parts;
  const uint64_t version = views_stamp(kit);  // before any read of the views
  const std::shared_ptr<ScanPageCache> cache = cache_of(kit.views);
  const std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}{}", code.tenant,
                                      code.batch_id, link.gtin14, link.lot, link.serial, self,
                                      code.disabled ? 1 : 0, code.run_disabled ? 1 : 0);
  if (cache) parts = cache->get(key, version);
  if (!parts) {
    parts = std::make_shared<const ScanPageParts>(render_parts(kit, code, link, self));
    if (cache) cache->put(key, link.serial, version, parts);
  }

  // ---- the scan: consumer id (cookie, else a new random one), recorded in the scan log ----
  const int64_t now = kit.env.now_ms();
  std::string consumer = consumer_of(req);
  std::string set_cookie;
  if (consumer.empty()) {
    unsigned char r[16];
    if (kit.env.random_bytes(r, sizeof r).ok()) {
      static constexpr char kHex[] = "0123456789abcdef";
      for (unsigned char b : r) {
        consumer += kHex[b >> 4];
        consumer += kHex[b & 15];
      }
      set_cookie =
          fmt::format("{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", kCookie, consumer);
    }
  }
  // A lot's entry (no serial) shows the batch without recording a scan: scans are per code.
  ScanLog* log = link.serial.empty() ? nullptr : kit.options.scans;
  core::ScanSignals sig;
  std::string scan_id;
  if (log) {
    scan_id = log->new_scan_id(now);
    if (!scan_id.empty() && !consumer.empty()) {
      ScanRecord r;
      r.scan_id = scan_id;
      r.at_ms = now;
      r.consumer_id = consumer;
      r.serial = link.serial;
      r.gtin = link.gtin14;
      r.lot = link.lot;
      r.product = parts->product;
      r.tenant = code.tenant;
      r.batch_id = code.batch_id;
      sig = log->record_scan(std::move(r), parts->sold);
    } else {
      sig = log->code_signals(link.serial, parts->sold);
    }
  }

  HttpResponse resp;
  if (!set_cookie.empty()) resp.headers.emplace_back("Set-Cookie", set_cookie);
  resp.headers.emplace_back("Cache-Control", "no-store");  // a code may be disabled at any time

  if (code.disabled && json) {
    HttpResponse p =
        problem_response(410, "code_disabled",
                         code.run_disabled ? "this trace code's run was disabled by its producer"
                                           : "this trace code was disabled by its producer",
                         "code");
    for (auto& hd : resp.headers) p.headers.push_back(hd);
    return p;
  }

  // ---- scan signals ----
  JsonWriter w;
  std::string html;
  w.begin_object().field("count", sig.count).field("consumers", sig.consumers);
  html += "<section aria-labelledby=\"s-scan\"><h2 id=\"s-scan\">扫码记录</h2>";
  if (sig.first) {
    w.field("first_scanned_at", core::format_rfc3339_utc(sig.first->at_ms))
        .field("first_city", sig.first->city);
    html += fmt::format("<p class=\"scan-first\">首次扫描于 {}{}，共被扫描 {} 次。</p>",
                        shanghai_time(sig.first->at_ms),
                        sig.first->city.empty() ? "" : " " + h(sig.first->city), sig.count);
  } else {
    html += "<p>暂无扫码记录。</p>";
  }
  w.key("warnings").begin_array();
  for (core::ScanWarning x : sig.warnings) {
    w.begin_object()
        .field("code", core::scan_warning_name(x))
        .field("message", core::scan_warning_zh(x))
        .end_object();
    html += fmt::format("<p class=\"banner warn\" role=\"alert\">⚠ {}</p>",
                        h(core::scan_warning_zh(x)));
  }
  w.end_array().field("detail", sig.detail);
  if (!scan_id.empty()) w.field("scan_id", scan_id);
  w.end_object();
  if (!sig.detail.empty()) html += "<p class=\"small\">" + h(sig.detail) + "</p>";
  html += "<p class=\"small\"><a href=\"/public/my-scans\">我的扫码历史</a></p></section>";

  if (json) {
    const std::string scans = w.take();
    std::string body;
    body.reserve(parts->json_head.size() + scans.size() + parts->json_tail.size() + 16);
    body.append(parts->json_head).append(",\"scans\":").append(scans).append(parts->json_tail);
    HttpResponse r = json_response(200, std::move(body));
    for (auto& hd : resp.headers) r.headers.push_back(hd);
    return r;
  }
  std::string page;
  page.reserve(parts->html_head.size() + parts->html_top.size() + html.size() +
               parts->html_tail.size() + 128);
  page.append(parts->html_head)
      .append(fmt::format("<body data-scan-id=\"{}\" data-serial=\"{}\"><main>", h(scan_id),
                          h(link.serial)))
      .append(parts->html_top)
      .append(html)
      .append(parts->html_tail);
  resp.status = code.disabled ? 410 : 200;
  resp.content_type = "text/html; charset=utf-8";
  resp.body = std::move(page);
  return resp;
}

}  // namespace agritrace::api
